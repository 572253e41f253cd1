"""A disk cache of validated registries, so that a command does not re-validate 50 tables every time it starts.

A registry is stored under ``$JALUR_HOME/cache/`` (default ``~/.cache/jalur``) as a pickle named by a SHA-256
of everything that could change it: the bytes of every table, schema and the source list, the data version,
jalur's version and the bytes of its source code, the pandas and NumPy versions that pickled it, the tables asked
for, and the path and bytes of each override file. Any change gives a new name, so a stale entry is never read;
at most :data:`KEEP` entries are kept. Beside it, what models derived from that registry (the values of
:func:`jalur.datasets.memoize`, pure functions of the registry and their arguments) is kept when the process
ends, so the next command starts where the last one stopped. If the folder cannot be written (a read-only home,
a full disk), jalur runs without the cache; if an entry cannot be read, it is rebuilt. ``JALUR_NO_CACHE=1``
turns the cache off.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from jalur._version import __version__
from jalur.home import caching, home

#: Cache entries kept (the newest by use); older ones are removed. Only files named ``registry-*.pkl`` are.
KEEP = 8


#: Largest memo file written [bytes]; a session that derived more keeps it in memory only.
MAX_MEMO_BYTES = 64 * 2**20


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 (hex) of jalur's Python source files (a changed model never reads an old cache)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode("utf-8") + b"\0" + f.read_bytes())
    return h.hexdigest()


def registry_key(files: Iterable[Path], *extra: str) -> str:
    """SHA-256 (hex) of the files' names and bytes, jalur's version and source code, pandas' and NumPy's versions
    and *extra* strings."""
    h = hashlib.sha256()
    for part in (__version__, code_digest(), pd.__version__, np.__version__, f"{sys.version_info[:2]}", *extra):
        h.update(part.encode("utf-8") + b"\0")
    for f in sorted(Path(p) for p in files):
        h.update(f.name.encode("utf-8") + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _entry(key: str) -> Path:
    return home() / "cache" / f"registry-{key[:40]}.pkl"


class _Pickler(pickle.Pickler):
    """Pickles the registry a value was derived from as a reference, not a copy (see :class:`MemoStore`)."""

    def __init__(self, fh, reg: object):
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.reg = reg

    def persistent_id(self, obj: object) -> str | None:
        return "registry" if obj is self.reg else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, reg: object):
        super().__init__(fh)
        self.reg = reg

    def persistent_load(self, pid: str) -> object:
        if pid != "registry":
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return self.reg


class MemoStore:
    """What models derived from one registry, on disk: one file per module of memoised functions, read when a
    function of that module is first asked for a value (so ``jalur tax`` never unpickles the fleet's arrays), and
    written back when the process ends with what it added. A value that holds the registry (a model context) is
    stored with a reference to it, and gets the live registry back when read."""

    def __init__(self, key: str):
        self.prefix = f"memo-{key[:40]}-"
        self.loaded: set[str] = set()
        self.known: set = set()
        self.reg: object = None

    def _path(self, group: str) -> Path:
        return home() / "cache" / f"{self.prefix}{group}.pkl"

    def _read(self, path: Path) -> dict:
        with path.open("rb") as fh:
            return _Unpickler(fh, self.reg).load()

    def fill(self, reg: object, group: str) -> None:
        """Add the stored values of *group* (a module name) to the memo of *reg*, once."""
        if group in self.loaded:
            return
        self.loaded.add(group)
        self.reg = reg
        try:
            stored = self._read(self._path(group))
        except Exception:  # missing, damaged or from other code: rebuilt on use
            return
        for k, v in stored.items():
            reg._memo.setdefault(k, v)
            self.known.add(k)

    def save(self) -> None:
        """Write the values this process added, merged with what another process may have written meanwhile."""
        if self.reg is None:
            return
        groups: dict[str, dict] = {}
        for k, v in list(self.reg._memo.items()):
            if k not in self.known and isinstance(k, tuple) and k and isinstance(k[0], str):
                groups.setdefault(k[0], {})[k] = v
        for group, new in groups.items():
            path = self._path(group)
            try:
                merged = self._read(path)
            except Exception:
                merged = {}
            merged.update(new)
            buf = io.BytesIO()
            try:
                _Pickler(buf, self.reg).dump(merged)
            except Exception:  # a value that cannot be pickled: this group stays in memory only
                continue
            if buf.tell() <= MAX_MEMO_BYTES:
                _store(path, buf.getvalue(), prune=False)


def cached(key: str, build: Callable[[], object], kind: type | None = None) -> object:
    """The object cached under *key*, else ``build()`` (stored for next time when the cache can be written).

    An entry that cannot be read, or is not a *kind*, is rebuilt and replaced.
    """
    if not caching():
        return build()
    path = _entry(key)
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
        if kind is None or isinstance(obj, kind):
            os.utime(path)
            return obj
    except Exception:  # damaged, from other code, half-written by a killed process: rebuild it
        pass
    obj = build()
    _store(path, obj)
    return obj


def memo_store(key: str) -> MemoStore | None:
    """A :class:`MemoStore` for the registry cached under *key*, saved when the process ends (None: no cache)."""
    if not caching():
        return None
    store = MemoStore(key)
    atexit.register(store.save)
    return store


def _store(path: Path, obj: object, prune: bool = True) -> None:
    """Write *obj* atomically; on any file-system fault, do nothing (the run goes on without the cache)."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(obj, bytes):
                fh.write(obj)
            else:
                pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        if prune:  # the oldest registries go, with what was derived from them
            entries = sorted(path.parent.glob("registry-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[KEEP:]:
                old.unlink(missing_ok=True)
                for memo in path.parent.glob(old.name.replace("registry-", "memo-", 1)[:-4] + "-*.pkl"):
                    memo.unlink(missing_ok=True)
    except Exception:  # a full disk, a read-only folder, a value that cannot be pickled: no cache this time
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
