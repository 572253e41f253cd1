"""Sampling of uncertain inputs: triangular distributions on each row's ``[low, value, high]``.

An *input factor* is a group of table rows that move together (one uniform draw): for example every
year of one region's grid-intensity trajectory, or a segment's annual distance for all its powertrains.
A *design* is a matrix of quantiles ``u`` with shape ``(samples, factors)``; rows without a range stay at
their central value.

Notes
-----
The triangular distribution with mode ``c`` on ``[a, b]`` has the inverse CDF

    x(u) = a + sqrt(u (b - a)(c - a))            for u <  (c - a)/(b - a)
    x(u) = b - sqrt((1 - u)(b - a)(b - c))       otherwise,

so ``u = 0`` gives ``low``, ``u = 1`` gives ``high``. It is the usual choice when only a central value and
a plausible range are known (e.g. IPCC 2006 Guidelines, Vol. 1, Ch. 3, section 3.2.2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jalur.errors import InputError


def triangular_ppf(u: np.ndarray, low: np.ndarray, mode: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of the triangular distribution.

    Parameters
    ----------
    u : array_like [1]
        Quantiles in [0, 1].
    low, mode, high : array_like [any unit]
        Lower limit, mode and upper limit (``low <= mode <= high``); broadcast with *u*.

    Returns
    -------
    numpy.ndarray [unit of low]
        Values with the distribution's quantiles *u*. Where ``low == high`` the mode is returned.

    Examples
    --------
    >>> float(triangular_ppf(0.0, 1.0, 2.0, 4.0)), float(triangular_ppf(1.0, 1.0, 2.0, 4.0))
    (1.0, 4.0)
    """
    u, a, c, b = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (u, low, mode, high)))
    width = b - a
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (c - a) / safe, 0.5)
    left = a + np.sqrt(np.clip(u * width * (c - a), 0.0, None))
    right = b - np.sqrt(np.clip((1.0 - u) * width * (b - c), 0.0, None))
    out = np.where(u < fc, left, right)
    return np.where(width > 0, out, c)


@dataclass(frozen=True)
class Design:
    """Quantiles for a set of input factors.

    Attributes
    ----------
    kind : str
        ``central`` (one sample at the central values), ``random`` or ``oat`` (one-at-a-time).
    u : numpy.ndarray, shape (samples, factors) or None
        Quantiles; None for ``central``. For ``oat``, NaN means "central value".
    """

    kind: str
    u: np.ndarray | None
    n_factors: int

    @property
    def n_samples(self) -> int:
        return 1 if self.u is None else self.u.shape[0]


def central_design(n_factors: int) -> Design:
    """One sample with every input at its central value."""
    return Design("central", None, n_factors)


def random_design(n_factors: int, samples: int, seed: int | None) -> Design:
    """Independent uniform quantiles for *samples* Monte Carlo draws, reproducible for a given *seed*."""
    if samples < 1:
        raise InputError(f"samples must be at least 1, got {samples}")
    rng = np.random.default_rng(seed)
    return Design("random", rng.random((samples, n_factors)), n_factors)


def oat_design(n_factors: int) -> Design:
    """One-at-a-time design: sample 0 central, then for each factor *i* samples ``1 + 2i`` (low) and ``2 + 2i`` (high)."""
    u = np.full((1 + 2 * n_factors, n_factors), np.nan)
    idx = np.arange(n_factors)
    u[1 + 2 * idx, idx] = 0.0
    u[2 + 2 * idx, idx] = 1.0
    return Design("oat", u, n_factors)


def sample_values(design: Design, factor_of_row: np.ndarray, value: np.ndarray, low: np.ndarray,
                  high: np.ndarray) -> np.ndarray:
    """Values of table rows under a design.

    Parameters
    ----------
    design : Design
    factor_of_row : numpy.ndarray of int, shape (rows,)
        Index of each row's factor, or -1 for a row that is never sampled.
    value, low, high : numpy.ndarray, shape (rows,)
        Central values and ranges (NaN range = no uncertainty).

    Returns
    -------
    numpy.ndarray, shape (samples, rows)
    """
    value = np.asarray(value, dtype=float)
    base = np.broadcast_to(value, (design.n_samples, value.size)).copy()
    if design.u is None:
        return base
    has = (factor_of_row >= 0) & np.isfinite(low) & np.isfinite(high)
    if not has.any():
        return base
    cols = np.flatnonzero(has)
    u = design.u[:, factor_of_row[cols]]
    drawn = triangular_ppf(np.nan_to_num(u, nan=0.5), low[cols], value[cols], high[cols])
    base[:, cols] = np.where(np.isnan(u), value[cols], drawn)
    return base
