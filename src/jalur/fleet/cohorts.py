"""Cohorts: vehicles by year of sale (vintage) surviving year by year, and the fleet they make up.

The axis of calendar years and of vintages is given by the caller (``years``, ``vintages``); the first calendar
year is the starting point, where vintages sold before it are known only through the fleet's age profile.
"""

from __future__ import annotations

import numpy as np

from jalur.fleet.survival import MAX_AGE


def cohort_factors(surv: np.ndarray, years: np.ndarray, vintages: np.ndarray, scrap: np.ndarray | None = None,
                   counted: np.ndarray | None = None):
    """Share of each vintage still in the fleet at the end of each year, (V, Y).

    Parameters
    ----------
    surv : numpy.ndarray [1]
        Survival by age 0..A-1.
    years, vintages : numpy.ndarray of int
        Calendar years and vintages (the first calendar year is the reference).
    scrap : numpy.ndarray [1/year], shape (Y, A), optional
        Extra yearly removal rate by year and age (a scrappage programme).
    counted : numpy.ndarray [1], optional
        The curve by which older vintages were counted at the reference (default *surv*): with the
        registration retention, older vintages counted as registered give their in-use share.

    Returns
    -------
    numpy.ndarray [1]
        For vintages sold in or after the first year, relative to the number sold; for older vintages, relative
        to the number counted at the end of the first year: :math:`S(y - v) / C(\\max(y_0 - v, 0))`.

    Examples
    --------
    >>> F = cohort_factors(np.array([1.0, 0.5, 0.25]), np.array([2010, 2011]), np.array([2009, 2010, 2011]))
    >>> F.tolist()
    [[1.0, 0.5], [1.0, 0.5], [0.0, 1.0]]
    >>> cohort_factors(np.array([1.0, 0.5]), np.array([2010]), np.array([2009]), counted=np.array([1.0, 1.0])).tolist()
    [[0.5]]
    """
    age = years[None, :] - vintages[:, None]                                       # (V, Y)
    ref = np.maximum(years[0] - vintages, 0)[:, None]                               # age at the reference
    A = len(surv)
    valid = (age >= 0) & (age < A)
    ag = np.clip(age, 0, A - 1)
    at_ref = (surv if counted is None else counted)[np.clip(ref, 0, A - 1)]
    base = np.where(valid, surv[ag] / np.where(at_ref > 0, at_ref, 1.0), 0.0)
    if scrap is not None and scrap.any():
        yrs = np.arange(len(years))[None, :].repeat(len(vintages), axis=0)
        hit = np.where(valid & (age > ref), 1.0 - scrap[yrs, ag], 1.0)
        base = base * np.cumprod(hit, axis=1)
    return base


def growth_for_mean_age(surv: np.ndarray, mean_age: float) -> float:
    """Sales growth [1/year] whose steady-state age profile (with *surv*) has the given mean age [year]."""
    ages = np.arange(len(surv)) + 0.5
    lo, hi = -0.2, 1.0
    for _ in range(60):
        g = (lo + hi) / 2
        w = surv * (1 + g) ** (-ages)
        m = float((w * ages).sum() / w.sum())
        lo, hi = (g, hi) if m > mean_age else (lo, g)
    return (lo + hi) / 2


def steady_profile(surv: np.ndarray, growth: float) -> np.ndarray:
    """Age profile [1] (sums to 1) of a fleet whose sales grew at *growth* for a long time."""
    w = surv * (1 + growth) ** (-np.arange(len(surv), dtype=float))
    return w / w.sum()


def initial_cohorts(profile: np.ndarray, years: np.ndarray, vintages: np.ndarray) -> np.ndarray:
    """Fleet at the end of the first year by vintage (V,), from its profile by age [vehicle]."""
    n0 = np.zeros(len(vintages))
    for a, x in enumerate(profile[:MAX_AGE]):
        v = years[0] - a
        if v >= vintages[0]:
            n0[int(v - vintages[0])] = x
    return n0


def stock_by_vintage(sold: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Stock by vintage and year [vehicle], (..., V, Y): vehicles sold by vintage (..., V) times survival (V, Y)."""
    return np.asarray(sold)[..., :, None] * factors
