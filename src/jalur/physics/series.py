"""Annual series: the calendar-year axis of the physics, interpolation of data points onto it, and averages
of a series over a vehicle's years of use weighted by the km driven in each.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: Calendar years of the annual series: history from 2010, and long enough for a vehicle registered in 2060
#: to reach the oldest age modelled (values after the last data point are held).
SERIES_START, SERIES_END = 2010, 2140
SERIES = np.arange(SERIES_START, SERIES_END + 1)


def interpolation_weights(x_points: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices and weights for linear interpolation of points at *x_points* onto *x*.

    Values outside the points are held at the first or last point.

    Returns
    -------
    (i0, i1, w) : arrays
        ``y(x) = (1 - w) * y[i0] + w * y[i1]``.

    Examples
    --------
    >>> i0, i1, w = interpolation_weights(np.array([2020.0, 2030.0]), np.array([2015, 2025, 2040]))
    >>> [float(v) for v in (1 - w) * np.array([10.0, 20.0])[i0] + w * np.array([10.0, 20.0])[i1]]
    [10.0, 15.0, 20.0]
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


def interpolate(x_points: np.ndarray, values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``values[..., point]`` onto *x*, held flat outside the points: ``(..., len(x))``."""
    i0, i1, w = interpolation_weights(x_points, x)
    v = np.asarray(values, dtype=float)
    return v[..., i0] * (1.0 - w) + v[..., i1] * w


def use_matrix(registration_years: np.ndarray, weights_by_age: np.ndarray) -> xr.DataArray:
    """Weights of each calendar year in the life of vehicles registered in each year: ``(year, calendar)``.

    Parameters
    ----------
    registration_years : numpy.ndarray of int
        Registration years *Y*.
    weights_by_age : numpy.ndarray [1], shape (..., A)
        Share of the lifetime km driven at each age 0..A-1 (each row sums to 1); leading dimensions (e.g. one
        profile per vehicle class) are kept.

    Returns
    -------
    xarray.DataArray
        ``W[..., year=Y, calendar=t] = w(t - Y)``: the km-weighted mean of an annual series *f* over the use
        of a vehicle registered in *Y* is ``(W * f).sum("calendar")``. Ages past the end of the series count
        in its last year (values are held there).

    Examples
    --------
    >>> W = use_matrix(np.array([2020]), np.array([0.5, 0.3, 0.2]))
    >>> round((W * xr.DataArray(SERIES - 2000.0, dims="calendar")).sum("calendar").item(), 9)
    20.7
    """
    w = np.asarray(weights_by_age, dtype=float)
    ages = SERIES[None, :] - np.asarray(registration_years)[:, None]               # (Y, T)
    A = w.shape[-1]
    valid = (ages >= 0) & (ages < A)
    out = np.where(valid, w[..., np.clip(ages, 0, A - 1)], 0.0)                    # (..., Y, T)
    past = np.clip(SERIES_END - np.asarray(registration_years) + 1, 0, A)        # ages beyond the series
    tail = np.array([w[..., int(p):].sum(axis=-1) for p in past])                # (Y, ...)
    out[..., :, -1] += np.moveaxis(tail, 0, -1)
    dims = [f"dim_{i}" for i in range(w.ndim - 1)] + ["year", "calendar"]
    return xr.DataArray(out, dims=dims, coords={"year": np.asarray(registration_years), "calendar": SERIES})
