"""Vehicle life-cycle greenhouse-gas emissions by stage, for every segment, powertrain, fuel, year and region.

The engine is vectorised over input samples, cases (segment x powertrain x fuel), registration years and grid
regions; one call computes the whole matrix. Stages (:class:`jalur.catalog.Stage`; g CO2e per vehicle-km,
IPCC AR6 GWP100 unless chosen otherwise): ``vehicle``, ``battery`` (with the replacements its use implies) and
``end-of-life`` are paid once and spread over the lifetime km; ``fuel-supply``, ``electricity-supply``,
``tailpipe-co2``, ``tailpipe-non-co2``, ``land-use-change`` and ``maintenance`` accrue per km. ``total`` is
their sum.

Quantities that change with the calendar year (blends, the grid) are averaged over the vehicle's years of use,
each year weighted by the km driven in it (the class's survival and km decline with age,
:mod:`jalur.fleet.activity`): the same definition as the fleet, so a fleet of one vehicle reproduces the engine.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur._version import __version__
from jalur.catalog import STAGES, Stage, catalog
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.physics.activity import class_use
from jalur.physics.blends import fuel_composition
from jalur.physics.fuels import carrier_factors
from jalur.physics.grid import grid_at_plug
from jalur.physics.sampled import SampledTables, sampled_tables
from jalur.physics.series import use_matrix
from jalur.physics.use import use_emissions
from jalur.physics.vehicles import energy_intensity, vehicle_inputs
from jalur.vehicle.cases import Case, as_list, build_cases
from jalur.vehicle.options import PER_OPTIONS, Options

ALL_STAGES = STAGES + ("total",)
YEARS = tuple(range(2015, 2061))
UNIT = "g CO2e/km"


#: Most Monte Carlo samples in one call (memory grows with samples x cases x years x regions).
MAX_SAMPLES = 100_000

def use_weights(reg: Registry, classes: list[str], years: np.ndarray) -> np.ndarray:
    """Share of a vehicle's lifetime km driven in each calendar year, by class and registration year [1]:
    (class, year, calendar)."""
    return np.stack([use_matrix(years, class_use(reg, k).km_weights).values for k in classes])


def _grid(st: SampledTables, opt: Options, cls: np.ndarray, years: np.ndarray, regions: list[str],
          weights: np.ndarray) -> xr.DataArray:
    """Grid intensity at the plug each case sees over its use [g CO2e/kWh]: (sample, case, year, region)."""
    if opt.grid_intensity is not None:
        return xr.DataArray(np.full(len(regions), float(opt.grid_intensity)), dims="region", coords={"region": regions})
    series = grid_at_plug(st, regions, opt.power_scenario)
    if opt.grid_basis == "registration-year":
        g = series.sel(calendar=years).values.transpose(0, 2, 1)[:, None]                # (S, 1, Y, R)
        return xr.DataArray(np.broadcast_to(g, (st.n, len(cls)) + g.shape[2:]), dims=("sample", "case", "year", "region"))
    by_class = np.einsum("kyt,srt->skyr", weights, series.values)                        # km-weighted over use
    return xr.DataArray(by_class[:, cls], dims=("sample", "case", "year", "region"))


def _mean_shares(reg: Registry, cases: list[Case], cls: np.ndarray, weights: np.ndarray) -> xr.DataArray:
    """Each case's fuel by carrier [1], averaged over its use: (case, year, carrier)."""
    fuels = list(dict.fromkeys(c.fuel for c in cases))
    comp = np.stack([fuel_composition(reg, f).values for f in fuels])                    # (F, K, T)
    mean = np.einsum("kyt,fct->kfyc", weights, comp)                                     # (class, F, Y, K)
    fi = np.array([fuels.index(c.fuel) for c in cases])
    return xr.DataArray(mean[cls, fi], dims=("case", "year", "carrier"),
                        coords={"carrier": list(catalog(reg).carriers)})


