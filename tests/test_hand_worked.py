"""Hand-worked values for the model paths that only a snapshot or a same-code comparison checked before.

Each test sets inputs whose result can be written down in closed form (the formula is in the test, not
taken from jalur), then compares jalur's answer with it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml

from jalur.fleet.survival import simulate_stock
from jalur.pathways.iamc import to_iamc
from jalur.pathways.model import YEARS, run
from jalur.policy.tco import tco
from jalur.vehicle import lifecycle

REGIONS = ["national", "jamali", "sumatera", "kalimantan", "sulawesi", "nusa-tenggara", "maluku-papua"]


def write_override(path, tables: dict, sources=None):
    doc = {"sources": sources or [{"id": "hand", "citation": "test: hand-worked inputs"}], "tables": tables}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def vp(registry, segment, powertrain, parameter, unit=None):
    return registry.table("vehicle-parameters").get(unit, segment=segment, powertrain=powertrain, parameter=parameter)


# --------------------------------------------------------------------------------------------------
# the grid path: a linear grid ramp and flat losses
# --------------------------------------------------------------------------------------------------

G0, SLOPE, LOSS = 900.0, -10.0, 0.08


def ramp(year: float) -> float:
    """Life-cycle generation intensity of the test grid [g CO2e/kWh]: 900 in 2010, falling 10 a year."""
    return G0 + SLOPE * (year - 2010)


@pytest.fixture(scope="module")
def ramp_registry(registry, tmp_path_factory):
    rows = [{"region": r, "scenario": "historical" if y <= 2024 else sc, "year": y, "basis": "life-cycle",
             "value": ramp(y), "unit": "g CO2e/kWh", "source_id": "hand"}
            for r in REGIONS for sc in ("current-policies",) for y in range(2015, 2061)]
    losses = [{"region": r, "year": int(y), "value": 100 * LOSS, "unit": "%", "source_id": "hand"}
              for r, y in zip(registry.table("grid-losses").frame["region"], registry.table("grid-losses").frame["year"])]
    ov = write_override(tmp_path_factory.mktemp("ramp") / "ramp.yaml", {"grid-intensity": rows, "grid-losses": losses})
    return registry.with_overrides([ov])


def mean_grid_over_use(registry, registration_year: int, vclass: str) -> float:
    """Mean of the annual grid over the years of use, each year weighted by the km driven in it.

    A vehicle of age a is on the road with probability S(a) = exp(-(a/scale)^shape) and drives (1 - d)^a of its
    first-year km (fleet-parameters of the class): weights w(a) = S(a)(1 - d)^a / sum. The grid is held at its
    2060 value afterwards.
    """
    fp = registry.table("fleet-parameters")
    get = lambda name, unit: fp.get(unit, parameter=name, **{"class": vclass})
    a = np.arange(80)
    w = np.exp(-((a / get("weibull_scale", "year")) ** get("weibull_shape", "1"))) * (1 - get("km_decline_per_year", "1/year")) ** a
    return float((w / w.sum() * ramp(np.minimum(registration_year + a, 2060))).sum())


def test_grid_ramp_gives_closed_form_electricity_stage(ramp_registry):
    reg = ramp_registry
    year = 2030
    kwh = vp(reg, "car-lmpv", "bev", "electricity_use") * (1 - vp(reg, "car-lmpv", "bev", "energy_improvement", "1/year")) ** (year - 2024)
    ds = lifecycle("car-lmpv", "bev", years=year, regions="jamali", registry=reg)
    got = float(ds["emissions"].sel(stage="electricity-supply").values.squeeze())
    assert got == pytest.approx(kwh * mean_grid_over_use(reg, year, "car") / (1 - LOSS), rel=1e-9)
    reg_year = lifecycle("car-lmpv", "bev", years=year, regions="jamali", registry=reg, grid_basis="registration-year")
    got = float(reg_year["emissions"].sel(stage="electricity-supply").values.squeeze())
    assert got == pytest.approx(kwh * ramp(year) / (1 - LOSS), rel=1e-9)
    # motorcycles: a shorter life and a faster decline weight the early (dirtier) years more
    mc = lifecycle("mc-scooter", "bev", years=year, regions="jamali", registry=reg)
    kwh_mc = vp(reg, "mc-scooter", "bev", "electricity_use") * (
        1 - vp(reg, "mc-scooter", "bev", "energy_improvement", "1/year")) ** (year - 2024)
    got = float(mc["emissions"].sel(stage="electricity-supply").values.squeeze())
    assert got == pytest.approx(kwh_mc * mean_grid_over_use(reg, year, "motorcycle") / (1 - LOSS), rel=1e-9)


# --------------------------------------------------------------------------------------------------
# battery replacements
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("calendar_life,replacements", [(10, 0.5), (20, 0.2)])
def test_battery_replacements_by_cycles_or_calendar(registry, tmp_path, calendar_life, replacements):
    """50 kWh, 0.2 kWh/km over 300,000 km = 1,200 full cycles; cycle life 1,000 -> 1.2 packs by cycles.

    15 years on a 10-year calendar life -> 1.5 packs by age; the larger count rules: 0.5 replacements.
    With a 20-year calendar life, cycles rule: 0.2 replacements. Battery stage = kWh x (100 kg/kWh for the pack made
    in 2024, the anchor + replacements x the footprint of 2032, when they are made at mid-life) / km.
    """
    from jalur.physics.production import battery_per_kwh
    from jalur.physics.sampled import sampled_tables

    p = lambda param, v, u: {"segment": "car-lmpv", "powertrain": "bev", "parameter": param, "value": v, "unit": u,
                              "source_id": "hand"}
    tables = {
        "vehicle-parameters": [p("battery_capacity", 50, "kWh"), p("electricity_use", 0.2, "kWh/km"),
                               p("energy_improvement", 0, "1/year"), p("lifetime_km", 300000, "km"),
                               p("lifetime_years", 15, "year")],
        "battery-parameters": [{"chemistry": "nmc622", "parameter": "cycle_life", "value": 1000, "unit": "1",
                                "source_id": "hand"},
                               {"chemistry": "nmc622", "parameter": "calendar_life", "value": calendar_life,
                                "unit": "year", "source_id": "hand"}],
        "battery-production": [{"chemistry": "nmc622", "origin": "cn", "value": 100, "unit": "kg CO2e/kWh",
                                "source_id": "hand"}],
    }
    reg = registry.with_overrides([write_override(tmp_path / "b.yaml", tables)])
    ds = lifecycle("car-lmpv", "bev", years=2024, regions="jamali", registry=reg, battery_chemistry="nmc622")
    assert float(ds["battery_replacements"].values.squeeze()) == pytest.approx(replacements)
    battery = float(ds["emissions"].sel(stage="battery").values.squeeze())
    later = float(battery_per_kwh(sampled_tables(reg), "nmc622", "cn", "global-average", "current-policies",
                                  [2024 + 8])[0, 0])       # 15 years / 2 = 7.5, rounded to 8
    assert later < 100
    assert battery == pytest.approx(50 * (100 + replacements * later) * 1000 / 300000)


# --------------------------------------------------------------------------------------------------
# discounting with a non-zero rate
# --------------------------------------------------------------------------------------------------


def _stated_life(registry, tmp_path, km=150_000, years=15):
    """The registry with car-lmpv ice-gasoline's lifetime stated (as a study would) instead of derived."""
    ov = tmp_path / "life.yaml"
    ov.write_text("tables:\n  vehicle-parameters:\n"
                  f"    - {{segment: car-lmpv, powertrain: ice-gasoline, parameter: lifetime_km, value: {km}, unit: km, "
                  "source_id: est-ve-usage-lifetime}\n"
                  f"    - {{segment: car-lmpv, powertrain: ice-gasoline, parameter: lifetime_years, value: {years}, "
                  "unit: year, source_id: est-ve-usage-lifetime}\n")
    return registry.with_overrides([ov])


