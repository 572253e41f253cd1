"""Rendering for the command line: tables, CSV and JSON on stdout; messages and progress on stderr."""

import json
import sys
from enum import Enum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table as RichTable

from jalur.errors import InputError
from jalur.locale import LANGUAGES, localise

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def language(lang: str | None) -> str:
    """The output language: *lang*, else ``$JALUR_LANG``, else ``id`` when ``$LANG`` starts with ``id``, else ``en``."""
    import os

    chosen = lang or os.environ.get("JALUR_LANG") or ("id" if os.environ.get("LANG", "").startswith("id") else "en")
    if chosen not in LANGUAGES:
        raise InputError(f"unknown language {chosen!r} (--lang or JALUR_LANG); languages: {', '.join(LANGUAGES)}")
    return chosen


def fmt_value(v: Any, lang: str = "en") -> str:
    """A cell for a rich table: 4 significant digits below 1,000, thousands separators above; with ``id`` the
    Indonesian separators (``1.234,5``).

    >>> fmt_value(1234.5), fmt_value(1234.5, "id"), fmt_value(3.14159, "id")
    ('1,234', '1.234', '3,142')
    """
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v in (float("inf"), float("-inf")):
            return "never" if v > 0 else "-inf"
        text = f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"
        return localise(text, lang)
    return "" if v is None else str(v)


def render(df: pd.DataFrame, fmt: Format, title: str | None = None, caption: str | None = None,
           lang: str = "en", units: dict[str, str] | None = None) -> None:
    """Print *df* as a rich table, CSV or a JSON array of records.

    In a table every numeric column shows its unit under its name: from *units* (column -> unit), else the
    frame's ``unit`` column when all rows share one. Titles and captions are printed as text (``[g/km]`` is not
    rich markup).
    """
    from rich.markup import escape

    from jalur.datasets import to_csv_text
    from jalur.io import frame_to_records

    if fmt == Format.csv:
        sys.stdout.write(to_csv_text(df))
    elif fmt == Format.json:
        sys.stdout.write(json.dumps(frame_to_records(df), ensure_ascii=False, indent=1) + "\n")
    else:
        units = dict(units or {})
        if "unit" in df.columns and df["unit"].nunique() == 1:
            shared = str(df["unit"].iloc[0])
            units = {c: units.get(c, shared) for c in df.columns if c != "unit" and pd.api.types.is_numeric_dtype(df[c])}
        t = RichTable(title=escape(title) if title else None, caption=escape(caption) if caption else None,
                      show_lines=False, header_style="bold")
        for c in df.columns:
            numeric = pd.api.types.is_numeric_dtype(df[c])
            head = escape(str(c) + (f"\n[{units[str(c)]}]" if str(c) in units else ""))
            t.add_column(head, justify="right" if numeric else "left")
        for row in df.itertuples(index=False):
            t.add_row(*[escape(fmt_value(v, lang)) for v in row])
        out.print(t)


def write_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def parse_where(items: list[str] | None) -> dict[str, list[str]]:
    """Turn ``["region=jamali", "year=2030,2040"]`` into ``{"region": ["jamali"], "year": ["2030", "2040"]}``."""
    conds: dict[str, list[str]] = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--where {item!r}: expected KEY=VALUE (e.g. --where region=jamali)")
        k, v = item.split("=", 1)
        conds.setdefault(k.strip(), []).extend(x.strip() for x in v.split(","))
    return conds


def progress():
    """A rich progress bar on stderr (shown only on a terminal)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not sys.stderr.isatty())
