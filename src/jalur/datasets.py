"""The cited data registry: tables, their schemas, their sources, and user overrides.

Every number that enters a jalur model comes from a table under ``jalur/data/tables`` described by a
schema under ``jalur/data/schema`` and pointing, row by row, into ``jalur/data/sources.csv``.
:func:`load` reads and validates all of it; any problem raises :class:`~jalur.errors.DataError`
naming the file, the line and the column. The format is documented in ``docs/data-format.md``.

Examples
--------
>>> reg = load()
>>> reg.data_version
'2026.11'
>>> "grid-intensity" in reg.names()
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from jalur.errors import DataError, UnitError, UnknownKeyError
from jalur.units import conversion_factor, parse_unit

DATA_DIR = Path(__file__).parent / "data"
TABLE_DIR = DATA_DIR / "tables"
SCHEMA_DIR = DATA_DIR / "schema"
SOURCES_FILE = DATA_DIR / "sources.csv"

NUMERIC_COLUMNS = ("value", "unit", "low", "high")
SOURCE_COLUMNS = ("id", "citation", "url", "year", "accessed", "type", "derivation")
SOURCE_TYPES = ("regulation", "statistics", "report", "paper", "dataset", "news", "estimate", "user")
COLUMN_TYPES = ("str", "int", "float", "date")
MAX_REPORTED_PROBLEMS = 25


def data_version() -> str:
    """The version string of the shipped data (``YYYY.MM``), recorded in every result."""
    return (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()


# --------------------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table: its type, allowed values and bounds."""

    name: str
    type: str = "str"
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    description: str = ""


@dataclass(frozen=True)
class ValueRule:
    """Unit and physical bounds for ``value`` (for one parameter, or the whole table)."""

    unit_like: tuple[str, ...]
    min: float | None = None
    max: float | None = None

    @property
    def unit(self) -> str:
        """The canonical unit of this value: the first ``unit_like``."""
        return self.unit_like[0]

    def matching_unit(self, unit: str) -> str | None:
        """The ``unit_like`` entry with the same dimensionality as *unit*, or None."""
        dim = parse_unit(unit).dimensionality
        for u in self.unit_like:
            if parse_unit(u).dimensionality == dim:
                return u
        return None


@dataclass(frozen=True)
class Schema:
    """The schema of one table (see ``docs/data-format.md``)."""

    name: str
    title: str
    description: str
    key: tuple[str, ...]
    columns: Mapping[str, ColumnSpec]
    value_by: str | None = None
    value_rules: Mapping[str, ValueRule] = field(default_factory=dict)
    value_rule: ValueRule | None = None
    title_id: str = ""
    path: str = ""

    @property
    def has_values(self) -> bool:
        """True for numeric tables (``value, unit, low, high``), False for reference tables."""
        return self.value_rule is not None or bool(self.value_rules)

    def rule_for(self, row: Mapping[str, Any]) -> ValueRule | None:
        """The value rule that applies to *row* (None if its parameter has no rule)."""
        if self.value_by:
            return self.value_rules.get(str(row.get(self.value_by, "")))
        return self.value_rule

    def units(self) -> list[str]:
        """Canonical units used in this table."""
        if self.value_rule is not None:
            return [self.value_rule.unit]
        return sorted({r.unit for r in self.value_rules.values()})


