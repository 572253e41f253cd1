"""Fleet projection of a scenario: stock, sales, activity, energy, emissions and upstream needs, 2010-2060.

One run is a chain of array operations over cases (segment x powertrain), vintages and calendar years:

1. **Sales by class**: history (GAIKINDO, AISI; ``vehicle-sales``) to 2024; afterwards the active stock
   that a Gompertz ownership curve (vehicles per person against GDP per person, fitted to the modelled
   2010-2024 active stock with the saturation of ``fleet-parameters``) asks for, less the survivors —
   never negative — or exogenous totals from the scenario.
2. **Mix of new sales**: by segment (``segment-shares``) and powertrain: history from ``electrified-sales``
   and ``sales-mix-base``; afterwards scenario targets (linear or S-curve interpolation), ICE phase-outs,
   or a logit choice on total cost of ownership from the policy engine.
3. **Stock**: vintages survive along the class's active-vehicle Weibull curve (``fleet-parameters``), with
   optional early scrappage. Registered stock (what BPS counts) follows a second Weibull curve fitted to the
   BPS series; the calibration report compares it.
4. **Activity**: km per vehicle fall with age; the first-year km is set so that a vehicle's expected lifetime
   distance equals the vehicle engine's ``lifetime_km``, so a one-vehicle fleet reproduces the vehicle engine.
5. **Energy and emissions** with the vehicle engine's per-vehicle inputs and per-MJ factors, the blends of
   each calendar year, and the grid of the scenario's power pathway; production emissions in the year of sale.
6. **Upstream**: palm oil and land for FAME and HVO, molasses/sugarcane/cassava and land for ethanol, battery
   GWh and metals, electricity by grid region and its share of generation, oil displaced and imports avoided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur._version import __version__
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.fleet.ownership import OwnershipFit, fit_gompertz
from jalur.fleet.survival import SURVIVAL_MODELS, SurvivalFit, fit_survival, weibull_survival
from jalur.pathways.scenario import CLASSES, Scenario, ScenarioError, load_scenario
from jalur.vehicle.catalog import DEFAULT_FUEL, POWERTRAIN_CARRIER, resolve_fuel
from jalur.vehicle.fuels import annual_mandate, energy_share
from jalur.vehicle.grid import interpolation_weights
from jalur.vehicle.inputs import SampledTables, make_design
from jalur.vehicle.lifecycle import (
    Case, Options, _grid_series, _space, case_inputs, fuel_factors, valid_combinations,
)
from jalur.units import conversion_factor

YEARS = np.arange(2010, 2061)
#: Variables (IAMC names and units) returned by ``run(..., compact=True)`` and :func:`run_batch`.
COMPACT_VARIABLES = {
    "Stock|Road": "million vehicles", "Stock|Road|Zero Emission": "million vehicles",
    "Sales|Road": "million vehicles/yr", "Final Energy|Road": "PJ/yr", "Electricity|Road": "TWh/yr",
    "Emissions|CO2|Road|Tailpipe": "Mt CO2/yr", "Emissions|GHG|Road|Well-to-Wheel": "Mt CO2e/yr",
    "Emissions|GHG|Road|Life Cycle": "Mt CO2e/yr", "Supply|Crude Palm Oil": "Mt/yr", "Supply|Battery": "GWh/yr",
    "Trade|Oil Imports Avoided": "million kL/yr",
}
HIST_END = 2024
MAX_AGE = 80
VINTAGES = np.arange(YEARS[0] - MAX_AGE + 1, YEARS[-1] + 1)
REGIONS = ("jamali", "sumatera", "kalimantan", "sulawesi", "nusa-tenggara", "maluku-papua")
#: Liquid fuels reported as volumes, with the fuel-properties id of their heating value.
LIQUIDS = (("gasoline", "gasoline"), ("ethanol", "ethanol"), ("diesel", "diesel"), ("biodiesel", "fame-palm"),
           ("hvo", "hvo"))
CARRIERS = ("gasoline", "ethanol", "diesel", "biodiesel", "hvo", "cng", "hydrogen", "electricity")
#: Representative segment of each class for the logit choice model's costs.
CHOICE_SEGMENT = {"motorcycle": "mc-scooter", "car": "car-lmpv", "bus": "bus-city", "truck": "truck-light"}


def registry_cache(fn):
    """Memoise ``fn(reg, *args)`` on the registry object (registries are not changed in place)."""

    def wrapper(reg: Registry, *args):
        cache = reg.__dict__.setdefault("_jalur_model_cache", {})
        key = (fn.__name__,) + args
        if key not in cache:
            cache[key] = fn(reg, *args)
        return cache[key]

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


# --------------------------------------------------------------------------------------------------
# scenario-independent context (cached per registry)
# --------------------------------------------------------------------------------------------------


@dataclass
class Context:
    reg: Registry
    combos: pd.DataFrame                      # segment, powertrain, class
    classes: list[str]
    hist_sales: dict[str, np.ndarray]         # class -> sales 2010..2024
    bps_stock: dict[str, np.ndarray]          # class -> registered stock 2010..2024
    registered_fit: dict[str, SurvivalFit]
    active_surv: dict[str, np.ndarray]        # class -> survival by age 0..MAX_AGE-1
    km_decline: dict[str, float]
    init_growth: dict[str, float]
    active_hist: dict[str, np.ndarray]        # class -> modelled active stock 2010..2024 (from history)
    init_profile: dict[str, np.ndarray]       # class -> active stock by age at end of 2010
    saturation: dict[str, float]
    max_step: dict[str, float]


def _series(t: datasets.Table, unit: str, years: np.ndarray, **where: Any) -> np.ndarray:
    sub = t.where(**where)
    if len(sub) == 0:
        raise InputError(f"table '{t.name}' has no rows for {where}")
    ys = sub.frame["year"].to_numpy(float)
    vals = sub.values(unit)
    order = np.argsort(ys)
    i0, i1, w = interpolation_weights(ys[order], years)
    v = vals[order]
    return v[i0] * (1 - w) + v[i1] * w


def _fleet_param(reg: Registry, name: str, vclass: str, unit: str) -> float:
    return reg.table("fleet-parameters").get(unit, parameter=name, **{"class": vclass})


def _growth_for_mean_age(surv: np.ndarray, mean_age: float) -> float:
    """Sales growth whose steady-state age profile (with *surv*) has the given mean age."""
    ages = np.arange(len(surv)) + 0.5
    lo, hi = -0.2, 1.0
    for _ in range(60):
        g = (lo + hi) / 2
        w = surv * (1 + g) ** (-ages)
        m = float((w * ages).sum() / w.sum())
        lo, hi = (g, hi) if m > mean_age else (lo, g)
    return (lo + hi) / 2


def context(reg: Registry) -> Context:
    """Scenario-independent inputs of the fleet model, computed once per registry."""
    cached = reg.__dict__.get("_jalur_fleet_context")
    if cached is not None:
        return cached
    combos = valid_combinations(reg)
    classes = [c for c in CLASSES if c in set(combos["class"])]
    hist_years = np.arange(YEARS[0], HIST_END + 1)
    sales_t, stock_t = reg.table("vehicle-sales"), reg.table("vehicle-population")
    ages = np.arange(MAX_AGE)
    ctx = Context(reg, combos, classes, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})
    for k in classes:
        s = _series(sales_t, "vehicle/year", hist_years, **{"class": k})
        b = _series(stock_t, "vehicle", hist_years, **{"class": k})
        ctx.hist_sales[k], ctx.bps_stock[k] = s, b
        ctx.registered_fit[k] = fit_survival(hist_years, s, b, bounds=((1.5, 6.0), (8.0, 80.0)),
                                             growth=0.05, max_age=MAX_AGE)
        surv = weibull_survival(ages, _fleet_param(reg, "weibull_shape", k, "1"),
                                _fleet_param(reg, "weibull_scale", k, "year"))
        ctx.active_surv[k] = surv
        ctx.km_decline[k] = _fleet_param(reg, "km_decline_per_year", k, "1/year")
        ctx.init_growth[k] = _growth_for_mean_age(surv, _fleet_param(reg, "initial_mean_age", k, "year"))
        ctx.init_profile[k], ctx.active_hist[k] = _active_setup(ctx, k, surv)
        ctx.saturation[k] = _fleet_param(reg, "ownership_saturation", k, "1")
        ctx.max_step[k] = _fleet_param(reg, "max_sales_change", k, "1/year")
    reg.__dict__["_jalur_fleet_context"] = ctx
    return ctx


def _active_setup(ctx: Context, k: str, surv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """End-2010 active fleet by age, and the active stock 2010-2024 it and the sales history give.

    The end-2010 active fleet is BPS's registered stock scaled by the ratio of active to registered survival
    over the steady-growth age profile of the class's initial mean age.
    """
    ages = np.arange(MAX_AGE)
    g = ctx.init_growth[k]
    w = (1 + g) ** (-ages.astype(float))
    reg_curve = ctx.registered_fit[k].curve(ages)
    active0 = ctx.bps_stock[k][0] * float((w * surv).sum() / (w * reg_curve).sum())
    prof = active0 * (w * surv) / (w * surv).sum()
    hist = ctx.hist_sales[k]
    n0 = _initial_cohorts(prof)
    first = int(YEARS[0] - VINTAGES[0])
    n0[first + 1 : first + len(hist)] = hist[1:]
    return prof, (n0[:, None] * cohort_factors(surv)).sum(axis=0)[: len(hist)]


def survival_curve(spec) -> np.ndarray:
    """Survival by age 0..MAX_AGE-1 from a scenario's ``survival`` entry (weibull, logistic or life-table)."""
    ages = np.arange(MAX_AGE)
    if spec.model == "life-table":
        t = np.asarray(spec.table, dtype=float)
        return np.concatenate([t, np.zeros(max(0, MAX_AGE - len(t)))])[:MAX_AGE]
    fn, names = SURVIVAL_MODELS[spec.model]
    return fn(ages, *(getattr(spec, n) for n in names))


