"""Calibration: the fleet model against history, like with like.

Observations (:func:`observations`), each with a role:

- ``registered-stock`` by class: BPS registrations. Rows whose sources are all published are fitted; rows built
  on a jalur estimate (``est-*`` source: spliced or recalled values) are shown, not fitted. BPS rows of
  2015-2022 are on an older, lower basis than the tables of 2023 onward: the model is compared with them times
  the class's fitted ``bps_2015_2022_ratio``.
- ``in-use-stock``: vehicles in use, all classes (``vehicles-in-use``).
- ``road-fuel`` by product (gasoline incl. its ethanol, diesel incl. its FAME and HVO): road fuel derived from
  national sales (``road-fuel-use``, from ``fuel-consumption``), against modelled road fuel.
  :data:`HOLD_OUT` years are left out of the fit and reported as a check; :data:`OUTLIERS` (the pandemic) too.
- ``four-wheel-share`` of road gasoline (cars and petrol pick-ups against motorcycles, ``gasoline-split``): a weak
  target, as published figures disagree.
- ``fame`` (check): modelled road FAME against national FAME use times the road share of diesel.
- ``ev-stock`` (check): modelled battery-electric stock against registered EV stock.

The fit itself is :mod:`jalur.pathways.fit`; this module measures the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur.catalog import Catalog
from jalur.datasets import Registry
from jalur.pathways.context import HIST_YEARS, YEARS, context
from jalur.pathways.scenario import Scenario
from jalur.physics.activity import fleet_parameter
from jalur.units import conversion_factor

#: Road-fuel years left out of the fit and reported as a hold-out check.
HOLD_OUT = (2023, 2024)
#: Road-fuel years left out of the fit as outliers (the 2020-2021 pandemic; no activity index is modelled).
OUTLIERS = (2020, 2021)
#: BPS rows up to this year are on the older basis (``bps_2015_2022_ratio``).
OLD_BASIS_END = 2022
#: The scenario calibration runs: levers act only after the history, so any scenario gives the same history; this one
#: has none (no choice model to cost).
HISTORY = Scenario(name="history", title="History 2010-2025 (levers play no part)")
#: Roles of observations: ``fit`` enters the fit; the others are reported only.
ROLES = ("fit", "hold-out", "outlier", "estimate", "check")

COLUMNS = ["quantity", "class", "product", "year", "observed", "low", "high", "role", "modelled", "error_pct", "note"]


def _is_estimate(source_ids: str) -> bool:
    return any(s.strip().startswith("est-") for s in str(source_ids).split(";"))


def _fuel_role(year: int) -> str:
    return "hold-out" if year in HOLD_OUT else "outlier" if year in OUTLIERS else "fit"


def products(cat: Catalog) -> dict[str, list[str]]:
    """The liquid fuel products of the calibration and the liquids they include (the product and its blends)."""
    return {p: [p, *cat.blend_components(p)] for p in ("gasoline", "diesel")}


def observations(reg: Registry) -> pd.DataFrame:
    """Every observation the model is compared with, with its range and role (columns of :data:`COLUMNS` up to
    ``role``, and ``note``)."""
    ctx = context(reg)
    rows = []
    pop = reg.table("vehicle-population").frame
    for _, r in pop[pop["year"] > HIST_YEARS[0]].iterrows():
        if r["class"] not in ctx.classes:
            continue
        est = _is_estimate(r["source_id"])
        rows.append(("registered-stock", r["class"], "", int(r["year"]), float(r["value"]), r["low"], r["high"],
                     "estimate" if est else "fit", r["note"]))
    for _, r in reg.table("vehicles-in-use").frame.iterrows():
        rows.append(("in-use-stock", "all", "", int(r["year"]), float(r["value"]), r["low"], r["high"], "fit",
                     r["note"]))
    for _, r in reg.table("gasoline-split").frame.iterrows():
        f = conversion_factor(r["unit"], "1")
        rows.append(("four-wheel-share", "all", "gasoline", int(r["year"]), float(r["value"]) * f,
                     float(r["low"]) * f, float(r["high"]) * f, "fit", r["note"]))
    for _, r in reg.table("road-fuel-use").frame.iterrows():
        f = conversion_factor(r["unit"], "kL")
        rows.append(("road-fuel", "all", r["product"], int(r["year"]), float(r["value"]) * f, float(r["low"]) * f,
                     float(r["high"]) * f, _fuel_role(int(r["year"])), r["note"]))
    return pd.DataFrame(rows, columns=COLUMNS[:8] + ["note"])


def road_fuel(ds: xr.Dataset, cat: Catalog) -> dict[str, np.ndarray]:
    """Modelled road fuel by product [kL/year], by year: the product with its blended biofuels."""
    return {p: ds["fuel_volume"].sel(liquid=liquids).sum("liquid").values for p, liquids in products(cat).items()}


def road_fuel_by_class(ds: xr.Dataset, cat: Catalog, classes) -> dict[tuple[str, str], np.ndarray]:
    """Modelled road fuel [kL/year] by (class, product), by year.

    Each case's fuel energy goes to the product its powertrain burns; a product's energy converts to volume at the
    national ratio of that year (blends are national, so every case of a product has the same mix).
    """
    carrier = np.array([cat.powertrain(p).carrier for p in ds["powertrain"].values])
    cls = ds["class"].values
    out = {}
    for p, vol in road_fuel(ds, cat).items():
        of_p = carrier == p
        mj = ds["fuel_use"].values[of_p].sum(axis=0)
        per_mj = np.divide(vol, mj, out=np.zeros_like(vol), where=mj > 0)
        for k in classes:
            out[(k, p)] = ds["fuel_use"].values[of_p & (cls == k)].sum(axis=0) * per_mj
    return out


def _modelled(reg: Registry, ds: xr.Dataset, obs: pd.DataFrame) -> np.ndarray:
    cat = context(reg).cat
    years = list(int(y) for y in ds["year"].values)
    fuel = road_fuel(ds, cat)
    by_class = road_fuel_by_class(ds, cat, context(reg).classes)
    in_use = ds["stock"].values.sum(axis=0)
    out = np.full(len(obs), np.nan)
    for i, r in enumerate(obs.itertuples(index=False)):
        if r.year not in years:
            continue
        t = years.index(r.year)
        if r.quantity == "registered-stock":
            ratio = fleet_parameter(reg, "bps_2015_2022_ratio", r[1], "1") if r.year <= OLD_BASIS_END else 1.0
            out[i] = float(ds["stock_registered"].sel(vclass=r[1]).values[t]) * ratio
        elif r.quantity == "in-use-stock":
            out[i] = float(in_use[t])
        elif r.quantity == "road-fuel":
            out[i] = float(fuel[r.product][t])
        elif r.quantity == "four-wheel-share":
            out[i] = four_wheel_share(by_class, cat, r.product)[t]
    return out


def four_wheel_share(by_class: dict[tuple[str, str], np.ndarray], cat: Catalog, product: str) -> np.ndarray:
    """Share of a product's road fuel burnt by classes of four wheels or more [1], by year."""
    parts = {k: v for (k, p), v in by_class.items() if p == product}
    total = sum(parts.values())
    four = sum(v for k, v in parts.items() if cat.vclass(k).wheels >= 4)
    return np.divide(four, total, out=np.zeros_like(total), where=total > 0)


