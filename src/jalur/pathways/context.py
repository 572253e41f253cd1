"""What every scenario run shares: the cases of the fleet, the calendar and vintage axes, and the history
(sales, registration and use curves, the fleet at the start), computed once per registry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jalur.catalog import Catalog, catalog
from jalur.datasets import Registry, Table, memoize
from jalur.errors import InputError
from jalur.fleet.cohorts import steady_profile
from jalur.fleet.survival import MAX_AGE
from jalur.physics.activity import ClassUse, class_use, fleet_parameter
from jalur.physics.series import interpolate
from jalur.vehicle.cases import valid_combinations

YEARS = np.arange(2010, 2061)
#: Last year of history: sales, blends and pathways come from the data up to it; levers act afterwards.
HIST_END = 2025
VINTAGES = np.arange(YEARS[0] - MAX_AGE + 1, YEARS[-1] + 1)
#: Index of the first calendar year's vintage in :data:`VINTAGES`.
FIRST = int(YEARS[0] - VINTAGES[0])
HIST_YEARS = YEARS[YEARS <= HIST_END]


@dataclass(frozen=True)
class History:
    """The history of one vehicle class and how its vehicles are registered and used."""

    sales: np.ndarray                 # vehicle/year, HIST_YEARS
    use: ClassUse                     # registration retention, in-use survival, km decline and scale
    initial_registered: float         # vehicle, end of the first year, on the current BPS basis
    initial_growth: float             # 1/year, sales growth before the first year (age profile)
    saturation: float                 # vehicle/person, registration basis
    adjustment: float                 # 1/year, partial adjustment of projected sales


@dataclass(frozen=True)
class FleetContext:
    """Scenario-independent inputs of the fleet model (see the module docstring)."""

    reg: Registry
    cat: Catalog
    cases: pd.DataFrame               # segment, powertrain, class: one row per case of the fleet
    classes: tuple[str, ...]
    history: dict[str, History]

    @functools.cached_property
    def case_ids(self) -> list[str]:
        """An id per case: ``segment/powertrain``."""
        return [f"{s}/{p}" for s, p in zip(self.cases["segment"], self.cases["powertrain"])]

    @functools.cached_property
    def membership(self):
        """Which class each case belongs to, as a 0/1 array (case, vclass): sums by class are a dot product."""
        import xarray as xr

        m = (self.cases["class"].to_numpy()[:, None] == np.array(self.classes)[None, :]).astype(float)
        return xr.DataArray(m, dims=("case", "vclass"), coords={"case": self.case_ids, "vclass": list(self.classes)})

    def by_class(self, a):
        """Sum of a case array by vehicle class: the case dimension becomes ``vclass``."""
        import xarray as xr

        return xr.dot(a, self.membership, dim="case").transpose("vclass", ...)

    def of_class(self, vclass: str) -> np.ndarray:
        """Indices of the cases of a class."""
        return np.flatnonzero(self.cases["class"].to_numpy() == vclass)

    def powertrains(self, vclass: str) -> list[str]:
        return list(dict.fromkeys(self.cases[self.cases["class"] == vclass]["powertrain"]))


def series(t: Table, unit: str, years: np.ndarray, **where: Any) -> np.ndarray:
    """A table's yearly values (interpolated, held outside the data years) in *unit*."""
    sub = t.where(**where)
    if len(sub) == 0:
        raise InputError(f"table '{t.name}' has no rows for {where}")
    ys = sub.frame["year"].to_numpy(float)
    order = np.argsort(ys)
    return interpolate(ys[order], sub.values(unit)[order], years)


def start_profile(h: History) -> np.ndarray:
    """Registered vehicles by age at the end of the first year [vehicle] (ages 0..A-1).

    A steady-growth profile on the registration retention: sales grew at ``initial_sales_growth`` a year before.
    """
    return h.initial_registered * steady_profile(h.use.retention, h.initial_growth)


def _history(reg: Registry, k: str) -> History:
    sales = series(reg.table("vehicle-sales"), "vehicle/year", HIST_YEARS, **{"class": k})
    use = class_use(reg, k)
    return History(sales, use, fleet_parameter(reg, "initial_registered_stock", k, "vehicles"),
                   fleet_parameter(reg, "initial_sales_growth", k, "1/year"),
                   fleet_parameter(reg, "ownership_saturation", k, "1"),
                   fleet_parameter(reg, "sales_adjustment", k, "1/year"))


@memoize
def context(reg: Registry) -> FleetContext:
    """Scenario-independent inputs of the fleet model, computed once per registry."""
    cat = catalog(reg)
    combos = valid_combinations(reg)
    classes = tuple(k for k in cat.classes if k in set(combos["class"]))
    return FleetContext(reg, cat, combos, classes, {k: _history(reg, k) for k in classes})
