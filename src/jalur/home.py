"""jalur's own folder for caches, ``$JALUR_HOME``, and the switch that turns caching off.

Nothing jalur keeps there is needed: every cache is rebuilt when missing, stale or unwritable.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """jalur's folder for caches: ``$JALUR_HOME``, else ``$XDG_CACHE_HOME/jalur``, else ``~/.cache/jalur``."""
    if os.environ.get("JALUR_HOME"):
        return Path(os.environ["JALUR_HOME"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jalur"


def caching() -> bool:
    """Whether jalur's caches are used (``JALUR_NO_CACHE`` unset or empty)."""
    return not os.environ.get("JALUR_NO_CACHE")
