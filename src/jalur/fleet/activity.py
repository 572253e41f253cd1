"""Activity: km driven by a vehicle at each age, and the share of its lifetime km in each year of use.

One definition for the fleet and the vehicle engine: a vehicle of age *a* is still on the road with probability
:math:`S(a)` (the class's survival curve) and drives :math:`k_0 (1-d)^a` km a year while it is.
"""

from __future__ import annotations

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.fleet.survival import AGES, weibull_survival


def km_by_age(decline, ages=AGES):
    """Relative km per year at each age (1 at age 0).

    Parameters
    ----------
    decline : float [1/year]
        Yearly fall of km per vehicle with age.
    ages : array_like [year]

    Returns
    -------
    numpy.ndarray [1]
        :math:`(1-d)^a`.

    References
    ----------
    The exponential decline is the usual fit of odometer data by age, e.g. US EPA OMEGA fleet model
    (cars 2.9 %/yr over ages 0-20); the ``fleet-parameters`` sources give the values used.

    Examples
    --------
    >>> [round(float(x), 4) for x in km_by_age(0.03, np.arange(3))]
    [1.0, 0.97, 0.9409]
    """
    return (1.0 - np.asarray(decline, dtype=float)) ** np.asarray(ages, dtype=float)


def lifetime_km_weights(survival, decline) -> np.ndarray:
    """Share of a new vehicle's expected lifetime km driven at each age [1] (sums to 1).

    Notes
    -----
    :math:`w(a) = S(a)(1-d)^a / \\sum_b S(b)(1-d)^b`: the expected km of year *a* over the expected lifetime km.

    Examples
    --------
    >>> [round(float(x), 3) for x in lifetime_km_weights(np.array([1.0, 0.5, 0.0]), 0.0)]
    [0.667, 0.333, 0.0]
    """
    s = np.asarray(survival, dtype=float)
    w = s * km_by_age(decline, np.arange(s.shape[-1]))
    return w / w.sum(axis=-1, keepdims=True)


def first_year_km(lifetime_km, survival, decline):
    """Km in the first year [km/year] that gives a new vehicle its expected lifetime km.

    Notes
    -----
    :math:`k_0 = K / \\sum_a S(a)(1-d)^a`, so that :math:`\\sum_a k_0 (1-d)^a S(a) = K`.

    Examples
    --------
    >>> float(first_year_km(150_000, np.array([1.0, 1.0, 0.5]), 0.0))
    60000.0
    """
    s = np.asarray(survival, dtype=float)
    return np.asarray(lifetime_km, dtype=float) / float((s * km_by_age(decline, np.arange(s.shape[-1]))).sum())


@memoize
def class_use(reg: Registry, vclass: str) -> tuple[np.ndarray, float]:
    """The survival curve by age (``fleet-parameters`` Weibull) and the km decline [1/year] of a class."""
    fp = reg.table("fleet-parameters")
    get = lambda name, unit: fp.get(unit, parameter=name, **{"class": vclass})
    surv = weibull_survival(AGES, get("weibull_shape", "1"), get("weibull_scale", "year"))
    return surv, get("km_decline_per_year", "1/year")
