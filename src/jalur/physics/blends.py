"""Fuel blends: volume-to-energy shares, mandated blends by calendar year, and a fuel's composition by carrier.

A fuel is described by the energy shares of the carriers it is made of (fossil gasoline and ethanol; fossil
diesel, FAME and HVO; or one carrier alone), year by year: the per-MJ factors of each carrier then give the
fuel's emissions (:mod:`jalur.physics.use`).
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from jalur.catalog import Fuel, catalog
from jalur.datasets import Registry, memoize
from jalur.physics.series import SERIES
from jalur.units import conversion_factor


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


@memoize
def lhv_volume(reg: Registry, carrier: str) -> float:
    """Lower heating value by volume of a carrier [MJ/L] (``fuel-properties`` of its ``properties`` id)."""
    props = catalog(reg).carrier(carrier).properties
    return reg.table("fuel-properties").get("MJ/L", fuel=props, property="lhv_volume")


@memoize
def mandated_volume_share(reg: Registry, bio_carrier: str) -> np.ndarray:
    """Mandated volume share [1] of *bio_carrier* in its pool, each calendar year of :data:`SERIES`.

    Mandates in force or superseded count (``blend-mandates``); announced ones are scenario levers.
    """
    ev = reg.table("blend-mandates")
    rows = ev.where(component=bio_carrier).frame.copy()
    rows["share"] = rows["value"].to_numpy(float) * np.array([conversion_factor(u, "1") for u in rows["unit"]])
    return annual_mandate(rows, SERIES)


def composition(pool: str, parts: Mapping[str, np.ndarray], carriers: list[str]) -> xr.DataArray:
    """Energy shares [1] of the carriers a fuel is made of, by calendar year: ``(carrier, calendar)``.

    Parameters
    ----------
    pool : str
        The carrier that takes the rest (fossil gasoline, fossil diesel, CNG, hydrogen ...).
    parts : mapping of carrier -> array [1]
        Energy share of each component blended in, by calendar year (or a scalar).
    carriers : list of str
        All carriers (the labels of the result).
    """
    out = np.zeros((len(carriers), len(SERIES)))
    rest = np.ones(len(SERIES))
    for c, e in parts.items():
        out[carriers.index(c)] += e
        rest = rest - e
    out[carriers.index(pool)] += rest
    return xr.DataArray(out, dims=("carrier", "calendar"), coords={"carrier": carriers, "calendar": SERIES})


def fuel_composition(reg: Registry, fuel: Fuel) -> xr.DataArray:
    """Energy shares of the carriers of a resolved fuel (a fixed blend, or the mandate of each year)."""
    cat = catalog(reg)
    carriers = list(cat.carriers)
    if not fuel.blend_carrier:
        return composition(fuel.carrier, {}, carriers)
    vol = mandated_volume_share(reg, fuel.blend_carrier) if fuel.blend_share is None else np.full(len(SERIES), fuel.blend_share)
    e = np.where(vol > 0, energy_share(vol, lhv_volume(reg, fuel.blend_carrier), lhv_volume(reg, fuel.carrier)), 0.0)
    return composition(fuel.carrier, {fuel.blend_carrier: e}, carriers)
