"""Per-vehicle inputs of both engines: energy use by year of registration, production of the vehicle and its
battery (with the replacements its use implies), end of life and maintenance.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from jalur.catalog import Stage, catalog
from jalur.errors import InputError
from jalur.physics.activity import class_use
from jalur.physics.sampled import SampledTables

#: Model year to which the energy-use figures of ``vehicle-parameters`` refer.
REFERENCE_YEAR = 2024


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


def _battery(st: SampledTables, pairs, chemistry: str | None, origin: str, cap, elec, share_elec, life_km, life_yr):
    """Battery mass on the vehicle [kg], battery kWh per vehicle [kWh] (with a swap network's spare packs),
    production of that set [g CO2e], its expected replacements and the chemistry of each case.

    ``packs_per_vehicle`` (default 1) and ``battery_cycle_life`` (default: the chemistry's) of ``vehicle-parameters``
    describe packs owned by a swap network: more packs than vehicles, cycled at the network's charging regime.
    """
    table = st.reg.table("default-battery-chemistry").frame.set_index(["segment", "powertrain"])["chemistry"]
    chems_avail = sorted(set(st.reg.table("battery-production").frame["chemistry"]))
    chem = [chemistry or table.get(pair, chems_avail[0]) for pair in pairs]
    per_kwh = st.gather("battery-production", [(c, origin) for c in chem], "kg CO2e/kWh", what="battery production")
    spec = st.gather("battery-parameters", [(c, "specific_energy") for c in chem], "kWh/kg")
    cyc = st.gather("battery-parameters", [(c, "cycle_life") for c in chem], "1")
    cyc = np.where(np.isnan(own := _pairs_param(st, pairs, "battery_cycle_life", "1", default=np.nan)), cyc, own)
    cal = st.gather("battery-parameters", [(c, "calendar_life") for c in chem], "year")
    packs = _pairs_param(st, pairs, "packs_per_vehicle", "1", default=1.0)
    repl = battery_replacements(cap, elec * share_elec, life_km, cyc, life_yr, cal, packs)
    return cap / spec, cap * packs, cap * packs * per_kwh * 1000.0, repl, chem


def _fuel_cell_and_tank(st: SampledTables, classes: list[str], pairs) -> np.ndarray:
    """Production of fuel-cell stacks and hydrogen tanks [kg CO2e per vehicle]."""
    fc_kw = _pairs_param(st, pairs, "fuel_cell_power", "kW", default=0.0)
    tank_kg = _pairs_param(st, pairs, "hydrogen_tank_capacity", "kg", default=0.0)
    fc_f = _manufacturing(st, ["fuel-cell-stack"] * len(classes), classes, "kg CO2e/kW", default=np.nan)
    tank_f = _manufacturing(st, ["hydrogen-tank"] * len(classes), classes, "kg CO2e/kg", default=np.nan)
    need = (fc_kw > 0).any(axis=0) | (tank_kg > 0).any(axis=0)
    if np.isnan(fc_f[:, need]).any() or np.isnan(tank_f[:, need]).any():
        missing = sorted({classes[i] for i in np.flatnonzero(need)})
        raise InputError(f"manufacturing has no fuel-cell-stack/hydrogen-tank row for class(es) {missing}")
    return fc_kw * np.nan_to_num(fc_f) + tank_kg * np.nan_to_num(tank_f)


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


def vehicle_inputs(st: SampledTables, pairs: list[tuple[str, str]], *, battery_chemistry: str | None = None,
                   battery_origin: str = "cn", utility_factor: float | None = None) -> xr.Dataset:
    """Per-vehicle inputs of each (segment, powertrain), dims (sample, case).

    Returns
    -------
    xarray.Dataset
        ``fuel_use`` [MJ/km] and ``electricity_use`` [kWh/km] of a vehicle registered in :data:`REFERENCE_YEAR`
        on each mode (before the utility-factor split), ``share_fuel``/``share_electricity`` [1] of its km,
        ``improvement`` [1/year], ``annual_km`` [km/year] (first year), ``lifetime_km`` [km], ``lifetime_years``
        [year] (:func:`lifetime`), ``production`` [g CO2e per
        vehicle] by stage (vehicle, battery incl. expected replacements, end of life), ``maintenance``
        [g CO2e/km], ``battery_capacity`` [kWh] (per vehicle: the packs it carries times ``packs_per_vehicle``),
        ``battery_replacements`` [1] (per pack of that set); coordinate ``chemistry``.

    Notes
    -----
    Glider mass = curb mass - powertrain mass - battery mass; vehicle = glider x glider factor + powertrain x
    (electric or combustion) powertrain factor + fuel-cell stack (per kW) + hydrogen tank (per kg H2).
    Battery-only vehicles use the ``maintenance-electric`` factor where the class has one. ``electricity_use`` adds
    ``charging_overhead`` (a swap station's charging losses, cooling and standby beyond the vehicle's own charging
    losses; default 0); the battery's cycles count the energy the vehicle itself draws.
    """
    cat = catalog(st.reg)
    pts = [cat.powertrain(p) for _, p in pairs]
    classes = [cat.segment(s).vclass for s, _ in pairs]
    vp = lambda param, unit, default=None: _pairs_param(st, pairs, param, unit, default)
    curb, pt_mass = vp("curb_mass", "kg"), vp("powertrain_mass", "kg")
    cap, fuel, elec = vp("battery_capacity", "kWh", 0.0), vp("fuel_use", "MJ/km", 0.0), vp("electricity_use", "kWh/km", 0.0)
    life_km, life_yr, annual_km = lifetime(st, pairs, classes)
    plug_in = np.array([p.plug_in_hybrid for p in pts])
    uf = vp("utility_factor", "1", 0.0) if utility_factor is None else np.full_like(cap, utility_factor)
    share_elec = np.where(np.array([p.battery_only for p in pts]), 1.0, np.where(plug_in, uf, 0.0))
    share_fuel = np.where(np.array([p.uses_fuel for p in pts]), 1.0 - np.where(plug_in, uf, 0.0), 0.0)
    batt_kg, kwh, pack_g, repl, chem = _battery(st, pairs, battery_chemistry, battery_origin, cap, elec, share_elec,
                                                life_km, life_yr)
    elec = elec * (1.0 + vp("charging_overhead", "1", 0.0))     # a swap station's losses beyond the vehicle's own
    pt_component = ["powertrain-electric" if p.electric_drive else "powertrain-ice" for p in pts]
    glider_kg = np.clip(curb - pt_mass - batt_kg, 0.0, None)
    vehicle_kg = (glider_kg * _manufacturing(st, ["glider"] * len(pairs), classes, "kg CO2e/kg")
                  + pt_mass * _manufacturing(st, pt_component, classes, "kg CO2e/kg")
                  + _fuel_cell_and_tank(st, classes, pairs))
    eol = curb * _manufacturing(st, [Stage.END_OF_LIFE.value] * len(pairs), classes, "kg CO2e/kg") * 1000.0
    maint = _manufacturing(st, [Stage.MAINTENANCE.value] * len(pairs), classes, "g CO2e/km")
    maint_el = _manufacturing(st, ["maintenance-electric"] * len(pairs), classes, "g CO2e/km", default=np.nan)
    battery_only = np.array([p.battery_only for p in pts])
    maint = np.where(battery_only & ~np.isnan(maint_el), maint_el, maint)
    production = np.stack([vehicle_kg * 1000.0, pack_g * (1.0 + repl), eol], axis=-1)
    d2 = ("sample", "case")
    return xr.Dataset({
        "fuel_use": (d2, fuel, {"units": "MJ/km"}), "electricity_use": (d2, elec, {"units": "kWh/km"}),
        "share_fuel": (d2, share_fuel), "share_electricity": (d2, share_elec),
        "improvement": (d2, vp("energy_improvement", "1/year", 0.0), {"units": "1/year"}),
        "annual_km": (d2, annual_km, {"units": "km/year"}),
        "lifetime_km": (d2, life_km, {"units": "km"}), "lifetime_years": (d2, life_yr, {"units": "year"}),
        "production": (d2 + ("stage",), production, {"units": "g CO2e"}),
        "maintenance_per_km": (d2, maint, {"units": "g CO2e/km"}),
        "battery_capacity": (d2, kwh, {"units": "kWh"}), "battery_replacements": (d2, repl, {"units": "1"}),
    }, coords={"stage": [Stage.VEHICLE.value, Stage.BATTERY.value, Stage.END_OF_LIFE.value],
               "chemistry": ("case", chem)})
