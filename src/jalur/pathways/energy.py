"""Stages 5 and 6 of a run: energy by case and carrier, and emissions by case and stage.

The physics is :mod:`jalur.physics` — the same per-vehicle inputs, per-MJ factors, blends and grids as the vehicle
engine; the fleet adds only the calendar: each year's blend, grid and pathways, and the vehicles of each vintage.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from jalur.catalog import STAGES, Stage
from jalur.datasets import Registry, memoize
from jalur.labelled import concat
from jalur.pathways.context import HIST_END, VINTAGES, YEARS, FleetContext
from jalur.pathways.levers import compositions, factor_choices, share_tables
from jalur.pathways.scenario import Levers
from jalur.pathways.turnover import case_coords
from jalur.physics.fuels import CARRIER_STAGES, carrier_factors
from jalur.physics.grid import grid_at_plug
from jalur.physics.sampled import SampledTables, sampled_tables
from jalur.physics.use import use_emissions
from jalur.physics.vehicles import Production, energy_intensity, vehicle_inputs

MJ_PER_KWH = 3.6


@memoize
def tables(reg: Registry, samples: int, seed: int | None) -> SampledTables:
    """The engine tables under the run's design (central values, or *samples* Monte Carlo draws)."""
    return sampled_tables(reg, samples, seed)


@memoize
def inputs(reg: Registry, utility_factor: float | None, samples: int, seed: int | None,
           how: Production = Production()) -> xr.Dataset:
    """Per-vehicle inputs of every case of the fleet: (sample, case), production by year of sale (sample, case,
    year)."""
    from jalur.pathways.context import context

    ctx = context(reg)
    pairs = list(zip(ctx.cases["segment"], ctx.cases["powertrain"]))
    return vehicle_inputs(tables(reg, samples, seed), pairs, YEARS, how=how,
                          utility_factor=utility_factor).assign_coords(case=ctx.case_ids)


def production_choices(lv: Levers) -> Production:
    """How the fleet's batteries are made under a scenario's levers."""
    return Production(None, lv.battery_origin, lv.nickel_route, lv.power_scenario)


def routes(ctx: FleetContext, hydrogen: str) -> list[str]:
    """The production route of each case's fuel: the ``hydrogen`` lever's fuel for cases on its carrier."""
    h = ctx.cat.fuel(hydrogen)
    return [h.route if ctx.cat.powertrain(p).carrier == h.carrier else "" for p in ctx.cases["powertrain"]]


@memoize
def factors(reg: Registry, luc: str, fame_pathway: str, feedstock: tuple, hydrogen: str, samples: int,
            seed: int | None) -> xr.Dataset:
    """Per-MJ factors of each case by carrier and stage: history pathways up to 2025, the levers' after."""
    from jalur.pathways.context import context

    ctx = context(reg)
    techs = [ctx.cat.vclass(k).tailpipe_technology for k in ctx.cases["class"]]
    st = tables(reg, samples, seed)
    hist, scen = (carrier_factors(st, techs, routes(ctx, hydrogen), ch)
                  for ch in factor_choices(luc, fame_pathway, feedstock))
    past = xr.DataArray(YEARS <= HIST_END, dims="year", coords={"year": YEARS})
    return xr.where(past, hist, scen, keep_attrs=True).assign_coords(case=ctx.case_ids)


@memoize
def class_grids(reg: Registry, scenario: str, samples: int, seed: int | None) -> xr.DataArray:
    """Grid intensity at the plug each class sees [g CO2e/kWh]: the regional grids weighted by the class's
    regional fleet shares, (sample, vclass, year)."""
    from jalur.pathways.context import context

    ctx = context(reg)
    grid = grid_at_plug(tables(reg, samples, seed), list(ctx.cat.grid_regions), scenario).sel(calendar=YEARS)
    _, region = share_tables(reg)
    w = xr.DataArray([[region[k].get(r, 0.0) for r in ctx.cat.grid_regions] for k in ctx.classes],
                     dims=("vclass", "region"), coords={"vclass": list(ctx.classes), "region": list(ctx.cat.grid_regions)})
    return (grid * w).sum("region").rename(calendar="year")


def energy(ctx: FleetContext, lv: Levers, stock: xr.DataArray, km: xr.DataArray, vi: xr.Dataset) -> xr.Dataset:
    """Stage 5 — energy use [MJ/year, kWh/year] by case (and carrier), with each vintage's energy intensity.

    Returns
    -------
    xarray.Dataset
        ``vkm`` [km/year], ``fuel_use`` [MJ/year], ``electricity_use`` [kWh/year] (sample, case, year);
        ``fuel_by_carrier`` [MJ/year] (sample, case, carrier, year): the fuel's energy split by the carriers of
        each year's blend.
    """
    eff = xr.DataArray(energy_intensity(1.0, vi["improvement"].values[..., None], VINTAGES, multiplier=lv.fuel_economy,
                                        multiplier_after=HIST_END), dims=("sample", "case", "vintage"),
                       coords={"case": ctx.case_ids, "vintage": VINTAGES})
    per_km = lambda use, share: (vi[use] * vi[share] * eff).transpose("sample", "case", "vintage").values
    vkm_v = stock.values[None] * km.values                                             # (sample, case, vintage, year)
    total = lambda a: xr.DataArray(a, dims=("sample", "case", "year"), coords=case_coords(ctx) | {"year": YEARS})
    fuel = total(np.einsum("scvy,scv->scy", vkm_v, per_km("fuel_use", "share_fuel")))
    elec = total(np.einsum("scvy,scv->scy", vkm_v, per_km("electricity_use", "share_electricity")))
    return xr.Dataset({"vkm": total(vkm_v.sum(axis=2)).assign_attrs(units="km/year"),
                       "fuel_use": fuel.assign_attrs(units="MJ/year"),
                       "electricity_use": elec.assign_attrs(units="kWh/year"),
                       "fuel_by_carrier": (fuel * compositions(ctx, lv)).assign_attrs(units="MJ/year")})


