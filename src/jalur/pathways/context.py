"""What every scenario run shares: the cases of the fleet, the calendar and vintage axes, and the history
(sales, registered stock, the survival curves and the fleet at the start), computed once per registry.
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
from jalur.fleet.activity import class_use
from jalur.fleet.cohorts import cohort_factors, growth_for_mean_age, initial_cohorts, steady_profile
from jalur.fleet.survival import AGES, MAX_AGE, SurvivalFit, fit_survival
from jalur.physics.series import interpolate
from jalur.vehicle.cases import valid_combinations

YEARS = np.arange(2010, 2061)
#: Last year of history: sales, blends and pathways come from the data up to it; levers act afterwards.
HIST_END = 2024
VINTAGES = np.arange(YEARS[0] - MAX_AGE + 1, YEARS[-1] + 1)
#: Index of the first calendar year's vintage in :data:`VINTAGES`.
FIRST = int(YEARS[0] - VINTAGES[0])
HIST_YEARS = YEARS[YEARS <= HIST_END]


@dataclass(frozen=True)
class History:
    """The history of one vehicle class, and the fleet it leaves at the start of the projection."""

    sales: np.ndarray                 # vehicle/year, HIST_YEARS
    registered: np.ndarray            # vehicle, BPS registrations, HIST_YEARS
    registered_fit: SurvivalFit       # survival of registrations fitted to BPS
    survival: np.ndarray              # active fleet, by age (fleet-parameters Weibull)
    km_decline: float                 # 1/year
    initial_growth: float             # 1/year, sales growth before 2010 giving the initial mean age
    saturation: float                 # vehicle/person, registration basis
    max_step: float                   # 1/year


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


def fleet_parameter(reg: Registry, name: str, vclass: str, unit: str) -> float:
    return reg.table("fleet-parameters").get(unit, parameter=name, **{"class": vclass})


def active_start(h: History, survival: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The end-2010 active fleet by age, and the active stock of the history years it and the sales give.

    The end-2010 active fleet is BPS's registered stock scaled by the ratio of active to registered survival
    over the steady-growth age profile of the class's initial mean age.
    """
    w = (1 + h.initial_growth) ** (-AGES.astype(float))
    reg_curve = h.registered_fit.curve(AGES)
    active0 = h.registered[0] * float((w * survival).sum() / (w * reg_curve).sum())
    profile = active0 * steady_profile(survival, h.initial_growth)
    n0 = initial_cohorts(profile, YEARS, VINTAGES)
    n0[FIRST + 1: FIRST + len(h.sales)] = h.sales[1:]
    stock = (n0[:, None] * cohort_factors(survival, YEARS, VINTAGES)).sum(axis=0)[: len(h.sales)]
    return profile, stock


def _history(reg: Registry, k: str) -> History:
    sales = series(reg.table("vehicle-sales"), "vehicle/year", HIST_YEARS, **{"class": k})
    stock = series(reg.table("vehicle-population"), "vehicles", HIST_YEARS, **{"class": k})
    fit = fit_survival(HIST_YEARS, sales, stock, bounds=((1.5, 6.0), (8.0, 80.0)), growth=0.05, max_age=MAX_AGE)
    surv, decline = class_use(reg, k)
    return History(sales, stock, fit, surv, decline,
                   growth_for_mean_age(surv, fleet_parameter(reg, "initial_mean_age", k, "year")),
                   fleet_parameter(reg, "ownership_saturation", k, "1"),
                   fleet_parameter(reg, "max_sales_change", k, "1/year"))


@memoize
def context(reg: Registry) -> FleetContext:
    """Scenario-independent inputs of the fleet model, computed once per registry."""
    cat = catalog(reg)
    combos = valid_combinations(reg)
    classes = tuple(k for k in cat.classes if k in set(combos["class"]))
    return FleetContext(reg, cat, combos, classes, {k: _history(reg, k) for k in classes})