def cohort_factors(surv: np.ndarray, scrap: np.ndarray | None = None) -> np.ndarray:
    """Share of each vintage still in the active fleet at the end of each year, (V, Y).

    For vintages sold from 2010 on, relative to the number sold; for older vintages, relative to the number
    left at the end of 2010. *scrap* (Y, A) is an extra yearly removal rate by year and age (scrappage).
    """
    age = YEARS[None, :] - VINTAGES[:, None]                                       # (V, Y)
    ref = np.maximum(YEARS[0] - VINTAGES, 0)[:, None]                               # age at the reference
    A = len(surv)
    valid = (age >= 0) & (age < A)
    ag = np.clip(age, 0, A - 1)
    base = np.where(valid, surv[ag] / np.where(surv[np.clip(ref, 0, A - 1)] > 0, surv[np.clip(ref, 0, A - 1)], 1.0), 0.0)
    if scrap is not None and scrap.any():
        yrs = np.arange(len(YEARS))[None, :].repeat(len(VINTAGES), axis=0)
        hit = np.where(valid & (age > ref), 1.0 - scrap[yrs, ag], 1.0)
        base = base * np.cumprod(hit, axis=1)
    return base


def _initial_cohorts(profile: np.ndarray) -> np.ndarray:
    """Stock at the end of 2010 by vintage (V,), from a profile by age."""
    n0 = np.zeros(len(VINTAGES))
    for a, x in enumerate(profile):
        v = YEARS[0] - a
        if v >= VINTAGES[0]:
            n0[int(v - VINTAGES[0])] = x
    return n0


# --------------------------------------------------------------------------------------------------
# sales mix
# --------------------------------------------------------------------------------------------------


def _interp_targets(base_year: int, base: float, targets: dict[int, float], years: np.ndarray, method: str) -> np.ndarray:
    """Share path from the base-year value through the target points (held after the last)."""
    pts_y = [base_year] + [y for y in sorted(targets) if y > base_year]
    pts_v = [base] + [targets[y] / 100.0 for y in sorted(targets) if y > base_year]
    out = np.empty(len(years))
    for i, y in enumerate(years):
        if y <= pts_y[0]:
            out[i] = pts_v[0]
            continue
        if y >= pts_y[-1]:
            out[i] = pts_v[-1]
            continue
        j = int(np.searchsorted(pts_y, y, side="right")) - 1
        x = (y - pts_y[j]) / (pts_y[j + 1] - pts_y[j])
        if method == "s-curve":
            x = x * x * (3 - 2 * x)  # smoothstep: slow start, fast middle, slow finish
        out[i] = pts_v[j] + (pts_v[j + 1] - pts_v[j]) * x
    return out


