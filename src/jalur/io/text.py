"""Reading a user's text file: one place that turns encoding and file-system faults into clear errors."""

from __future__ import annotations

from pathlib import Path

from jalur.errors import JalurError


def read_user_text(path: str | Path, error: type[JalurError]) -> str:
    """The text of *path*, decoded as UTF-8 (a byte-order mark is dropped).

    Parameters
    ----------
    path : path
        The file.
    error : type
        The :class:`~jalur.errors.JalurError` subclass to raise (e.g. ``DataError`` for data files).

    Raises
    ------
    error
        Naming the file when it cannot be read or is not UTF-8 text, and saying how to fix it.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise error(f"{p} does not exist") from None
    except IsADirectoryError:
        raise error(f"{p} is a folder, not a file") from None
    except OSError as exc:
        raise error(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{p} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
                    "save it as UTF-8 (in Excel: 'CSV UTF-8') and try again") from None