def compute(st: SampledTables, cases: list[Case], years: np.ndarray, regions: list[str], opt: Options) -> xr.Dataset:
    """Run the engine on sampled inputs.

    Returns
    -------
    xarray.Dataset
        ``stages`` (sample, case, year, region, stage) [g CO2e/km, or per pkm/tkm]; ``biogenic_co2``
        (sample, case, year, region); ``lifetime_km``, ``lifetime_years``, ``divisor`` (load factor for per-pkm/tkm, else 1),
        ``battery_replacements`` (sample, case); ``fuel_use`` [MJ/km], ``electricity_use`` [kWh/km]
        (sample, case, year).
    """
    cat = catalog(st.reg)
    vi = vehicle_inputs(st, [(c.segment, c.powertrain) for c in cases], years, how=opt.production(),
                        utility_factor=opt.utility_factor)
    eff = xr.DataArray(energy_intensity(1.0, vi["improvement"].values[..., None], years), dims=("sample", "case", "year"),
                       coords={"year": years})
    mj, kwh = vi["fuel_use"] * vi["share_fuel"] * eff, vi["electricity_use"] * vi["share_electricity"] * eff
    classes = list(dict.fromkeys(c.vclass for c in cases))
    cls = np.array([classes.index(c.vclass) for c in cases])
    weights = use_weights(st.reg, classes, years)
    factors = carrier_factors(st, [cat.classes[c.vclass].tailpipe_technology for c in cases],
                              [c.fuel.route for c in cases], opt.factor_choices())
    use = use_emissions(mj * _mean_shares(st.reg, cases, cls, weights), kwh,
                        _grid(st, opt, cls, years, regions, weights), factors)
    once = vi["production"] / vi["lifetime_km"]
    per_km = xr.concat([use["stages"], once, vi["maintenance_per_km"].expand_dims(stage=[Stage.MAINTENANCE.value]),
                        infrastructure(st, [c.vclass for c in cases], kwh, opt.infrastructure)], "stage",
                       coords="minimal")
    stages = per_km.broadcast_like(use["stages"].isel(stage=0, drop=True)).sel(stage=list(STAGES))
    stages = stages.transpose("sample", "case", "year", "region", "stage")
    bio = use["biogenic_co2"].broadcast_like(stages.isel(stage=0, drop=True))
    divisor = _divisor(st, cases, opt)
    return xr.Dataset({"stages": stages / divisor, "biogenic_co2": bio / divisor, "divisor": divisor,
                       "lifetime_km": vi["lifetime_km"], "lifetime_years": vi["lifetime_years"],
                       "battery_replacements": vi["battery_replacements"],
                       "fuel_use": mj, "electricity_use": kwh}).assign_coords(region=regions)


def infrastructure(st: SampledTables, classes: list[str], kwh: xr.DataArray, on: bool) -> xr.DataArray:
    """Road [g CO2e/km by class] and charging infrastructure [g CO2e/kWh x kWh/km] per km: (sample, case, year,
    stage); zero unless *on* (outside the default scope)."""
    keys = lambda stage: [(stage, k) for k in classes]
    road_stage, charging_stage = Stage.INFRASTRUCTURE_ROAD.value, Stage.INFRASTRUCTURE_CHARGING.value
    road = xr.DataArray(st.gather("infrastructure", keys(road_stage), "g CO2e/km", what="road infrastructure"),
                        dims=("sample", "case"))
    charging = xr.DataArray(st.gather("infrastructure", keys(charging_stage), "g CO2e/kWh",
                                      what="charging infrastructure"), dims=("sample", "case")) * kwh
    out = xr.concat([road.broadcast_like(charging), charging], "stage").assign_coords(stage=[road_stage, charging_stage])
    return out * (1.0 if on else 0.0)


def _divisor(st: SampledTables, cases: list[Case], opt: Options) -> xr.DataArray:
    """Passengers or tonnes per vehicle for per-pkm/tkm results (1 per vehicle-km): (sample, case)."""
    if opt.per == "vkm":
        return xr.DataArray(np.ones((st.n, len(cases))), dims=("sample", "case"))
    cat = catalog(st.reg)
    classes = [cat.classes[c.vclass] for c in cases]
    bad = sorted({c.segment for c, k in zip(cases, classes) if k.activity_unit != PER_OPTIONS[opt.per]})
    if bad:
        fit = [k.id for k in cat.classes.values() if k.activity_unit == PER_OPTIONS[opt.per]]
        raise InputError(f"per={opt.per} applies to {', '.join(fit)} only ({PER_OPTIONS[opt.per]}); not to {bad}")
    keys = [(c.segment, c.powertrain, k.load_parameter) for c, k in zip(cases, classes)]
    units = {"load_factor": "passenger", "payload": "t"}
    vals = np.stack([st.gather("vehicle-parameters", [key], units[key[2]], what=key[2])[:, 0] for key in keys], axis=1)
    return xr.DataArray(vals, dims=("sample", "case"))


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def check_years(years) -> np.ndarray:
    ys = np.array(YEARS if years is None else as_list(years), dtype=int)
    bad = [int(y) for y in ys if not (YEARS[0] <= y <= YEARS[-1])]
    if bad:
        raise InputError(f"year(s) {bad} outside {YEARS[0]}..{YEARS[-1]}")
    return ys


