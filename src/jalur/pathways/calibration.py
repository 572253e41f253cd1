"""Calibration report: the fleet model against history (BPS stock, electrified-vehicle stock)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jalur import datasets
from jalur.datasets import Registry
from jalur.pathways.context import HIST_YEARS, YEARS, context
from jalur.pathways.model import run
from jalur.units import conversion_factor


def calibration_report(registry: Registry | None = None, overrides=None) -> pd.DataFrame:
    """Modelled against observed values, with the error of each class and year.

    Rows (``quantity``):

    - ``registered-stock``: the registered-stock curve fitted to BPS vehicle population (sales history in,
      stock out) against BPS, 2011-2024 (2010 is the starting point);
    - ``active-stock``: the active fleet used for energy, against BPS (the gap is the registered stock no
      longer in use, which BPS keeps on its books);
    - ``ev-stock``: modelled battery-electric stock against the registered EV stock of ``electrified-stock``;
    - ``fuel-use``: modelled road gasoline and diesel-type fuel [kL] against national consumption of all uses
      (``fuel-consumption``).

    Columns: quantity, class, powertrain, year, observed, modelled, error_pct, and fit parameters as notes.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    ctx = context(reg)
    ds = run("bau", registry=reg)
    rows = []
    hist_years = HIST_YEARS
    for k in ctx.classes:
        fit = ctx.history[k].registered_fit
        note = (f"Weibull fit to BPS: shape {fit.params[0]:.2f}, scale {fit.params[1]:.1f} years, "
                f"RMSE {fit.rmse_pct:.1f} %" + (" (at the edge of the search box)" if fit.at_bound else ""))
        active = ds["stock"].values[ds["class"].values == k].sum(axis=0)
        for i, y in enumerate(hist_years):
            if i == 0:
                continue
            obs = ctx.history[k].registered[i]
            rows.append(("registered-stock", k, "all", int(y), obs, fit.modelled[i], note))
            rows.append(("active-stock", k, "all", int(y), obs, float(active[i]),
                         "active fleet (in use) from literature survival; not expected to match registrations"))
    ev = reg.table("electrified-stock").frame
    st = ds["stock"]
    battery_only = {p.id for p in ctx.cat.powertrains.values() if p.battery_only}
    for _, r in ev.iterrows():
        if r["powertrain"] not in battery_only or int(r["year"]) not in set(int(y) for y in YEARS):
            continue
        m = (ds["class"].values == r["class"]) & (ds["powertrain"].values == r["powertrain"])
        if not m.any():
            continue
        mod = float(st.values[m].sum(axis=0)[list(YEARS).index(int(r["year"]))])
        rows.append(("ev-stock", r["class"], r["powertrain"], int(r["year"]), float(r["value"]), mod,
                     "model: cumulative electrified sales less survival; data: registered EV stock"))
    # road fuel use against national consumption (all uses): road is most of gasoline, part of diesel
    fc = reg.table("fuel-consumption")
    vol = ds["fuel_volume"]
    for _, r in fc.frame.iterrows():
        y = int(r["year"])
        if y not in set(int(v) for v in YEARS):
            continue
        liquids = [r["product"], *ctx.cat.blend_components(r["product"])]   # the product with what blends into it
        mod = float(vol.sel(liquid=liquids, year=y).sum())
        rows.append(("fuel-use", "all", r["product"], y, float(r["value"]) * conversion_factor(r["unit"], "kL"), mod,
                     "modelled road use vs national consumption of all sectors (road is most of gasoline, "
                     "part of diesel): a negative gap for gasoline means too little modelled road activity"))
    df = pd.DataFrame(rows, columns=["quantity", "class", "powertrain", "year", "observed", "modelled", "note"])
    df["error_pct"] = 100 * (df["modelled"] / df["observed"] - 1)
    return df[["quantity", "class", "powertrain", "year", "observed", "modelled", "error_pct", "note"]]


def calibration_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Root-mean-square error [%] per quantity and class."""
    g = df.groupby(["quantity", "class"])["error_pct"]
    return g.apply(lambda e: float(np.sqrt(np.mean(e ** 2)))).rename("rmse_pct").reset_index()