def _rule(spec: Mapping[str, Any], where: str) -> ValueRule:
    like = spec.get("unit_like")
    if like is None:
        raise DataError(f"{where}: value rule needs 'unit_like'")
    likes = tuple(like) if isinstance(like, list) else (str(like),)
    for u in likes:
        try:
            parse_unit(u)
        except UnitError as exc:
            raise DataError(f"{where}: {exc}") from None
    return ValueRule(likes, _opt_float(spec.get("min")), _opt_float(spec.get("max")))


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def load_schema(path: Path) -> Schema:
    """Read and check one schema YAML file.

    Raises
    ------
    DataError
        If the file is not valid YAML or misses ``name``, ``key`` or ``columns``.
    """
    where = str(path)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DataError(f"{where}: a schema must be a mapping with name, key, columns")
    for k in ("name", "key", "columns"):
        if k not in raw:
            raise DataError(f"{where}: schema misses '{k}'")
    cols: dict[str, ColumnSpec] = {}
    for cname, spec in (raw.get("columns") or {}).items():
        spec = spec or {}
        ctype = spec.get("type", "str")
        if ctype not in COLUMN_TYPES:
            raise DataError(f"{where}: column '{cname}': type {ctype!r} not one of {COLUMN_TYPES}")
        allowed = spec.get("allowed")
        cols[cname] = ColumnSpec(
            name=cname,
            type=ctype,
            allowed=tuple(str(a) for a in allowed) if allowed is not None else None,
            min=_opt_float(spec.get("min")),
            max=_opt_float(spec.get("max")),
            description=str(spec.get("description", "")),
        )
    key = tuple(raw["key"])
    for k in key:
        if k not in cols:
            raise DataError(f"{where}: key column '{k}' is not declared under 'columns'")
    value = raw.get("value")
    value_by, rules, rule = None, {}, None
    if value:
        if "by" in value:
            value_by = str(value["by"])
            if value_by not in cols:
                raise DataError(f"{where}: value.by column '{value_by}' is not declared")
            rules = {str(p): _rule(s, f"{where}: value.rules.{p}") for p, s in (value.get("rules") or {}).items()}
        else:
            rule = _rule(value, f"{where}: value")
    return Schema(
        name=str(raw["name"]),
        title=str(raw.get("title", raw["name"])),
        title_id=str(raw.get("title_id", "")),
        description=" ".join(str(raw.get("description", "")).split()),
        key=key,
        columns=cols,
        value_by=value_by,
        value_rules=rules,
        value_rule=rule,
        path=where,
    )


# --------------------------------------------------------------------------------------------------
# reading and validating
# --------------------------------------------------------------------------------------------------


