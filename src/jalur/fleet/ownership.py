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


def fit_gompertz(income: np.ndarray, ownership: np.ndarray, saturation: float) -> OwnershipFit:
    """Fit alpha and beta of :func:`gompertz` for a given saturation by linear least squares.

    Uses :math:`\\ln(-\\ln(V/\\gamma)) = \\ln\\alpha - \\beta y`. Observations at or above saturation are dropped.

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
    slope, intercept = np.polyfit(y[ok], z, 1)
    beta = -slope
    if beta <= 0:
        raise ValueError("ownership does not rise with income in the history given")
    alpha = float(np.exp(intercept))
    fitted = gompertz(y[ok], saturation, alpha, beta)
    rmse = float(np.sqrt(np.mean((fitted / v[ok] - 1) ** 2)) * 100)
    return OwnershipFit(float(saturation), alpha, float(beta), rmse)