def check_regions(reg: Registry, regions) -> list[str]:
    cat = catalog(reg)
    rs = list(cat.regions) if regions is None else as_list(regions)
    for r in rs:
        cat.region(r)
    return rs


def lifecycle(segments=None, powertrains=None, fuels=None, years=None, regions=None, samples: int = 0,
              seed: int | None = None, *, registry: Registry | None = None, overrides=None,
              keep_samples: bool = False, **options: Any) -> xr.Dataset:
    """Life-cycle GHG emissions of vehicles by stage.

    Parameters
    ----------
    segments, powertrains, fuels : str or list of str, optional
        Which cases; None means every valid one (see ``jalur data show vehicle-parameters``); ``fuels="default"``
        runs each powertrain on its default fuel only.
    years : int or list of int, optional
        Registration years (2015-2060; default all).
    regions : str or list of str, optional
        Grid regions where the vehicle is used (default all).
    samples : int
        0 for a deterministic run at central values; N > 0 for a Monte Carlo run of N samples.
    seed : int, optional
        Random seed; the same seed and inputs give the same numbers.
    registry : Registry, optional
        Data to use (default: the shipped data with *overrides* applied).
    overrides : list of path, optional
        Override files (see :mod:`jalur.datasets.overrides`).
    keep_samples : bool
        Also return the per-sample array ``samples`` (only with ``samples > 0``).
    **options
        Fields of :class:`Options` (``luc``, ``grid_basis``, ``power_scenario``, ``grid_intensity`` ...).

    Returns
    -------
    xarray.Dataset
        ``emissions`` (case, year, region, stage) [g CO2e/km] — the mean when sampled, with ``p5``,
        ``p50``, ``p95`` alongside; ``biogenic_co2`` [g CO2/km]; ``lifetime_emissions`` [t CO2e per vehicle];
        ``lifetime_km`` [km]. ``case`` is a MultiIndex of ``segment``, ``powertrain``, ``fuel``.
        Attributes record units, options, jalur and data versions, samples and seed.

    Examples
    --------
    >>> ds = lifecycle("car-lmpv", "bev", years=2030, regions="jamali")
    >>> ds["emissions"].sel(stage="total").size
    1
    """
    reg = registry if registry is not None else datasets.load(overrides)
    opt = Options(**options).check(reg)
    if not (isinstance(samples, int) and 0 <= samples <= MAX_SAMPLES):
        raise InputError(f"samples must be a whole number from 0 to {MAX_SAMPLES:,}, got {samples!r} (the spread "
                         "of 1,000 samples is stable to about 1 %)")
    cases = build_cases(reg, segments, powertrains, fuels)
    ys = check_years(years)
    rs = check_regions(reg, regions)
    res = compute(sampled_tables(reg, samples, seed), cases, ys, rs, opt)
    return _to_dataset(res, cases, ys, rs, opt, reg, samples, seed, keep_samples)


