"""Every shipped data file matches its reviewed hash (see ``tests/datahash/review.py`` to review a change)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "datahash"))

from review import changes  # noqa: E402


def test_shipped_data_is_the_reviewed_data():
    ch = changes()
    assert not ch, ("data changed without review: " + ", ".join(f"{n} ({w})" for n, w in sorted(ch.items()))
                    + "; run `python3 tests/datahash/review.py`, look at the rows, then --accept")
