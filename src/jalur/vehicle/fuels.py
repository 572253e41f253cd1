"""Fuel blends: volume-to-energy shares, mandated blends by year, and per-MJ emission factors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def energy_share(volume_share, lhv_bio, lhv_fossil):
    """Energy share of the bio-component in a blend.

    Parameters
    ----------
    volume_share : array_like [1]
        Bio-component share by volume (0.10 for E10).
    lhv_bio, lhv_fossil : array_like [MJ/L]
        Lower heating values by volume of the bio and fossil components.

    Returns
    -------
    array_like [1]
        Share of the blend's energy (LHV) that comes from the bio-component.

    Notes
    -----
    .. math:: e = \\frac{v\\,H_b}{v\\,H_b + (1 - v)\\,H_f}

    Examples
    --------
    >>> round(float(energy_share(0.10, 21.0, 32.0)), 4)
    0.068
    """
    v = np.asarray(volume_share, dtype=float)
    num = v * lhv_bio
    return num / (num + (1.0 - v) * lhv_fossil)


def blend_factor(e, bio_factor, fossil_factor):
    """Per-MJ factor of a blend as the energy-weighted mean of its components' factors.

    Parameters
    ----------
    e : array_like [1]
        Energy share of the bio-component (see :func:`energy_share`).
    bio_factor, fossil_factor : array_like [g CO2e/MJ]
        Factor per MJ of each component (well-to-tank, land-use change, combustion ...).

    Returns
    -------
    array_like [g CO2e/MJ]

    Examples
    --------
    >>> float(blend_factor(0.25, 40.0, 20.0))
    25.0
    """
    return e * bio_factor + (1.0 - e) * fossil_factor


def annual_mandate(events: pd.DataFrame, years: np.ndarray, statuses=("in-force", "superseded")) -> np.ndarray:
    """Time-weighted mean blend share of each calendar year from a list of mandate events.

    Parameters
    ----------
    events : pandas.DataFrame
        Columns ``effective_date`` (ISO date), ``share`` [1] and ``status``. Each event holds from its date
        until the next event kept.
    years : numpy.ndarray of int
        Calendar years wanted.
    statuses : tuple of str
        Events kept (default: mandates that are or were in force; ``announced`` ones are levers for
        scenarios, not the default).

    Returns
    -------
    numpy.ndarray [1]
        Mean volume share over each year (0 before the first event; the last event holds afterwards).

    Examples
    --------
    >>> ev = pd.DataFrame({"effective_date": ["2023-02-01"], "share": [0.35], "status": ["in-force"]})
    >>> [round(float(x), 3) for x in annual_mandate(ev, np.array([2022, 2023, 2024]))]
    [0.0, 0.32, 0.35]
    """
    kept = events[events["status"].isin(statuses)].sort_values("effective_date")
    out = np.zeros(len(years))
    if kept.empty:
        return out
    starts = [dt.date.fromisoformat(str(d)) for d in kept["effective_date"]]
    shares = kept["share"].to_numpy(dtype=float)
    for k, y in enumerate(years):
        y0, y1 = dt.date(int(y), 1, 1), dt.date(int(y) + 1, 1, 1)
        days = (y1 - y0).days
        total = 0.0
        for i, s in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else dt.date(9999, 1, 1)
            lo, hi = max(s, y0), min(end, y1)
            if hi > lo:
                total += shares[i] * (hi - lo).days
        out[k] = total / days
    return out