def test_tco_discounts_each_year_of_use_at_mid_year(registry, tmp_path):
    """150,000 km over 15 years, falling 3 %/yr with age (the car class's decline): k_t = K 0.97^t / sum 0.97^s."""
    reg = _stated_life(registry, tmp_path)
    year, rate, life = 2030, 0.08, 15
    df = tco("car-lmpv", year, registry=reg, powertrains=["ice-gasoline"], discount_rate=rate).iloc[0]
    d = reg.table("fleet-parameters").get("1/year", parameter="km_decline_per_year", **{"class": "car"})
    assert d == pytest.approx(0.03)
    km = 150_000 * (1 - d) ** np.arange(life) / sum((1 - d) ** s for s in range(life))
    assert km.sum() == pytest.approx(150_000)
    mj = vp(reg, "car-lmpv", "ice-gasoline", "fuel_use") * (
        1 - vp(reg, "car-lmpv", "ice-gasoline", "energy_improvement", "1/year")) ** (year - 2024)
    lhv = reg.table("fuel-properties").get("MJ/L", fuel="gasoline", property="lhv_volume")
    price = reg.table("energy-prices").where(carrier="pertalite", basis="retail").frame
    last = float(price.sort_values("year")["value"].iloc[-1])     # held after the last data year
    disc = 1 / (1 + rate) ** (np.arange(life) + 0.5)              # costs at mid-year
    assert df["energy_rp"] == pytest.approx(mj / lhv * last * (km * disc).sum(), rel=1e-9)
    maint = reg.table("tco-parameters").get("IDR/km", parameter="maintenance_cost_ice", **{"class": "car"})
    assert df["maintenance_rp"] == pytest.approx(maint * (km * disc).sum(), rel=1e-9)
    resid = reg.table("tco-parameters").get("1", parameter="residual_value", **{"class": "car"})
    assert df["residual_rp"] == pytest.approx(-resid * df["purchase_rp"] / (1 + rate) ** life, rel=1e-9)
    # levelised cost: NPV of cost over NPV of km
    assert df["rp_per_km"] == pytest.approx(df["total_rp"] / (km * disc).sum(), rel=1e-9)


