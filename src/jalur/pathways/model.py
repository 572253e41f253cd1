"""Fleet projection of a scenario, 2010-2060: a run is a chain of named stages, each a function of labelled arrays.

1. **sales** (:func:`~jalur.pathways.turnover.class_sales`) — history (GAIKINDO, AISI) to 2025; then sales that
   move the in-use stock toward a Gompertz ownership curve (partial adjustment), or exogenous totals;
2. **mix** (:func:`~jalur.pathways.turnover.case_sales`) — segment and powertrain shares of new sales: history,
   then targets (linear or S-curve), a logit choice on cost, phase-outs (:mod:`jalur.pathways.mix`);
3. **stock** (:func:`~jalur.pathways.turnover.stock`) — one set of cohorts (vintages): registered on the class's
   registration retention (what BPS and Korlantas count), in use on its in-use survival, with scrappage;
4. **activity** (:func:`~jalur.pathways.turnover.activity`) — km per vehicle by age (:mod:`jalur.fleet.activity`);
5. **energy** (:func:`~jalur.pathways.energy.energy`) — each vintage's energy intensity, each year's blends;
6. **emissions** (:func:`~jalur.pathways.energy.emissions`) — :mod:`jalur.physics`, stage by stage;
7. **upstream** (:mod:`jalur.pathways.upstream`) — palm oil, ethanol feedstocks, land, batteries, metals,
   electricity by region, oil displaced and imports avoided.

Arrays keep a ``sample`` dimension (sampled inputs: ``samples``); a deterministic run drops it at the end.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur._version import __version__
from jalur.catalog import STAGES, Stage
from jalur.datasets import Registry, memoize
from jalur.labelled import einsum
from jalur.pathways.context import HIST_END, YEARS, FleetContext, context
from jalur.pathways.energy import emissions, energy, factors, inputs, production_choices
from jalur.pathways.levers import check_scenario, share_tables
from jalur.pathways.scenario import Scenario, load_scenario, scenario_digest, scenario_origin
from jalur.pathways.turnover import (
    activity, case_sales, class_fleet, class_sales, cohorts, describe_cases, exogenous_sales, registered_stock,
    stock,
)
from jalur.pathways.upstream import batteries, biofuel_feedstocks, electricity, generation, oil
from jalur.physics.blends import lhv_volume

__all__ = ["run", "HIST_END", "YEARS"]


def run(scenario: str | Scenario, *, registry: Registry | None = None, overrides=None,
        sales: pd.DataFrame | None = None, initial_stock: str = "data", compact: bool = False,
        samples: int = 0, seed: int | None = None) -> xr.Dataset | dict:
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
        ``data`` (the end-2010 registered fleet of ``fleet-parameters`` and its age profile) or ``none`` (start from an empty fleet:
        with *sales*, e.g. a one-vehicle fleet).
    compact : bool
        Return only national yearly totals as a dict of arrays (the ``compact`` variables of
        :mod:`jalur.pathways.variables`); used by :func:`~jalur.pathways.batch.run_batch`.
    samples, seed : int
        Monte Carlo samples of the uncertain inputs (0: central values) and the random seed.

    Returns
    -------
    xarray.Dataset
        Stock, sales, activity, energy, emissions and upstream needs by year (:mod:`jalur.pathways.iamc`
        publishes them); attributes record jalur and data versions, the scenario and overrides.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(
        scenario, known_sources=set(reg.sources.index), catalogue=context(reg).cat)
    check_scenario(reg, sc)
    ctx, lv = context(reg), sc.levers
    uf = None if lv.phev_utility_factor is None else lv.phev_utility_factor / 100
    vi = inputs(reg, uf, samples, seed, production_choices(lv))
    fleets = {k: class_fleet(ctx, lv, k) for k in ctx.classes}
    by_class, ownership = class_sales(ctx, lv, fleets)                                      # 1. sales
    new = case_sales(ctx, sc, by_class) if sales is None else exogenous_sales(ctx, sales)   # 2. mix
    if sales is not None:
        by_class = ctx.by_class(new)
    n = cohorts(ctx, new, fleets, initial_stock)
    fleet = stock(ctx, n, fleets)                                                           # 3. stock
    km = activity(ctx, lv, calibrated_km(vi, inputs(reg, uf, 0, None, production_choices(lv))))  # 4. activity
    e = energy(ctx, lv, fleet, km, vi)                                                      # 5. energy
    g = emissions(ctx, lv, e, new, vi, samples, seed)                                       # 6. emissions
    f = factors(reg, lv.luc, lv.fame_pathway, tuple(sorted(lv.ethanol_feedstock.items())), lv.hydrogen, samples, seed)
    final = final_energy(ctx, e)
    up = xr.merge([biofuel_feedstocks(reg, lv, final), batteries(ctx, new, vi), electricity(ctx, e, f),  # 7. upstream
                   oil(ctx, lv, e, fleet, km, vi, final)])
    ds = assemble(ctx, sc, by_class, new, fleet, e, g, final, up, ownership, compact=compact,
                  registered=None if compact else registered_stock(ctx, n, fleets))
    ds = ds.squeeze("sample", drop=True) if not samples else ds
    if compact:
        from jalur.pathways.variables import compact_totals

        return compact_totals(ds)
    return ds


def calibrated_km(vi: xr.Dataset, central: xr.Dataset) -> xr.DataArray:
    """First-year km of the fleet [km/year], (sample, case): the central values in every sample.

    The fleet's km were calibrated to national fuel sales (:mod:`jalur.pathways.fit`); drawing them from their prior
    ranges, which are wide and skewed (ride-hailing motorcycles drive 30,000 km a year), would make every sampled
    history miss the fuel sold. Sampled runs vary the other inputs (energy use per km, emission factors, grids ...).
    """
    c = central["annual_km"].isel(sample=0, drop=True)
    return c.broadcast_like(vi["annual_km"]).transpose(*vi["annual_km"].dims)


def final_energy(ctx: FleetContext, e: xr.Dataset) -> xr.DataArray:
    """Final energy by carrier [MJ/year]: fuels by carrier, and electricity at the plug (kWh x 3.6)."""
    fe = e["fuel_by_carrier"].sum("case")
    elec = [c.id for c in ctx.cat.carriers.values() if not c.properties]
    return (fe + (e["electricity_use"].sum("case") * 3.6) * xr.DataArray(
        [1.0 if c in elec else 0.0 for c in fe["carrier"].values], dims="carrier", coords={"carrier": fe["carrier"]})
            ).transpose(..., "carrier", "year").assign_attrs(units="MJ/year")


#: Emission aggregates of a run: name -> (which stages, units, long name).
AGGREGATES = {
    "tailpipe_co2": (lambda s: s.id == Stage.TAILPIPE_CO2.value, "g CO2/year", "fossil CO2 at the tailpipe"),
    "wtw_ghg": (lambda s: s.well_to_wheel, "g CO2e/year", "well-to-wheel GHG (without LUC)"),
    "luc_ghg": (lambda s: s.id == Stage.LAND_USE_CHANGE.value, "g CO2e/year", "land-use change"),
    "production_ghg": (lambda s: s.per_vehicle, "g CO2e/year", "production and end of life of vehicles sold"),
    "maintenance_ghg": (lambda s: s.id == Stage.MAINTENANCE.value, "g CO2e/year", "maintenance of vehicles in use"),
    "lca_ghg": (lambda s: True, "g CO2e/year", "life-cycle GHG incl. LUC"),
}


def _stage_totals(ctx: FleetContext, em: xr.DataArray) -> dict[str, xr.DataArray]:
    """National totals of the emission aggregates [g/year] (:data:`AGGREGATES`)."""
    w = xr.DataArray([[1.0 if pick(ctx.cat.stage(s)) else 0.0 for pick, _, _ in AGGREGATES.values()] for s in STAGES],
                     dims=("stage", "aggregate"), coords={"stage": list(STAGES), "aggregate": list(AGGREGATES)})
    totals = einsum(("sample", "aggregate", "year"), em, w)
    return {name: xr.DataArray(totals.values[:, i], dims=("sample", "year"), coords={"year": totals["year"].values},
                               attrs={"units": u, "long_name": n}) for i, (name, (_, u, n)) in enumerate(AGGREGATES.items())}


def _regional(ctx: FleetContext, fleet: xr.DataArray) -> xr.DataArray:
    """Active stock by class and grid region [vehicle] (national growth shared by the regional fleet shares)."""
    _, share = share_tables(ctx.reg)
    regions = list(ctx.cat.grid_regions)
    by_class = ctx.by_class(fleet.sum("vintage"))
    w = xr.DataArray([[share[k].get(r, 0.0) for r in regions] for k in ctx.classes], dims=("vclass", "region"),
                     coords={"vclass": list(ctx.classes), "region": regions})
    return (by_class * w).transpose("vclass", "region", "year").assign_attrs(units="vehicles")


def assemble(ctx: FleetContext, sc: Scenario, by_class, new, fleet, e, g, final, up, ownership,
             compact: bool = False, registered: xr.DataArray | None = None) -> xr.Dataset:
    """The run's Dataset: the stages' arrays, national aggregates and the provenance attributes.

    *compact* leaves out what only the full outputs need (stock by vintage, registered and regional stock).
    """
    reg = ctx.reg
    liquids = [c.id for c in ctx.cat.carriers.values() if c.volume_label]
    carriers = list(final["carrier"].values)
    fe = final.transpose("sample", "carrier", "year").values
    volume = xr.DataArray(np.stack([fe[:, carriers.index(c)] / lhv_volume(reg, c) / 1000 for c in liquids], axis=1),
                          dims=("sample", "liquid", "year"), coords={"liquid": liquids, "year": YEARS})
    data = {
        "sales": new, "class_sales": by_class, "stock": fleet.sum("vintage").assign_attrs(units="vehicles",
                                                                                             long_name="in-use stock"),
        "vkm": e["vkm"], "fuel_use": e["fuel_use"], "electricity_use": e["electricity_use"], "final_energy": final,
        "fuel_volume": volume.assign_attrs(units="kL/year"),
        "emissions_case": g["emissions"].transpose(..., "case", "stage", "year").assign_attrs(
            units="g CO2e/year", long_name="emissions by case and stage (sum = lca_ghg)"),
        "biogenic_co2": g["biogenic_co2"].sum("case").assign_attrs(units="g CO2/year"),
        "biofuel_savings_wtw": g["biofuel_savings_wtw"], "biofuel_savings_luc": g["biofuel_savings_luc"],
        "generation": generation(reg, sc.levers.power_scenario), **_stage_totals(ctx, g["emissions"]),
    }
    if not compact:
        data |= {"stock_vintage": fleet, "stock_registered": registered,
                 "stock_region": _regional(ctx, fleet)}
    data |= dict(up.data_vars)
    if compact:  # national totals of what the compact output publishes, summed before they meet
        from jalur.pathways.variables import compact_sources

        data = {k: _national_total(v) for k, v in data.items() if k in compact_sources()}
    ds = xr.Dataset(data)
    if not compact:
        ds = ds.assign_coords(describe_cases(ctx))
    ds.attrs.update({
        "title": f"jalur fleet projection: {sc.name}", "scenario": sc.name, "scenario_title": sc.title,
        "scenario_file": sc.path, "scenario_origin": scenario_origin(sc), "scenario_sha256": scenario_digest(sc),
        "scenario_levers": json.dumps(sc.levers.model_dump(mode="json"), sort_keys=True),
        "scenario_sources": json.dumps(sc.sources), "jalur_version": __version__, "data_version": reg.data_version,
        "provenance": json.dumps(reg.provenance()), "ownership_fits": json.dumps(_plain(ownership)), "gwp": "ar6-gwp100",
        "labels": _labels(ctx.reg), "scope": _scope(sc.levers.infrastructure),
        "out_of_scope": json.dumps([] if sc.levers.infrastructure else list(INFRASTRUCTURE)),
    })
    return ds


#: Stages outside the default scope, counted with the ``infrastructure`` lever.
INFRASTRUCTURE = (Stage.INFRASTRUCTURE_ROAD.value, Stage.INFRASTRUCTURE_CHARGING.value)


def _scope(infrastructure: bool) -> str:
    return ("scope: vehicle and battery production in the year of sale (with that year's factors), fuel and "
            "electricity supply, tailpipe, land-use change, maintenance, end of life; road and charging infrastructure "
            + ("included" if infrastructure else "excluded (lever infrastructure: true to count them)")
            + "; a vehicle's production, replacement packs included, is booked in its year of sale; hydrogen "
            "refuelling stations not counted; non-exhaust particles are air pollutants, not GHG")


def _national_total(v: xr.DataArray) -> xr.DataArray:
    """An array summed over every dimension but sample and year: (sample, year)."""
    v = v if "sample" in v.dims else v.expand_dims(sample=1)
    total = v.transpose("sample", "year", ...).values.reshape(v.sizes["sample"], v.sizes["year"], -1).sum(-1)
    return xr.DataArray(total, dims=("sample", "year"), coords={"year": YEARS}, attrs=v.attrs)


@memoize
def _labels(reg: Registry) -> str:
    """The catalogue's labels as JSON, carried by every run (so that outputs need no registry)."""
    return json.dumps(context(reg).cat.labels())


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return float(x) if isinstance(x, (np.floating, float)) else x
