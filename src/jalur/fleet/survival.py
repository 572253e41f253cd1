"""Survival of vehicles with age, and the fit of a survival curve to sales and stock history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

#: Oldest age modelled [year]: survival curves are tabulated for ages 0 .. MAX_AGE - 1.
MAX_AGE = 80
AGES = np.arange(MAX_AGE)


def weibull_survival(age, shape: float, scale: float):
    """Share of vehicles still in the fleet at an age (Weibull).

    Parameters
    ----------
    age : array_like [year]
    shape : float [1]
        Weibull shape k (> 1: wear-out).
    scale : float [year]
        Weibull scale λ (age at which 1/e of vehicles survive).

    Returns
    -------
    array_like [1]

    Notes
    -----
    :math:`S(a) = \\exp(-(a/\\lambda)^k)`; the median lifetime is :math:`\\lambda (\\ln 2)^{1/k}`.

    Examples
    --------
    >>> float(weibull_survival(0, 2.5, 15)), round(float(weibull_survival(15, 2.5, 15)), 4)
    (1.0, 0.3679)
    """
    a = np.clip(np.asarray(age, dtype=float), 0.0, None)
    return np.exp(-((a / scale) ** shape))


def logistic_survival(age, midpoint: float, steepness: float):
    """Share of vehicles still in the fleet at an age (logistic, as in many national inventory models).

    Parameters
    ----------
    age : array_like [year]
    midpoint : float [year]
        Age at which half the vehicles are gone.
    steepness : float [1/year]

    Notes
    -----
    :math:`S(a) = \\frac{1 + e^{-k m}}{1 + e^{k (a - m)}}`, normalised so that S(0) = 1.

    Examples
    --------
    >>> float(logistic_survival(0, 12, 0.4)), round(float(logistic_survival(12, 12, 0.4)), 3)
    (1.0, 0.504)
    """
    a = np.clip(np.asarray(age, dtype=float), 0.0, None)
    return (1.0 + np.exp(-steepness * midpoint)) / (1.0 + np.exp(steepness * (a - midpoint)))


#: Survival models selectable by name: name -> (function, names of its two parameters).
SURVIVAL_MODELS: dict[str, tuple[Callable, tuple[str, str]]] = {
    "weibull": (weibull_survival, ("shape", "scale")),
    "logistic": (logistic_survival, ("midpoint", "steepness")),
}


def life_table(table, ages=AGES) -> np.ndarray:
    """Survival by age from a life table (share surviving at age 0, 1, 2 ...), zero past its end."""
    t = np.asarray(table, dtype=float)
    n = len(np.asarray(ages))
    return np.concatenate([t, np.zeros(max(0, n - len(t)))])[:n]


def curve(model: str, ages=AGES, **params: float) -> np.ndarray:
    """Survival by age [1] of a named model: ``weibull`` (shape, scale), ``logistic`` (midpoint, steepness) or
    ``life-table`` (table).

    Examples
    --------
    >>> curve("life-table", np.arange(4), table=[1.0, 0.5]).tolist()
    [1.0, 0.5, 0.0, 0.0]
    """
    if model == "life-table":
        return life_table(params["table"], ages)
    fn, names = SURVIVAL_MODELS[model]
    return fn(ages, *(params[n] for n in names))


@dataclass(frozen=True)
class SurvivalFit:
    """A survival curve fitted to stock history, with its error."""

    model: str
    params: tuple[float, float]
    rmse_pct: float           # root-mean-square relative error of modelled stock [%]
    years: tuple[int, ...]
    modelled: tuple[float, ...]
    observed: tuple[float, ...]
    at_bound: bool            # True if the best fit sits on the edge of the search box

    def curve(self, ages) -> np.ndarray:
        fn, _ = SURVIVAL_MODELS[self.model]
        return fn(ages, *self.params)


def simulate_stock(sales: np.ndarray, stock0: float, survival: np.ndarray, growth: float) -> np.ndarray:
    """Stock in each year from a first-year stock (steady-growth age profile) and later sales.

    Parameters
    ----------
    sales : numpy.ndarray, shape (T,) [vehicle/year]
        Sales of each year; the first year's stock already includes its sales.
    stock0 : float [vehicle]
        Stock at the end of the first year.
    survival : numpy.ndarray, shape (A,) or (N, A) [1]
        Survival by age 0..A-1 (A >= T); N curves at once.
    growth : float
        Sales growth before the first year, for the initial age profile.

    Returns
    -------
    numpy.ndarray, shape (T,) or (N, T) [vehicle]
    """
    surv = np.atleast_2d(np.asarray(survival, dtype=float))
    N, A = surv.shape
    T = len(sales)
    ages = np.arange(A)
    w = surv * (1.0 + growth) ** (-ages.astype(float))
    init = stock0 * w / w.sum(axis=1, keepdims=True)                    # (N, A) by age at end of year 0
    out = np.empty((N, T))
    safe = np.where(surv > 0, surv, 1.0)
    for t in range(T):
        shifted = np.zeros_like(surv)
        shifted[:, : A - t] = surv[:, t:]
        old = (init * np.where(surv > 0, shifted / safe, 0.0)).sum(axis=1)
        new = surv[:, t - np.arange(1, t + 1)] @ sales[1 : t + 1] if t >= 1 else 0.0
        out[:, t] = old + new
    return out[0] if np.ndim(survival) == 1 else out


def fit_survival(years: np.ndarray, sales: np.ndarray, stock: np.ndarray, *, model: str = "weibull",
                 bounds: tuple[tuple[float, float], tuple[float, float]] = ((1.5, 6.0), (8.0, 60.0)),
                 growth: float = 0.05, max_age: int = 80, grid: int = 31) -> SurvivalFit:
    """Fit a survival curve so that first-year stock plus later sales reproduce the observed stock.

    A grid search over the two parameters within *bounds*, refined once around the best point, minimises
    the sum of squared relative errors of the stock in years 2..T.

    Parameters
    ----------
    years, sales, stock : numpy.ndarray, shape (T,)
        Calendar years, sales [vehicle/year] and observed stock [vehicle].
    model : str
        A key of :data:`SURVIVAL_MODELS`.
    bounds : pair of (low, high)
        Search box of the two parameters (Weibull: shape, scale in years).
    growth : float [1/year]
        Sales growth assumed before the first year (initial age profile).

    Returns
    -------
    SurvivalFit
        ``at_bound`` is True when the best fit lies on the edge of the box.
    """
    fn, _ = SURVIVAL_MODELS[model]
    ages = np.arange(max_age)
    sales = np.asarray(sales, dtype=float)
    stock = np.asarray(stock, dtype=float)

    def search(lo_a, hi_a, lo_b, hi_b, n):
        pa, pb = np.meshgrid(np.linspace(lo_a, hi_a, n), np.linspace(lo_b, hi_b, n), indexing="ij")
        pa, pb = pa.ravel(), pb.ravel()
        curves = fn(ages[None, :], pa[:, None], pb[:, None])
        sim = simulate_stock(sales, stock[0], curves, growth)
        err = ((sim[:, 1:] / stock[1:] - 1.0) ** 2).sum(axis=1)
        k = int(np.argmin(err))
        return float(pa[k]), float(pb[k]), sim[k]

    (a0, a1), (b0, b1) = bounds
    p1, p2, _ = search(a0, a1, b0, b1, grid)
    da, db = (a1 - a0) / (grid - 1), (b1 - b0) / (grid - 1)
    p1, p2, sim = search(max(a0, p1 - da), min(a1, p1 + da), max(b0, p2 - db), min(b1, p2 + db), 11)
    rmse = float(np.sqrt(np.mean((sim[1:] / stock[1:] - 1.0) ** 2)) * 100)
    tol_a, tol_b = 1e-6 * max(1.0, abs(a1)), 1e-6 * max(1.0, abs(b1))
    edge = abs(p1 - a0) < tol_a or abs(p1 - a1) < tol_a or abs(p2 - b0) < tol_b or abs(p2 - b1) < tol_b
    return SurvivalFit(model, (p1, p2), rmse, tuple(int(y) for y in years), tuple(float(x) for x in sim),
                       tuple(float(x) for x in stock), edge)