def test_tco_spreads_the_engines_lifetime_km_over_the_years_in_use(registry):
    """Without stated lifetimes, TCO's km add up to the engine's expected lifetime km (one activity definition)."""
    from jalur.physics.activity import class_use
    from jalur.policy.tco import km_by_year

    df = tco("mc-scooter", 2030, registry=registry, powertrains=["ice-gasoline"]).iloc[0]
    use = class_use(registry, "motorcycle")
    k0 = vp(registry, "mc-scooter", "ice-gasoline", "annual_km") * use.km_scale
    assert df["lifetime_km"] == pytest.approx(k0 * use.km_years, rel=1e-9)
    km = km_by_year(df["lifetime_km"], use.mean_life, use.decline)
    w = np.minimum(1.0, use.mean_life - np.arange(len(km)))
    assert (km * w).sum() == pytest.approx(df["lifetime_km"], rel=1e-12)


# --------------------------------------------------------------------------------------------------
# survival and turnover
# --------------------------------------------------------------------------------------------------


def _one_vehicle(segment, powertrain, year):
    df = pd.DataFrame(0.0, index=pd.MultiIndex.from_tuples([(segment, powertrain)]), columns=list(YEARS))
    df.loc[(segment, powertrain), year] = 1.0
    return df


def test_one_cohort_survives_on_the_weibull_curve_and_drives_less_with_age(registry):
    """In use: the in-use Weibull capped by the registration retention; km: first-year km x scale x (1-d)^age."""
    fp = registry.table("fleet-parameters")
    get = lambda name, unit: fp.get(unit, parameter=name, **{"class": "car"})
    ages = np.arange(0, 41)
    weibull = lambda shape, scale: np.exp(-((ages / scale) ** shape))
    surv = np.minimum(weibull(get("weibull_shape", "1"), get("weibull_scale", "year")),
                      weibull(get("registration_weibull_shape", "1"), get("registration_weibull_scale", "year")))
    d = get("km_decline_per_year", "1/year")
    ds = run("bau", registry=registry, sales=_one_vehicle("car-lmpv", "ice-gasoline", 2020), initial_stock="none")
    sel = (ds["segment"].values == "car-lmpv") & (ds["powertrain"].values == "ice-gasoline")
    stock = ds["stock"].values[sel][0]
    np.testing.assert_allclose(stock[list(YEARS).index(2020):], surv, rtol=1e-12)
    assert stock[list(YEARS).index(2019)] == 0
    k0 = vp(registry, "car-lmpv", "ice-gasoline", "annual_km") * get("annual_km_scale", "1")
    tau, since = get("km_trend_history", "1/year"), ages + 2020 - 2025
    fading = np.cumprod([1.0] + [1 + tau * 0.5 ** (s / 5) for s in range(1, since.max() + 1)])   # half-life 5 years
    trend = np.where(since <= 0, (1 + tau) ** np.minimum(since, 0), fading[np.clip(since, 0, None)])
    vkm = ds["vkm"].values[sel][0][list(YEARS).index(2020):]
    np.testing.assert_allclose(vkm, k0 * (1 - d) ** ages * surv * trend, rtol=1e-9)
    reg = ds["stock_registered"].sel(vclass="car").values[list(YEARS).index(2020):]
    np.testing.assert_allclose(reg, weibull(get("registration_weibull_shape", "1"),
                                            get("registration_weibull_scale", "year")), rtol=1e-12)


