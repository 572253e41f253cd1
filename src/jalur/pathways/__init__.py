"""Multiple-pathway scenarios: scenario files, the fleet projection, and its outputs."""
