"""Electricity: annual grid-intensity series and their averages over a vehicle's years of use."""

from __future__ import annotations

import numpy as np


def interpolation_weights(x_points: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices and weights for linear interpolation of points at *x_points* onto *x*.

    Values outside the points are held at the first or last point.

    Returns
    -------
    (i0, i1, w) : arrays
        ``y(x) = (1 - w) * y[i0] + w * y[i1]``.
    """
    xp = np.asarray(x_points, dtype=float)
    xx = np.clip(np.asarray(x, dtype=float), xp[0], xp[-1])
    i1 = np.clip(np.searchsorted(xp, xx, side="left"), 1, max(len(xp) - 1, 1))
    i0 = i1 - 1
    if len(xp) == 1:
        return np.zeros_like(i0), np.zeros_like(i0), np.zeros_like(xx)
    span = xp[i1] - xp[i0]
    w = np.where(span > 0, (xx - xp[i0]) / np.where(span > 0, span, 1.0), 0.0)
    return i0, i1, w


def window_mean(annual: np.ndarray, first_year: int, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Mean of annual series over ``[start, start + length)`` years, with fractional lengths.

    Parameters
    ----------
    annual : numpy.ndarray, shape (K, T) or (T,)
        K series; ``annual[k, t]`` is the value of calendar year ``first_year + t``, taken as constant
        within the year. Years past the end hold the last value; years before the start the first.
    first_year : int
        Calendar year of ``annual[..., 0]``.
    start : numpy.ndarray [year]
        Window starts (calendar years), broadcastable against *length*.
    length : numpy.ndarray [year]
        Window lengths (> 0).

    Returns
    -------
    numpy.ndarray
        Shape ``broadcast(start, length).shape + (K,)`` (no trailing axis for a 1-D *annual*).

    Notes
    -----
    With the running integral :math:`F(t)=\\int_{t_0}^{t} g(\\tau)\\,d\\tau`, piecewise linear, the mean is
    :math:`(F(s+L)-F(s))/L`.

    Examples
    --------
    >>> float(window_mean(np.array([1.0, 3.0, 5.0]), 2020, np.array(2020), np.array(2.0)))
    2.0
    >>> round(float(window_mean(np.array([1.0, 3.0, 5.0]), 2021, np.array(2022), np.array(1.5))), 4)
    3.6667
    """
    one = annual.ndim == 1
    series = np.atleast_2d(np.asarray(annual, dtype=float))
    K, T = series.shape
    cum = np.concatenate([np.zeros((K, 1)), np.cumsum(series, axis=1)], axis=1)  # (K, T+1)

    def F(t: np.ndarray) -> np.ndarray:
        pos = t - first_year
        before = np.clip(pos, None, 0.0)                  # <= 0: years before the series
        inside = np.clip(pos, 0.0, T)
        i = np.minimum(np.floor(inside).astype(int), T - 1)
        w = inside - i
        after = np.clip(pos - T, 0.0, None)
        val = cum[:, i] + w[None] * series[:, i] + after[None] * series[:, -1:].reshape((K,) + (1,) * pos.ndim) \
            + before[None] * series[:, :1].reshape((K,) + (1,) * pos.ndim)
        return np.moveaxis(val, 0, -1)

    s, L = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(length, dtype=float))
    out = (F(s + L) - F(s)) / L[..., None]
    return out[..., 0] if one else out


def window_mean_paired(annual: np.ndarray, first_year: int, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Like :func:`window_mean`, but series *k* is averaged only over the windows on the last axis at *k*.

    Parameters
    ----------
    annual : numpy.ndarray, shape (C, T)
        One annual series per case.
    start, length : numpy.ndarray [year]
        Broadcastable to ``(..., C)``: the window of each case.

    Returns
    -------
    numpy.ndarray, shape ``(..., C)``

    Examples
    --------
    >>> a = np.array([[1.0, 3.0], [10.0, 30.0]])
    >>> window_mean_paired(a, 2020, np.array([2020, 2021]), np.array([2.0, 1.0])).tolist()
    [2.0, 30.0]
    """
    series = np.asarray(annual, dtype=float)
    C, T = series.shape
    cum = np.concatenate([np.zeros((C, 1)), np.cumsum(series, axis=1)], axis=1)
    k = np.arange(C)

    def F(t: np.ndarray) -> np.ndarray:
        pos = t - first_year
        before = np.clip(pos, None, 0.0)
        inside = np.clip(pos, 0.0, T)
        i = np.minimum(np.floor(inside).astype(int), T - 1)
        after = np.clip(pos - T, 0.0, None)
        return cum[k, i] + (inside - i) * series[k, i] + after * series[k, T - 1] + before * series[k, 0]

    s, L = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(length, dtype=float))
    return (F(s + L) - F(s)) / L


def window_mean_sampled(annual: np.ndarray, first_year: int, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Like :func:`window_mean` for sampled series: sample *s* of the series pairs with sample *s* of the windows.

    Parameters
    ----------
    annual : numpy.ndarray, shape (S, K, T)
        K annual series for each of S samples.
    start, length : numpy.ndarray [year]
        Broadcastable to ``(S, C, Y)`` (or ``(1, C, Y)``).

    Returns
    -------
    numpy.ndarray, shape ``(S, C, Y, K)``
    """
    series = np.asarray(annual, dtype=float)
    S, K, T = series.shape
    cum = np.concatenate([np.zeros((S, K, 1)), np.cumsum(series, axis=2)], axis=2)
    s, L = np.broadcast_arrays(np.asarray(start, dtype=float), np.asarray(length, dtype=float))
    if s.shape[0] != S:
        s, L = np.broadcast_to(s, (S,) + s.shape[1:]), np.broadcast_to(L, (S,) + L.shape[1:])
    si = np.arange(S).reshape((S,) + (1,) * (s.ndim - 1) + (1,))
    ki = np.arange(K)

    def F(t: np.ndarray) -> np.ndarray:
        pos = (t - first_year)[..., None]
        before = np.clip(pos, None, 0.0)
        inside = np.clip(pos, 0.0, T)
        i = np.minimum(np.floor(inside).astype(int), T - 1)
        after = np.clip(pos - T, 0.0, None)
        return (cum[si, ki, i] + (inside - i) * series[si, ki, i] + after * series[si, ki, T - 1]
                + before * series[si, ki, 0])

    return (F(s + L) - F(s)) / L[..., None]