def emissions(ctx: FleetContext, lv: Levers, e: xr.Dataset, sales: xr.DataArray, vi: xr.Dataset,
              samples: int, seed: int | None) -> xr.Dataset:
    """Stage 6 — emissions by case, stage and year [g CO2e/year], and biogenic CO2 [g CO2/year].

    Use stages from :func:`jalur.physics.use.use_emissions` with each year's blends, pathways and the class's
    grid; production (vehicle, battery with expected replacements, end of life) in the year of sale;
    maintenance per km.
    """
    f = factors(ctx.reg, lv.luc, lv.fame_pathway, tuple(sorted(lv.ethanol_feedstock.items())), lv.hydrogen, samples,
                seed)
    grid = case_grids(ctx.reg, lv.power_scenario, samples, seed)
    use = use_emissions(e["fuel_by_carrier"], e["electricity_use"], grid, f)
    made = sales * vi["production"]
    kept = (e["vkm"] * vi["maintenance_per_km"]).expand_dims(stage=[Stage.MAINTENANCE.value])
    dims = ("sample", "case", "stage", "year")
    stages = concat([made.isel(stage=[0, 1]), use["stages"], kept, made.isel(stage=[2]),
                     infrastructure(ctx, e, samples, seed, lv.infrastructure)], "stage", dims)
    assert list(stages["stage"].values) == list(STAGES)
    return xr.Dataset({"emissions": stages.assign_attrs(units="g CO2e/year"),
                       "biogenic_co2": use["biogenic_co2"].transpose("sample", "case", "year").assign_attrs(units="g CO2/year"),
                       "grid": grid, **biofuel_savings(ctx, e["fuel_by_carrier"], f)})


def infrastructure(ctx: FleetContext, e: xr.Dataset, samples: int, seed: int | None, on: bool) -> xr.DataArray:
    """Road (per vkm) and charging infrastructure (per kWh charged) of the vehicles in use [g CO2e/year]: (sample,
    case, stage, year); zero unless *on* (outside the default scope)."""
    st = tables(ctx.reg, samples, seed)
    per = lambda stage, unit: xr.DataArray(st.gather("infrastructure", [(stage.value, k) for k in ctx.cases["class"]],
                                                     unit, what=stage.value), dims=("sample", "case"),
                                           coords={"case": ctx.case_ids})
    road = e["vkm"] * per(Stage.INFRASTRUCTURE_ROAD, "g CO2e/km")
    charging = e["electricity_use"] * per(Stage.INFRASTRUCTURE_CHARGING, "g CO2e/kWh")
    out = xr.concat([road, charging], "stage").assign_coords(
        stage=[Stage.INFRASTRUCTURE_ROAD.value, Stage.INFRASTRUCTURE_CHARGING.value])
    return out * (1.0 if on else 0.0)


def biofuel_savings(ctx: FleetContext, fuel_by_carrier: xr.DataArray, f: xr.Dataset) -> dict[str, xr.DataArray]:
    """Emissions the biofuels burnt avoid against the fossil fuel they replace [g CO2e/year], (sample, year).

    For each bio carrier *b* blended into a fossil carrier *p*: :math:`\\sum_{case} E_b (f_p - f_b)` over the
    well-to-wheel stages (``biofuel_savings_wtw``) and over those plus land-use change
    (``biofuel_savings_luc``: direct, or direct and indirect, as the scenario's ``luc`` lever counts it). The
    wedge biofuels cut from road emissions, with and without land-use change.
    """
    wtw = [s for s in CARRIER_STAGES if ctx.cat.stage(s.value).well_to_wheel]
    per = f["per_mj"]
    out = {}
    for name, stages in (("biofuel_savings_wtw", wtw), ("biofuel_savings_luc", list(CARRIER_STAGES))):
        sel = [s.value for s in stages]
        total = 0.0
        for c in ctx.cat.carriers.values():
            if c.blends_into:
                gap = (per.sel(carrier=c.blends_into, stage=sel) - per.sel(carrier=c.id, stage=sel)).sum("stage")
                total = total + (fuel_by_carrier.sel(carrier=c.id) * gap).sum("case")
        out[name] = total.transpose("sample", "year").assign_attrs(
            units="g CO2e/year", long_name="emissions avoided by biofuels " + ("with" if stages != wtw else "without")
            + " land-use change")
    return out


@memoize
def case_grids(reg: Registry, scenario: str, samples: int, seed: int | None) -> xr.DataArray:
    """The grid each case sees [g CO2e/kWh]: its class's, (sample, case, year)."""
    from jalur.pathways.context import context

    ctx = context(reg)
    grid = class_grids(reg, scenario, samples, seed).sel(vclass=list(ctx.cases["class"]))
    return grid.rename(vclass="case").assign_coords(case=ctx.case_ids).transpose("sample", "case", "year")
