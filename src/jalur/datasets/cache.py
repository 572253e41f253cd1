"""A disk cache of validated registries, so that a command does not re-validate 50 tables every time it starts.

A registry is stored under ``$JALUR_HOME/cache/`` (default ``~/.cache/jalur``) as a pickle named by a SHA-256
of everything that could change it: the bytes of every table, schema and the source list, the data version,
jalur's version, the pandas and NumPy versions that pickled it, the tables asked for, and the path and bytes of
each override file. Any change gives a new name, so a stale entry is never read; at most
:data:`KEEP` entries are kept. If the folder cannot be written (a read-only home, a full disk), jalur runs
without the cache; if an entry cannot be read, it is rebuilt. ``JALUR_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from jalur._version import __version__
from jalur.home import caching, home

#: Cache entries kept (the newest by use); older ones are removed. Only files named ``registry-*.pkl`` are.
KEEP = 8


def registry_key(files: Iterable[Path], *extra: str) -> str:
    """SHA-256 (hex) of the files' names and bytes, jalur's, pandas' and NumPy's versions and *extra* strings."""
    h = hashlib.sha256()
    for part in (__version__, pd.__version__, np.__version__, f"{sys.version_info[:2]}", *extra):
        h.update(part.encode("utf-8") + b"\0")
    for f in sorted(Path(p) for p in files):
        h.update(f.name.encode("utf-8") + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _entry(key: str) -> Path:
    return home() / "cache" / f"registry-{key[:40]}.pkl"


def cached(key: str, build: Callable[[], object]) -> object:
    """The object cached under *key*, else ``build()`` (stored for next time when the cache can be written)."""
    if not caching():
        return build()
    path = _entry(key)
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
        os.utime(path)
        return obj
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    obj = build()
    _store(path, obj)
    return obj


def _store(path: Path, obj: object) -> None:
    """Write *obj* atomically; on any file-system fault, do nothing (the run goes on without the cache)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        entries = sorted(path.parent.glob("registry-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
