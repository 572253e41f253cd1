"""Atomic writes and plain-data renderings of tables."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jalur.errors import OutputError


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write *data* to *path* through a temporary file in the same folder and a rename.

    An interrupted write leaves either the old file or none, never half a file.

    Raises
    ------
    OutputError
        Naming *path* and the reason when it cannot be written (a read-only folder, a file where a folder
        should be, a folder where the file should be, a full disk).
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"cannot write {p}: it is a folder; give a file name")
    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {p}: {write_failure(exc, p)}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return p


def write_failure(exc: OSError, p: Path) -> str:
    """Why writing *p* failed, in plain words (names a file that stands where a folder should be)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        for parent in p.parents:
            if parent.exists() and not parent.is_dir():
                return f"{parent} is a file, not a folder"
    return exc.strerror or str(exc)


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Atomic :func:`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _plain(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def frame_to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of *df* as JSON-ready dicts (NaN becomes null, NumPy scalars become Python ones)."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in df.to_dict("records")]
