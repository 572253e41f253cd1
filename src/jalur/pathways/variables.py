"""The one table of output variables (``variables.yaml``): name, source array, aggregation, unit, labels.

It generates the IAMC table (:mod:`jalur.pathways.iamc`), the compact output of batch runs, the summary and the
charts. Units are converted with pint from each source array's ``units``; every dimension a variable does not
expand or select is summed, so children add up to parents.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import xarray as xr
import yaml

from jalur.errors import DataError
from jalur.pathways.context import HIST_END
from jalur.units import conversion_factor

TABLE = Path(__file__).with_name("variables.yaml")
KEYS = {"name", "source", "unit", "by", "select", "regions", "divide_by", "history", "compact", "label_en", "label_id"}


@dataclass(frozen=True)
class Variable:
    """One row of the table of output variables (see ``variables.yaml`` for the fields)."""

    name: str
    source: str
    unit: str
    label_en: str
    label_id: str
    by: tuple[tuple[str, str], ...] = ()
    select: tuple[tuple[str, str], ...] = ()
    regions: bool = False
    divide_by: str | None = None
    history: bool = False
    compact: bool = False

    def label(self, lang: str = "en") -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class Row:
    """One expanded output row: a variable for one region and one combination of its placeholders."""

    region: str
    name: str
    unit: str
    values: np.ndarray
    labels: dict[str, str] = field(default_factory=dict)
    variable: Variable | None = None


@functools.lru_cache(maxsize=1)
def table() -> tuple[tuple[Variable, ...], tuple[str, ...]]:
    """The variables and the summary list, read and checked once."""
    raw = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    out = []
    for i, v in enumerate(raw["variables"]):
        unknown = set(v) - KEYS
        if unknown or not {"name", "source", "unit", "label_en", "label_id"} <= set(v):
            raise DataError(f"{TABLE}: variable {i + 1} ({v.get('name')}): unknown keys {sorted(unknown)} or missing "
                            "name/source/unit/labels")
        out.append(Variable(v["name"], v["source"], v["unit"], v["label_en"], v["label_id"],
                            tuple((v.get("by") or {}).items()), tuple((v.get("select") or {}).items()),
                            bool(v.get("regions")), v.get("divide_by"), bool(v.get("history")), bool(v.get("compact"))))
    return tuple(out), tuple(raw.get("summary") or ())


def variables() -> tuple[Variable, ...]:
    return table()[0]


def _value_label(labels: dict, how: str, value: str, lang: str) -> str:
    """The label of a placeholder's value: a catalogue attribute (IAMC names stay English), or its id styled."""
    if how == "title":
        return value.replace("-", " ").title()
    if how == "upper":
        return value.upper()
    kind, attr = how.split(".")
    item = labels[kind][value]
    return item[attr] if lang == "en" or attr != "iamc_label" else item["label_id"] or item["label_en"]


def _combos(v: Variable, da: xr.DataArray) -> Iterator[dict[str, str]]:
    """Each combination of the placeholders' values present in the source (in the source's order)."""
    dims = [d for d, _ in v.by]
    if not dims:
        yield {}
        return
    columns = [list(map(str, da[d].values)) for d in dims]
    if all(d in da.dims for d in dims):
        yield from (dict(zip(dims, c)) for c in itertools.product(*columns))
    else:  # coordinates along one dimension (class and powertrain of each case): the combinations that exist
        yield from (dict(zip(dims, c)) for c in dict.fromkeys(zip(*columns)))


def _reduce(v: Variable, da: xr.DataArray, combo: dict[str, str], keep: tuple[str, ...]) -> xr.DataArray:
    for d, val in itertools.chain(v.select, combo.items()):
        if d in da.dims:
            da = da.sel({d: val})
        else:
            da = da.isel({da[d].dims[0]: np.flatnonzero(da[d].values.astype(str) == val)})
    return da.sum([d for d in da.dims if d not in keep])


def run_labels(ds: xr.Dataset) -> dict:
    """The catalogue labels a run carries (``ds.attrs['labels']``, written by the run)."""
    return json.loads(ds.attrs["labels"])


def _rows_of(v: Variable, ds: xr.Dataset, labels: dict, lang: str) -> Iterator[Row]:
    regions = labels["regions"]
    national = next(k for k, r in regions.items() if r["is_national"])
    da = ds[v.source].mean("sample") if "sample" in ds[v.source].dims else ds[v.source]
    years = ds["year"].values
    out_of_scope = set(json.loads(ds.attrs.get("out_of_scope", "[]")))
    for combo in _combos(v, da):
        if combo.get("stage") in out_of_scope:
            continue
        for region in (list(da["region"].values) if v.regions else [national]):
            x = _reduce(v, da.sel(region=region) if v.regions else da, combo, ("year",))
            units = da.attrs.get("units", "")
            if v.divide_by:
                div = ds[v.divide_by].sel(grid=region)
                x, units = x / div, f"({units}) / ({div.attrs.get('units', '')})"
            vals = np.asarray(x.values, dtype=float) * conversion_factor(units, v.unit)
            if v.history:
                vals = np.where(years > HIST_END, np.nan, vals)
            iamc = {d: _value_label(labels, how, combo[d], "en") for d, how in v.by}
            yield Row(regions[region]["iamc_label"], v.name.format(**iamc), v.unit, vals,
                      {d: _value_label(labels, how, combo[d], lang) for d, how in v.by}, v)


def rows(ds: xr.Dataset, *, lang: str = "en", only: tuple[Variable, ...] | None = None) -> list[Row]:
    """Every output row of a run, in table order (a variable's national row, or its rows by region).

    *lang* chooses the language of the ``labels`` of each row (``en`` or ``id``); IAMC names stay English.
    """
    labels = run_labels(ds)
    return [r for v in (only if only is not None else variables()) for r in _rows_of(v, ds, labels, lang)]


def compact_totals(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """National yearly totals of the ``compact`` variables, in their IAMC units."""
    return {r.name: r.values for r in rows(ds, only=tuple(v for v in variables() if v.compact))}


def compact_sources() -> set[str]:
    """The run arrays the compact variables read."""
    return {v.source for v in variables() if v.compact} | {v.divide_by for v in variables() if v.compact and v.divide_by}


def compact_units() -> dict[str, str]:
    """IAMC units of the compact variables."""
    return {v.name: v.unit for v in variables() if v.compact}


def summary_names() -> tuple[str, ...]:
    return table()[1]
