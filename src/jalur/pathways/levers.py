"""Levers made yearly paths: blends, fuel compositions, macro drivers; and the check of the names levers use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from jalur.catalog import catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.pathways.context import HIST_END, YEARS, FleetContext
from jalur.pathways.scenario import Levers, Scenario, ScenarioError, check_names
from jalur.physics.blends import energy_share, lhv_volume, mandated_volume_share
from jalur.physics.fuels import FactorChoices
from jalur.physics.series import SERIES
from jalur.units import conversion_factor
from jalur.vehicle.options import variants

#: Levers that set a blend: lever -> the bio carrier it sets (volume share in its pool).
BLEND_LEVERS = {"biodiesel_blend": "biodiesel", "ethanol_blend": "ethanol"}
#: The drop-in carrier whose share of its pool's energy the ``hvo_share`` lever sets.
DROP_IN = "hvo"
#: The bio carrier flex-fuel engines may take more of (``ffv_ethanol``).
FLEX_COMPONENT = "ethanol"
#: Pathway variants of history (what Indonesian mills and distilleries use): levers act after :data:`HIST_END`.
HISTORY_VARIANTS = (("ethanol_feedstock", (("molasses", 1.0),)), ("fame_pathway", (("open-pond", 1.0),)))


def _scenarios(reg: Registry, table: str) -> list[str]:
    return sorted(set(reg.table(table).frame["scenario"]) - {"historical"})


def check_scenario(reg: Registry, sc: Scenario) -> None:
    """Check the names a scenario uses (classes, powertrains, segments, data scenarios, pathway variants).

    Raises
    ------
    ScenarioError
        Naming the scenario file, the key path and the allowed values.
    """
    lv, where = sc.levers, sc.path
    check_names(sc, catalog(reg))
    checks = [("power_scenario", [lv.power_scenario], _scenarios(reg, "grid-intensity")),
              ("population", [lv.population], _scenarios(reg, "population")),
              ("gdp", [lv.gdp], _scenarios(reg, "gdp")),
              ("fame_pathway", [lv.fame_pathway], variants(reg, "fame_pathway")),
              ("ethanol_feedstock", list(lv.ethanol_feedstock), variants(reg, "ethanol_feedstock")),
              ("battery_origin", [lv.battery_origin] if lv.battery_origin else [],
               list(reg.table("cell-origins").frame["origin"])),
              ("nickel_route", [lv.nickel_route] if lv.nickel_route else [], list(reg.table("nickel-routes").frame["route"]))]
    for key, values, allowed in checks:
        for value in values:
            if value not in allowed:
                raise ScenarioError(f"{where}: levers.{key}: {value!r} is not allowed; allowed: {', '.join(allowed)}")
    for k, shares in lv.segment_shares.items():
        if abs(sum(shares.values()) - 100.0) > 0.01:
            raise ScenarioError(f"{where}: levers.segment_shares.{k}: shares must sum to 100 %, "
                                f"got {sum(shares.values()):g}")


def step_map(levers: dict[int, float], default: np.ndarray) -> np.ndarray:
    """A yearly path [1] that follows *default* until the first lever year, then steps at each lever year [%].

    Examples
    --------
    >>> step_map({2030: 50.0}, np.full(len(YEARS), 0.4))[[19, 20]].tolist()   # 2029, 2030
    [0.4, 0.5]
    """
    out = default.copy()
    for y, v in sorted(levers.items()):
        out[YEARS >= y] = v / 100.0
    return out


def factor_choices(luc: str, fame_pathway: str, feedstock: tuple[tuple[str, float], ...]
                   ) -> tuple[FactorChoices, FactorChoices]:
    """Per-MJ factor choices of history (data pathways) and of the scenario (from 2026 on).

    *feedstock* is the ``ethanol_feedstock`` lever as (feedstock, %) pairs.
    """
    mix = tuple(sorted((k, v / 100) for k, v in feedstock))
    scen = (("ethanol_feedstock", mix), ("fame_pathway", ((fame_pathway, 1.0),)))
    return FactorChoices(luc, "ar6-gwp100", HISTORY_VARIANTS), FactorChoices(luc, "ar6-gwp100", scen)


def _on_years(a: np.ndarray) -> np.ndarray:
    return a[np.searchsorted(SERIES, YEARS)]


def compositions(ctx: FleetContext, lv: Levers) -> xr.DataArray:
    """Energy shares of each case's fuel by carrier and year [1]: (case, carrier, year).

    Blends follow the mandates in force (``blend-mandates``) until a lever year, then the levers; the drop-in
    share (HVO) takes part of the pool's energy first; flex-fuel engines (powertrains taking 100 % ethanol)
    burn the ``ffv_ethanol`` share where it is higher than the pool's.
    """
    key = tuple((name, tuple(sorted(getattr(lv, name).items())))
                for name in (*BLEND_LEVERS, "hvo_share", "ffv_ethanol"))
    return _compositions(ctx.reg, key).assign_coords(case=ctx.case_ids)


@memoize
def _compositions(reg: Registry, key: tuple) -> xr.DataArray:
    from jalur.pathways.context import context

    ctx, levers = context(reg), {k: dict(v) for k, v in key}
    cat = ctx.cat
    vol = {bio: step_map(levers[lever], _on_years(mandated_volume_share(reg, bio))) for lever, bio in BLEND_LEVERS.items()}
    drop_in = step_map(levers["hvo_share"], np.zeros(len(YEARS)))
    flex_vol = np.maximum(step_map(levers["ffv_ethanol"], vol[FLEX_COMPONENT]), vol[FLEX_COMPONENT])
    carriers = list(cat.carriers)
    out = np.zeros((len(ctx.cases), len(carriers), len(YEARS)))
    for i, p in enumerate(ctx.cases["powertrain"]):
        pt = cat.powertrain(p)
        pool = cat.carrier(pt.carrier)
        components = cat.blend_components(pool.id)
        rest = 1 - drop_in if DROP_IN in components else 1.0
        out[i, carriers.index(pool.id)] = 1.0
        for bio in components:
            if bio == DROP_IN:
                e = drop_in
            elif bio in vol:
                v = flex_vol if bio == FLEX_COMPONENT and pt.max_blend >= 1.0 else vol[bio]
                e = rest * energy_share(v, lhv_volume(reg, bio), lhv_volume(reg, pool.id))
            else:
                continue
            out[i, carriers.index(bio)] += e
            out[i, carriers.index(pool.id)] -= e
    return xr.DataArray(out, dims=("case", "carrier", "year"), coords={"carrier": carriers, "year": YEARS})


@memoize
def macro_series(reg: Registry, table: str, scenario: str, unit: str) -> np.ndarray:
    """Population or GDP by year: history, then the chosen projection (log-linear between data years)."""
    t = reg.table(table)
    if scenario not in _scenarios(reg, table):
        raise InputError(f"levers.{'population' if table == 'population' else 'gdp'}: {scenario!r} is not a scenario "
                         f"of table '{table}'; allowed: {', '.join(_scenarios(reg, table))}")
    hist = t.where(scenario="historical").frame
    proj = t.where(scenario=scenario).frame
    rows = pd.concat([hist, proj[proj["year"] > hist["year"].max()]])
    ys = rows["year"].to_numpy(float)
    vals = rows["value"].to_numpy(float) * np.array([conversion_factor(u, unit) for u in rows["unit"]])
    o = np.argsort(ys)
    return np.exp(np.interp(YEARS, ys[o], np.log(vals[o])))


def income_and_population(reg: Registry, lv: Levers) -> tuple[np.ndarray, np.ndarray]:
    """GDP per person [million IDR/person] and population [persons] by year, with the GDP-growth lever."""
    pop = macro_series(reg, "population", lv.population, "count")
    gdp = macro_series(reg, "gdp", lv.gdp, "IDR")
    if lv.gdp_growth != 1.0:
        g = np.diff(np.log(gdp))
        g[(YEARS > HIST_END)[1:]] *= lv.gdp_growth
        gdp = gdp[0] * np.exp(np.concatenate([[0.0], np.cumsum(g)]))
    return gdp / pop / 1e6, pop


@memoize
def share_tables(reg: Registry) -> tuple[dict, dict]:
    """Segment shares of each class's sales, and regional shares of each class's fleet [1]."""
    seg, region = {}, {}
    t = reg.table("segment-shares")
    for k, s_, v in zip(t.frame["class"], t.frame["segment"], t.values("1")):
        seg.setdefault(k, {})[s_] = float(v)
    t = reg.table("regional-fleet-share")
    for r, k, v in zip(t.frame["region"], t.frame["class"], t.values("1")):
        region.setdefault(k, {})[r] = float(v)
    return seg, region