def _to_dataset(res: xr.Dataset, cases, ys, rs, opt, reg, samples, seed, keep_samples) -> xr.Dataset:
    stages = res["stages"].values
    full = np.concatenate([stages, stages.sum(axis=-1, keepdims=True)], axis=-1)       # (S, C, Y, R, stage)
    life_t = full[..., -1] * (res["lifetime_km"] * res["divisor"]).values[:, :, None, None] / 1e6
    mi = pd.MultiIndex.from_tuples([(c.segment, c.powertrain, c.fuel.id) for c in cases],
                                   names=["segment", "powertrain", "fuel"])
    coords = xr.Coordinates.from_pandas_multiindex(mi, "case").assign(
        {"year": ys, "region": rs, "stage": list(ALL_STAGES), "class": ("case", [c.vclass for c in cases])})
    dims = ("case", "year", "region", "stage")
    unit = UNIT if opt.per == "vkm" else f"g CO2e/{PER_OPTIONS[opt.per]}"
    mean = lambda name: res[name].mean("sample").values
    data = {
        "emissions": (dims, full.mean(axis=0), {"units": unit, "long_name": "life-cycle GHG emissions"}),
        "biogenic_co2": (dims[:3], mean("biogenic_co2"), {"units": unit.replace("CO2e", "CO2"),
                         "long_name": "biogenic CO2 at the tailpipe (not in total)"}),
        "lifetime_emissions": (dims[:3], life_t.mean(axis=0), {"units": "t CO2e", "long_name": "per vehicle lifetime"}),
        "lifetime_km": (("case",), mean("lifetime_km"), {"units": "km"}),
        "lifetime_years": (("case",), mean("lifetime_years"), {"units": "year", "long_name": "expected years in use"}),
        "battery_replacements": (("case", "year"), mean("battery_replacements"), {"units": "1"}),
        "fuel_use": (("case", "year"), mean("fuel_use"),
                     {"units": "MJ/km", "long_name": "fuel (or hydrogen) use per km, LHV, real-world"}),
        "electricity_use": (("case", "year"), mean("electricity_use"),
                            {"units": "kWh/km", "long_name": "grid electricity per km at the plug (plug-in hybrids: "
                                                             "share of km on electricity)"}),
    }
    if samples:
        for q in (5, 50, 95):
            data[f"p{q}"] = (dims, np.percentile(full, q, axis=0), {"units": unit, "long_name": f"{q}th percentile"})
            data[f"lifetime_p{q}"] = (dims[:3], np.percentile(life_t, q, axis=0), {"units": "t CO2e"})
        if keep_samples:
            data["samples"] = (("sample",) + dims, full, {"units": unit})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "title": "jalur vehicle life-cycle GHG emissions", "units": unit, "gwp": opt.gwp,
        "jalur_version": __version__, "data_version": reg.data_version, "samples": int(samples or 0),
        "seed": -1 if seed is None else int(seed), "options": json.dumps(asdict(opt)), "scope": opt.scope(),
        "provenance": json.dumps(reg.provenance()),
    })
    return ds


def to_records(ds: xr.Dataset) -> pd.DataFrame:
    """Tidy table of a :func:`lifecycle` result: one row per case, year, region and stage.

    Columns ``segment, powertrain, fuel, year, region, stage, value, unit`` (+ ``p5, p50, p95`` if sampled); the
    stages the result's scope counts (:func:`in_scope`).
    """
    cols = ["emissions"] + [v for v in ("p5", "p50", "p95") if v in ds]
    df = ds[cols].sel(stage=in_scope(ds) + ["total"] if "total" not in in_scope(ds) else in_scope(ds)).to_dataframe().reset_index()
    df = df.rename(columns={"emissions": "value"})
    df["unit"] = ds.attrs["units"]
    keep = ["segment", "powertrain", "fuel", "year", "region", "stage", "value", "unit"] + cols[1:]
    return df[keep]


def table_by_stage(ds: xr.Dataset) -> pd.DataFrame:
    """One row per powertrain and fuel, one column per stage, the lifetime total and (if sampled) the range.

    For a result of one year and one region.
    """
    rec = to_records(ds)
    wide = rec.pivot_table(index=["powertrain", "fuel"], columns="stage", values="value", sort=False)
    wide = wide[in_scope(ds)].reset_index()
    wide["t CO2e/life"] = ds["lifetime_emissions"].isel(year=0, region=0).values
    if ds.attrs["samples"]:
        for q in ("p5", "p50", "p95"):
            wide[f"total {q}"] = rec[rec["stage"] == "total"][q].values
    return wide


def in_scope(ds: xr.Dataset) -> list[str]:
    """The stages (and ``total``) of a :func:`lifecycle` result its scope counts: without ``infrastructure``, the
    infrastructure stages are left out of tables."""
    out_of_scope = () if json.loads(ds.attrs["options"]).get("infrastructure") else (
        Stage.INFRASTRUCTURE_ROAD.value, Stage.INFRASTRUCTURE_CHARGING.value)
    return [s for s in ds["stage"].values if s not in out_of_scope]


def default_fuel_only(ds: xr.Dataset, reg: Registry | None = None) -> xr.Dataset:
    """The cases of a :func:`lifecycle` result that run on their powertrain's default fuel."""
    cat = catalog(reg if reg is not None else datasets.load())
    keep = [i for i, (p, f) in enumerate(zip(ds["powertrain"].values, ds["fuel"].values))
            if cat.default_fuel(str(p)) == f]
    return ds.isel(case=keep)
