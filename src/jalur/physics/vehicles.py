"""Per-vehicle inputs of both engines: energy use by year of registration, production of the vehicle and its
battery (with the replacements its use implies), end of life and maintenance.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from dataclasses import dataclass

from jalur.catalog import Stage, catalog
from jalur.errors import DataError, InputError
from jalur.physics.activity import class_use
from jalur.physics.production import (REFERENCE_YEAR, anchor_origin, anchor_route, battery_per_kwh,
                                      chemistry_shares, series)
from jalur.physics.sampled import SampledTables
from jalur.physics.series import SERIES

__all__ = ["REFERENCE_YEAR", "Production", "battery_replacements", "energy_intensity", "lifetime", "vehicle_inputs"]


@dataclass(frozen=True)
class Production:
    """How batteries are made: a forced chemistry (None: ``battery-chemistry-mix``), the cell origin and the nickel
    route (None: the anchors', ``cell-origins``/``nickel-routes``), and the power scenario of an Indonesian
    origin's grid."""

    chemistry: str | None = None
    origin: str | None = None
    route: str | None = None
    power_scenario: str = "current-policies"


def battery_replacements(capacity, kwh_per_km, lifetime_km, cycle_life, lifetime_years, calendar_life, packs=1.0):
    """Expected replacements of a vehicle's set of traction-battery packs over its life.

    Parameters
    ----------
    capacity : array_like [kWh]
        Capacity of the packs the vehicle carries.
    kwh_per_km : array_like [kWh/km]
        Electricity drawn from the battery per km (at the plug, on electricity only).
    lifetime_km : array_like [km]
    cycle_life : array_like [1]
        Full equivalent cycles a pack lasts.
    lifetime_years : array_like [year]
    calendar_life : array_like [year]
    packs : array_like [1]
        Packs per vehicle, as multiples of the vehicle's own: 1 for a battery the vehicle owns; more for a swap
        network, whose spare packs charge in the stations while others are on the road.

    Returns
    -------
    array_like [1]
        :math:`\\max(N_{cyc}/L_{cyc},\\ p\\,T/L_{cal},\\ p)/p - 1` with :math:`N_{cyc} = e\\,d / C`: the packs the
        energy throughput wears out (shared by the network's packs) or calendar ageing retires, beyond the first
        set of *p* packs, per pack of that set (an expected, fractional number; 0 for a vehicle without a battery).

    Examples
    --------
    >>> float(battery_replacements(50, 0.2, 300_000, 1000, 15, 10))   # 1,200 cycles; 15 years on a 10-year life
    0.5
    >>> float(battery_replacements(1.5, 0.04, 150_000, 1000, 10, 15, packs=1.5))   # 4,000 cycles over 1.5 packs
    1.6666666666666665
    """
    cap = np.asarray(capacity, dtype=float)
    p = np.asarray(packs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cycles = np.where(cap > 0, np.asarray(kwh_per_km) * lifetime_km / np.where(cap > 0, cap, 1.0), 0.0)
    worn = np.maximum(np.maximum(cycles / cycle_life, p * np.asarray(lifetime_years) / calendar_life), p)
    return np.where(cap > 0, worn / p - 1.0, 0.0)


def energy_intensity(base, improvement, vintage, *, reference_year: int = REFERENCE_YEAR,
                     multiplier: float = 1.0, multiplier_after: int = REFERENCE_YEAR):
    """Energy use per km of vehicles registered in *vintage* (kept for their whole life).

    Parameters
    ----------
    base : array_like [MJ/km or kWh/km]
        Energy use of a vehicle registered in *reference_year*.
    improvement : array_like [1/year]
        Yearly improvement of new vehicles.
    vintage : array_like [year]
    multiplier : float [1]
        Scales the improvement of vintages after *multiplier_after* (a scenario's fuel-economy lever).

    Returns
    -------
    array_like
        :math:`E(v) = E_{ref}\\,(1-r)^{\\min(v, v_m) - v_{ref}}\\,(1 - m r)^{\\max(v - v_m, 0)}`.

    Examples
    --------
    >>> round(float(energy_intensity(2.0, 0.01, 2030)), 6)   # 2 MJ/km in 2024, 1 %/yr better
    1.88296
    """
    v = np.asarray(vintage, dtype=float)
    r = np.asarray(improvement, dtype=float)
    return (np.asarray(base, dtype=float) * (1.0 - r) ** (np.minimum(v, multiplier_after) - reference_year)
            * (1.0 - r * multiplier) ** np.maximum(v - multiplier_after, 0.0))


def _pairs_param(st: SampledTables, pairs: list[tuple[str, str]], param: str, unit: str, default=None) -> np.ndarray:
    return st.gather("vehicle-parameters", [(s, p, param) for s, p in pairs], unit, default=default,
                     what=f"vehicle parameter {param}")


def _manufacturing(st: SampledTables, components: list[str], classes: list[str], unit: str, default=None) -> np.ndarray:
    return st.gather("manufacturing", list(zip(components, classes)), unit, default=default,
                     what="manufacturing " + "/".join(sorted(set(components))))


def _battery(st: SampledTables, pairs, years: np.ndarray, how: Production, cap, elec, life_km, life_yr):
    """The traction battery of each case by year of manufacture: (sample, case, year) arrays.

    Returns mass on the vehicle [kg] and at :data:`REFERENCE_YEAR` [kg] (sample, case), kWh per vehicle (with a
    swap network's spare packs) [kWh] (sample, case), production of the set with its replacements, each made in
    its own year (mid-life) [g CO2e], the expected replacements [1], and the chemistries with their shares
    (case, year, chemistry). ``packs_per_vehicle`` (default 1) and ``battery_cycle_life`` (default: the
    chemistries') of ``vehicle-parameters`` describe packs owned by a swap network.
    """
    reg, t = st.reg, SERIES - SERIES[0]
    chems, share = chemistry_shares(reg, tuple(pairs), tuple(int(y) for y in SERIES), how.chemistry)  # (C, T, K)
    origin, route = how.origin or anchor_origin(reg), how.route or anchor_route(reg)
    per_kwh = np.einsum("skt,ctk->sct", np.stack([battery_per_kwh(st, c, origin, route, how.power_scenario)
                                                  for c in chems], axis=1), share)                    # (S, C, T)
    kg_per_kwh = np.einsum("skt,ctk->sct", np.stack([1.0 / series(st, "pack_specific_energy", c, "kWh/kg")
                                                     for c in chems], axis=1), share)
    by_chem = lambda p, u: np.einsum("sk,ctk->sct", st.gather("battery-parameters", [(c, p) for c in chems], u), share)
    at = np.asarray(years, dtype=int) - SERIES[0]
    cyc = by_chem("cycle_life", "1")[:, :, at]
    own = _pairs_param(st, pairs, "battery_cycle_life", "1", default=np.nan)[..., None]
    cyc = np.where(np.isnan(own), cyc, own)
    packs = _pairs_param(st, pairs, "packs_per_vehicle", "1", default=1.0)
    repl = battery_replacements(cap[..., None], elec[..., None], life_km[..., None], cyc, life_yr[..., None],
                                by_chem("calendar_life", "year")[:, :, at], packs[..., None])
    later = np.clip(at[None, None, :] + np.round(life_yr / 2.0)[..., None].astype(int), t[0], t[-1])
    made_later = np.take_along_axis(per_kwh, later, axis=2)
    kwh = cap * packs
    pack_g = kwh[..., None] * (per_kwh[:, :, at] + repl * made_later) * 1000.0
    ref = REFERENCE_YEAR - SERIES[0]
    if how.chemistry is not None:   # the glider is the data's vehicle's: its mass does not follow a forced chemistry
        _, data_mix = chemistry_shares(reg, tuple(pairs), tuple(int(y) for y in SERIES), None)
        kg_ref = np.einsum("sk,ck->sc", np.stack([1.0 / series(st, "pack_specific_energy", c, "kWh/kg", [REFERENCE_YEAR])[:, 0]
                                                  for c in chems], axis=1), data_mix[:, ref])
    else:
        kg_ref = kg_per_kwh[:, :, ref]
    return cap[..., None] * kg_per_kwh[:, :, at], cap * kg_ref, kwh, pack_g, repl, chems, share[:, at]


def _indexed(st: SampledTables, component: str, years: np.ndarray) -> np.ndarray:
    """The materials index of a component by year of manufacture [1] (1 in :data:`REFERENCE_YEAR`): (sample, year)."""
    return series(st, "materials_index", component, "1", years)


def _fuel_cell_and_tank(st: SampledTables, classes: list[str], pairs, years: np.ndarray) -> np.ndarray:
    """Production of fuel-cell stacks and hydrogen tanks made in each year [kg CO2e per vehicle]: (sample, case,
    year)."""
    fc_kw = _pairs_param(st, pairs, "fuel_cell_power", "kW", default=0.0)
    tank_kg = _pairs_param(st, pairs, "hydrogen_tank_capacity", "kg", default=0.0)
    fc_f = _manufacturing(st, ["fuel-cell-stack"] * len(classes), classes, "kg CO2e/kW", default=np.nan)
    tank_f = _manufacturing(st, ["hydrogen-tank"] * len(classes), classes, "kg CO2e/kg", default=np.nan)
    need = (fc_kw > 0).any(axis=0) | (tank_kg > 0).any(axis=0)
    if np.isnan(fc_f[:, need]).any() or np.isnan(tank_f[:, need]).any():
        missing = sorted({classes[i] for i in np.flatnonzero(need)})
        raise InputError(f"manufacturing has no fuel-cell-stack/hydrogen-tank row for class(es) {missing}")
    return ((fc_kw * np.nan_to_num(fc_f))[..., None] * _indexed(st, "fuel-cell-stack", years)[:, None, :]
            + (tank_kg * np.nan_to_num(tank_f))[..., None] * _indexed(st, "hydrogen-tank", years)[:, None, :])


def lifetime(st: SampledTables, pairs: list[tuple[str, str]], classes: list[str]):
    """Lifetime km [km], years in use [year] and first-year km [km/year] of each (segment, powertrain): (sample, case).

    The first-year km is ``annual_km`` times the class's ``annual_km_scale``; a vehicle sold is then expected to
    drive :math:`k_0 \\sum_a U(a)(1-d)^a` km over :math:`\\sum_a U(a)` years (:mod:`jalur.physics.activity`).
    A ``lifetime_km`` or ``lifetime_years`` row of ``vehicle-parameters`` (e.g. an override reproducing a study)
    is used as stated instead.
    """
    use = [class_use(st.reg, k) for k in classes]
    k0 = _pairs_param(st, pairs, "annual_km", "km/year") * np.array([u.km_scale for u in use])
    life_km = _pairs_param(st, pairs, "lifetime_km", "km", default=np.nan)
    life_yr = _pairs_param(st, pairs, "lifetime_years", "year", default=np.nan)
    life_km = np.where(np.isnan(life_km), k0 * np.array([u.km_years for u in use]), life_km)
    life_yr = np.where(np.isnan(life_yr), np.array([u.mean_life for u in use]), life_yr)
    return life_km, life_yr, k0


def vehicle_inputs(st: SampledTables, pairs: list[tuple[str, str]], years=(REFERENCE_YEAR,), *,
                   how: Production = Production(), utility_factor: float | None = None) -> xr.Dataset:
    """Per-vehicle inputs of each (segment, powertrain), dims (sample, case), and its production by year of
    manufacture, dims (sample, case, year).

    Parameters
    ----------
    years : sequence of int
        Years of manufacture (registration) of the production arrays.
    how : Production
        Battery chemistry, cell origin, nickel route (:mod:`jalur.physics.production`).

    Returns
    -------
    xarray.Dataset
        ``fuel_use`` [MJ/km] and ``electricity_use`` [kWh/km] of a vehicle registered in :data:`REFERENCE_YEAR`
        on each mode (before the utility-factor split), ``share_fuel``/``share_electricity`` [1] of its km,
        ``improvement`` [1/year], ``annual_km`` [km/year] (first year), ``lifetime_km`` [km], ``lifetime_years``
        [year] (:func:`lifetime`), ``production`` [g CO2e per vehicle] by year and stage (vehicle, battery incl.
        expected replacements each made at mid-life, end of life), ``maintenance`` [g CO2e/km],
        ``battery_capacity`` [kWh] (per vehicle: the packs it carries times ``packs_per_vehicle``),
        ``battery_replacements`` [1] (per pack of that set) by year, ``chemistry_share`` [1] (case, year,
        chemistry).

    Notes
    -----
    Glider mass = curb mass - powertrain mass - battery mass in :data:`REFERENCE_YEAR`: a denser pack made later
    makes the vehicle lighter, not the glider heavier. Vehicle = glider x glider factor + powertrain x (electric
    or combustion) powertrain factor + fuel-cell stack (per kW) + hydrogen tank (per kg H2), each factor times its
    ``materials_index`` of the year. Battery-only vehicles use the ``maintenance-electric`` factor where the class
    has one. ``electricity_use`` adds ``charging_overhead`` (a swap station's charging losses, cooling and standby
    beyond the vehicle's own charging losses; default 0); the battery's cycles count the energy the vehicle itself
    draws.
    """
    cat = catalog(st.reg)
    ys = np.asarray(years, dtype=int)
    pts = [cat.powertrain(p) for _, p in pairs]
    _check_network_rows(st, pairs, pts)
    classes = [cat.segment(s).vclass for s, _ in pairs]
    vp = lambda param, unit, default=None: _pairs_param(st, pairs, param, unit, default)
    curb, pt_mass = vp("curb_mass", "kg"), vp("powertrain_mass", "kg")
    cap, fuel, elec = vp("battery_capacity", "kWh", 0.0), vp("fuel_use", "MJ/km", 0.0), vp("electricity_use", "kWh/km", 0.0)
    life_km, life_yr, annual_km = lifetime(st, pairs, classes)
    plug_in = np.array([p.plug_in_hybrid for p in pts])
    uf = vp("utility_factor", "1", 0.0) if utility_factor is None else np.full_like(cap, utility_factor)
    share_elec = np.where(np.array([p.battery_only for p in pts]), 1.0, np.where(plug_in, uf, 0.0))
    share_fuel = np.where(np.array([p.uses_fuel for p in pts]), 1.0 - np.where(plug_in, uf, 0.0), 0.0)
    batt_kg, batt_ref, kwh, pack_g, repl, chems, share = _battery(st, pairs, ys, how, cap, elec * share_elec,
                                                                  life_km, life_yr)
    elec = elec * (1.0 + vp("charging_overhead", "1", 0.0))     # a swap station's losses beyond the vehicle's own
    glider_kg = np.clip(curb - pt_mass - batt_ref, 0.0, None)
    vehicle_kg = _vehicle(st, pts, classes, glider_kg, pt_mass, ys) + _fuel_cell_and_tank(st, classes, pairs, ys)
    curb_y = (curb - batt_ref)[..., None] + batt_kg
    eol = curb_y * _manufacturing(st, [Stage.END_OF_LIFE.value] * len(pairs), classes, "kg CO2e/kg")[..., None] * 1000.0
    maint = _manufacturing(st, [Stage.MAINTENANCE.value] * len(pairs), classes, "g CO2e/km")
    maint_el = _manufacturing(st, ["maintenance-electric"] * len(pairs), classes, "g CO2e/km", default=np.nan)
    battery_only = np.array([p.battery_only for p in pts])
    maint = np.where(battery_only & ~np.isnan(maint_el), maint_el, maint)
    production = np.stack([vehicle_kg * 1000.0, pack_g, eol], axis=-1)
    d2, d3 = ("sample", "case"), ("sample", "case", "year")
    return xr.Dataset({
        "fuel_use": (d2, fuel, {"units": "MJ/km"}), "electricity_use": (d2, elec, {"units": "kWh/km"}),
        "share_fuel": (d2, share_fuel), "share_electricity": (d2, share_elec),
        "improvement": (d2, vp("energy_improvement", "1/year", 0.0), {"units": "1/year"}),
        "annual_km": (d2, annual_km, {"units": "km/year"}),
        "lifetime_km": (d2, life_km, {"units": "km"}), "lifetime_years": (d2, life_yr, {"units": "year"}),
        "production": (d3 + ("stage",), production, {"units": "g CO2e"}),
        "maintenance_per_km": (d2, maint, {"units": "g CO2e/km"}),
        "battery_capacity": (d2, kwh, {"units": "kWh"}), "battery_replacements": (d3, repl, {"units": "1"}),
        "chemistry_share": (("case", "year", "chemistry"), share, {"units": "1"}),
    }, coords={"stage": [Stage.VEHICLE.value, Stage.BATTERY.value, Stage.END_OF_LIFE.value], "year": ys,
               "chemistry": list(chems)})


#: vehicle-parameters that describe a swap network's packs and stations: only for powertrains whose battery
#: belongs to a network (``powertrains.battery_owner``).
NETWORK_PARAMETERS = ("packs_per_vehicle", "charging_overhead")


def _check_network_rows(st: SampledTables, pairs, pts) -> None:
    bad = [f"{s}/{p.id}/{param}" for (s, _), p in zip(pairs, pts) for param in NETWORK_PARAMETERS
           if not p.network_battery and st.has("vehicle-parameters", (s, p.id, param))]
    if bad:
        raise DataError(f"vehicle-parameters {', '.join(bad)}: {' and '.join(NETWORK_PARAMETERS)} describe a swap "
                        "network's packs and stations and apply only to powertrains whose battery_owner is network "
                        "(table powertrains); remove the rows or set battery_owner")


def _vehicle(st: SampledTables, pts, classes: list[str], glider_kg, pt_mass, years: np.ndarray) -> np.ndarray:
    """Glider and powertrain made in each year [kg CO2e per vehicle]: (sample, case, year)."""
    component = ["powertrain-electric" if p.electric_drive else "powertrain-ice" for p in pts]
    index = {c: _indexed(st, c, years) for c in set(component) | {"glider"}}
    powertrain = pt_mass * _manufacturing(st, component, classes, "kg CO2e/kg")
    glider = glider_kg * _manufacturing(st, ["glider"] * len(classes), classes, "kg CO2e/kg")
    return (glider[..., None] * index["glider"][:, None, :]
            + powertrain[..., None] * np.stack([index[c] for c in component], axis=1))