def test_registered_stock_turnover_by_hand():
    """Stock 100 at the end of year 0 (age profile 2:1 from survival 1, 0.5, 0), then sales 10 and 20.

    Year 1: 66.7 of age 0 survive at 0.5, the 33.3 of age 1 all go; plus 10 sold -> 43.33.
    Year 2: the year-1 sales at 0.5 (5) plus 20 sold -> 25.
    """
    got = simulate_stock(np.array([0.0, 10.0, 20.0]), 100.0, np.array([1.0, 0.5, 0.0]), 0.0)
    np.testing.assert_allclose(got, [100.0, 100 * (2 / 3) * 0.5 + 10, 25.0])


# --------------------------------------------------------------------------------------------------
# upstream: crude palm oil per tonne of FAME and HVO, land, ethanol feedstock
# --------------------------------------------------------------------------------------------------


def test_palm_oil_and_land_follow_biodiesel_and_hvo_volumes(registry):
    iamc = to_iamc(run("nze-2060", registry=registry))
    nat = iamc[iamc["region"] == "Indonesia"].set_index("variable")
    props = registry.table("fuel-properties")
    up = registry.table("upstream-parameters")
    rho_fame = props.get("kg/L", fuel="fame-palm", property="density")   # kg/L = t/kL
    rho_hvo = props.get("kg/L", fuel="hvo", property="density")
    cpo = (nat.loc["Fuel Volume|Road|Biodiesel", 2045] * rho_fame * up.get("1", parameter="cpo_per_fame")
           + nat.loc["Fuel Volume|Road|HVO", 2045] * rho_hvo * up.get("1", parameter="cpo_per_hvo"))  # Mt
    assert nat.loc["Fuel Volume|Road|HVO", 2045] > 0
    assert nat.loc["Supply|Crude Palm Oil", 2045] == pytest.approx(cpo, rel=1e-9)
    area = cpo / up.get("t/ha/year", parameter="palm_cpo_yield")
    assert nat.loc["Land Cover|Biofuel Crops|Oil Palm", 2045] == pytest.approx(area, rel=1e-9)


