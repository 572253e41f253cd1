"""How the vehicles of a class are used, read once from ``fleet-parameters``: how long they stay registered and
in use, and how their km fall with age. The one activity definition of the fleet model, the vehicle engine and
the cost of ownership (:mod:`jalur.fleet.activity` holds the arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.fleet.activity import expected_km, lifetime_km_weights
from jalur.fleet.survival import AGES, weibull_survival


@dataclass(frozen=True)
class ClassUse:
    """Registration, use and km by age of a vehicle class.

    Attributes
    ----------
    retention : numpy.ndarray [1], by age 0..A-1
        Share of a vintage still registered (BPS/Korlantas count it).
    survival : numpy.ndarray [1], by age
        Share still in use: the in-use Weibull curve, never above *retention*.
    decline : float [1/year]
        Fall of km per year of age.
    km_scale : float [1]
        Calibration factor on the first-year km of the class's segments (``annual_km``).
    km_trend : float [1/year]
        Change of km per vehicle per calendar year in the history, up to its last year (the fleet only: the first-year
        km are those of the last history year, which the vehicle engine uses for every registration year).
    """

    retention: np.ndarray
    survival: np.ndarray
    decline: float
    km_scale: float
    km_trend: float = 0.0

    @property
    def mean_life(self) -> float:
        """Expected years in use of a vehicle sold [year]: :math:`\\sum_a U(a)`."""
        return float(self.survival.sum())

    @property
    def km_years(self) -> float:
        """Expected lifetime km per first-year km [year]: :math:`\\sum_a U(a)(1-d)^a`."""
        return expected_km(self.survival, self.decline)

    @property
    def km_weights(self) -> np.ndarray:
        """Share of a vehicle's lifetime km driven at each age [1] (sums to 1)."""
        return lifetime_km_weights(self.survival, self.decline)


def in_use_curve(curve: np.ndarray, retention: np.ndarray) -> np.ndarray:
    """An in-use survival curve that never exceeds the registration retention [1]: a vehicle in use is registered."""
    return np.minimum(np.asarray(curve, dtype=float), retention)


def fleet_parameter(reg: Registry, name: str, vclass: str, unit: str) -> float:
    """One ``fleet-parameters`` value of a class, in *unit*."""
    return reg.table("fleet-parameters").get(unit, parameter=name, **{"class": vclass})


@memoize
def class_use(reg: Registry, vclass: str) -> ClassUse:
    """The registration retention, in-use survival, km decline and km scale of a class."""
    get = lambda name, unit: fleet_parameter(reg, name, vclass, unit)
    retention = weibull_survival(AGES, get("registration_weibull_shape", "1"), get("registration_weibull_scale", "year"))
    survival = in_use_curve(weibull_survival(AGES, get("weibull_shape", "1"), get("weibull_scale", "year")), retention)
    return ClassUse(retention, survival, get("km_decline_per_year", "1/year"), get("annual_km_scale", "1"),
                    get("km_trend_history", "1/year"))
