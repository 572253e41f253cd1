"""Reading and writing: atomic file writes and table renderings (CSV, JSON)."""

from jalur.io.files import atomic_write_bytes, atomic_write_text, frame_to_records, write_failure

__all__ = ["atomic_write_bytes", "atomic_write_text", "frame_to_records", "write_failure"]