def _read_csv_text(text: str, where: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except Exception as exc:  # pandas raises ParserError, EmptyDataError, UnicodeDecodeError ...
        raise DataError(f"{where}: cannot be read as CSV: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def read_sources(path: Path = SOURCES_FILE) -> pd.DataFrame:
    """Read ``sources.csv`` and check it: required columns, unique non-empty ids, known types."""
    where = str(path)
    df = _read_csv_text(Path(path).read_text(encoding="utf-8"), where)
    return check_sources(df, where)


def check_sources(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate a table of sources (columns :data:`SOURCE_COLUMNS`)."""
    missing = [c for c in ("id", "citation") if c not in df.columns]
    if missing:
        raise DataError(f"{where}: missing column(s) {missing}; expected {list(SOURCE_COLUMNS)}")
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
    _raise(problems, "sources")
    df = df.copy()
    df["id"] = df["id"].str.strip()
    return df.set_index("id", drop=False)


def _raise(problems: list[str], what: str) -> None:
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        raise DataError(f"invalid {what} ({len(problems)} problem(s)):\n  " + "\n  ".join(shown) + tail)


def _parse_float(text: str) -> float:
    return float(text.strip().replace("_", "")) if text.strip() else math.nan


def validate_frame(df: pd.DataFrame, schema: Schema, source_ids: set[str], where: str,
                   lines: Iterable[int] | None = None) -> pd.DataFrame:
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

    Raises
    ------
    DataError
        Listing every problem as ``file:line: column 'c': what is wrong``.
    """
    problems: list[str] = []
    line_no = list(lines) if lines is not None else list(range(2, len(df) + 2))
    expected = list(schema.columns) + ["source_id"]
    if schema.has_values:
        expected += list(NUMERIC_COLUMNS)
    allowed_extra = {"note"}
    missing = [c for c in expected if c not in df.columns]
    if missing:
        problems.append(f"{where}: missing column(s) {missing}; the schema {schema.path} needs {expected}")
        _raise(problems, f"table '{schema.name}'")
    unknown = [c for c in df.columns if c not in expected and c not in allowed_extra and not c.startswith("_")]
    if unknown:
        problems.append(f"{where}: unknown column(s) {unknown}; allowed: {expected + sorted(allowed_extra)}")

    out = df.copy()
    # dimension and attribute columns
    for cname, spec in schema.columns.items():
        col = df[cname].astype(str).str.strip()
        is_key = cname in schema.key
        typed: list[Any] = []
        for ln, text in zip(line_no, col):
            if text == "":
                if is_key:
                    problems.append(f"{where}:{ln}: column '{cname}': empty (a key column needs a value)")
                typed.append(None)
                continue
            if spec.type == "int":
                try:
                    v: Any = int(text)
                except ValueError:
                    problems.append(f"{where}:{ln}: column '{cname}': {text!r} is not an integer")
                    typed.append(None)
                    continue
            elif spec.type == "float":
                try:
                    v = _parse_float(text)
                except ValueError:
                    problems.append(f"{where}:{ln}: column '{cname}': {text!r} is not a number")
                    typed.append(None)
                    continue
                if math.isnan(v):
                    problems.append(f"{where}:{ln}: column '{cname}': NaN is not allowed")
            elif spec.type == "date":
                try:
                    v = pd.Timestamp(text).date().isoformat()
                except ValueError:
                    problems.append(f"{where}:{ln}: column '{cname}': {text!r} is not a date (YYYY-MM-DD)")
                    typed.append(None)
                    continue
            else:
                v = text
            if spec.allowed is not None and str(v) not in spec.allowed:
                problems.append(
                    f"{where}:{ln}: column '{cname}': {text!r} is not allowed; allowed: {', '.join(spec.allowed)}"
                )
            if spec.type in ("int", "float"):
                if spec.min is not None and v < spec.min:
                    problems.append(f"{where}:{ln}: column '{cname}': {v} is below the minimum {spec.min:g}")
                if spec.max is not None and v > spec.max:
                    problems.append(f"{where}:{ln}: column '{cname}': {v} is above the maximum {spec.max:g}")
            typed.append(v)
        out[cname] = pd.Series(typed, index=df.index, dtype=object)

    # sources
    for ln, text in zip(line_no, df["source_id"].astype(str)):
        ids = text.replace(";", " ").split()
        if not ids:
            problems.append(f"{where}:{ln}: column 'source_id': empty; every row must cite a source in sources.csv")
        for s in ids:
            if s not in source_ids:
                problems.append(f"{where}:{ln}: column 'source_id': unknown source {s!r} (not in sources.csv)")

    # values, units, ranges
    if schema.has_values:
        values, lows, highs = [], [], []
        for ln, (_, row) in zip(line_no, df.iterrows()):
            value_text = str(row["value"]).strip()
            unit = str(row["unit"]).strip()
            try:
                v = _parse_float(value_text)
            except ValueError:
                problems.append(f"{where}:{ln}: column 'value': {value_text!r} is not a number")
                v = math.nan
            else:
                if math.isnan(v):
                    problems.append(f"{where}:{ln}: column 'value': empty or NaN; every row needs a number")
            bounds = []
            for c in ("low", "high"):
                t = str(row[c]).strip()
                try:
                    bounds.append(_parse_float(t))
                except ValueError:
                    problems.append(f"{where}:{ln}: column '{c}': {t!r} is not a number")
                    bounds.append(math.nan)
            lo, hi = bounds
            values.append(v), lows.append(lo), highs.append(hi)
            if math.isnan(lo) != math.isnan(hi):
                problems.append(f"{where}:{ln}: columns 'low'/'high': give both or neither")
            elif not math.isnan(lo) and not math.isnan(v) and not (lo <= v <= hi):
                problems.append(f"{where}:{ln}: value {v:g} is outside its range [low {lo:g}, high {hi:g}]")
            rule = schema.rule_for(row)
            if rule is None:
                if schema.value_by:
                    allowed = ", ".join(schema.value_rules)
                    problems.append(
                        f"{where}:{ln}: column '{schema.value_by}': {row[schema.value_by]!r} has no unit rule; "
                        f"allowed: {allowed}"
                    )
                continue
            try:
                like = rule.matching_unit(unit)
            except UnitError as exc:
                problems.append(f"{where}:{ln}: column 'unit': {exc}")
                continue
            if like is None:
                problems.append(
                    f"{where}:{ln}: column 'unit': {unit!r} has the wrong dimensionality; "
                    f"expected a unit like {' or '.join(repr(u) for u in rule.unit_like)}"
                )
                continue
            if math.isnan(v):
                continue
            f = conversion_factor(unit, like)
            if rule.min is not None and v * f < rule.min - 1e-12 * abs(rule.min):
                problems.append(
                    f"{where}:{ln}: value {v:g} {unit} is below the physical bound {rule.min:g} {like}"
                )
            if rule.max is not None and v * f > rule.max + 1e-12 * abs(rule.max):
                problems.append(
                    f"{where}:{ln}: value {v:g} {unit} is above the physical bound {rule.max:g} {like}"
                )
        out["value"] = np.asarray(values, dtype=float)
        out["low"] = np.asarray(lows, dtype=float)
        out["high"] = np.asarray(highs, dtype=float)
        out["unit"] = df["unit"].astype(str).str.strip()

    # duplicate keys
    if schema.key and not problems:
        keys = out[list(schema.key)].astype(str).agg("|".join, axis=1)
        first: dict[str, int] = {}
        for ln, k in zip(line_no, keys):
            if k in first:
                problems.append(f"{where}:{ln}: duplicate key {dict(zip(schema.key, k.split('|')))} (first at line {first[k]})")
            else:
                first[k] = ln
    _raise(problems, f"table '{schema.name}'")
    out["_origin"] = where
    out["_line"] = line_no
    return out


# --------------------------------------------------------------------------------------------------
# tables and the registry
# --------------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A validated table: its schema and its rows (a pandas DataFrame)."""

    schema: Schema
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        return self.schema.name

    def public(self) -> pd.DataFrame:
        """The rows without jalur's private bookkeeping columns."""
        return self.frame[[c for c in self.frame.columns if not c.startswith("_")]].reset_index(drop=True)

    def where(self, **conditions: Any) -> "Table":
        """Rows whose columns equal the given values (a list means any of them).

        Raises
        ------
        UnknownKeyError
            For a column the table does not have.
        """
        mask = np.ones(len(self.frame), dtype=bool)
        for col, want in conditions.items():
            if col not in self.frame.columns:
                cols = [c for c in self.frame.columns if not c.startswith("_")]
                raise UnknownKeyError(f"table '{self.name}' has no column {col!r}; columns: {', '.join(cols)}")
            wants = [str(w) for w in want] if isinstance(want, (list, tuple, set)) else [str(want)]
            mask &= self.frame[col].astype(str).isin(wants).to_numpy()
        return Table(self.schema, self.frame[mask])

    def values(self, unit: str | None = None, column: str = "value") -> np.ndarray:
        """The ``value`` (or ``low``/``high``) column converted to *unit* [unit].

        Without *unit*, each row is converted to the canonical unit of its rule.
        """
        out = np.empty(len(self.frame))
        for i, (_, row) in enumerate(self.frame.iterrows()):
            target = unit or self.schema.rule_for(row).unit
            out[i] = row[column] * conversion_factor(row["unit"], target)
        return out

    def get(self, unit: str | None = None, **key: Any) -> float:
        """The single value matching *key*, in *unit*.

        Raises
        ------
        UnknownKeyError
            If no row, or more than one row, matches.
        """
        sub = self.where(**key)
        if len(sub.frame) != 1:
            raise UnknownKeyError(
                f"table '{self.name}': {len(sub.frame)} rows match {key}; give all key columns {list(self.schema.key)}"
            )
        return float(sub.values(unit)[0])

    def __len__(self) -> int:
        return len(self.frame)


@dataclass
class OverrideRecord:
    """What one override file changed, for the provenance of results."""

    file: str
    sha256: str
    tables: dict[str, dict[str, int]]
    sources: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "tables": self.tables, "sources": self.sources}


class Registry:
    """All validated tables with their sources; what models read their numbers from.

    Use :func:`load` to get one. Treat a registry as read-only: models cache what they derive from it on the
    object, so change data through override files (:meth:`with_overrides`), which make a new registry.
    """

    def __init__(self, tables: dict[str, Table], sources: pd.DataFrame, version: str,
                 overrides: list[OverrideRecord] | None = None):
        self.tables = tables
        self.sources = sources
        self.data_version = version
        self.overrides = overrides or []

    def __getstate__(self) -> dict:
        """Pickle without the caches models attach to the registry (they are rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_jalur")}

    def names(self) -> list[str]:
        """Names of all tables, sorted."""
        return sorted(self.tables)

    def table(self, name: str) -> Table:
        """The table called *name*.

        Raises
        ------
        UnknownKeyError
            Naming the tables that exist.
        """
        try:
            return self.tables[name]
        except KeyError:
            raise UnknownKeyError(f"no data table {name!r}; tables: {', '.join(self.names())}") from None

    def __getitem__(self, name: str) -> Table:
        return self.table(name)

    def source(self, source_id: str) -> dict[str, str]:
        """The source row *source_id* as a dict."""
        if source_id not in self.sources.index:
            raise UnknownKeyError(f"no source {source_id!r} in sources.csv; see `jalur data sources`")
        return {c: str(v) for c, v in self.sources.loc[source_id].items()}

    def rows_citing(self, source_id: str) -> pd.DataFrame:
        """Every table row that cites *source_id*, with a ``table`` column."""
        self.source(source_id)
        parts = []
        for name in self.names():
            t = self.tables[name].public()
            mask = t["source_id"].astype(str).str.replace(";", " ").str.split().apply(lambda s: source_id in s)
            if mask.any():
                sub = t[mask].copy()
                sub.insert(0, "table", name)
                parts.append(sub)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["table"])

    def provenance(self) -> dict[str, Any]:
        """The data part of a result's provenance: data version and overrides."""
        return {"data_version": self.data_version, "overrides": [o.as_dict() for o in self.overrides]}

    def with_overrides(self, paths: Iterable[str | Path]) -> "Registry":
        """A new registry with the rows of each override file applied (see :func:`read_override`)."""
        reg = self
        for p in paths:
            reg = apply_override(reg, p)
        return reg


def load_from(table_dir: Path, schema_dir: Path, sources_file: Path, version: str) -> Registry:
    """Load and validate a registry from explicit folders (used by tests and by :func:`load`)."""
    sources = read_sources(sources_file)
    ids = set(sources.index)
    tables: dict[str, Table] = {}
    schema_files = sorted(Path(schema_dir).glob("*.yaml"))
    names = set()
    for sf in schema_files:
        schema = load_schema(sf)
        if schema.name != sf.stem:
            raise DataError(f"{sf}: schema name {schema.name!r} differs from its file name {sf.stem!r}")
        names.add(schema.name)
        path = Path(table_dir) / f"{schema.name}.csv"
        if not path.exists():
            raise DataError(f"{sf}: schema has no table file {path}")
        raw = _read_csv_text(path.read_text(encoding="utf-8"), str(path))
        tables[schema.name] = Table(schema, validate_frame(raw, schema, ids, str(path)))
    orphans = [p.name for p in Path(table_dir).glob("*.csv") if p.stem not in names]
    if orphans:
        raise DataError(f"{table_dir}: table file(s) without a schema: {', '.join(sorted(orphans))}")
    return Registry(tables, sources, version)


@lru_cache(maxsize=1)
def _shipped() -> Registry:
    return load_from(TABLE_DIR, SCHEMA_DIR, SOURCES_FILE, data_version())


def load(overrides: Iterable[str | Path] | None = None) -> Registry:
    """Load the shipped data, validated, with optional override files applied.

    Parameters
    ----------
    overrides : iterable of path, optional
        YAML or CSV files replacing or adding rows of any table (see :func:`read_override`).

    Returns
    -------
    Registry
        The shipped registry is cached; do not modify it in place.
    """
    reg = _shipped()
    return reg.with_overrides(overrides) if overrides else reg


# --------------------------------------------------------------------------------------------------
# overrides
# --------------------------------------------------------------------------------------------------


def read_override(path: str | Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Read an override file into ``{table: raw rows}`` and its new sources.

    Two formats are accepted.

    YAML::

        sources:
          - {id: my-study, citation: "Me (2026), my grid study", url: "...", type: user}
        tables:
          grid-intensity:
            - {region: jamali, scenario: current-policies, year: 2030, basis: life-cycle,
               value: 500, unit: g CO2e/kWh, source_id: my-study}

    CSV: a ``table`` column naming the table of each row, that table's key columns, ``value``, ``unit``,
    optional ``low``/``high``, ``source_id``, and optional ``citation`` (with ``url``) that declares
    a new source id on the spot.
    """
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise DataError(f"override file {where} does not exist")
    text = p.read_text(encoding="utf-8")
    rows: dict[str, list[dict[str, Any]]] = {}
    new_sources: list[dict[str, Any]] = []
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"{where}: not valid YAML: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("tables"), dict):
            raise DataError(f"{where}: an override needs a 'tables' mapping of table name -> list of rows")
        bad = set(raw) - {"tables", "sources"}
        if bad:
            raise DataError(f"{where}: unknown top-level key(s) {sorted(bad)}; allowed: tables, sources")
        for s in raw.get("sources") or []:
            if not isinstance(s, dict):
                raise DataError(f"{where}: sources: each source must be a mapping with id and citation")
            new_sources.append({k: "" if v is None else str(v) for k, v in s.items()})
        for name, lst in raw["tables"].items():
            if not isinstance(lst, list) or not all(isinstance(r, dict) for r in lst):
                raise DataError(f"{where}: tables.{name}: must be a list of rows (mappings)")
            rows[name] = [{k: "" if v is None else str(v) for k, v in r.items()} for r in lst]
    elif p.suffix.lower() == ".csv":
        df = _read_csv_text(text, where)
        if "table" not in df.columns:
            raise DataError(f"{where}: an override CSV needs a 'table' column naming each row's table")
        for i, r in enumerate(df.to_dict("records"), start=2):
            name = r.pop("table").strip()
            cit = r.pop("citation", "").strip()
            url = r.pop("url", "").strip()
            if cit:
                new_sources.append({"id": r.get("source_id", "").strip(), "citation": cit, "url": url, "type": "user"})
            rows.setdefault(name, []).append({k: v for k, v in r.items() if v != "" or k in ("low", "high")})
    else:
        raise DataError(f"{where}: override files must be .yaml, .yml or .csv")
    frames = {n: pd.DataFrame(r, dtype=object).fillna("").astype(str) for n, r in rows.items()}
    srcs = pd.DataFrame(new_sources, dtype=object).fillna("") if new_sources else pd.DataFrame(columns=list(SOURCE_COLUMNS))
    # dedupe sources declared by several CSV rows
    if len(srcs):
        srcs = srcs.drop_duplicates(subset=["id"], keep="first")
    return frames, srcs


def apply_override(reg: Registry, path: str | Path) -> Registry:
    """Return a copy of *reg* with the override file *path* applied (rows with the same key replaced).

    Raises
    ------
    DataError
        Naming the override file for an unknown table, a row that fails the table's schema, or a
        source that is neither shipped nor declared in the file.
    """
    where = str(path)
    frames, new_src = read_override(path)
    sources = reg.sources
    if len(new_src):
        for c in SOURCE_COLUMNS:
            if c not in new_src.columns:
                new_src[c] = ""
        new_src.loc[new_src["type"] == "", "type"] = "user"
        checked = check_sources(new_src[list(SOURCE_COLUMNS)].copy(), f"{where} (sources)")
        clash = sorted(set(checked.index) & set(sources.index))
        if clash:
            raise DataError(f"{where}: source id(s) {clash} already exist in sources.csv; choose new ids")
        sources = pd.concat([sources, checked])
    ids = set(sources.index)
    tables = dict(reg.tables)
    changes: dict[str, dict[str, int]] = {}
    for name, raw in frames.items():
        if name not in reg.tables:
            raise DataError(f"{where}: no data table {name!r}; tables: {', '.join(reg.names())}")
        base = reg.tables[name]
        schema = base.schema
        for c in ("low", "high", "note"):
            if c not in raw.columns and (c != "note"):
                raw[c] = ""
        if not schema.has_values:
            raw = raw.drop(columns=[c for c in ("low", "high") if c in raw.columns])
        for cname in schema.columns:
            if cname not in raw.columns and cname not in schema.key:
                raw[cname] = ""
        checked = validate_frame(raw, schema, ids, f"{where} [{name}]", lines=[i + 1 for i in range(len(raw))])
        key_cols = list(schema.key)
        base_keys = base.frame[key_cols].astype(str).agg("|".join, axis=1)
        new_keys = checked[key_cols].astype(str).agg("|".join, axis=1)
        replaced = int(base_keys.isin(set(new_keys)).sum())
        merged = pd.concat([base.frame[~base_keys.isin(set(new_keys)).to_numpy()], checked], ignore_index=True)
        tables[name] = Table(schema, merged)
        changes[name] = {"replaced": replaced, "added": len(checked) - replaced}
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    rec = OverrideRecord(where, digest, changes, list(new_src["id"]) if len(new_src) else [])
    return Registry(tables, sources, reg.data_version, reg.overrides + [rec])


def check(overrides: Iterable[str | Path] | None = None) -> Registry:
    """Validate the shipped data (re-read from disk) and any override files; return the registry."""
    _shipped.cache_clear()
    return load(overrides)


def to_csv_text(df: pd.DataFrame) -> str:
    """CSV text of a table (used by the CLI and exports)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()
