"""Golden results of the built-in scenarios: every IAMC variable, region and year.

A change in results is a visible, reviewed change: ``python3 tests/golden/regenerate.py`` prints what changed,
and only ``--accept`` writes new files (see ``tests/golden/golden.py`` for the tolerances).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "golden"))

from golden import compute, differences, read  # noqa: E402

from jalur.pathways.scenario import builtin_names  # noqa: E402


@pytest.mark.parametrize("name", builtin_names())
def test_scenario_matches_golden(registry, name):
    diff = differences(read(name), compute(name, registry))
    assert diff.empty, f"{len(diff)} golden value(s) changed:\n{diff.head(40).to_string()}"
