"""The registry: validated tables with their sources, frozen, with one memoisation facility for models."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, TypeVar

import pandas as pd

from jalur.datasets.cache import cached, memo_store, registry_key
from jalur.datasets.overrides import apply_override
from jalur.datasets.schema import Schema, load_schema
from jalur.datasets.table import OverrideRecord, Table
from jalur.datasets.validate import (
    check_constraints,
    check_references,
    check_sources,
    read_csv_text,
    validate_frame,
)
from jalur.errors import DataError, JalurError, UnknownKeyError
from jalur.io.text import read_user_text

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TABLE_DIR = DATA_DIR / "tables"
SCHEMA_DIR = DATA_DIR / "schema"
SOURCES_FILE = DATA_DIR / "sources.csv"

F = TypeVar("F", bound=Callable[..., Any])


def data_version() -> str:
    """The version string of the shipped data (``YYYY.MM``), recorded in every result."""
    return (DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()


class FrozenError(JalurError, AttributeError):
    """An attempt to change a registry in place."""


class Registry:
    """All validated tables with their sources: what models read their numbers from.

    A registry never changes: override files make a new one (:meth:`with_overrides`). What models derive
    from it is memoised per registry by :func:`memoize`, the one cache there is.
    """

    __slots__ = ("tables", "sources", "data_version", "overrides", "_memo", "_disk")

    def __init__(self, tables: Mapping[str, Table], sources: pd.DataFrame, version: str,
                 overrides: Iterable[OverrideRecord] = ()):
        object.__setattr__(self, "tables", MappingProxyType(dict(tables)))
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "data_version", version)
        object.__setattr__(self, "overrides", tuple(overrides))
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_disk", None)

    def keep_on_disk(self, store) -> None:
        """Let :meth:`memo` read and keep its values in *store* (a :class:`jalur.datasets.cache.MemoStore`)."""
        object.__setattr__(self, "_disk", store)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"a registry is read-only (cannot set {name!r}); apply an override file instead")

    def __getstate__(self) -> dict:
        """Pickle without the memo (it is rebuilt on use, e.g. in a batch worker)."""
        return {"tables": dict(self.tables), "sources": self.sources, "data_version": self.data_version,
                "overrides": self.overrides}

    def __setstate__(self, state: dict) -> None:
        Registry.__init__(self, dict(state["tables"]), state["sources"], state["data_version"], state["overrides"])

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
        """A new registry with the rows of each override file applied (see :mod:`jalur.datasets.overrides`)."""
        reg = self
        for p in paths:
            reg = apply_override(reg, p)
        return reg

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The value memoised under *key*, computed once by *compute* (used by :func:`memoize`)."""
        memo = self._memo
        if key not in memo and self._disk is not None:
            self._disk.fill(self, key[0])
        if key not in memo:
            memo[key] = compute()
        return memo[key]


def memoize(fn: F) -> F:
    """Memoise ``fn(registry, *args)`` per registry (the arguments must be hashable).

    The one cache of jalur: registries never change, so a derived value stays valid for the registry's life.
    """

    @functools.wraps(fn)
    def wrapper(reg: Registry, *args: Any) -> Any:
        return reg.memo((fn.__module__, fn.__qualname__) + args, lambda: fn(reg, *args))

    return wrapper  # type: ignore[return-value]


def read_table_file(path: Path, schema: Schema, source_ids: set[str]) -> Table:
    """Read and validate one table file against its schema."""
    raw = read_csv_text(read_user_text(path, DataError), str(path))
    return Table(schema, validate_frame(raw, schema, source_ids, str(path)))


def _data_files(table_dir: Path, schema_dir: Path, sources_file: Path) -> list[Path]:
    return [*Path(table_dir).glob("*.csv"), *Path(schema_dir).glob("*.yaml"), Path(sources_file)]


def load_from(table_dir: Path, schema_dir: Path, sources_file: Path, version: str,
              only: Iterable[str] | None = None, *, cache: bool = False) -> Registry:
    """Load and validate a registry from explicit folders (used by tests and by :func:`load`).

    Parameters
    ----------
    only : iterable of str, optional
        Load only these tables (e.g. the catalogue's dimension tables); references are then checked only
        among them.
    cache : bool
        Use the disk cache of validated registries (:mod:`jalur.datasets.cache`), keyed on the files' bytes.
    """
    if cache:
        key = registry_key(_data_files(table_dir, schema_dir, sources_file), version,
                           "only=" + (",".join(sorted(only)) if only is not None else "*"))
        reg = cached(key, lambda: load_from(table_dir, schema_dir, sources_file, version, only), Registry)
        reg.keep_on_disk(memo_store(key))
        return reg
    sources = check_sources(read_csv_text(read_user_text(sources_file, DataError), str(sources_file)), str(sources_file))
    ids = set(sources.index)
    wanted = set(only) if only is not None else None
    tables: dict[str, Table] = {}
    names = set()
    for sf in sorted(Path(schema_dir).glob("*.yaml")):
        schema = load_schema(sf)
        if schema.name != sf.stem:
            raise DataError(f"{sf}: schema name {schema.name!r} differs from its file name {sf.stem!r}")
        names.add(schema.name)
        if wanted is not None and schema.name not in wanted:
            continue
        path = Path(table_dir) / f"{schema.name}.csv"
        if not path.exists():
            raise DataError(f"{sf}: schema has no table file {path}")
        tables[schema.name] = read_table_file(path, schema, ids)
    orphans = [p.name for p in Path(table_dir).glob("*.csv") if p.stem not in names]
    if orphans:
        raise DataError(f"{table_dir}: table file(s) without a schema: {', '.join(sorted(orphans))}")
    if wanted is None:
        check_references(tables)
        check_constraints(tables)
    else:  # a partial registry checks the references it can
        check_references(tables, [n for n in tables if set(tables[n].schema.references().values()) <= set(tables)])
    return Registry(tables, sources, version)


@functools.lru_cache(maxsize=1)
def _shipped() -> Registry:
    return load_from(TABLE_DIR, SCHEMA_DIR, SOURCES_FILE, data_version(), cache=True)


def _with_overrides(reg: Registry, overrides: list[Path]) -> Registry:
    """*reg* with the override files applied, from the disk cache when the same files were applied before."""
    try:
        parts = [f"{p.resolve()}\0" + hashlib.sha256(p.read_bytes()).hexdigest() for p in overrides]
    except OSError:  # let apply_override name the file and the fault
        return reg.with_overrides(overrides)
    key = registry_key(_data_files(TABLE_DIR, SCHEMA_DIR, SOURCES_FILE), reg.data_version, "overrides", *parts)
    out = cached(key, lambda: reg.with_overrides(overrides), Registry)
    out.keep_on_disk(memo_store(key))
    return out


def load(overrides: Iterable[str | Path] | None = None) -> Registry:
    """Load the shipped data, validated, with optional override files applied.

    Parameters
    ----------
    overrides : iterable of path, optional
        YAML or CSV files replacing or adding rows of any table (see :mod:`jalur.datasets.overrides`).

    Returns
    -------
    Registry
        The shipped registry is loaded once per process; registries are read-only.
    """
    reg = _shipped()
    return _with_overrides(reg, [Path(p) for p in overrides]) if overrides else reg


def check(overrides: Iterable[str | Path] | None = None) -> Registry:
    """Validate the shipped data (re-read from disk, not from the cache) and any override files."""
    _shipped.cache_clear()
    reg = load_from(TABLE_DIR, SCHEMA_DIR, SOURCES_FILE, data_version())
    return reg.with_overrides([Path(p) for p in overrides]) if overrides else reg
