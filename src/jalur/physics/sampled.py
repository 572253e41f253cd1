"""The numbers the engines need from the data registry, as sampled arrays.

Each table the engine reads is turned into an array of shape ``(samples, rows)`` in the units asked
for. Uncertain rows (with ``low``/``high``) are grouped into *input factors* that move together:

================================  ==========================================================
table                              one factor per
================================  ==========================================================
vehicle-parameters                 (segment, parameter) for use-pattern parameters shared by all
                                   powertrains of a segment (annual km, lifetime, load factor);
                                   (segment, powertrain, parameter) otherwise
grid-intensity                     (region, scenario, basis): a whole trajectory moves together
grid-losses                        region
production-drivers                 (driver, key): a whole trajectory moves together
other tables                       row
================================  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.errors import DataError, InputError
from jalur.uncertainty import Design, central_design, oat_design, random_design, sample_values
from jalur.units import conversion_factor

#: vehicle-parameters that describe how a segment is used, not its powertrain: one draw per segment.
SHARED_PARAMETERS = frozenset({"annual_km", "lifetime_years", "lifetime_km", "load_factor"})

#: Tables sampled by the engine and how their rows are grouped into factors.
FACTOR_GROUPS: dict[str, Callable[[dict[str, Any]], tuple]] = {
    "vehicle-parameters": lambda r: (r["segment"], r["parameter"]) if r["parameter"] in SHARED_PARAMETERS
    else (r["segment"], r["powertrain"], r["parameter"]),
    "grid-intensity": lambda r: (r["region"], r["scenario"], r["basis"]),
    "grid-losses": lambda r: (r["region"],),
    "production-drivers": lambda r: (r["driver"], r["key"]),
}


@dataclass
class FactorSpace:
    """The uncertain input factors of a registry: labels and the factor of every sampled row."""

    labels: list[str] = field(default_factory=list)
    row_factor: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.labels)


ENGINE_TABLES = (
    "vehicle-parameters", "manufacturing", "battery-production", "battery-parameters", "fuel-pathways",
    "land-use-change", "grid-intensity", "grid-losses", "tailpipe-non-co2", "hydrogen-supply", "production-drivers",
    "infrastructure",
)
"""Tables whose ranges are sampled. Others (heating values, GWPs, fleet parameters) are read at their central
values: a GWP is a metric chosen, not an uncertain input, and heating values are known to the digit given."""


@memoize
def factor_space(reg: Registry, tables: tuple[str, ...] = ENGINE_TABLES) -> FactorSpace:
    """Group the uncertain rows of *tables* into input factors (see module docstring); once per registry."""
    space = FactorSpace()
    index: dict[tuple, int] = {}
    for name in tables:
        t = reg.table(name)
        df = t.frame
        group = FACTOR_GROUPS.get(name)
        cols = list(t.schema.key)
        rf = np.full(len(df), -1, dtype=int)
        has = (np.isfinite(df["low"].to_numpy(float)) & np.isfinite(df["high"].to_numpy(float))
               & (df["high"].to_numpy(float) > df["low"].to_numpy(float)))
        for i, row in enumerate(df[cols].to_dict("records")):
            if not has[i]:
                continue
            g = (name,) + (group(row) if group else tuple(str(row[c]) for c in cols))
            if g not in index:
                index[g] = len(space.labels)
                space.labels.append(f"{g[0]}: " + " / ".join(str(x) for x in g[1:]))
            rf[i] = index[g]
        space.row_factor[name] = rf
    return space


class SampledTables:
    """Values of every engine table under one design: ``values(table) -> (samples, rows)`` arrays."""

    def __init__(self, reg: Registry, space: FactorSpace, design: Design):
        self.reg = reg
        self.space = space
        self.design = design
        self._cache: dict[str, np.ndarray] = {}
        self._index: dict[str, dict[tuple, int]] = {}
        self._units: dict[str, np.ndarray] = {}
        self._scalars: dict[tuple, np.ndarray] = {}

    @property
    def n(self) -> int:
        return self.design.n_samples

    def values(self, name: str) -> np.ndarray:
        """Sampled ``value`` of every row of *name*, in each row's own unit, shape (samples, rows)."""
        if name not in self._cache:
            df = self.reg.table(name).frame
            rf = self.space.row_factor.get(name, np.full(len(df), -1, dtype=int))
            self._cache[name] = sample_values(
                self.design, rf, df["value"].to_numpy(float), df["low"].to_numpy(float), df["high"].to_numpy(float)
            )
        return self._cache[name]

    def row_index(self, name: str) -> dict[tuple, int]:
        """Map from a row's key tuple (as strings) to its position."""
        if name not in self._index:
            t = self.reg.table(name)
            keys = t.frame[list(t.schema.key)].astype(str).itertuples(index=False, name=None)
            self._index[name] = {k: i for i, k in enumerate(keys)}
        return self._index[name]

    def gather(self, name: str, keys: list[tuple], unit: str, *, default: float | None = None,
               what: str = "") -> np.ndarray:
        """Values of the rows *keys* of table *name* converted to *unit*, shape (samples, len(keys)).

        A missing key takes *default* when given, else raises :class:`DataError`.
        """
        idx_map = self.row_index(name)
        t = self.reg.table(name)
        vals = self.values(name)
        if name not in self._units:
            self._units[name] = np.asarray(t.frame["unit"].to_numpy(), dtype=object)
        units = self._units[name]
        out = np.empty((self.n, len(keys)))
        for j, k in enumerate(keys):
            k = tuple(str(x) for x in k)
            i = idx_map.get(k)
            if i is None:
                if default is None:
                    raise DataError(
                        f"table '{name}' has no row {dict(zip(t.schema.key, k))}"
                        + (f" (needed for {what})" if what else "")
                        + f"; add it to {t.frame['_origin'].iloc[0] if len(t.frame) else name} or an override file"
                    )
                out[:, j] = default
                continue
            out[:, j] = vals[:, i] * conversion_factor(units[i], unit)
        return out

    def scalar(self, name: str, key: tuple, unit: str, default: float | None = None) -> np.ndarray:
        """One row's sampled value in *unit*, shape (samples,)."""
        k = (name, key, unit, default)
        if k not in self._scalars:
            self._scalars[k] = self.gather(name, [key], unit, default=default)[:, 0]
        return self._scalars[k]

    def has(self, name: str, key: tuple) -> bool:
        """True if table *name* has the row *key*."""
        return tuple(str(x) for x in key) in self.row_index(name)


def sampled_tables(reg: Registry, samples: int = 0, seed: int | None = None, oat: bool = False) -> SampledTables:
    """The engine tables of *reg* under a deterministic, Monte Carlo or one-at-a-time design."""
    space = factor_space(reg)
    return SampledTables(reg, space, make_design(space, samples, seed, oat))


def make_design(space: FactorSpace, samples: int = 0, seed: int | None = None, oat: bool = False) -> Design:
    """The design for a deterministic (``samples=0``), Monte Carlo or one-at-a-time run."""
    if oat:
        return oat_design(space.n)
    if samples and samples > 0:
        return random_design(space.n, samples, seed)
    if samples < 0:
        raise InputError(f"samples must be >= 0, got {samples}")
    return central_design(space.n)
