"""Vehicle life-cycle greenhouse-gas emissions by stage, for every segment, powertrain, fuel, year and region.

The engine is vectorised over input samples ``S``, cases ``C`` (segment x powertrain x fuel), registration
years ``Y`` and grid regions ``R``; one call computes the whole matrix.

Stages (g CO2e per vehicle-km, IPCC AR6 GWP100 unless chosen otherwise):

- ``vehicle``: glider and powertrain production (incl. fuel-cell stack and hydrogen tank);
- ``battery``: traction-battery production, including the replacements that cycle and calendar life imply;
- ``energy-supply``: well-to-tank of fuels; electricity generation + T&D losses (charging losses are in the
  at-the-plug energy use); electrolytic hydrogen through its electricity;
- ``tailpipe``: fossil CO2 plus CH4 and N2O (biogenic CO2 is reported apart and not counted);
- ``land-use-change``: direct (and optionally indirect) land-use change of biofuels;
- ``maintenance`` and ``end-of-life``;
- ``total``: the sum of the stages above.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur._version import __version__
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.vehicle.catalog import ELECTRIC_DRIVE, VALID_FUELS, FuelChoice, resolve_fuel
from jalur.vehicle.fuels import annual_mandate, energy_share
from jalur.vehicle.grid import interpolation_weights, window_mean_paired, window_mean_sampled
from jalur.vehicle.inputs import FactorSpace, SampledTables, factor_space, make_design

STAGES = ("vehicle", "battery", "energy-supply", "tailpipe", "land-use-change", "maintenance", "end-of-life")
ALL_STAGES = STAGES + ("total",)
YEARS = tuple(range(2015, 2061))
#: Model year to which the energy-use figures of ``vehicle-parameters`` refer.
REFERENCE_YEAR = 2024
#: First calendar year and length of the annual series used to average over years of use.
SERIES_START, SERIES_END = 2010, 2100
UNIT = "g CO2e/km"

LUC_MODES = ("none", "direct", "indirect")
GRID_BASES = ("use-average", "registration-year")
PER_OPTIONS = ("vkm", "pkm", "tkm")
ETHANOL_FEEDSTOCKS = ("molasses", "sugarcane", "cassava")
FAME_PATHWAYS = ("open-pond", "methane-capture")
BATTERY_ORIGINS = ("cn", "kr", "jp", "id")


@dataclass(frozen=True)
class Options:
    """Modelling choices of a life-cycle run (each documented in the README's method notes).

    Attributes
    ----------
    luc : str
        ``none``, ``direct`` (default) or ``indirect`` (direct + indirect land-use change).
    grid_basis : str
        ``use-average`` (grid intensity averaged over the years of use, default) or ``registration-year``.
    power_scenario : str
        A scenario of the ``grid-intensity`` table (default ``current-policies``).
    grid_intensity : float or None [g CO2e/kWh]
        Overrides the grid: life-cycle intensity of electricity delivered at the charger (after T&D losses,
        before charger losses).
    ethanol_feedstock : str
        ``molasses`` (default: today's Indonesian fuel ethanol), ``sugarcane`` or ``cassava``.
    fame_pathway : str
        Palm FAME mill practice: ``open-pond`` (default) or ``methane-capture``.
    battery_chemistry : str or None
        Forces one chemistry for all vehicles; None uses ``default-battery-chemistry``.
    battery_origin : str
        Where cells are made: ``cn`` (default), ``kr``, ``jp``, ``id``.
    gwp : str
        GWP basis of the ``gwp`` table (default ``ar6-gwp100``).
    per : str
        ``vkm`` (default), ``pkm`` (per passenger-km: motorcycles, cars, buses) or ``tkm`` (trucks).
    utility_factor : float or None [1]
        PHEV share of km on electricity; None uses the data.
    """

    luc: str = "direct"
    grid_basis: str = "use-average"
    power_scenario: str = "current-policies"
    grid_intensity: float | None = None
    ethanol_feedstock: str = "molasses"
    fame_pathway: str = "open-pond"
    battery_chemistry: str | None = None
    battery_origin: str = "cn"
    gwp: str = "ar6-gwp100"
    per: str = "vkm"
    utility_factor: float | None = None

    def check(self, reg: Registry) -> "Options":
        """Raise :class:`InputError` for a value that is not allowed, naming the allowed ones."""
        _one_of("luc", self.luc, LUC_MODES)
        _one_of("grid_basis", self.grid_basis, GRID_BASES)
        _one_of("per", self.per, PER_OPTIONS)
        _one_of("ethanol_feedstock", self.ethanol_feedstock, ETHANOL_FEEDSTOCKS)
        _one_of("fame_pathway", self.fame_pathway, FAME_PATHWAYS)
        _one_of("battery_origin", self.battery_origin, BATTERY_ORIGINS)
        scen = sorted(set(reg.table("grid-intensity").frame["scenario"]) - {"historical"})
        _one_of("power_scenario", self.power_scenario, scen)
        chems = sorted(set(reg.table("battery-production").frame["chemistry"]))
        if self.battery_chemistry is not None:
            _one_of("battery_chemistry", self.battery_chemistry, chems)
        _one_of("gwp", self.gwp, sorted(set(reg.table("gwp").frame["basis"])))
        if self.grid_intensity is not None and not (0 <= self.grid_intensity <= 3000):
            raise InputError(f"grid_intensity must be within 0..3000 g CO2e/kWh, got {self.grid_intensity}")
        if self.utility_factor is not None and not (0 <= self.utility_factor <= 1):
            raise InputError(f"utility_factor must be within 0..1, got {self.utility_factor}")
        return self


def _one_of(name: str, value: Any, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InputError(f"option {name}={value!r} is not allowed; allowed: {', '.join(allowed)}")


@dataclass(frozen=True)
class Case:
    """One segment x powertrain x fuel combination."""

    segment: str
    vclass: str
    powertrain: str
    fuel: FuelChoice


# --------------------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------------------


def valid_combinations(reg: Registry) -> pd.DataFrame:
    """Segment x powertrain combinations that exist in the data, with the vehicle class."""
    vp = reg.table("vehicle-parameters").frame
    seg = reg.table("segments").frame.set_index("segment")["class"]
    pairs = vp[["segment", "powertrain"]].drop_duplicates().reset_index(drop=True)
    pairs["class"] = pairs["segment"].map(seg)
    return pairs


def _as_list(x: str | Iterable[str] | None) -> list[str] | None:
    if x is None:
        return None
    return [x] if isinstance(x, (str, int)) else list(x)


def build_cases(reg: Registry, segments=None, powertrains=None, fuels=None) -> list[Case]:
    """The cases to compute; None means every valid value.

    Raises
    ------
    InputError
        For an unknown segment, a powertrain that does not exist for the segment(s), or a fuel valid for
        none of the chosen powertrains — listing the valid values.
    """
    combos = valid_combinations(reg)
    all_segments = list(dict.fromkeys(combos["segment"]))
    segs = _as_list(segments) or all_segments
    for s in segs:
        if s not in all_segments:
            raise InputError(f"unknown segment {s!r}; segments: {', '.join(all_segments)}")
    sub = combos[combos["segment"].isin(segs)]
    pts = _as_list(powertrains)
    if pts is not None:
        for p in pts:
            if p not in set(sub["powertrain"]):
                valid = ", ".join(dict.fromkeys(sub["powertrain"]))
                raise InputError(
                    f"powertrain {p!r} does not exist for segment(s) {', '.join(segs)}; valid powertrains: {valid}"
                )
        sub = sub[sub["powertrain"].isin(pts)]
    fls = _as_list(fuels)
    cases: list[Case] = []
    used: set[str] = set()
    for row in sub.itertuples(index=False):
        valid = VALID_FUELS[row.powertrain]
        chosen = [f for f in valid if fls is None or f in fls]
        if fls is not None and len(fls) == 1 and not chosen and pts is not None and len(pts) == 1:
            resolve_fuel(row.powertrain, fls[0])  # raises with the valid list
        for f in chosen:
            cases.append(Case(row.segment, row._2, row.powertrain, resolve_fuel(row.powertrain, f)))
            used.add(f)
    if fls is not None:
        unused = [f for f in fls if f not in used]
        if unused:
            valid = sorted({f for p in sub["powertrain"] for f in VALID_FUELS[p]})
            raise InputError(
                f"fuel(s) {', '.join(unused)} valid for none of the chosen powertrains; valid fuels: {', '.join(valid)}"
            )
    if not cases:
        raise InputError("no valid segment/powertrain/fuel combination selected")
    return cases


# --------------------------------------------------------------------------------------------------
# annual series: grid and blends
# --------------------------------------------------------------------------------------------------


def _annual_years() -> np.ndarray:
    return np.arange(SERIES_START, SERIES_END + 1)


def _grid_series(st: SampledTables, regions: list[str], scenario: str) -> np.ndarray:
    """Life-cycle intensity of electricity delivered at the charger, (S, R, T) [g CO2e/kWh]."""
    years = _annual_years()
    gi = st.reg.table("grid-intensity").frame
    gl = st.reg.table("grid-losses").frame
    out = np.empty((st.n, len(regions), len(years)))
    gvals = st.values("grid-intensity")
    lvals = st.values("grid-losses")
    from jalur.units import conversion_factor

    for k, r in enumerate(regions):
        m = (gi["region"] == r) & (gi["basis"] == "life-cycle")
        hist = gi[m & (gi["scenario"] == "historical")]
        last_hist = hist["year"].max() if len(hist) else -1
        scen = gi[m & (gi["scenario"] == scenario) & (gi["year"] > last_hist)]
        rows = pd.concat([hist, scen]).sort_values("year")
        if rows.empty:
            raise InputError(f"grid-intensity has no life-cycle rows for region {r!r} and scenario {scenario!r}")
        pos = gi.index.get_indexer(rows.index)
        f = np.array([conversion_factor(u, "g CO2e/kWh") for u in rows["unit"]])
        pts = gvals[:, pos] * f
        i0, i1, w = interpolation_weights(rows["year"].to_numpy(float), years)
        gen = pts[:, i0] * (1 - w) + pts[:, i1] * w
        lrows = gl[gl["region"] == r].sort_values("year")
        if lrows.empty:
            lrows = gl[gl["region"] == "national"].sort_values("year")
        lpos = gl.index.get_indexer(lrows.index)
        lf = np.array([conversion_factor(u, "1") for u in lrows["unit"]])
        lpts = lvals[:, lpos] * lf
        j0, j1, v = interpolation_weights(lrows["year"].to_numpy(float), years)
        loss = lpts[:, j0] * (1 - v) + lpts[:, j1] * v
        out[:, k, :] = gen / (1.0 - loss)
    return out


def _bio_volume_series(reg: Registry, cases: list[Case]) -> np.ndarray:
    """Bio-component volume share of each case's fuel for each calendar year, (C, T) [1]."""
    years = _annual_years()
    ev = reg.table("blend-mandates").frame
    mandate = {}
    for comp, bio in (("ethanol", "ethanol"), ("biodiesel", "fame")):
        e = ev[ev["component"] == comp].copy()
        e["share"] = e["value"].to_numpy(float) * np.array([_to1(u) for u in e["unit"]])
        mandate[bio] = annual_mandate(e, years)
    out = np.zeros((len(cases), len(years)))
    for c, case in enumerate(cases):
        if case.fuel.share is None:
            out[c] = mandate[case.fuel.bio]
        else:
            out[c] = case.fuel.share
    return out


def _to1(unit: str) -> float:
    from jalur.units import conversion_factor

    return conversion_factor(unit, "1")


# --------------------------------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------------------------------


FOSSIL_PATHWAY = {"gasoline": "gasoline-fossil", "diesel": "diesel-fossil", "cng": "cng-fossil"}
FOSSIL_FUEL = {"gasoline": "gasoline", "diesel": "diesel", "cng": "cng", "hydrogen": "hydrogen"}
#: IPCC 2006 (Vol. 2, Table 3.2.2) control technology assumed for CH4/N2O: Indonesian cars and light
#: trucks meet Euro 2+ (three-way catalyst); motorcycles Euro 3 (2013+) mostly with oxidation catalysts.
#: Carriers without an entry use the table's ``all`` row.
TAILPIPE_TECHNOLOGY = {
    ("gasoline", "car"): "three-way-catalyst-ldv-1995-later",
    ("gasoline", "truck"): "three-way-catalyst-ldv-1995-later",
    ("gasoline", "bus"): "three-way-catalyst-ldv-1995-later",
    ("gasoline", "motorcycle"): "oxidation-catalyst",
}
BIO_FUEL = {"ethanol": "ethanol", "fame": "fame-palm", "hvo": "hvo"}


def _bio_pathway(bio: str, opt: Options) -> str:
    if bio == "ethanol":
        return f"ethanol-{opt.ethanol_feedstock}"
    if bio == "fame":
        return f"fame-palm-{opt.fame_pathway}"
    return "hvo-palm"


@dataclass
class CaseInputs:
    """Per-case inputs of the engine, each (S, C) unless noted, in the engine's canonical units."""

    fuel_use: np.ndarray        # MJ/km at REFERENCE_YEAR (combustion / fuel-cell side, all modes)
    elec_use: np.ndarray        # kWh/km at the plug at REFERENCE_YEAR
    improve: np.ndarray         # 1/year
    share_elec: np.ndarray      # share of km on electricity (BEV 1, PHEV utility factor)
    share_fuel: np.ndarray
    life_km: np.ndarray         # km
    life_yr: np.ndarray         # year
    vehicle_g: np.ndarray       # g CO2e per vehicle (glider, powertrain, fuel cell, tank)
    battery_g: np.ndarray       # g CO2e per vehicle incl. expected replacements
    eol_g: np.ndarray           # g CO2e per vehicle
    maintenance: np.ndarray     # g CO2e/km
    capacity: np.ndarray        # kWh
    replacements: np.ndarray    # expected battery replacements [1]
    chemistry: list[str]        # (C,)


def case_inputs(st: SampledTables, cases: list[Case], opt: Options) -> CaseInputs:
    """Vehicle parameters, production and maintenance of each case (see :class:`CaseInputs`)."""
    pairs = [(c.segment, c.powertrain) for c in cases]

    def vp(param: str, unit: str, default: float | None = None) -> np.ndarray:
        return st.gather("vehicle-parameters", [(s, p, param) for s, p in pairs], unit, default=default,
                         what=f"vehicle parameter {param}")

    curb = vp("curb_mass", "kg")
    pt_mass = vp("powertrain_mass", "kg")
    cap = vp("battery_capacity", "kWh", default=0.0)
    fuel_use = vp("fuel_use", "MJ/km", default=0.0)
    elec_use = vp("electricity_use", "kWh/km", default=0.0)
    improve = vp("energy_improvement", "1/year", default=0.0)
    life_km = vp("lifetime_km", "km")
    life_yr = vp("lifetime_years", "year")
    fc_kw = vp("fuel_cell_power", "kW", default=0.0)
    tank_kg = vp("hydrogen_tank_capacity", "kg", default=0.0)
    is_phev = np.array([c.powertrain == "phev" for c in cases])
    is_bev = np.array([c.powertrain == "bev" for c in cases])
    uf = vp("utility_factor", "1", default=0.0)
    if opt.utility_factor is not None:
        uf = np.where(is_phev, opt.utility_factor, uf)
    share_elec = np.where(is_bev, 1.0, np.where(is_phev, uf, 0.0))
    share_fuel = np.where(is_bev, 0.0, 1.0 - np.where(is_phev, uf, 0.0))

    classes = [c.vclass for c in cases]
    chem_table = st.reg.table("default-battery-chemistry").frame.set_index(["segment", "powertrain"])["chemistry"]
    chems_avail = sorted(set(st.reg.table("battery-production").frame["chemistry"]))
    chem = [opt.battery_chemistry or chem_table.get((c.segment, c.powertrain), chems_avail[0]) for c in cases]
    bp = st.gather("battery-production", [(ch, opt.battery_origin) for ch in chem], "kg CO2e/kWh",
                   what="battery production")
    spec = st.gather("battery-parameters", [(ch, "specific_energy") for ch in chem], "kWh/kg")
    cyc = st.gather("battery-parameters", [(ch, "cycle_life") for ch in chem], "1")
    cal = st.gather("battery-parameters", [(ch, "calendar_life") for ch in chem], "year")
    batt_mass = cap / spec
    with np.errstate(divide="ignore", invalid="ignore"):
        cycles = np.where(cap > 0, elec_use * share_elec * life_km / np.where(cap > 0, cap, 1.0), 0.0)
    replacements = np.where(cap > 0, np.clip(np.maximum(cycles / cyc, life_yr / cal) - 1.0, 0.0, None), 0.0)

    def mf(component: str, unit: str, default: float | None = None) -> np.ndarray:
        return st.gather("manufacturing", [(component, k) for k in classes], unit, default=default,
                         what=f"manufacturing {component}")

    glider_f = mf("glider", "kg CO2e/kg")
    pt_component = ["powertrain-electric" if c.powertrain in ELECTRIC_DRIVE else "powertrain-ice" for c in cases]
    pt_f = st.gather("manufacturing", list(zip(pt_component, classes)), "kg CO2e/kg", what="powertrain production")
    fc_f = mf("fuel-cell-stack", "kg CO2e/kW", default=np.nan)
    tank_f = mf("hydrogen-tank", "kg CO2e/kg", default=np.nan)
    needs_fc = (fc_kw > 0).any(axis=0)
    if np.isnan(fc_f[:, needs_fc]).any() or np.isnan(tank_f[:, (tank_kg > 0).any(axis=0)]).any():
        missing = sorted({classes[i] for i in np.flatnonzero(needs_fc)})
        raise InputError(f"manufacturing has no fuel-cell-stack/hydrogen-tank row for class(es) {missing}")
    fc_f, tank_f = np.nan_to_num(fc_f), np.nan_to_num(tank_f)
    eol_f = mf("end-of-life", "kg CO2e/kg")
    maint = mf("maintenance", "g CO2e/km")
    maint_el = mf("maintenance-electric", "g CO2e/km", default=np.nan)
    maint = np.where(is_bev & ~np.isnan(maint_el), maint_el, maint)

    glider_mass = np.clip(curb - pt_mass - batt_mass, 0.0, None)
    vehicle_kg = glider_mass * glider_f + pt_mass * pt_f + fc_kw * fc_f + tank_kg * tank_f
    return CaseInputs(fuel_use, elec_use, improve, share_elec, share_fuel, life_km, life_yr,
                      vehicle_kg * 1000.0, cap * bp * (1.0 + replacements) * 1000.0, curb * eol_f * 1000.0,
                      maint, cap, replacements, chem)


def energy_per_km(ci: CaseInputs, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fuel [MJ/km] and grid electricity [kWh/km] of vehicles registered in *years*, each (S, C, Y).

    Notes
    -----
    :math:`E(Y) = E_{2024}\\,(1 - r)^{Y - 2024}` times the share of km in each mode (PHEV utility factor).
    """
    dy = (np.asarray(years) - REFERENCE_YEAR)[None, None, :]
    eff = (1.0 - ci.improve[:, :, None]) ** dy
    return (ci.fuel_use[:, :, None] * eff * ci.share_fuel[:, :, None],
            ci.elec_use[:, :, None] * eff * ci.share_elec[:, :, None])


@dataclass
class FuelFactors:
    """Per-MJ factors of each case's fuel components, each (S, C): g CO2e/MJ (CO2 for combustion)."""

    wtt_fossil: np.ndarray
    wtt_bio: np.ndarray
    co2_fossil: np.ndarray
    co2_bio: np.ndarray
    luc_bio: np.ndarray
    nonco2_fossil: np.ndarray   # CH4 + N2O, g CO2e/MJ, fossil share
    nonco2_bio: np.ndarray      # CH4 + N2O, g CO2e/MJ, bio share (biogenic CH4 GWP)
    h2_kwh_per_mj: np.ndarray   # grid electricity per MJ of hydrogen dispensed
    lhv_bio: np.ndarray         # (C,) MJ/L
    lhv_fossil: np.ndarray      # (C,) MJ/L


def fuel_factors(st: SampledTables, cases: list[Case], opt: Options) -> FuelFactors:
    """Well-to-tank, combustion, land-use-change and CH4/N2O factors of each case's fuel components."""
    S, C = st.n, len(cases)

    def prop(fuel: str, p: str, unit: str) -> np.ndarray:
        return st.scalar("fuel-properties", (fuel, p), unit)

    gwp_ch4 = st.scalar("gwp", ("ch4-fossil", opt.gwp), "1")
    gwp_ch4_bio = st.scalar("gwp", ("ch4-biogenic", opt.gwp), "1")
    gwp_n2o = st.scalar("gwp", ("n2o", opt.gwp), "1")
    z = lambda: np.zeros((S, C))
    wtt_fossil, wtt_bio, co2_fossil, co2_bio, luc_bio = z(), z(), z(), z(), z()
    nonco2_f, nonco2_b, h2_kwh_per_mj = z(), z(), z()
    lhv_b, lhv_f = np.zeros(C), np.ones(C)
    h2_comp = st.scalar("hydrogen-supply", ("compression_electricity",), "kWh/kg")
    h2_loss = st.gather("hydrogen-supply", [("supply_chain_loss",)], "1", default=0.0)[:, 0]
    h2_lhv = prop("hydrogen", "lhv_mass", "MJ/kg")
    for c, case in enumerate(cases):
        car = case.fuel.carrier
        if case.fuel.bio is not None and car in ("gasoline", "diesel"):
            lhv_b[c] = prop(BIO_FUEL[case.fuel.bio], "lhv_volume", "MJ/L")[0]
            lhv_f[c] = prop(FOSSIL_FUEL[car], "lhv_volume", "MJ/L")[0]
        if car in ("gasoline", "diesel", "cng"):
            wtt_fossil[:, c] = st.scalar("fuel-pathways", (FOSSIL_PATHWAY[car],), "g CO2e/MJ")
            co2_fossil[:, c] = prop(FOSSIL_FUEL[car], "combustion_co2", "g CO2/MJ")
            tech = TAILPIPE_TECHNOLOGY.get((car, case.vclass), "all")
            ch4 = st.scalar("tailpipe-non-co2", (car, "ch4", tech), "g CH4/MJ")
            n2o = st.scalar("tailpipe-non-co2", (car, "n2o", tech), "g N2O/MJ")
            nonco2_f[:, c] = ch4 * gwp_ch4 + n2o * gwp_n2o
            nonco2_b[:, c] = ch4 * gwp_ch4_bio + n2o * gwp_n2o
        if case.fuel.bio is not None and car in ("gasoline", "diesel"):
            pw = _bio_pathway(case.fuel.bio, opt)
            wtt_bio[:, c] = st.scalar("fuel-pathways", (pw,), "g CO2e/MJ")
            co2_bio[:, c] = prop(BIO_FUEL[case.fuel.bio], "combustion_co2", "g CO2/MJ")
            if opt.luc in ("direct", "indirect"):
                luc_bio[:, c] = st.gather("land-use-change", [(pw, "direct")], "g CO2e/MJ", default=0.0)[:, 0]
            if opt.luc == "indirect":
                luc_bio[:, c] += st.gather("land-use-change", [(pw, "indirect")], "g CO2e/MJ", default=0.0)[:, 0]
        if car == "hydrogen":
            # per MJ dispensed: production / (1 - supply-chain loss) + compression electricity
            kwh_kg = h2_comp
            if case.fuel.id == "h2-smr":
                wtt_fossil[:, c] = st.scalar("fuel-pathways", ("hydrogen-smr",), "g CO2e/MJ") / (1 - h2_loss)
            else:
                kwh_kg = kwh_kg + st.scalar("hydrogen-supply", ("electrolysis_electricity",), "kWh/kg") / (1 - h2_loss)
            h2_kwh_per_mj[:, c] = kwh_kg / h2_lhv
    return FuelFactors(wtt_fossil, wtt_bio, co2_fossil, co2_bio, luc_bio, nonco2_f, nonco2_b, h2_kwh_per_mj,
                       lhv_b, lhv_f)


def compute(st: SampledTables, cases: list[Case], years: np.ndarray, regions: list[str], opt: Options) -> dict[str, np.ndarray]:
    """Run the engine on sampled inputs.

    Returns
    -------
    dict
        ``stages``: (S, C, Y, R, stage) [g CO2e/km, or per pkm/tkm]; ``biogenic``: (S, C, Y, R) [g CO2/km];
        ``lifetime_km``: (S, C) [km]; ``divisor``: (S, C) load factor used for per-pkm/tkm (1 for vkm).
    """
    S, C, Y, R = st.n, len(cases), len(years), len(regions)
    ci = case_inputs(st, cases, opt)
    mj_km, kwh_km = energy_per_km(ci, years)
    g_per_km = 1.0 / ci.life_km
    ff = fuel_factors(st, cases, opt)

    # mean bio energy share over each vehicle's years of use: (S, C, Y)
    vol = _bio_volume_series(st.reg, cases)                       # (C, T)
    e_annual = np.where(vol > 0, energy_share(vol, ff.lhv_bio[:, None], ff.lhv_fossil[:, None]), 0.0)
    start = years[None, None, :].astype(float)                    # (1, 1, Y)
    life = ci.life_yr[:, :, None]                                 # (S, C, 1)
    ebar = window_mean_paired(e_annual, SERIES_START, years[None, :, None].astype(float),
                              ci.life_yr[:, None, :]).transpose(0, 2, 1)

    x = lambda a: a[:, :, None]
    wtt = ebar * x(ff.wtt_bio) + (1 - ebar) * x(ff.wtt_fossil)
    fuel_supply = mj_km * wtt
    tail = mj_km * ((1 - ebar) * (x(ff.co2_fossil) + x(ff.nonco2_fossil)) + ebar * x(ff.nonco2_bio))
    biogenic = mj_km * ebar * x(ff.co2_bio)
    luc = mj_km * ebar * x(ff.luc_bio)

    if opt.grid_intensity is not None:
        plug = np.full((S, C, Y, R), float(opt.grid_intensity))
    else:
        series = _grid_series(st, regions, opt.power_scenario)    # (S, R, T)
        if opt.grid_basis == "use-average":
            plug = window_mean_sampled(series, SERIES_START, np.broadcast_to(start, (1, C, Y)), life)
        else:
            idx = years - SERIES_START
            plug = np.broadcast_to(np.moveaxis(series[:, :, idx], 1, 2)[:, None], (S, C, Y, R))
    elec_kwh = kwh_km + mj_km * x(ff.h2_kwh_per_mj)
    elec_supply = elec_kwh[..., None] * plug

    out = np.zeros((S, C, Y, R, len(STAGES)))
    out[..., 0] = (ci.vehicle_g * g_per_km)[:, :, None, None]
    out[..., 1] = (ci.battery_g * g_per_km)[:, :, None, None]
    out[..., 2] = fuel_supply[..., None] + elec_supply
    out[..., 3] = tail[..., None]
    out[..., 4] = luc[..., None]
    out[..., 5] = ci.maintenance[:, :, None, None]
    out[..., 6] = (ci.eol_g * g_per_km)[:, :, None, None]
    bio_out = np.broadcast_to(biogenic[..., None], (S, C, Y, R)).copy()

    divisor = np.ones((S, C))
    if opt.per != "vkm":
        bad = [c for c in cases if (c.vclass == "truck") != (opt.per == "tkm")]
        if bad:
            raise InputError(
                f"per={opt.per} applies to {'trucks' if opt.per == 'tkm' else 'motorcycles, cars and buses'} only; "
                f"not to {sorted({c.segment for c in bad})}"
            )
        pairs = [(c.segment, c.powertrain) for c in cases]
        param, unit = ("load_factor", "passenger") if opt.per == "pkm" else ("payload", "t")
        divisor = st.gather("vehicle-parameters", [(s, p, param) for s, p in pairs], unit, what=param)
        out /= divisor[:, :, None, None, None]
        bio_out /= divisor[:, :, None, None]
    return {"stages": out, "biogenic": bio_out, "lifetime_km": ci.life_km, "divisor": divisor,
            "replacements": ci.replacements, "fuel_use": mj_km, "electricity_use": kwh_km}


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------


def _space(reg: Registry) -> FactorSpace:
    cached = getattr(reg, "_jalur_factor_space", None)
    if cached is None:
        cached = factor_space(reg)
        reg._jalur_factor_space = cached
    return cached


def _check_years(years) -> np.ndarray:
    ys = np.array(YEARS if years is None else _as_list(years), dtype=int)
    bad = [int(y) for y in ys if not (YEARS[0] <= y <= YEARS[-1])]
    if bad:
        raise InputError(f"year(s) {bad} outside {YEARS[0]}..{YEARS[-1]}")
    return ys


def _check_regions(reg: Registry, regions) -> list[str]:
    allowed = list(reg.table("grid-intensity").schema.columns["region"].allowed or [])
    rs = allowed if regions is None else _as_list(regions)
    for r in rs:
        if r not in allowed:
            raise InputError(f"unknown region {r!r}; regions: {', '.join(allowed)}")
    return rs


def lifecycle(segments=None, powertrains=None, fuels=None, years=None, regions=None, samples: int = 0,
              seed: int | None = None, *, registry: Registry | None = None, overrides=None,
              keep_samples: bool = False, **options: Any) -> xr.Dataset:
    """Life-cycle GHG emissions of vehicles by stage.

    Parameters
    ----------
    segments, powertrains, fuels : str or list of str, optional
        Which cases; None means every valid one (see ``jalur data show vehicle-parameters``).
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
        Override files (see :func:`jalur.datasets.read_override`).
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
    cases = build_cases(reg, segments, powertrains, fuels)
    ys = _check_years(years)
    rs = _check_regions(reg, regions)
    space = _space(reg)
    design = make_design(space, samples, seed)
    st = SampledTables(reg, space, design)
    res = compute(st, cases, ys, rs, opt)
    return _to_dataset(res, cases, ys, rs, opt, reg, samples, seed, keep_samples)


def _to_dataset(res, cases, ys, rs, opt, reg, samples, seed, keep_samples) -> xr.Dataset:
    stages = res["stages"]
    total = stages.sum(axis=-1, keepdims=True)
    full = np.concatenate([stages, total], axis=-1)              # (S, C, Y, R, stage)
    life_t = full[..., -1] * (res["lifetime_km"] * res["divisor"])[:, :, None, None] / 1e6
    mi = pd.MultiIndex.from_tuples([(c.segment, c.powertrain, c.fuel.id) for c in cases],
                                   names=["segment", "powertrain", "fuel"])
    coords = xr.Coordinates.from_pandas_multiindex(mi, "case")
    coords = coords.assign({"year": ys, "region": rs, "stage": list(ALL_STAGES),
                            "class": ("case", [c.vclass for c in cases])})
    dims = ("case", "year", "region", "stage")
    per = {"vkm": "km", "pkm": "passenger-km", "tkm": "t-km"}[opt.per]
    unit = f"g CO2e/{per}" if opt.per != "vkm" else UNIT
    data = {
        "emissions": (dims, full.mean(axis=0), {"units": unit, "long_name": "life-cycle GHG emissions"}),
        "biogenic_co2": (dims[:3], res["biogenic"].mean(axis=0), {"units": unit.replace("CO2e", "CO2"),
                         "long_name": "biogenic CO2 at the tailpipe (not in total)"}),
        "lifetime_emissions": (dims[:3], life_t.mean(axis=0), {"units": "t CO2e", "long_name": "per vehicle lifetime"}),
        "lifetime_km": (("case",), res["lifetime_km"].mean(axis=0), {"units": "km"}),
        "battery_replacements": (("case",), res["replacements"].mean(axis=0), {"units": "1"}),
        "fuel_use": (("case", "year"), res["fuel_use"].mean(axis=0),
                     {"units": "MJ/km", "long_name": "fuel (or hydrogen) use per km, LHV, real-world"}),
        "electricity_use": (("case", "year"), res["electricity_use"].mean(axis=0),
                            {"units": "kWh/km", "long_name": "grid electricity per km at the plug (PHEV: share on electricity)"}),
    }
    if samples:
        for q in (5, 50, 95):
            data[f"p{q}"] = (dims, np.percentile(full, q, axis=0), {"units": unit, "long_name": f"{q}th percentile"})
            data[f"lifetime_p{q}"] = (dims[:3], np.percentile(life_t, q, axis=0), {"units": "t CO2e"})
        if keep_samples:
            data["samples"] = (("sample",) + dims, full, {"units": unit})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "title": "jalur vehicle life-cycle GHG emissions",
        "units": unit,
        "gwp": opt.gwp,
        "jalur_version": __version__,
        "data_version": reg.data_version,
        "samples": int(samples or 0),
        "seed": -1 if seed is None else int(seed),
        "options": json.dumps(asdict(opt)),
        "provenance": json.dumps(reg.provenance()),
    })
    return ds


def to_records(ds: xr.Dataset) -> pd.DataFrame:
    """Tidy table of a :func:`lifecycle` result: one row per case, year, region and stage.

    Columns ``segment, powertrain, fuel, year, region, stage, value, unit`` (+ ``p5, p50, p95`` if sampled).
    """
    cols = ["emissions"] + [v for v in ("p5", "p50", "p95") if v in ds]
    df = ds[cols].to_dataframe().reset_index()
    df = df.rename(columns={"emissions": "value"})
    df["unit"] = ds.attrs["units"]
    keep = ["segment", "powertrain", "fuel", "year", "region", "stage", "value", "unit"] + cols[1:]
    return df[keep]


def default_fuel_only(ds: xr.Dataset) -> xr.Dataset:
    """The cases of a :func:`lifecycle` result that run on their powertrain's default fuel."""
    from jalur.vehicle.catalog import DEFAULT_FUEL

    keep = [i for i, (p, f) in enumerate(zip(ds["powertrain"].values, ds["fuel"].values)) if DEFAULT_FUEL[p] == f]
    return ds.isel(case=keep)
