"""New sales: what a stock target asks for once the survivors are counted, reached by partial adjustment."""

from __future__ import annotations

import numpy as np


def sales_for_stock(target: np.ndarray, cohorts: np.ndarray, factors: np.ndarray, first: int, start: int,
                    previous: float, adjustment: float) -> tuple[np.ndarray, np.ndarray]:
    """Sales of each year from *start* on that move the stock toward *target*, never negative.

    Parameters
    ----------
    target : numpy.ndarray [vehicle], shape (Y,)
        Stock wanted at the end of each year.
    cohorts : numpy.ndarray [vehicle], shape (V,)
        Vehicles of each vintage (sold, or counted at the reference for older vintages); vintages from *start* on
        are filled in here.
    factors : numpy.ndarray [1], shape (V, Y)
        :func:`jalur.fleet.cohorts.cohort_factors` of the stock the target is about.
    first : int
        Index of the first calendar year's vintage in *cohorts*.
    start : int
        Index of the first year to compute.
    previous : float [vehicle/year]
        Sales of the year before *start*.
    adjustment : float [1/year]
        Share of the gap between the sales that would meet the target and last year's sales closed each year
        (1: the target is met every year; smaller: sales follow it with inertia).

    Returns
    -------
    (sales, cohorts) : numpy.ndarray
        Sales (Y,) from *start* (zero before) and the cohorts with those sales filled in.

    Notes
    -----
    Partial adjustment: :math:`s^*_t = \\max(0,\\ K_t - \\sum_v n_v F_{v,t})`,
    :math:`s_t = s_{t-1} + a\\,(s^*_t - s_{t-1})`. With :math:`0 < a \\le 1` and :math:`s_{t-1} \\ge 0`, sales stay
    between last year's and the wanted ones: no limit binds, and the stock may lag its target.

    Examples
    --------
    >>> s, _ = sales_for_stock(np.array([130.0, 130.0]), np.array([100.0, 0.0, 0.0]), np.ones((3, 2)), 1, 0, 10.0, 0.5)
    >>> s.tolist()   # wants 30, gets half-way from 10; then wants 130 - 120 = 10, stays at 20 - 0.5 x 10
    [20.0, 15.0]
    """
    if not 0.0 < adjustment <= 1.0:
        raise ValueError(f"adjustment {adjustment} outside (0, 1]")
    cohorts = cohorts.copy()
    out = np.zeros(len(target))
    last = previous
    for t in range(start, len(target)):
        survivors = float((cohorts[: first + t] * factors[: first + t, t]).sum())
        wanted = max(0.0, target[t] - survivors)
        out[t] = last + adjustment * (wanted - last)
        cohorts[first + t] = out[t]
        last = out[t]
    return out, cohorts
