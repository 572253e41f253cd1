"""Activity: km driven by a vehicle at each age, and the share of its lifetime km in each year of use.

One definition for the fleet, the vehicle engine and the cost of ownership: a vehicle of age *a* is still in use
with probability :math:`S(a)` (its class's in-use survival) and drives :math:`k_0 (1-d)^a` km a year while it is,
:math:`k_0` being the km of its first year (:mod:`jalur.physics.activity` reads them from the data).
"""

from __future__ import annotations

import numpy as np

from jalur.fleet.survival import AGES


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


def expected_km(survival, decline) -> float:
    """Expected km of a new vehicle over its life per km of its first year [year]: :math:`\\sum_a S(a)(1-d)^a`.

    Times the km of the first year, it is the expected lifetime km of a vehicle sold.

    Examples
    --------
    >>> expected_km(np.array([1.0, 1.0, 0.5]), 0.0)
    2.5
    """
    s = np.asarray(survival, dtype=float)
    return float((s * km_by_age(decline, np.arange(s.shape[-1]))).sum())
