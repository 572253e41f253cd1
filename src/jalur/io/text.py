"""Reading a user's text file: one place that turns encoding, file-system and YAML faults into clear errors."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from jalur.errors import JalurError

#: Byte-order marks jalur decodes (Excel's "Unicode text" is UTF-16 with a BOM; "CSV UTF-8" has a UTF-8 BOM).
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

#: First bytes of files a user may give by mistake, and what they are.
BINARY_SIGNATURES = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file is one)"),
                     (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"), (b"%PDF", "a PDF"),
                     (b"\x89PNG", "a PNG image"), (b"PAR1", "a Parquet file"))


def decode_user_bytes(raw: bytes, where: str, error: type[JalurError]) -> str:
    """Decode a user's file: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is an *error*.

    >>> decode_user_bytes("a;b".encode("utf-16"), "x.csv", ValueError)
    'a;b'
    """
    for bom, codec in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise error(f"{where} starts with a {codec} byte-order mark but is not valid {codec} text; "
                            "save it as UTF-8 (in Excel: 'CSV UTF-8') and try again") from None
    for sig, what in BINARY_SIGNATURES:
        if raw.startswith(sig):
            raise error(f"{where} is {what}, not a text file; save it as CSV UTF-8 (or YAML) and try again")
    head = raw[:4096]
    if len(head) >= 8 and head.count(b"\x00") * 2 >= len(head) * 0.9:  # UTF-16 without a byte-order mark
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
    if b"\x00" in head:
        raise error(f"{where} is a binary file (it holds NUL bytes), not a text file; give a CSV (UTF-8) or "
                    "YAML file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("cp1252")
            hint = " It looks like Windows-1252 (what Excel's 'CSV (Comma delimited)' writes)."
        except UnicodeDecodeError:
            pass
        raise error(f"{where} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}).{hint} "
                    "Save it as UTF-8 (in Excel: 'CSV UTF-8') and try again") from None


def read_user_text(path: str | Path, error: type[JalurError]) -> str:
    """The text of *path*, decoded by :func:`decode_user_bytes`.

    Parameters
    ----------
    path : path
        The file.
    error : type
        The :class:`~jalur.errors.JalurError` subclass to raise (e.g. ``DataError`` for data files).

    Raises
    ------
    error
        Naming the file when it cannot be read, is binary or is not UTF-8/UTF-16 text, and saying how to fix it.
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
    return decode_user_bytes(raw, str(p), error)


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last one silently)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: let the base constructor report it
            continue
        if first is not None:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice (first on line {first + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(text: str, where: str, error: type[JalurError]) -> Any:
    """Parse YAML *text* safely; a syntax error or a duplicate key raises *error* naming *where* and the line.

    >>> load_yaml("a: 1\\nb: 2\\n", "x.yaml", ValueError)
    {'a': 1, 'b': 2}
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{where}: not valid YAML{at}: {problem}") from None
