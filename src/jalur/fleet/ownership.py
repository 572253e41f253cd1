"""Vehicle ownership against income: the Gompertz curve and its fit to history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def gompertz(income, saturation: float, alpha: float, beta: float):
    """Vehicles per person as a Gompertz function of income per person.

    Parameters
    ----------
    income : array_like [currency per person per year]
    saturation : float [vehicle/person]
        Level approached at high income.
    alpha, beta : float [1], [1/(currency per person)]
        Shape parameters (alpha > 0, beta > 0).

    Notes
    -----
    :math:`V = \\gamma \\exp(-\\alpha \\exp(-\\beta\\, y))` (Dargay, Gately and Sommer 2007, The Energy
    Journal 28(4), doi:10.5547/ISSN0195-6574-EJ-Vol28-No4-7).

    Examples
    --------
    >>> round(float(gompertz(0.0, 0.6, 2.0, 1e-7)), 4), round(float(gompertz(1e9, 0.6, 2.0, 1e-7)), 4)
    (0.0812, 0.6)
    """
    y = np.asarray(income, dtype=float)
    return saturation * np.exp(-alpha * np.exp(-beta * y))


@dataclass(frozen=True)
class OwnershipFit:
    saturation: float
    alpha: float
    beta: float
    rmse_pct: float

    def __call__(self, income):
        return gompertz(income, self.saturation, self.alpha, self.beta)


def fit_gompertz(income: np.ndarray, ownership: np.ndarray, saturation: float,
                 weights: np.ndarray | None = None) -> OwnershipFit:
    """Fit alpha and beta of :func:`gompertz` for a given saturation by (weighted) linear least squares.

    Uses :math:`\\ln(-\\ln(V/\\gamma)) = \\ln\\alpha - \\beta y`, each observation weighted by *weights* (default
    equal). Observations at or above saturation are dropped.

    Raises
    ------
    ValueError
        If fewer than two observations lie below saturation, or the fit gives beta <= 0 (ownership
        falling with income).
    """
    y = np.asarray(income, dtype=float)
    v = np.asarray(ownership, dtype=float)
    ok = (v > 0) & (v < saturation)
    if ok.sum() < 2:
        raise ValueError("fewer than two ownership observations below saturation")
    z = np.log(-np.log(v[ok] / saturation))
    w = np.ones(len(v)) if weights is None else np.asarray(weights, dtype=float)
    slope, intercept = np.polyfit(y[ok], z, 1, w=np.sqrt(w[ok]))
    beta = -slope
    if beta <= 0:
        raise ValueError("ownership does not rise with income in the history given")
    alpha = float(np.exp(intercept))
    fitted = gompertz(y[ok], saturation, alpha, beta)
    rmse = float(np.sqrt(np.mean((fitted / v[ok] - 1) ** 2)) * 100)
    return OwnershipFit(float(saturation), alpha, float(beta), rmse)


def join_gompertz(income: np.ndarray, ownership: np.ndarray, saturation: float,
                  weights: np.ndarray | None = None) -> OwnershipFit:
    """The Gompertz curve that continues the history: through its last observation, rising there with income as
    ownership rose in the history (weighted), and bending toward *saturation* after.

    Parameters
    ----------
    income, ownership : numpy.ndarray
        History of income per person [currency per person per year] and vehicles per person [1], oldest first.
    saturation : float [vehicle/person]
    weights : numpy.ndarray, optional
        Weight of each history year in the slope (e.g. recent years more).

    Returns
    -------
    OwnershipFit
        ``rmse_pct`` is the error of the curve against the whole history.

    Notes
    -----
    The growth of the Gompertz curve is :math:`d\\ln V/dy = -\\beta \\ln(V/\\gamma)`. With :math:`b` the weighted
    least-squares slope of :math:`\\ln V` on income over the history and :math:`(y_T, V_T)` the last observation:
    :math:`\\beta = b / (-\\ln(V_T/\\gamma))`, :math:`\\alpha = -\\ln(V_T/\\gamma)\\,e^{\\beta y_T}`. A curve fitted to
    the whole history instead can join it with a kink: a jump in sales the year after.

    Raises
    ------
    ValueError
        If the last observation is at or above saturation, or ownership did not rise with income (slope <= 0).

    Examples
    --------
    >>> f = join_gompertz(np.array([1.0, 2.0]), np.array([0.1, 0.2]), 0.5)
    >>> round(float(f(2.0)), 6), round(float(np.log(f(2.001) / f(2.0)) / 0.001), 3)   # through (2, 0.2), slope ln 2
    (0.2, 0.693)
    """
    y = np.asarray(income, dtype=float)
    v = np.asarray(ownership, dtype=float)
    if not 0 < v[-1] < saturation:
        raise ValueError(f"last ownership {v[-1]:.4g} is not below the saturation {saturation:.4g}")
    ok = v > 0
    w = np.ones(len(v)) if weights is None else np.asarray(weights, dtype=float)
    slope = float(np.polyfit(y[ok], np.log(v[ok]), 1, w=np.sqrt(w[ok]))[0])
    if slope <= 0:
        raise ValueError("ownership does not rise with income in the history given")
    gap = -np.log(v[-1] / saturation)
    beta = slope / gap
    alpha = float(gap * np.exp(beta * y[-1]))
    fitted = gompertz(y[ok], saturation, alpha, beta)
    return OwnershipFit(float(saturation), alpha, float(beta), float(np.sqrt(np.mean((fitted / v[ok] - 1) ** 2)) * 100))