def test_ethanol_feedstock_tonnes_follow_ethanol_volume(registry, tmp_path):
    p = tmp_path / "cane.yaml"
    p.write_text("name: cane\nextends: biofuel\nlevers:\n  ethanol_feedstock: {sugarcane: 25, molasses: 75}\n")
    iamc = to_iamc(run(p, registry=registry))
    nat = iamc[iamc["region"] == "Indonesia"].set_index("variable")
    up = registry.table("upstream-parameters")
    eth_l = nat.loc["Fuel Volume|Road|Ethanol", 2040] * 1e9                    # million kL -> L
    cane_t = eth_l * 0.25 / up.get("L/t", parameter="ethanol_yield_sugarcane")
    mol_t = eth_l * 0.75 / up.get("L/t", parameter="ethanol_yield_molasses")
    assert nat.loc["Supply|Sugarcane", 2040] == pytest.approx(cane_t / 1e6, rel=1e-9)
    assert nat.loc["Supply|Molasses", 2040] == pytest.approx(mol_t / 1e6, rel=1e-9)
    assert nat.loc["Land Cover|Biofuel Crops|Sugarcane", 2040] == pytest.approx(
        cane_t / up.get("t/ha/year", parameter="sugarcane_yield") / 1e6, rel=1e-9)


def test_oil_displaced_by_a_bev_fleet_is_the_reference_ice_fuel(registry, tmp_path):
    """One BEV car-lmpv sold in 2030 displaces the petrol its ICE twin would burn over the same km."""
    ds = run("bau", registry=registry, sales=_one_vehicle("car-lmpv", "bev", 2030), initial_stock="none")
    sel = (ds["segment"].values == "car-lmpv") & (ds["powertrain"].values == "bev")
    km = ds["vkm"].values[sel][0]
    mj = vp(registry, "car-lmpv", "ice-gasoline", "fuel_use") * (
        1 - vp(registry, "car-lmpv", "ice-gasoline", "energy_improvement", "1/year")) ** (2030 - 2024)
    lhv = registry.table("fuel-properties").get("MJ/L", fuel="gasoline", property="lhv_volume")
    want_kl = km * mj / lhv / 1000
    np.testing.assert_allclose(ds["oil_displaced"].sel(product="gasoline").values, want_kl, rtol=1e-9)
    assert float(ds["oil_displaced"].sel(product="diesel").values.sum()) == 0
    share = registry.table("upstream-parameters").get("1", parameter="gasoline_import_share")
    price = registry.table("upstream-parameters").get("USD/kL", parameter="gasoline_import_price")
    np.testing.assert_allclose(ds["oil_import_avoided"].values, want_kl * share * price, rtol=1e-9)
    assert not math.isnan(float(ds["oil_import_avoided"].sum()))


# --------------------------------------------------------------------------------------------------
# tailpipe CH4 and N2O of biofuels, hydrogen's electricity, battery replacement cost
# --------------------------------------------------------------------------------------------------


def test_e100_tailpipe_is_ch4_and_n2o_with_the_biogenic_methane_gwp(registry):
    """E100 in a flexy-engine car: no fossil CO2; CH4 weighted with AR6 non-fossil GWP (27.0), N2O with 273."""
    year = 2030
    ds = lifecycle("car-lmpv", "ffv", "e100", year, "jamali", registry=registry)
    mj = vp(registry, "car-lmpv", "ffv", "fuel_use") * (
        1 - vp(registry, "car-lmpv", "ffv", "energy_improvement", "1/year")) ** (year - 2024)
    t = registry.table("tailpipe-non-co2")
    tech = "three-way-catalyst-ldv-1995-later"          # cars: IPCC 2006 Table 3.2.2, light-duty 1995 or later
    ch4 = t.get("g CH4/MJ", fuel="gasoline", gas="ch4", technology=tech)
    n2o = t.get("g N2O/MJ", fuel="gasoline", gas="n2o", technology=tech)
    got = float(ds["emissions"].sel(stage="tailpipe-non-co2").values.squeeze())
    assert got == pytest.approx(mj * (ch4 * 27.0 + n2o * 273.0), rel=1e-9)
    assert float(ds["emissions"].sel(stage="tailpipe-co2").values.squeeze()) == 0
    e0 = lifecycle("car-lmpv", "ffv", "e0", year, "jamali", registry=registry)
    co2 = registry.table("fuel-properties").get("g CO2/MJ", fuel="gasoline", property="combustion_co2")
    assert float(e0["emissions"].sel(stage="tailpipe-co2").values.squeeze()) == pytest.approx(mj * co2, rel=1e-9)
    got0 = float(e0["emissions"].sel(stage="tailpipe-non-co2").values.squeeze())
    assert got0 == pytest.approx(mj * (ch4 * 29.8 + n2o * 273.0), rel=1e-9)