def powertrain_shares(ctx: Context, sc: Scenario, vclass: str) -> tuple[list[str], np.ndarray]:
    """Powertrain shares of a class's new sales by year (rows sum to 1): (powertrains, array (Y, P))."""
    pts, hist_shares = _historical_shares(ctx.reg, vclass)
    Y = len(YEARS)
    shares = np.zeros((Y, len(pts)))
    hist = YEARS <= HIST_END
    shares[hist] = hist_shares
    base = shares[hist][-1] / shares[hist][-1].sum()
    fut = ~hist
    spec = sc.levers.sales_shares.get(vclass)
    method = spec.method if spec else "s-curve"
    residual = (spec.residual if spec and spec.residual else
                ("ice-gasoline" if "ice-gasoline" in pts and vclass in ("motorcycle", "car") else "ice-diesel"))
    if residual not in pts:
        raise InputError(f"scenario {sc.name}: residual powertrain {residual!r} does not exist for class {vclass}; "
                         f"powertrains: {', '.join(pts)}")
    fy = YEARS[fut]
    paths = np.tile(base, (fut.sum(), 1))
    r = pts.index(residual)
    where = f"{sc.path}: levers.sales_shares.{vclass}"
    if method == "logit":
        paths = _logit_paths(ctx, sc, vclass, pts, base, fy, spec)
    elif spec and spec.targets:
        targeted = []
        for p, tgt in spec.targets.items():
            if p not in pts:
                raise ScenarioError(f"{where}.targets: powertrain {p!r} is not sold in class {vclass}; "
                                    f"powertrains: {', '.join(pts)}")
            paths[:, pts.index(p)] = _interp_targets(HIST_END, base[pts.index(p)], tgt, fy, method)
            targeted.append(pts.index(p))
        total = paths[:, targeted].sum(axis=1)
        if (total > 1.0 + 1e-9).any():
            i = int(np.argmax(total))
            parts = ", ".join(f"{pts[j]} {100 * paths[i, j]:.1f}" for j in targeted if paths[i, j] > 0)
            raise ScenarioError(f"{where}: the targets add up to {100 * total[i]:.1f} % in {int(fy[i])} ({parts}); "
                                "they may not exceed 100 %")
        # the powertrains without targets share what is left in proportion to their 2024 shares
        # (all of it to the residual if none of them was sold)
        free = [j for j in range(len(pts)) if j not in targeted]
        w = base[free].copy()
        if w.sum() <= 0 and r in free:
            w[free.index(r)] = 1.0
        w = w / w.sum() if w.sum() > 0 else w
        paths[:, free] = (1.0 - total)[:, None] * w[None, :]
    # phase-out: those powertrains sell nothing from that year; their share goes to the residual, or to the
    # other powertrains in proportion if the residual is phased out too
    end = sc.levers.ice_phaseout.get(vclass)
    if end is not None:
        gone = fy >= end
        out_idx = [pts.index(p) for p in sc.levers.phaseout_powertrains if p in pts]
        lost = paths[np.ix_(gone, out_idx)].sum(axis=1)
        paths[np.ix_(gone, out_idx)] = 0.0
        if r not in out_idx:
            paths[gone, r] += lost
        else:
            s_ = paths[gone].sum(axis=1, keepdims=True)
            if (s_ <= 0).any():
                raise ScenarioError(f"{where}: after the ICE phase-out in {end} no powertrain of {vclass} has sales; "
                                    "give targets for the others or another residual")
            paths[gone] /= s_
    shares[fut] = paths
    return pts, shares


def _logit_paths(ctx: Context, sc: Scenario, vclass: str, pts: list[str], base: np.ndarray, fy: np.ndarray,
                 spec) -> np.ndarray:
    """Logit shares on levelised cost, calibrated to reproduce the 2024 shares (preference terms)."""
    costs = choice_costs(ctx.reg, vclass, spec.discount_rate, spec.price_basis, spec.scheme2_from)  # Rp/km
    anchors = np.array(CHOICE_YEARS, dtype=float)
    costed_pts = _costed_powertrains(ctx, vclass)
    c = np.stack([np.interp(fy, anchors, costs[:, pts.index(p)]) if p in costed_pts else np.full(len(fy), np.nan)
                  for p in pts], axis=1)
    ref = np.nanmin(c, axis=1, keepdims=True)
    c0 = np.stack([np.interp([HIST_END + 1], anchors, costs[:, pts.index(p)])[0] if p in costed_pts else np.nan
                   for p in pts])
    # utility change since the base year, per 10 % of the cheapest option's cost; powertrains without a cost
    # (not sold in the representative segment, or no energy price) keep their base share
    du = -spec.logit_scale * (c - c0[None, :]) / (0.1 * ref)
    costed = ~np.isnan(c0)
    logs = np.log(np.clip(base, 1e-9, None))[None, :] + np.where(costed[None, :], np.nan_to_num(du), 0.0)
    w = np.where(costed[None, :] & (base[None, :] > 0), np.exp(logs - logs.max(axis=1, keepdims=True)), 0.0)
    free = base[costed].sum()                                          # share the choice model redistributes
    out = np.where(costed[None, :], w / np.where(w.sum(axis=1, keepdims=True) > 0, w.sum(axis=1, keepdims=True), 1) * free,
                   base[None, :])
    early = fy < spec.logit_from
    out[early] = base
    for p, tgt in spec.targets.items():  # explicit targets still apply on top of the choice model
        if p in pts:
            out[:, pts.index(p)] = _interp_targets(HIST_END, base[pts.index(p)], tgt, fy, "linear")
    return out


CHOICE_YEARS = (2025, 2030, 2040, 2050, 2060)


def _costed_powertrains(ctx: Context, vclass: str) -> list[str]:
    """Powertrains sold in the class's representative segment (those the choice model has a cost for)."""
    seg = CHOICE_SEGMENT[vclass]
    return list(ctx.combos[ctx.combos["segment"] == seg]["powertrain"])


def choice_costs(reg: Registry, vclass: str, discount_rate: float = 0.08, price_basis: str = "retail",
                 scheme2_from: str | None = None) -> np.ndarray:
    """Levelised cost [Rp/km] of each powertrain of the class's representative segment at CHOICE_YEARS.

    Taxes and incentives follow the policy engine for each year (with the PPnBM second stage from
    *scheme2_from*, if given).
    """
    import datetime as dt

    cache = reg.__dict__.setdefault("_jalur_choice_costs", {})
    key = (vclass, discount_rate, price_basis, scheme2_from)
    if key not in cache:
        from jalur.policy.tco import tco

        ctx = context(reg)
        pts = list(dict.fromkeys(ctx.combos[ctx.combos["class"] == vclass]["powertrain"]))
        seg = CHOICE_SEGMENT[vclass]
        out = np.full((len(CHOICE_YEARS), len(pts)), np.nan)
        for i, y in enumerate(CHOICE_YEARS):
            s2 = dt.date.fromisoformat(scheme2_from) if scheme2_from else None
            df = tco(seg, y, registry=reg, discount_rate=discount_rate, price_basis=price_basis,
                     scheme2_from=s2).set_index("powertrain")
            for j, p in enumerate(pts):
                if p in df.index:
                    out[i, j] = df.loc[p, "rp_per_km"]
        cache[key] = out
    return cache[key]


# --------------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------------


@registry_cache
def _engine_inputs(reg: Registry, luc: str, fame: str, uf: float | None, hydrogen: str, power: str):
    """Cases with the vehicle engine's per-case inputs, fuel factors and national plug intensity."""
    ctx = context(reg)
    opt = Options(luc=luc, power_scenario=power, fame_pathway=fame, utility_factor=uf).check(reg)
    cases = []
    for row in ctx.combos.itertuples(index=False):
        fuel = hydrogen if row.powertrain == "fcev" else DEFAULT_FUEL[row.powertrain]
        cases.append(Case(row.segment, row._2, row.powertrain, resolve_fuel(row.powertrain, fuel)))
    space = _space(reg)
    st = SampledTables(reg, space, make_design(space))
    ci = case_inputs(st, cases, opt)
    ff = fuel_factors(st, cases, opt)
    grid = _grid_series(st, list(REGIONS), power)[0][:, : len(YEARS)]      # (R, Y) g CO2e/kWh at the plug
    return cases, ci, ff, grid