def _checks(reg: Registry, ds: xr.Dataset) -> list[tuple]:
    """FAME and EV-stock rows: reported, not fitted."""
    ctx = context(reg)
    years = list(int(y) for y in YEARS)
    rows = []
    road = reg.table("road-fuel-use").where(product="diesel")
    national = reg.table("fuel-consumption").where(product="diesel")
    by_year = lambda t: dict(zip(t.frame["year"].astype(int), t.values("kL")))
    r, n = by_year(road), by_year(national)
    share = float(np.mean([r[y] / n[y] for y in r if y in n])) if set(r) & set(n) else np.nan
    for _, r in reg.table("fame-use").frame.iterrows():
        if int(r["year"]) in years:
            mod = float(ds["fuel_volume"].sel(liquid="biodiesel").values[years.index(int(r["year"]))])
            obs = float(r["value"]) * conversion_factor(r["unit"], "kL") * share
            rows.append(("fame", "all", "biodiesel", int(r["year"]), obs, np.nan, np.nan, "check", mod,
                         f"national FAME use x road share of diesel {100 * share:.0f} % (road-fuel-use / "
                         "fuel-consumption, years with both)"))
    battery_only = {p.id for p in ctx.cat.powertrains.values() if p.battery_only}
    st = ds["stock"].values
    for _, r in reg.table("electrified-stock").frame.iterrows():
        if r["powertrain"] not in battery_only or int(r["year"]) not in years:
            continue
        m = (ds["class"].values == r["class"]) & (ds["powertrain"].values == r["powertrain"])
        if m.any():
            rows.append(("ev-stock", r["class"], r["powertrain"], int(r["year"]), float(r["value"]), np.nan, np.nan,
                         "check", float(st[m].sum(axis=0)[years.index(int(r["year"]))]),
                         "cumulative electrified sales less survival against registered EV stock"))
    return rows


def calibration_report(registry: Registry | None = None, overrides=None) -> pd.DataFrame:
    """Modelled against observed values (the history, :data:`HISTORY`), with the error and role of each row.

    Columns: :data:`COLUMNS`; ``error_pct`` = 100 (modelled / observed - 1).
    """
    from jalur.pathways.model import run

    reg = registry if registry is not None else datasets.load(overrides)
    ds = run(HISTORY, registry=reg)
    obs = observations(reg)
    obs["modelled"] = _modelled(reg, ds, obs)
    df = pd.concat([obs, pd.DataFrame(_checks(reg, ds), columns=COLUMNS[:8] + ["modelled", "note"])],
                   ignore_index=True)
    df["error_pct"] = 100 * (df["modelled"] / df["observed"] - 1)
    return df[COLUMNS]


def calibration_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per quantity, class and product: root-mean-square error [%] of the fitted rows, and the largest absolute error
    [%] of the fitted, hold-out, outlier and check rows."""
    out = []
    for (q, k, p), g in df.groupby(["quantity", "class", "product"], sort=False):
        row = {"quantity": q, "class": k, "product": p}
        fit = g[g["role"] == "fit"]["error_pct"]
        row["fit_rmse_pct"] = float(np.sqrt(np.mean(fit ** 2))) if len(fit) else np.nan
        for role in ("fit", "hold-out", "outlier", "check"):
            e = g[g["role"] == role]["error_pct"].abs()
            row[f"{role}_max_abs_pct"] = float(e.max()) if len(e) else np.nan
        row["n_fit"] = int(len(fit))
        out.append(row)
    return pd.DataFrame(out)