def test_electrolytic_hydrogen_draws_grid_electricity_per_mj(registry):
    """FCEV on grid hydrogen at a fixed 500 g/kWh: (55 kWh/kg / (1 - 2 %) + 4 kWh/kg) / 120 MJ/kg per MJ."""
    year = 2024
    ds = lifecycle("car-suv", "fcev", "h2-electrolysis", year, "jamali", registry=registry, grid_intensity=500.0)
    mj = vp(registry, "car-suv", "fcev", "fuel_use")
    h2 = registry.table("hydrogen-supply")
    kwh_per_kg = (h2.get("kWh/kg", parameter="electrolysis_electricity") / (1 - h2.get("1", parameter="supply_chain_loss"))
                  + h2.get("kWh/kg", parameter="compression_electricity"))
    lhv = registry.table("fuel-properties").get("MJ/kg", fuel="hydrogen", property="lhv_mass")
    got = float(ds["emissions"].sel(stage="electricity-supply").values.squeeze())
    assert got == pytest.approx(mj * kwh_per_kg / lhv * 500.0, rel=1e-9)
    for s in ("tailpipe-co2", "tailpipe-non-co2", "fuel-supply"):
        assert float(ds["emissions"].sel(stage=s).values.squeeze()) == 0


def test_tco_battery_replacement_is_discounted_to_mid_life(registry):
    rate = 0.08
    df = tco("car-lmpv", 2025, registry=registry, powertrains=["bev"], discount_rate=rate).iloc[0]
    ds = lifecycle("car-lmpv", "bev", years=2025, regions="national", registry=registry)
    repl = float(ds["battery_replacements"].values.squeeze())
    assert repl > 0
    life = float(ds["lifetime_years"].values.squeeze())
    cost = registry.table("tco-parameters").get("IDR/kWh", parameter="battery_cost", **{"class": "all"})
    want = repl * vp(registry, "car-lmpv", "bev", "battery_capacity") * cost / (1 + rate) ** (life / 2)
    assert df["battery_rp"] == pytest.approx(want, rel=1e-9)


# --------------------------------------------------------------------------------------------------
# levers act from the year they name
# --------------------------------------------------------------------------------------------------


def test_blend_lever_steps_in_the_year_it_names(registry, tmp_path):
    p = tmp_path / "b.yaml"
    p.write_text("name: b\nextends: bau\nlevers:\n  biodiesel_blend: {2030: 50}\n  ethanol_blend: {2028: 10}\n")
    fe = run(p, registry=registry)["final_energy"]
    props = registry.table("fuel-properties")
    lhv = lambda f: props.get("MJ/L", fuel=f, property="lhv_volume")
    e = lambda v, b, f: v * lhv(b) / (v * lhv(b) + (1 - v) * lhv(f))       # energy share of a volume share
    fame = (fe.sel(carrier="biodiesel") / (fe.sel(carrier="biodiesel") + fe.sel(carrier="diesel")))
    assert float(fame.sel(year=2029)) == pytest.approx(e(0.40, "fame-palm", "diesel"), rel=1e-9)   # B40 in force
    assert float(fame.sel(year=2030)) == pytest.approx(e(0.50, "fame-palm", "diesel"), rel=1e-9)
    eth = fe.sel(carrier="ethanol") / (fe.sel(carrier="ethanol") + fe.sel(carrier="gasoline"))
    assert float(eth.sel(year=2027)) == 0
    assert float(eth.sel(year=2028)) == pytest.approx(e(0.10, "ethanol", "gasoline"), rel=1e-9)
