"""Validation of raw (all-string) tables against their schemas, of source lists, and of references.

Every problem is reported as ``file:line: column 'c': what is wrong`` and raised together in one
:class:`~jalur.errors.DataError`.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from jalur.datasets.schema import ColumnSpec, Schema
from jalur.errors import DataError, UnitError
from jalur.units import conversion_factor

NUMERIC_COLUMNS = ("value", "unit", "low", "high")
SOURCE_COLUMNS = ("id", "citation", "url", "year", "accessed", "type", "derivation")
SOURCE_TYPES = ("regulation", "statistics", "report", "paper", "dataset", "news", "estimate", "fit", "user")
MAX_REPORTED_PROBLEMS = 25


def read_csv_text(text: str, where: str, sep: str = ",") -> pd.DataFrame:
    """A CSV text as an all-string table (no NaN: empty cells stay empty strings)."""
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, sep=sep,
                         index_col=False)
    except Exception as exc:  # pandas raises ParserError, EmptyDataError ...
        raise DataError(f"{where}: cannot be read as CSV: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _comma_hint(text: str) -> str:
    """A hint for a number written with a decimal comma in a comma-separated file."""
    if re.fullmatch(r"[+-]?\d+,\d+", str(text).strip()):
        return (" (a decimal comma? jalur reads decimal commas in semicolon- or tab-separated files, as Indonesian "
                "Excel saves them; in a comma-separated file write 9.5)")
    return ""


def raise_problems(problems: list[str], what: str) -> None:
    """Raise one :class:`DataError` listing *problems* (at most :data:`MAX_REPORTED_PROBLEMS`)."""
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise DataError(f"invalid {what} ({len(problems)} problem(s)):\n  " + "\n  ".join(shown) + tail)


def check_sources(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate a table of sources (columns :data:`SOURCE_COLUMNS`); return it indexed by id."""
    missing = [c for c in ("id", "citation") if c not in df.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {missing}; expected {list(SOURCE_COLUMNS)}")
    df = df.copy()
    for c in SOURCE_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    problems = []
    seen: dict[str, int] = {}
    for i, r in enumerate(df.itertuples(index=False), start=2):
        sid = str(r.id).strip()
        if not sid:
            problems.append(f"{where}:{i}: column 'id': empty")
        elif sid in seen:
            problems.append(f"{where}:{i}: column 'id': {sid!r} duplicates line {seen[sid]}")
        seen[sid] = i
        if not str(r.citation).strip():
            problems.append(f"{where}:{i}: column 'citation': empty for source {sid!r}")
        if str(r.type).strip() and str(r.type).strip() not in SOURCE_TYPES:
            problems.append(f"{where}:{i}: column 'type': {r.type!r} not one of {', '.join(SOURCE_TYPES)}")
    raise_problems(problems, "sources")
    df["id"] = df["id"].str.strip()
    return df.set_index("id", drop=False)


def _parse_float(text: str) -> float:
    return float(text.strip().replace("_", "")) if text.strip() else math.nan


def _typed_cell(text: str, spec: ColumnSpec, where: str, ln: int, problems: list[str],
                known: Mapping[str, list[str]] | None = None) -> Any:
    """One cell converted to its column type; a problem is appended (and None returned) if it cannot be."""
    try:
        if spec.type == "int":
            v: Any = int(text)
        elif spec.type == "float":
            v = _parse_float(text)
            if math.isnan(v):
                problems.append(f"{where}:{ln}: column '{spec.name}': NaN is not allowed")
        elif spec.type == "date":
            v = pd.Timestamp(text).date().isoformat()
        else:
            v = text
    except ValueError:
        kind = {"int": "an integer", "float": "a number", "date": "a date (YYYY-MM-DD)"}[spec.type]
        problems.append(f"{where}:{ln}: column '{spec.name}': {text!r} is not {kind}")
        return None
    if spec.allowed is not None and str(v) not in spec.allowed:
        problems.append(f"{where}:{ln}: column '{spec.name}': {text!r} is not allowed; allowed: {', '.join(spec.allowed)}")
    if spec.references and known is not None and spec.references in known:
        allowed = list(known[spec.references]) + list(spec.also)
        if str(v) not in allowed:
            problems.append(f"{where}:{ln}: column '{spec.name}': {text!r} is not allowed; allowed: {', '.join(allowed)} "
                            f"(the rows of '{spec.references}')")
    if spec.type in ("int", "float"):
        if spec.min is not None and v < spec.min:
            problems.append(f"{where}:{ln}: column '{spec.name}': {v} is below the minimum {spec.min:g}")
        if spec.max is not None and v > spec.max:
            problems.append(f"{where}:{ln}: column '{spec.name}': {v} is above the maximum {spec.max:g}")
    return v


def _typed_columns(df: pd.DataFrame, schema: Schema, where: str, lines: list[int], problems: list[str],
                   known: Mapping[str, list[str]] | None = None) -> dict:
    out = {}
    for cname, spec in schema.columns.items():
        typed = []
        for ln, text in zip(lines, df[cname].astype(str).str.strip()):
            if text == "":
                if cname in schema.key:
                    problems.append(f"{where}:{ln}: column '{cname}': empty (a key column needs a value)")
                typed.append(None)
            else:
                typed.append(_typed_cell(text, spec, where, ln, problems, known))
        out[cname] = pd.Series(typed, index=df.index, dtype=object)
    return out


def _check_source_ids(df: pd.DataFrame, source_ids: set[str], where: str, lines: list[int], problems: list[str]) -> None:
    for ln, text in zip(lines, df["source_id"].astype(str)):
        ids = text.replace(";", " ").split()
        if not ids:
            problems.append(f"{where}:{ln}: column 'source_id': empty; every row must cite a source in sources.csv")
        for s in ids:
            if s not in source_ids:
                problems.append(f"{where}:{ln}: column 'source_id': unknown source {s!r} (not in sources.csv)")


def _check_unit_and_bounds(row: Mapping[str, Any], v: float, schema: Schema, where: str, ln: int,
                           problems: list[str]) -> None:
    rule = schema.rule_for(row)
    unit = str(row["unit"]).strip()
    if rule is None:
        if schema.value_by:
            problems.append(f"{where}:{ln}: column '{schema.value_by}': {row[schema.value_by]!r} has no unit rule; "
                            f"allowed: {', '.join(schema.value_rules)}")
        return
    try:
        like = rule.matching_unit(unit)
    except UnitError as exc:
        problems.append(f"{where}:{ln}: column 'unit': {exc}")
        return
    if like is None:
        problems.append(f"{where}:{ln}: column 'unit': {unit!r} has the wrong dimensionality; "
                        f"expected a unit like {' or '.join(repr(u) for u in rule.unit_like)}")
        return
    if math.isnan(v):
        return
    x = v * conversion_factor(unit, like)
    if rule.min is not None and x < rule.min - 1e-12 * abs(rule.min):
        problems.append(f"{where}:{ln}: value {v:g} {unit} is below the physical bound {rule.min:g} {like}")
    if rule.max is not None and x > rule.max + 1e-12 * abs(rule.max):
        problems.append(f"{where}:{ln}: value {v:g} {unit} is above the physical bound {rule.max:g} {like}")


def _number(text: str, col: str, where: str, ln: int, problems: list[str]) -> float:
    try:
        return _parse_float(text)
    except ValueError:
        problems.append(f"{where}:{ln}: column '{col}': {text!r} is not a number{_comma_hint(text)}")
        return math.nan


def _numeric_columns(df: pd.DataFrame, schema: Schema, where: str, lines: list[int], problems: list[str]) -> dict:
    values, lows, highs = [], [], []
    for ln, row in zip(lines, df.to_dict("records")):
        text = str(row["value"]).strip()
        try:
            v = _parse_float(text)
        except ValueError:
            problems.append(f"{where}:{ln}: column 'value': {text!r} is not a number{_comma_hint(text)}")
            v = math.nan
        else:
            if math.isnan(v):
                problems.append(f"{where}:{ln}: column 'value': empty or NaN; every row needs a number")
        lo, hi = (_number(str(row[c]).strip(), c, where, ln, problems) for c in ("low", "high"))
        if math.isnan(lo) != math.isnan(hi):
            problems.append(f"{where}:{ln}: columns 'low'/'high': give both or neither")
        elif not math.isnan(lo) and not math.isnan(v) and not (lo <= v <= hi):
            problems.append(f"{where}:{ln}: value {v:g} is outside its range [low {lo:g}, high {hi:g}]")
        _check_unit_and_bounds(row, v, schema, where, ln, problems)
        values.append(v), lows.append(lo), highs.append(hi)
    return {"value": np.asarray(values, dtype=float), "low": np.asarray(lows, dtype=float),
            "high": np.asarray(highs, dtype=float), "unit": df["unit"].astype(str).str.strip()}


def _check_duplicates(out: pd.DataFrame, schema: Schema, where: str, lines: list[int], problems: list[str]) -> None:
    keys = out[list(schema.key)].astype(str).agg("|".join, axis=1)
    first: dict[str, int] = {}
    for ln, k in zip(lines, keys):
        if k in first:
            problems.append(f"{where}:{ln}: duplicate key {dict(zip(schema.key, k.split('|')))} (first at line {first[k]})")
        else:
            first[k] = ln


def _check_columns(df: pd.DataFrame, schema: Schema, where: str, problems: list[str]) -> None:
    expected = list(schema.columns) + ["source_id"] + (list(NUMERIC_COLUMNS) if schema.has_values else [])
    missing = [c for c in expected if c not in df.columns]
    unknown = [c for c in df.columns if c not in expected and c != "note" and not c.startswith("_")]
    if missing:
        problems.append(f"{where}: missing column(s) {missing}; the schema {schema.path} needs {expected}")
        raise_problems(problems, f"table '{schema.name}'")
    if unknown:
        problems.append(f"{where}: unknown column(s) {unknown}; allowed: {expected + ['note']}")


def validate_frame(df: pd.DataFrame, schema: Schema, source_ids: set[str], where: str,
                   lines: Iterable[int] | None = None, known: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """Validate a raw (all-string) table against *schema*; return it with typed columns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table as read, every cell a string.
    schema : Schema
        The table's schema.
    source_ids : set of str
        Ids present in the source list.
    where : str
        The file name used in error messages.
    lines : iterable of int, optional
        The file line of each row (default: row index + 2, i.e. after the header).
    known : mapping of table -> list of str, optional
        The keys of dimension tables, to check referencing columns at once (else :func:`check_references`
        checks them once every table is loaded).

    Raises
    ------
    DataError
        Listing every problem as ``file:line: column 'c': what is wrong``.
    """
    problems: list[str] = []
    ln = list(lines) if lines is not None else list(range(2, len(df) + 2))
    _check_columns(df, schema, where, problems)
    out = df.copy()
    for c, col in _typed_columns(df, schema, where, ln, problems, known).items():
        out[c] = col
    _check_source_ids(df, source_ids, where, ln, problems)
    if schema.has_values:
        for c, col in _numeric_columns(df, schema, where, ln, problems).items():
            out[c] = col
    if schema.key and not problems:
        _check_duplicates(out, schema, where, ln, problems)
    raise_problems(problems, f"table '{schema.name}'")
    out["_origin"] = where
    out["_line"] = ln
    return out


def check_references(tables: Mapping[str, Any], names: Iterable[str] | None = None) -> None:
    """Check that every referencing column holds keys of its dimension table (or its ``also`` values).

    Parameters
    ----------
    tables : mapping of name -> Table
        All tables of a registry.
    names : iterable of str, optional
        Only check these tables (default: all).

    Raises
    ------
    DataError
        Naming file, line, column, the value and the allowed values.
    """
    problems: list[str] = []
    for name in names if names is not None else tables:
        t = tables[name]
        for col, ref in t.schema.references().items():
            if ref not in tables:
                problems.append(f"{t.schema.path}: column '{col}' references table {ref!r}, which does not exist")
                continue
            target = tables[ref]
            keys = [str(k) for k in target.frame[target.schema.key[0]]]
            allowed = set(keys) | set(t.schema.columns[col].also)
            for origin, ln, v in zip(t.frame["_origin"], t.frame["_line"], t.frame[col]):
                if v is not None and str(v) not in allowed:
                    shown = ", ".join(keys + list(t.schema.columns[col].also))
                    problems.append(f"{origin}:{ln}: column '{col}': {str(v)!r} is not allowed; allowed: {shown} "
                                    f"(the rows of '{ref}')")
    raise_problems(problems, "references between tables")


def check_constraints(tables: Mapping[str, Any], names: Iterable[str] | None = None) -> None:
    """Apply each table's whole-table ``checks`` of its schema: the values of the rows that differ only in column
    *over* sum to *sum_to* (e.g. shares to 100 %), or exactly one row has column *exactly_one* equal to *equals*.

    Raises
    ------
    DataError
        Naming the table file, the group or rows, and what was found.
    """
    problems: list[str] = []
    for name in names if names is not None else tables:
        t = tables[name]
        df = t.frame
        for c in t.schema.checks:
            if "sum_to" in c:
                group = [k for k in t.schema.key if k != c["over"]]
                for key, sub in df.groupby(group, sort=False):
                    total = float(sub["value"].astype(float).sum())
                    if abs(total - float(c["sum_to"])) > 1e-6 * max(1.0, abs(float(c["sum_to"]))):
                        shown = dict(zip(group, key if isinstance(key, tuple) else (key,)))
                        problems.append(f"{sub['_origin'].iloc[0]}:{int(sub['_line'].iloc[0])}: the {c['over']} values of "
                                        f"{shown} sum to {total:g}, not {c['sum_to']}")
            else:
                hits = df[df[c["exactly_one"]].astype(str) == str(c["equals"])]
                if len(hits) != 1:
                    rows = ", ".join(str(x) for x in hits[t.schema.key[0]]) or "none"
                    problems.append(f"{t.schema.path}: exactly one row of '{name}' must have {c['exactly_one']} = "
                                    f"{c['equals']!r}; found {len(hits)} ({rows})")
    raise_problems(problems, "whole-table checks")
