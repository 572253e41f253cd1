"""The cited data registry: tables, their schemas, their sources, and user overrides.

Every number that enters a jalur model comes from a table under ``jalur/data/tables`` described by a
schema under ``jalur/data/schema`` and pointing, row by row, into ``jalur/data/sources.csv``.
:func:`load` reads and validates all of it; any problem raises :class:`~jalur.errors.DataError`
naming the file, the line and the column. The format is documented in ``docs/data-format.md``.

- :mod:`~jalur.datasets.schema` — schemas (columns, allowed values, references, unit rules);
- :mod:`~jalur.datasets.validate` — validation of tables, sources and references;
- :mod:`~jalur.datasets.registry` — the frozen :class:`Registry`, :func:`load` and :func:`memoize`;
- :mod:`~jalur.datasets.overrides` — a user's rows and sources applied on top.

Examples
--------
>>> reg = load()
>>> reg.data_version == data_version()
True
>>> "grid-intensity" in reg.names()
True
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from jalur.datasets.overrides import apply_override, read_override
from jalur.datasets.registry import (
    DATA_DIR,
    SCHEMA_DIR,
    SOURCES_FILE,
    TABLE_DIR,
    FrozenError,
    Registry,
    check,
    data_version,
    load,
    load_from,
    memoize,
)
from jalur.datasets.schema import ColumnSpec, Schema, ValueRule, load_schema
from jalur.datasets.table import OverrideRecord, Table, cell_number, cell_yes
from jalur.datasets.validate import check_references, check_sources, validate_frame


def to_csv_text(df: pd.DataFrame) -> str:
    """CSV text of a table (used by the CLI and exports)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


__all__ = [
    "DATA_DIR", "SCHEMA_DIR", "SOURCES_FILE", "TABLE_DIR", "ColumnSpec", "FrozenError", "OverrideRecord", "Registry",
    "Schema", "Table", "ValueRule", "apply_override", "cell_number", "cell_yes", "check", "check_references",
    "check_sources", "data_version", "load", "load_from", "load_schema", "memoize", "read_override", "to_csv_text",
    "validate_frame",
]