@registry_cache
def _fuel_constants(reg: Registry):
    t = reg.table("fuel-properties")
    lhv = {f: t.get("MJ/L", fuel=f, property="lhv_volume") for f in ("gasoline", "diesel", "ethanol", "fame-palm", "hvo")}
    dens = {f: t.get("kg/L", fuel=f, property="density") for f in ("fame-palm", "hvo", "ethanol")}
    up = reg.table("upstream-parameters")
    upstream = {p_: (float(v), up.schema.value_rules[p_].unit) for p_, v in zip(up.frame["parameter"], up.values())}
    bp = reg.table("battery-parameters")
    metals = {(c, p_): float(v) for c, p_, v in zip(bp.frame["chemistry"], bp.frame["parameter"], bp.values())}
    return lhv, dens, upstream, metals


@registry_cache
def _shares_tables(reg: Registry):
    seg_tab = reg.table("segment-shares")
    seg = {}
    for k, s_, v in zip(seg_tab.frame["class"], seg_tab.frame["segment"], seg_tab.values("1")):
        seg.setdefault(k, {})[s_] = float(v)
    rfs = reg.table("regional-fleet-share")
    region = {}
    for r, k, v in zip(rfs.frame["region"], rfs.frame["class"], rfs.values("1")):
        region.setdefault(k, {})[r] = float(v)
    return seg, region


@registry_cache
def _historical_shares(reg: Registry, vclass: str) -> tuple[list[str], np.ndarray]:
    """Powertrain shares of a class's sales 2010-2024 from electrified-sales and sales-mix-base."""
    ctx = context(reg)
    pts = list(dict.fromkeys(ctx.combos[ctx.combos["class"] == vclass]["powertrain"]))
    hist_years = YEARS[YEARS <= HIST_END]
    shares = np.zeros((len(hist_years), len(pts)))
    ev = reg.table("electrified-sales").frame
    mix = reg.table("sales-mix-base").where(**{"class": vclass})
    conv = dict(zip(mix.frame["powertrain"], mix.values("1")))
    sales = ctx.hist_sales[vclass]
    for i, y in enumerate(hist_years):
        sub = ev[(ev["class"] == vclass) & (ev["year"] == y)]
        elec = {p_: float(v) / sales[i] for p_, v in zip(sub["powertrain"], sub["value"]) if p_ in pts}
        rest = max(0.0, 1.0 - sum(elec.values()))
        for j, p_ in enumerate(pts):
            shares[i, j] = elec.get(p_, 0.0) + rest * conv.get(p_, 0.0)
    return pts, shares


def _step_map(levers: dict[int, float], default: np.ndarray) -> np.ndarray:
    """A yearly path that follows *default* until the first lever year, then steps at each lever year.

    Lever years are 2025 or later (the scenario schema checks it), so history is never changed.
    """
    out = default.copy()
    for y, v in sorted(levers.items()):
        out[YEARS >= y] = v / 100.0
    return out


@registry_cache
def _blend_defaults(reg: Registry) -> dict[str, np.ndarray]:
    ev = reg.table("blend-mandates").frame
    out = {}
    for comp in ("biodiesel", "ethanol"):
        e = ev[ev["component"] == comp].copy()
        e["share"] = e["value"].to_numpy(float) * np.array([conversion_factor(u, "1") for u in e["unit"]])
        out[comp] = annual_mandate(e, YEARS)
    return out


def check_levers(reg: Registry, sc: Scenario) -> None:
    """Check the levers that name data (power, population and GDP scenarios; segments) against the registry.

    Raises
    ------
    ScenarioError
        Naming the scenario file, the key path and the allowed values.
    """
    lv = sc.levers
    checks = [
        ("power_scenario", lv.power_scenario, sorted(set(reg.table("grid-intensity").frame["scenario"]) - {"historical"})),
        ("population", lv.population, sorted(set(reg.table("population").frame["scenario"]) - {"historical"})),
        ("gdp", lv.gdp, sorted(set(reg.table("gdp").frame["scenario"]) - {"historical"})),
    ]
    for key, value, allowed in checks:
        if value not in allowed:
            raise ScenarioError(f"{sc.path}: levers.{key}: {value!r} is not allowed; allowed: {', '.join(allowed)}")
    segs = reg.table("segments").frame
    for k, shares in lv.segment_shares.items():
        allowed = list(segs[segs["class"] == k]["segment"])
        for s_ in shares:
            if s_ not in allowed:
                raise ScenarioError(f"{sc.path}: levers.segment_shares.{k}: unknown segment {s_!r}; "
                                    f"allowed: {', '.join(allowed)}")
        if abs(sum(shares.values()) - 100.0) > 0.01:
            raise ScenarioError(f"{sc.path}: levers.segment_shares.{k}: shares must sum to 100 %, "
                                f"got {sum(shares.values()):g}")


