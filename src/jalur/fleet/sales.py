"""New sales: what a stock target asks for once the survivors are counted, within a limit of yearly change."""

from __future__ import annotations

import numpy as np


def sales_for_stock(target: np.ndarray, cohorts: np.ndarray, factors: np.ndarray, first: int, start: int,
                    previous: float, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Sales of each year from *start* on that bring the stock to *target*, never negative.

    Parameters
    ----------
    target : numpy.ndarray [vehicle], shape (Y,)
        Stock wanted at the end of each year.
    cohorts : numpy.ndarray [vehicle], shape (V,)
        Vehicles of each vintage (sold, or at the reference for older vintages); vintages from *start* on are
        filled in here.
    factors : numpy.ndarray [1], shape (V, Y)
        :func:`jalur.fleet.cohorts.cohort_factors`.
    first : int
        Index of the first calendar year's vintage in *cohorts*.
    start : int
        Index of the first year to compute.
    previous : float [vehicle/year]
        Sales of the year before *start*.
    step : float [1/year]
        Largest relative change of sales from one year to the next.

    Returns
    -------
    (sales, cohorts) : numpy.ndarray
        Sales (Y,) from *start* (zero before) and the cohorts with those sales filled in.

    Notes
    -----
    :math:`s_t = \\mathrm{clip}(K_t - \\sum_v n_v F_{v,t},\\ s_{t-1}(1-\\sigma),\\ s_{t-1}(1+\\sigma))`, at least 0.
    """
    cohorts = cohorts.copy()
    out = np.zeros(len(target))
    last = previous
    for t in range(start, len(target)):
        survivors = float((cohorts[: first + t] * factors[: first + t, t]).sum())
        wanted = max(0.0, target[t] - survivors)
        out[t] = float(np.clip(wanted, last * (1 - step), last * (1 + step)))
        cohorts[first + t] = out[t]
        last = out[t]
    return out, cohorts
