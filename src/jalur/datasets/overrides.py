"""Override files: a user's rows (and sources) replacing or adding rows of any table.

Two formats are accepted.

YAML::

    sources:
      - {id: my-study, citation: "Me (2026), my grid study", url: "...", type: user}
    tables:
      grid-intensity:
        - {region: jamali, scenario: current-policies, year: 2030, basis: life-cycle,
           value: 500, unit: g CO2e/kWh, source_id: my-study}

CSV: a ``table`` column naming the table of each row, that table's key columns, ``value``, ``unit``,
optional ``low``/``high``, ``source_id``, and optional ``citation`` (with ``url``) that declares a new
source id on the spot.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from jalur.datasets.table import OverrideRecord, Table
from jalur.datasets.validate import (
    SOURCE_COLUMNS,
    check_constraints,
    check_references,
    check_sources,
    read_csv_text,
    validate_frame,
)
from jalur.errors import DataError
from jalur.io.text import load_yaml, read_user_text


def _read_yaml(text: str, where: str) -> tuple[dict[str, list[dict]], list[dict]]:
    raw = load_yaml(text, where, DataError) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("tables"), dict):
        raise DataError(f"{where}: an override needs a 'tables' mapping of table name -> list of rows")
    bad = set(raw) - {"tables", "sources"}
    if bad:
        raise DataError(f"{where}: unknown top-level key(s) {sorted(bad)}; allowed: tables, sources")
    sources = []
    for s in raw.get("sources") or []:
        if not isinstance(s, dict):
            raise DataError(f"{where}: sources: each source must be a mapping with id and citation")
        sources.append({k: "" if v is None else str(v) for k, v in s.items()})
    rows = {}
    for name, lst in raw["tables"].items():
        if not isinstance(lst, list) or not all(isinstance(r, dict) for r in lst):
            raise DataError(f"{where}: tables.{name}: must be a list of rows (mappings)")
        if not lst:
            raise DataError(f"{where}: tables.{name}: no rows; give at least one row (or remove the table)")
        rows[name] = [{k: "" if v is None else str(v) for k, v in r.items()} for r in lst]
    if not rows:
        raise DataError(f"{where}: 'tables' is empty; give at least one table with rows")
    return rows, sources


#: A number written with a decimal comma, optionally with dots grouping thousands ("9,5", "1.234,5").
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+|[+-]?\d{1,3}(\.\d{3})+")
#: Only dots grouping thousands ("1.234"): a thousand or a decimal? Refused in a decimal-comma file.
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}\.\d{3}")


def sniff_delimiter(text: str) -> str:
    """The field delimiter of a CSV text from its header line: ``,``, ``;`` (Indonesian- or European-locale
    Excel, which also writes decimal commas) or a tab (Excel's "Unicode text").

    >>> sniff_delimiter("table;region;value\\n")
    ';'
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _decimal_commas(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Cells of a semicolon CSV written with a decimal comma, as numbers with a decimal point."""
    problems = []
    for c in df.columns:
        col = df[c].astype(str).str.strip()
        amb = col.str.fullmatch(_AMBIGUOUS.pattern) & ~col.str.contains(",")
        for i in col.index[amb][:3]:
            problems.append(f"row {i + 2}, column '{c}': {col[i]!r}")
        dec = col.str.fullmatch(_DECIMAL_COMMA.pattern) & ~amb
        df.loc[dec, c] = col[dec].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    if problems:
        raise DataError(f"{where}: a semicolon-separated CSV (decimal commas) holds numbers with a dot and three "
                        f"digits ({'; '.join(problems)}): a thousand separator or a decimal point? Write numbers "
                        "without thousand separators (9,5 or 1234,5) and try again")
    return df


def _row_shapes(text: str, sep: str, where: str) -> str:
    """The text without empty rows (blank lines, Excel's ``;;;;``), after checking every row has as many cells as
    the header (an unquoted separator inside a text shifts every later cell)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep))
    if not rows:
        return text
    width = len(rows[0])
    kept, bad = [rows[0]], []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != width:
            bad.append(f"line {i} has {len(r)} cells")
        kept.append(r)
    if bad:
        raise DataError(f"{where}: the header has {width} cells but {'; '.join(bad[:5])}"
                        + (f" (and {len(bad) - 5} more)" if len(bad) > 5 else "") + f". A text holding a '{sep}' "
                        "must be in double quotes; a missing cell must still have its separator")
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(kept)
    return out.getvalue()


def _uses_decimal_commas(df: pd.DataFrame, where: str) -> bool:
    """Whether a tab-separated file writes decimals with a comma (Indonesian Excel's "Unicode text"); a file
    with both 9,5 and 9.5 is refused."""
    cells = pd.Series(df.to_numpy().ravel()).astype(str).str.strip()
    comma, dot = cells.str.fullmatch(r"[+-]?\d+,\d+").any(), cells.str.fullmatch(r"[+-]?\d+\.\d+").any()
    if comma and dot:
        raise DataError(f"{where}: the file writes some decimals with a comma (9,5) and others with a point (9.5); "
                        "use one")
    return bool(comma)


def _read_csv(text: str, where: str) -> tuple[dict[str, list[dict]], list[dict]]:
    sep = sniff_delimiter(text)
    df = read_csv_text(_row_shapes(text, sep, where), where, sep=sep)
    if "table" not in df.columns:
        found = ", ".join(repr(c) for c in list(df.columns)[:8]) or "nothing"
        raise DataError(f"{where}: an override CSV needs a 'table' column naming each row's table; the header "
                        f"(read as {_SEP_NAMES[sep]}-separated) has {found}")
    if not len(df):
        raise DataError(f"{where}: the CSV has a header but no rows; add the rows to override (one per line)")
    if sep == ";" or (sep == "\t" and _uses_decimal_commas(df, where)):
        df = _decimal_commas(df, where)
    rows: dict[str, list[dict]] = {}
    sources = []
    for r in df.to_dict("records"):
        name = r.pop("table").strip()
        cit, url = r.pop("citation", "").strip(), r.pop("url", "").strip()
        if cit:
            sources.append({"id": r.get("source_id", "").strip(), "citation": cit, "url": url, "type": "user"})
        rows.setdefault(name, []).append({k: v for k, v in r.items() if v != "" or k in ("low", "high")})
    return rows, sources


_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def read_override(path: str | Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Read an override file into ``{table: raw rows}`` and its new sources (see the module docstring)."""
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise DataError(f"override file {where} does not exist")
    text = read_user_text(p, DataError)
    if p.suffix.lower() in (".yaml", ".yml"):
        rows, new_sources = _read_yaml(text, where)
    elif p.suffix.lower() == ".csv":
        rows, new_sources = _read_csv(text, where)
    else:
        raise DataError(f"{where}: override files must be .yaml, .yml or .csv")
    frames = {n: pd.DataFrame(r, dtype=object).fillna("").astype(str) for n, r in rows.items()}
    srcs = (pd.DataFrame(new_sources, dtype=object).fillna("") if new_sources
            else pd.DataFrame(columns=list(SOURCE_COLUMNS)))
    if len(srcs):  # several CSV rows may declare the same source
        srcs = srcs.drop_duplicates(subset=["id"], keep="first")
    return frames, srcs


def _merge_sources(reg, new_src: pd.DataFrame, where: str) -> pd.DataFrame:
    if not len(new_src):
        return reg.sources
    new_src = new_src.copy()
    for c in SOURCE_COLUMNS:
        if c not in new_src.columns:
            new_src[c] = ""
    new_src.loc[new_src["type"] == "", "type"] = "user"
    checked = check_sources(new_src[list(SOURCE_COLUMNS)].copy(), f"{where} (sources)")
    clash = sorted(set(checked.index) & set(reg.sources.index))
    if clash:
        raise DataError(f"{where}: source id(s) {clash} already exist in sources.csv; choose new ids")
    return pd.concat([reg.sources, checked])


def _known_keys(reg, frames: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Keys of every table in order, with the rows an override adds (so a new dimension row can be used at once)."""
    out = {}
    for name, t in reg.tables.items():
        key = t.schema.key[0]
        keys = list(t.frame[key].astype(str))
        if name in frames and key in frames[name].columns:
            keys += list(frames[name][key].astype(str).str.strip())
        out[name] = list(dict.fromkeys(keys))
    return out


def _check_override_columns(raw: pd.DataFrame, schema, where: str) -> None:
    """An override row must give the key, ``source_id`` (and ``value``, ``unit``); other columns may be left out.
    A column the table does not have is an error, with the nearest allowed name."""
    required = list(schema.key) + ["source_id"] + (["value", "unit"] if schema.has_values else [])
    allowed = list(dict.fromkeys(required + list(schema.columns) + (["low", "high"] if schema.has_values else [])
                                 + ["note"]))
    missing = [c for c in required if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in allowed and not str(c).startswith("_")]
    if not (missing or unknown):
        return
    parts = []
    for c in unknown:
        near = difflib.get_close_matches(str(c), allowed, n=1)
        parts.append(f"unknown column {c!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    if missing:
        parts.append(f"missing required column(s) {missing}")
    optional = [c for c in allowed if c not in required]
    raise DataError(f"{where} [{schema.name}]: {'; '.join(parts)}. Required: {', '.join(required)}; optional: "
                    f"{', '.join(optional)}")


def _merge_table(base: Table, raw: pd.DataFrame, ids: set[str], where: str,
                 known: dict[str, list[str]]) -> tuple[Table, dict[str, int]]:
    schema = base.schema
    _check_override_columns(raw, schema, where)
    raw = raw.copy()
    if schema.has_values:
        for c in ("low", "high"):
            if c not in raw.columns:
                raw[c] = ""
    else:
        raw = raw.drop(columns=[c for c in ("low", "high") if c in raw.columns])
    for cname in schema.columns:
        if cname not in raw.columns and cname not in schema.key:
            raw[cname] = ""
    checked = validate_frame(raw, schema, ids, f"{where} [{schema.name}]", lines=[i + 1 for i in range(len(raw))],
                             known=known)
    key_cols = list(schema.key)
    base_keys = base.frame[key_cols].astype(str).agg("|".join, axis=1)
    new_keys = set(checked[key_cols].astype(str).agg("|".join, axis=1))
    replaced = base_keys.isin(new_keys).to_numpy()
    merged = pd.concat([base.frame[~replaced], checked], ignore_index=True)
    return Table(schema, merged), {"replaced": int(replaced.sum()), "added": len(checked) - int(replaced.sum())}


def apply_override(reg, path: str | Path):
    """A copy of the registry *reg* with the override file *path* applied (rows with the same key replaced).

    Raises
    ------
    DataError
        Naming the override file for an unknown table, a row that fails the table's schema, a name that is
        not a row of its dimension table, or a source that is neither shipped nor declared in the file.
    """
    where = str(path)
    frames, new_src = read_override(path)
    sources = _merge_sources(reg, new_src, where)
    ids = set(sources.index)
    tables = dict(reg.tables)
    changes: dict[str, dict[str, int]] = {}
    unknown = [n for n in frames if n not in reg.tables]
    if unknown:
        raise DataError(f"{where}: no data table {unknown[0]!r}; tables: {', '.join(reg.names())}")
    known = _known_keys(reg, frames)
    for name, raw in frames.items():
        tables[name], changes[name] = _merge_table(reg.tables[name], raw, ids, where, known)
    touched = set(frames) | {n for n, t in tables.items() if set(t.schema.references().values()) & set(frames)}
    check_references(tables, sorted(touched))
    check_constraints(tables, sorted(frames))
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    rec = OverrideRecord(where, digest, changes, tuple(new_src["id"]) if len(new_src) else ())
    return type(reg)(tables, sources, reg.data_version, reg.overrides + (rec,))   # a new registry of the same kind