def run(scenario: str | Scenario, *, registry: Registry | None = None, overrides=None,
        sales: pd.DataFrame | None = None, initial_stock: str = "data", compact: bool = False) -> xr.Dataset | dict:
    """Project the road fleet under a scenario.

    Parameters
    ----------
    scenario : str or Scenario
        Built-in name (``jalur scenario list``), path to a YAML file, or a loaded :class:`Scenario`.
    registry, overrides
        Data to use (default: the shipped data with *overrides* applied).
    sales : pandas.DataFrame, optional
        Exogenous new sales [vehicle/year] replacing the modelled ones for every year: index
        (segment, powertrain), columns the years 2010-2060 (missing rows or years are zero).
    initial_stock : str
        ``data`` (the 2010 fleet from BPS and the survival curves) or ``none`` (start from an empty fleet:
        with *sales*, e.g. a one-vehicle fleet).
    compact : bool
        Return only national yearly totals as a dict of arrays (:data:`COMPACT_VARIABLES`), skipping the
        Dataset; used by :func:`run_batch`.

    Returns
    -------
    xarray.Dataset
        Stock, sales, activity, energy, emissions and upstream needs by year (see ``jalur.pathways.iamc``
        for the published variables); attributes record jalur and data versions, the scenario and overrides.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, known_sources=set(reg.sources.index))
    check_levers(reg, sc)
    lv = sc.levers
    ctx = context(reg)
    Y = len(YEARS)
    uf = None if lv.phev_utility_factor is None else lv.phev_utility_factor / 100
    cases, ci, ff, grid_region = _engine_inputs(reg, lv.luc, lv.fame_pathway, uf, lv.hydrogen, lv.power_scenario)
    C = len(cases)
    lhv, dens, upv, metal_content = _fuel_constants(reg)
    seg_shares_data, region_share = _shares_tables(reg)
    cls = np.array([c.vclass for c in cases])
    seg = np.array([c.segment for c in cases])
    pt = np.array([c.powertrain for c in cases])

    # ---- population, GDP, ownership -------------------------------------------------------------
    pop = _pop_gdp(reg, "population", lv.population, "count")
    gdp = _pop_gdp(reg, "gdp", lv.gdp, "IDR")
    if lv.gdp_growth != 1.0:
        fut = YEARS > HIST_END
        g = np.diff(np.log(gdp))
        g[fut[1:]] *= lv.gdp_growth
        gdp = gdp[0] * np.exp(np.concatenate([[0.0], np.cumsum(g)]))
    income = gdp / pop / 1e6                                                  # million IDR per person

    # ---- class sales ------------------------------------------------------------------------------
    class_sales: dict[str, np.ndarray] = {}
    ownership: dict[str, OwnershipFit] = {}
    factors: dict[str, np.ndarray] = {}
    init: dict[str, np.ndarray] = {}
    ages = np.arange(MAX_AGE)
    first = int(YEARS[0] - VINTAGES[0])
    active_surv, init_profile, active_hist = dict(ctx.active_surv), dict(ctx.init_profile), dict(ctx.active_hist)
    for k, spec in lv.survival.items():
        if k in ctx.classes:
            active_surv[k] = survival_curve(spec)
            init_profile[k], active_hist[k] = _active_setup(ctx, k, active_surv[k])
    for k in ctx.classes:
        sc_rate = np.zeros((Y, MAX_AGE))
        if k in lv.scrappage:
            s_ = lv.scrappage[k]
            yrs = (YEARS >= s_.start) & (YEARS <= s_.end)
            sc_rate[np.ix_(yrs, ages >= s_.min_age)] = s_.rate / 100.0
        F = cohort_factors(active_surv[k], sc_rate)
        factors[k] = F
        n0 = _initial_cohorts(init_profile[k])
        init[k] = n0.copy()
        hist = ctx.hist_sales[k]
        ksales = np.concatenate([hist, np.zeros(Y - len(hist))])
        hist_n = len(hist)
        if k in lv.total_sales:
            m = lv.total_sales[k]
            ys = np.array(sorted(m), dtype=float)
            vals = np.array([m[int(y)] for y in ys])
            fut = YEARS > HIST_END
            ksales[fut] = np.interp(YEARS[fut], np.concatenate([[HIST_END], ys]), np.concatenate([[hist[-1]], vals]))
        else:
            own = active_hist[k] / pop[:hist_n]
            try:
                # the saturation in the data is on the registration basis (BPS): scale it to the active fleet
                sat_active = ctx.saturation[k] * active_hist[k][-1] / ctx.bps_stock[k][-1]
                fit = fit_gompertz(income[:hist_n], own, sat_active)
                anchor = active_hist[k][-1] / (fit(income[hist_n - 1]) * pop[hist_n - 1])
                target = fit(income) * pop * anchor
                ownership[k] = {"model": "gompertz", **vars(fit), "anchor": anchor}
            except ValueError as exc:
                # ownership did not rise with income in 2010-2024 (e.g. buses): hold vehicles per person
                target = own[-1] * pop
                ownership[k] = {"model": "constant-per-person", "reason": str(exc), "per_person": float(own[-1])}
            cohorts = n0.copy()
            cohorts[first + 1 : first + hist_n] = hist[1:]
            step = ctx.max_step[k]
            for t in range(hist_n, Y):
                survivors = float((cohorts[: first + t] * F[: first + t, t]).sum())
                wanted = max(0.0, target[t] - survivors)
                ksales[t] = float(np.clip(wanted, ksales[t - 1] * (1 - step), ksales[t - 1] * (1 + step)))
                cohorts[first + t] = ksales[t]
        class_sales[k] = ksales

    # ---- sales by case --------------------------------------------------------------------------
    case_sales = np.zeros((C, Y))
    share_record = {}
    for k in ctx.classes:
        pts_k, shares_k = powertrain_shares(ctx, sc, k)
        share_record[k] = (pts_k, shares_k)
        segs = list(dict.fromkeys(seg[cls == k]))
        seg_share = dict(seg_shares_data[k])
        if k in lv.segment_shares:
            seg_share = {s_: v / 100 for s_, v in lv.segment_shares[k].items()}
        tot = sum(seg_share.get(s_, 0.0) for s_ in segs)
        for s_ in segs:
            idx = np.flatnonzero((seg == s_))
            valid = [pts_k.index(p) for p in pt[idx]]
            w = shares_k[:, valid]                                        # (Y, n)
            norm = w.sum(axis=1, keepdims=True)
            w = np.where(norm > 0, w / np.where(norm > 0, norm, 1), 0.0)
            case_sales[idx] = (class_sales[k] * seg_share.get(s_, 0.0) / tot)[None, :] * w.T

    if initial_stock not in ("data", "none"):
        raise InputError(f"initial_stock {initial_stock!r} not allowed; allowed: data, none")
    if sales is not None:
        given = sales.reindex(index=pd.MultiIndex.from_arrays([seg, pt]), columns=list(YEARS)).fillna(0.0)
        if (given.to_numpy() < 0).any():
            raise InputError("exogenous sales must not be negative")
        case_sales = given.to_numpy(float)
        for k in ctx.classes:
            class_sales[k] = case_sales[cls == k].sum(axis=0)

    # ---- stock by vintage (active) --------------------------------------------------------------
    V = len(VINTAGES)
    stock = np.zeros((C, V, Y))
    for k in ctx.classes:
        idx = np.flatnonzero(cls == k)
        if initial_stock == "none":
            n = np.zeros((len(idx), V))
            n[:, first : first + Y] = case_sales[idx]
        else:
            w0 = case_sales[idx, 0] / max(case_sales[idx, 0].sum(), 1e-12)  # pre-2010 cohorts split like 2010 sales
            n = np.outer(w0, init[k])                                          # (n, V)
            n[:, first + 1 : first + Y] = case_sales[idx, 1:]
        stock[idx] = n[:, :, None] * factors[k][None, :, :]

    age = YEARS[None, :] - VINTAGES[:, None]                                             # (V, Y)
    # ---- activity -------------------------------------------------------------------------------
    km_profile = np.zeros((C, V, Y))
    for k in ctx.classes:
        idx = np.flatnonzero(cls == k)
        d = ctx.km_decline[k]
        surv = active_surv[k]
        rel = (1.0 - d) ** np.arange(MAX_AGE)
        k0 = ci.life_km[0, idx] / float((surv * rel).sum())                             # km in the first year
        growth = lv.km_growth.get(k, 0.0) / 100.0
        gfac = (1.0 + growth) ** np.clip(YEARS - HIST_END, 0, None)                     # (Y,)
        km_age = np.where(age >= 0, (1.0 - d) ** np.clip(age, 0, None), 0.0)          # (V, Y)
        km_profile[idx] = k0[:, None, None] * km_age[None] * gfac[None, None, :]
    vkm = stock * km_profile                                                             # (C, V, Y)

    # ---- energy per km by vintage ----------------------------------------------------------------
    vint = VINTAGES.astype(float)
    imp = ci.improve[0]
    dy_hist = np.minimum(vint, HIST_END) - HIST_END
    dy_fut = np.maximum(vint - HIST_END, 0)
    eff = (1 - imp[:, None]) ** dy_hist[None, :] * (1 - imp[:, None] * lv.fuel_economy) ** dy_fut[None, :]
    eff = eff * (1 - imp[:, None]) ** (HIST_END - 2024)                                  # REFERENCE_YEAR = 2024
    mj_v = ci.fuel_use[0][:, None] * eff * ci.share_fuel[0][:, None]                    # (C, V)
    kwh_v = ci.elec_use[0][:, None] * eff * ci.share_elec[0][:, None]
    fuel_mj = np.einsum("cvy,cv->cy", vkm, mj_v)                                         # (C, Y)
    elec_kwh = np.einsum("cvy,cv->cy", vkm, kwh_v)

    # ---- blends ---------------------------------------------------------------------------------
    dflt = _blend_defaults(reg)
    bio_vol = _step_map(lv.biodiesel_blend, dflt["biodiesel"])
    eth_vol = _step_map(lv.ethanol_blend, dflt["ethanol"])
    hvo = _step_map(lv.hvo_share, np.zeros(Y))
    ffv_vol = np.maximum(_step_map(lv.ffv_ethanol, eth_vol), eth_vol)
    e_eth = energy_share(eth_vol, lhv["ethanol"], lhv["gasoline"])
    e_ffv = energy_share(ffv_vol, lhv["ethanol"], lhv["gasoline"])
    e_fame_in_blend = energy_share(bio_vol, lhv["fame-palm"], lhv["diesel"])
    carrier = np.array([POWERTRAIN_CARRIER.get(p) for p in pt])
    is_gas, is_dsl = carrier == "gasoline", carrier == "diesel"
    eth_share = np.where((pt == "ffv")[:, None], e_ffv[None, :], e_eth[None, :]) * is_gas[:, None]
    gas_mj = fuel_mj * is_gas[:, None]
    dsl_mj = fuel_mj * is_dsl[:, None]
    energy = {
        "gasoline": (gas_mj * (1 - eth_share)).sum(axis=0),
        "ethanol": (gas_mj * eth_share).sum(axis=0),
        "diesel": dsl_mj.sum(axis=0) * (1 - hvo) * (1 - e_fame_in_blend),
        "biodiesel": dsl_mj.sum(axis=0) * (1 - hvo) * e_fame_in_blend,
        "hvo": dsl_mj.sum(axis=0) * hvo,
        "cng": (fuel_mj * (carrier == "cng")[:, None]).sum(axis=0),
        "hydrogen": (fuel_mj * (carrier == "hydrogen")[:, None]).sum(axis=0),
        "electricity": elec_kwh.sum(axis=0) * 3.6,                                      # MJ
    }

    # ---- emissions, per case and year (g) ------------------------------------------------------------
    gf = lambda a: a[0]
    col = lambda a: gf(a)[:, None]
    # history (to 2024) keeps the data's pathways (open-pond palm mills, molasses ethanol); levers act afterwards
    bio_now = _bio_factors_cached(reg, lv.luc, lv.fame_pathway, tuple(sorted(lv.ethanol_feedstock.items())))
    bio_hist = _bio_factors_cached(reg, lv.luc, "open-pond", (("molasses", 100.0),))
    hist_mask = YEARS <= HIST_END
    bio = {f: {key: np.where(hist_mask, bio_hist[f][key], bio_now[f][key]) for key in bio_now[f]} for f in bio_now}
    e_hvo = np.where(is_dsl[:, None], hvo[None, :], 0.0)
    e_fame = np.where(is_dsl[:, None], (1 - hvo[None, :]) * e_fame_in_blend[None, :], 0.0)
    e_eth = eth_share
    bio_frac_case = e_eth + e_hvo + e_fame
    fossil_mj = fuel_mj * (1 - bio_frac_case)
    per_bio = lambda key: (e_eth * bio["ethanol"][key] + e_fame * bio["fame"][key] + e_hvo * bio["hvo"][key]) * fuel_mj
    c_tailpipe = fossil_mj * col(ff.co2_fossil)                                            # fossil CO2
    c_nonco2 = fossil_mj * col(ff.nonco2_fossil) + fuel_mj * bio_frac_case * col(ff.nonco2_bio)
    c_wtt = fossil_mj * col(ff.wtt_fossil) + per_bio("wtt")
    # electricity is charged where the vehicles are: each class's regional fleet shares weight the regional grids
    class_grid = {k: sum(region_share[k][r] * grid_region[i] for i, r in enumerate(REGIONS)) for k in ctx.classes}
    case_grid = np.array([class_grid[k] for k in cls])                                      # (C, Y)
    c_elec = (elec_kwh + fuel_mj * col(ff.h2_kwh_per_mj)) * case_grid
    c_wtw = c_tailpipe + c_nonco2 + c_wtt + c_elec
    c_luc = per_bio("luc")
    c_biogenic = per_bio("co2")
    c_production = case_sales * (gf(ci.vehicle_g) + gf(ci.battery_g) + gf(ci.eol_g))[:, None]
    c_maintenance = vkm.sum(axis=1) * col(ci.maintenance)
    c_lca = c_wtw + c_luc + c_production + c_maintenance
    tailpipe_co2, wtw, luc = c_tailpipe.sum(axis=0), c_wtw.sum(axis=0), c_luc.sum(axis=0)
    biogenic, production_g, maint_g, lca = (c_biogenic.sum(axis=0), c_production.sum(axis=0),
                                            c_maintenance.sum(axis=0), c_lca.sum(axis=0))

    # ---- upstream -------------------------------------------------------------------------------
    u = lambda p_, unit: upv[p_][0] * conversion_factor(upv[p_][1], unit)
    L = lambda mj, f: mj / lhv[f]                                                          # litres
    fame_t = L(energy["biodiesel"], "fame-palm") * dens["fame-palm"] / 1000
    hvo_t = L(energy["hvo"], "hvo") * dens["hvo"] / 1000
    cpo_t = fame_t * u("cpo_per_fame", "1") + hvo_t * u("cpo_per_hvo", "1")
    palm_ha = cpo_t / u("palm_cpo_yield", "t/ha/year")
    eth_L = L(energy["ethanol"], "ethanol")
    fs = {k: v / 100 for k, v in lv.ethanol_feedstock.items()}
    feed_t = {f: eth_L * fs.get(f, 0.0) / u(f"ethanol_yield_{f}", "L/t") for f in ("molasses", "sugarcane", "cassava")}
    cane_ha = feed_t["sugarcane"] / u("sugarcane_yield", "t/ha/year")
    cassava_ha = feed_t["cassava"] / u("cassava_yield", "t/ha/year")
    # batteries: new vehicles plus expected replacements at mid-life
    cap = gf(ci.capacity)
    new_kwh = case_sales * cap[:, None]
    repl_kwh = np.zeros_like(new_kwh)
    half = np.round(gf(ci.life_yr) / 2).astype(int)
    for c in range(C):
        if cap[c] > 0 and gf(ci.replacements)[c] > 0:
            shift = half[c]
            repl_kwh[c, shift:] += new_kwh[c, : Y - shift] * gf(ci.replacements)[c]
    batt_kwh = new_kwh + repl_kwh
    chems = sorted(set(ci.chemistry))
    batt_by_chem = {ch: batt_kwh[np.array(ci.chemistry) == ch].sum(axis=0) for ch in chems}
    metals = {}
    for m in ("nickel", "lithium", "cobalt"):
        metals[m] = sum(batt_by_chem[ch] * metal_content[(ch, f"{m}_content")] for ch in chems)
    # electricity by region and share of generation
    elec_class = {k: (elec_kwh[cls == k].sum(axis=0) + (fuel_mj[cls == k] * gf(ff.h2_kwh_per_mj)[cls == k, None]).sum(axis=0))
                  for k in ctx.classes}
    elec_region = np.array([sum(elec_class[k] * region_share[k][r] for k in ctx.classes) for r in REGIONS])  # kWh
    gen = np.array([_gen(reg, r, lv.power_scenario) for r in ("national",) + REGIONS])                     # TWh
    # oil displaced: fossil fuel the same vehicle-km would burn in the segment's reference ICE of the same
    # vintage (diesel vehicles: the diesel ICE itself; others: the gasoline ICE, or diesel where none), less
    # the fossil gasoline and diesel actually burnt
    ref_mj = np.zeros((C, V))
    ref_carrier = np.empty(C, dtype=object)
    for i, c in enumerate(cases):
        own = "ice-diesel" if carrier[i] == "diesel" else "ice-gasoline"
        ref = own if ((seg == c.segment) & (pt == own)).any() else (
            "ice-diesel" if own == "ice-gasoline" else "ice-gasoline")
        j = np.flatnonzero((seg == c.segment) & (pt == ref))[0]
        ref_mj[i] = ci.fuel_use[0, j] * eff[j]
        ref_carrier[i] = "gasoline" if ref == "ice-gasoline" else "diesel"
    need = np.einsum("cvy,cv->cy", vkm, ref_mj)
    need_gas = need[ref_carrier == "gasoline"].sum(axis=0)
    need_dsl = need[ref_carrier == "diesel"].sum(axis=0)
    displaced_gas_kL = np.clip(need_gas - energy["gasoline"], 0, None) / lhv["gasoline"] / 1000
    displaced_dsl_kL = np.clip(need_dsl - energy["diesel"], 0, None) / lhv["diesel"] / 1000
    price = {p: lv.oil_import_price.get(p, u(f"{p}_import_price", "USD/kL")) for p in ("gasoline", "diesel")}
    imp_share = {p: u(f"{p}_import_share", "1") for p in ("gasoline", "diesel")}
    import_avoided_usd = (displaced_gas_kL * imp_share["gasoline"] * price["gasoline"]
                          + displaced_dsl_kL * imp_share["diesel"] * price["diesel"])

    if compact:
        ev = np.isin(pt, ["bev", "fcev"])
        return {
            "Stock|Road": stock.sum(axis=(0, 1)) / 1e6,
            "Stock|Road|Zero Emission": stock[ev].sum(axis=(0, 1)) / 1e6,
            "Sales|Road": case_sales.sum(axis=0) / 1e6,
            "Final Energy|Road": sum(energy.values()) / 1e9,
            "Electricity|Road": elec_region.sum(axis=0) / 1e9,
            "Emissions|CO2|Road|Tailpipe": tailpipe_co2 / 1e12,
            "Emissions|GHG|Road|Well-to-Wheel": wtw / 1e12,
            "Emissions|GHG|Road|Life Cycle": lca / 1e12,
            "Supply|Crude Palm Oil": cpo_t / 1e6,
            "Supply|Battery": batt_kwh.sum(axis=0) / 1e6,
            "Trade|Oil Imports Avoided": (displaced_gas_kL * imp_share["gasoline"] + displaced_dsl_kL * imp_share["diesel"]) / 1e6,
        }

    # ---- registered stock (BPS-comparable) ------------------------------------------------------
    registered = {}
    for k in ctx.classes:
        fitk = ctx.registered_fit[k]
        from jalur.fleet.survival import simulate_stock

        registered[k] = simulate_stock(class_sales[k], ctx.bps_stock[k][0], fitk.curve(np.arange(MAX_AGE)), 0.05)

    # ---- dataset --------------------------------------------------------------------------------
    mi = pd.MultiIndex.from_arrays([seg, pt], names=["segment", "powertrain"])
    coords = xr.Coordinates.from_pandas_multiindex(mi, "case").assign(
        {"year": YEARS, "vintage": VINTAGES, "class": ("case", cls), "carrier": list(CARRIERS),
         "region": list(REGIONS), "vclass": list(ctx.classes), "chemistry": chems})
    ds = xr.Dataset(
        {
            "sales": (("case", "year"), case_sales, {"units": "vehicle/year"}),
            "stock": (("case", "year"), stock.sum(axis=1), {"units": "vehicle", "long_name": "active stock"}),
            "stock_vintage": (("case", "vintage", "year"), stock, {"units": "vehicle"}),
            "vkm": (("case", "year"), vkm.sum(axis=1), {"units": "km/year"}),
            "fuel_use": (("case", "year"), fuel_mj, {"units": "MJ/year"}),
            "electricity_use": (("case", "year"), elec_kwh, {"units": "kWh/year"}),
            "final_energy": (("carrier", "year"), np.array([energy[c] for c in CARRIERS]), {"units": "MJ/year"}),
            "stock_registered": (("vclass", "year"), np.array([registered[k] for k in ctx.classes]), {"units": "vehicle"}),
            "stock_region": (("vclass", "region", "year"),
                             np.array([[stock[cls == k].sum(axis=(0, 1)) * region_share[k][r] for r in REGIONS] for k in ctx.classes]),
                             {"units": "vehicle"}),
            "electricity_region": (("region", "year"), elec_region, {"units": "kWh/year",
                                   "long_name": "grid electricity for road transport incl. hydrogen production"}),
            "electricity_h2": (("year",), (fuel_mj * gf(ff.h2_kwh_per_mj)[:, None]).sum(axis=0),
                               {"units": "kWh/year", "long_name": "grid electricity for electrolytic hydrogen"}),
            "generation": (("grid", "year"), gen, {"units": "TWh/year"}),
            "emissions_case": (("case", "stage", "year"),
                               np.stack([c_tailpipe, c_nonco2, c_wtt, c_elec, c_luc, c_production, c_maintenance], axis=1),
                               {"units": "g CO2e/year", "long_name": "emissions by case and stage (sum = lca_ghg)"}),
            "tailpipe_co2": (("year",), tailpipe_co2, {"units": "g CO2/year"}),
            "wtw_ghg": (("year",), wtw, {"units": "g CO2e/year", "long_name": "well-to-wheel GHG (without LUC)"}),
            "luc_ghg": (("year",), luc, {"units": "g CO2e/year"}),
            "production_ghg": (("year",), production_g, {"units": "g CO2e/year"}),
            "maintenance_ghg": (("year",), maint_g, {"units": "g CO2e/year"}),
            "lca_ghg": (("year",), lca, {"units": "g CO2e/year", "long_name": "life-cycle GHG incl. LUC"}),
            "biogenic_co2": (("year",), biogenic, {"units": "g CO2/year"}),
            "cpo": (("year",), cpo_t, {"units": "t/year"}),
            "palm_area": (("year",), palm_ha, {"units": "ha"}),
            "ethanol_feedstock": (("feedstock", "year"), np.array([feed_t[f] for f in ("molasses", "sugarcane", "cassava")]),
                                  {"units": "t/year"}),
            "crop_area": (("crop", "year"), np.array([palm_ha, cane_ha, cassava_ha]), {"units": "ha"}),
            "battery": (("chemistry", "year"), np.array([batt_by_chem[c] for c in chems]), {"units": "kWh/year"}),
            "metals": (("metal", "year"), np.array([metals[m] for m in ("nickel", "lithium", "cobalt")]), {"units": "kg/year"}),
            "oil_displaced": (("product", "year"), np.array([displaced_gas_kL, displaced_dsl_kL]), {"units": "kL/year"}),
            "oil_import_avoided": (("year",), import_avoided_usd, {"units": "USD/year"}),
            "oil_imports_avoided": (("product", "year"), np.array([displaced_gas_kL * imp_share["gasoline"],
                                                                   displaced_dsl_kL * imp_share["diesel"]]),
                                    {"units": "kL/year"}),
            "fuel_volume": (("liquid", "year"), np.array([energy[c] / lhv[f] / 1000 for c, f in LIQUIDS]),
                            {"units": "kL/year"}),
            "class_sales": (("vclass", "year"), np.array([class_sales[k] for k in ctx.classes]), {"units": "vehicle/year"}),
        },
        coords=coords,
    ).assign_coords(grid=["national", *REGIONS], feedstock=["molasses", "sugarcane", "cassava"],
                    crop=["oil-palm", "sugarcane", "cassava"], metal=["nickel", "lithium", "cobalt"],
                    product=["gasoline", "diesel"], liquid=[c for c, _ in LIQUIDS],
                    stage=["tailpipe-co2", "tailpipe-ch4-n2o", "well-to-tank", "electricity", "land-use-change",
                           "vehicle-production", "maintenance"])
    ds.attrs.update({
        "title": f"jalur fleet projection: {sc.name}",
        "scenario": sc.name,
        "scenario_title": sc.title,
        "scenario_file": sc.path,
        "scenario_levers": json.dumps(sc.levers.model_dump(mode="json"), sort_keys=True),
        "scenario_sources": json.dumps(sc.sources),
        "jalur_version": __version__,
        "data_version": reg.data_version,
        "provenance": json.dumps(reg.provenance()),
        "ownership_fits": json.dumps(ownership),
        "gwp": "ar6-gwp100",
    })
    return ds


@registry_cache
def _pop_gdp(reg: Registry, table: str, scenario: str, unit: str) -> np.ndarray:
    t = reg.table(table)
    allowed = sorted(set(t.frame["scenario"]) - {"historical"})
    if scenario not in allowed:
        raise InputError(f"levers.{'population' if table == 'population' else 'gdp'}: {scenario!r} is not a scenario "
                         f"of table '{table}'; allowed: {', '.join(allowed)}")
    hist = t.where(scenario="historical").frame
    proj = t.where(scenario=scenario).frame
    rows = pd.concat([hist, proj[proj["year"] > hist["year"].max()]])
    ys = rows["year"].to_numpy(float)
    vals = rows["value"].to_numpy(float) * np.array([conversion_factor(u_, unit) for u_ in rows["unit"]])
    o = np.argsort(ys)
    return np.exp(np.interp(YEARS, ys[o], np.log(vals[o])))


@registry_cache
def _gen(reg: Registry, region: str, scenario: str) -> np.ndarray:
    t = reg.table("grid-generation")
    f = t.frame
    hist = f[(f["region"] == region) & (f["scenario"] == "historical")]
    proj = f[(f["region"] == region) & (f["scenario"] == scenario)]
    rows = pd.concat([hist, proj[proj["year"] > (hist["year"].max() if len(hist) else 0)]])
    ys = rows["year"].to_numpy(float)
    vals = rows["value"].to_numpy(float) * np.array([conversion_factor(u_, "TWh") for u_ in rows["unit"]])
    o = np.argsort(ys)
    return np.interp(YEARS, ys[o], vals[o])


@registry_cache
def _bio_factors_cached(reg: Registry, luc_mode: str, fame_pathway: str, feedstock: tuple) -> dict:
    lv = type("L", (), {"luc": luc_mode, "fame_pathway": fame_pathway, "ethanol_feedstock": dict(feedstock)})
    fp = reg.table("fuel-pathways")
    lu = reg.table("land-use-change")
    props = reg.table("fuel-properties")

    def luc(pw: str) -> float:
        total = 0.0
        for typ in (("direct",) if lv.luc == "direct" else ("direct", "indirect") if lv.luc == "indirect" else ()):
            sub = lu.where(pathway=pw, type=typ)
            total += float(sub.values("g CO2e/MJ")[0]) if len(sub) else 0.0
        return total

    out = {}
    mix = {f"ethanol-{k}": v / 100 for k, v in lv.ethanol_feedstock.items()}
    out["ethanol"] = {"wtt": sum(w * fp.get("g CO2e/MJ", pathway=p) for p, w in mix.items()),
                      "luc": sum(w * luc(p) for p, w in mix.items()),
                      "co2": props.get("g CO2/MJ", fuel="ethanol", property="combustion_co2")}
    fame = f"fame-palm-{lv.fame_pathway}"
    out["fame"] = {"wtt": fp.get("g CO2e/MJ", pathway=fame), "luc": luc(fame),
                   "co2": props.get("g CO2/MJ", fuel="fame-palm", property="combustion_co2")}
    out["hvo"] = {"wtt": fp.get("g CO2e/MJ", pathway="hvo-palm"), "luc": luc("hvo-palm"),
                  "co2": props.get("g CO2/MJ", fuel="hvo", property="combustion_co2")}
    return out
