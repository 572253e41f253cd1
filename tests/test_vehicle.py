"""Vehicle life-cycle engine: identities, properties, options and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings, strategies as st

from jalur.catalog import STAGES, catalog
from jalur.errors import InputError
from jalur.physics.blends import annual_mandate, energy_share
from jalur.physics.series import SERIES, use_matrix
from jalur.physics.vehicles import REFERENCE_YEAR
from jalur.vehicle import lifecycle, to_records


@pytest.fixture(scope="module")
def full(registry):
    return lifecycle(registry=registry, years=[2020, 2030, 2045], regions=["jamali", "sumatera"])


def stage(ds, **sel):
    return float(ds["emissions"].sel(**sel).values.squeeze())


def test_stages_sum_to_total(full):
    e = full["emissions"]
    np.testing.assert_allclose(e.sel(stage=list(STAGES)).sum("stage"), e.sel(stage="total"), rtol=1e-12)


def test_no_negative_or_nan(full):
    assert np.isfinite(full["emissions"].values).all()
    assert (full["emissions"].values >= 0).all()


def test_motorcycles_are_first_class(full):
    segs = set(full["segment"].values)
    assert {"mc-scooter", "mc-sport"} <= segs
    assert "bev" in set(full.sel(segment="mc-scooter")["powertrain"].values)


def test_zero_grid_leaves_bev_with_production_and_maintenance(registry):
    ds = lifecycle("car-lmpv", "bev", years=2030, regions="jamali", registry=registry, grid_intensity=0.0)
    e = ds["emissions"].sel(year=2030, region="jamali").squeeze()
    for s in ("fuel-supply", "electricity-supply", "tailpipe-co2", "tailpipe-non-co2", "land-use-change"):
        assert float(e.sel(stage=s)) == 0.0
    fixed = sum(float(e.sel(stage=s)) for s in ("vehicle", "battery", "maintenance", "end-of-life"))
    assert float(e.sel(stage="total")) == pytest.approx(fixed)
    assert fixed > 0


@settings(max_examples=25, deadline=None)
@given(x=st.floats(min_value=0, max_value=1500))
def test_bev_energy_supply_is_grid_times_plug_energy(registry, x):
    ds = lifecycle("mc-scooter", "bev", years=REFERENCE_YEAR, regions="jamali", registry=registry, grid_intensity=x)
    kwh = registry.table("vehicle-parameters").get(segment="mc-scooter", powertrain="bev", parameter="electricity_use")
    assert stage(ds, stage="electricity-supply") == pytest.approx(kwh * x, rel=1e-9, abs=1e-12)


def test_e0_equals_plain_gasoline_whatever_the_ethanol_pathway(registry):
    base = lifecycle("car-lmpv", "ice-gasoline", "e0", 2030, "jamali", registry=registry)
    for fs in ("sugarcane", "cassava"):
        other = lifecycle("car-lmpv", "ice-gasoline", "e0", 2030, "jamali", registry=registry,
                          ethanol_feedstock=fs, luc="indirect")
        np.testing.assert_allclose(other["emissions"].values, base["emissions"].values)
    # and the tailpipe is fuel use x fossil combustion CO2 plus CH4 and N2O
    mj = registry.table("vehicle-parameters").get(segment="car-lmpv", powertrain="ice-gasoline", parameter="fuel_use")
    imp = registry.table("vehicle-parameters").get("1/year", segment="car-lmpv", powertrain="ice-gasoline",
                                                   parameter="energy_improvement")
    co2 = registry.table("fuel-properties").get("g CO2/MJ", fuel="gasoline", property="combustion_co2")
    tail = stage(base, stage="tailpipe-co2")
    assert tail == pytest.approx(mj * (1 - imp) ** (2030 - REFERENCE_YEAR) * co2, rel=1e-12)
    assert stage(base, stage="tailpipe-non-co2") > 0


def test_ethanol_blends_cut_tailpipe_and_report_biogenic_co2(registry):
    ds = lifecycle("car-lmpv", "ffv", ["e0", "e20", "e100"], 2030, "jamali", registry=registry)
    tail = ds["emissions"].sel(stage="tailpipe-co2", year=2030, region="jamali").values
    bio = ds["biogenic_co2"].sel(year=2030, region="jamali").values
    assert tail[0] > tail[1] > tail[2]
    assert bio[0] == 0 and 0 < bio[1] < bio[2]
    assert tail[2] == 0  # E100: no fossil CO2


def test_doubling_lifetime_km_halves_per_km_production(registry, tmp_path):
    km = float(lifecycle("car-suv", "ice-gasoline", "e0", 2030, "jamali", registry=registry)["lifetime_km"].squeeze())
    ov = tmp_path / "km.yaml"
    ov.write_text(
        "tables:\n  vehicle-parameters:\n"
        f"    - {{segment: car-suv, powertrain: ice-gasoline, parameter: lifetime_km, value: {2 * km}, unit: km, "
        f"low: {km}, high: {4 * km}, source_id: est-ve-usage-lifetime}}\n"
    )
    a = lifecycle("car-suv", "ice-gasoline", "e0", 2030, "jamali", registry=registry)
    b = lifecycle("car-suv", "ice-gasoline", "e0", 2030, "jamali", registry=registry.with_overrides([ov]))
    for s in ("vehicle", "end-of-life"):
        assert stage(b, stage=s) == pytest.approx(stage(a, stage=s) / 2)
    for s in ("fuel-supply", "tailpipe-co2", "tailpipe-non-co2", "maintenance"):
        assert stage(b, stage=s) == pytest.approx(stage(a, stage=s))
    assert float(b["lifetime_km"].squeeze()) == pytest.approx(2 * km)


def test_lifetime_emissions_are_per_km_times_km(full):
    tot = full["emissions"].sel(stage="total")
    np.testing.assert_allclose(full["lifetime_emissions"], tot * full["lifetime_km"] / 1e6, rtol=1e-12)


def test_grid_basis_and_scenarios_matter_for_bev_only(registry):
    kw = dict(segments="car-lmpv", powertrains=["bev", "hev"], fuels=["electricity", "e0"], years=2030,
              regions="jamali", registry=registry)
    cur = lifecycle(**kw)
    jetp = lifecycle(**kw, power_scenario="jetp-cipp")
    coal = lifecycle(**kw, power_scenario="coal-lock")
    reg_year = lifecycle(**kw, grid_basis="registration-year")
    t = lambda ds, p: float(ds["emissions"].sel(powertrain=p, stage="total").values.squeeze())
    assert t(jetp, "bev") < t(cur, "bev") < t(coal, "bev")
    assert t(jetp, "hev") == t(cur, "hev") == t(coal, "hev")
    # a decarbonising grid: averaging over use years gives less than the registration-year grid
    assert t(cur, "bev") < t(reg_year, "bev")


def test_later_registration_years_improve_efficiency(full):
    e = full["emissions"].sel(segment="car-lcgc", powertrain="ice-gasoline", fuel="e0", region="jamali",
                              stage="tailpipe-co2").values.squeeze()
    assert e[0] > e[1] > e[2]


def test_luc_modes_order(registry):
    vals = [stage(lifecycle("truck-heavy", "ice-diesel", "b100", 2030, "jamali", registry=registry, luc=m),
                  stage="total") for m in ("none", "direct", "indirect")]
    assert vals[0] < vals[1] < vals[2]


def test_per_passenger_km_divides_by_occupancy(registry):
    v = lifecycle("bus-city", "bev", years=2030, regions="jamali", registry=registry)
    p = lifecycle("bus-city", "bev", years=2030, regions="jamali", registry=registry, per="pkm")
    occ = registry.table("vehicle-parameters").get(segment="bus-city", powertrain="bev", parameter="load_factor")
    assert stage(p, stage="total") == pytest.approx(stage(v, stage="total") / occ)
    assert p.attrs["units"] == "g CO2e/passenger-km"
    with pytest.raises(InputError, match=r"per=tkm applies to truck only \(tonne-km\)"):
        lifecycle("bus-city", "bev", years=2030, regions="jamali", registry=registry, per="tkm")


def test_battery_origin_id_costs_more_for_nmc(registry):
    kw = dict(segments="car-suv", powertrains="bev", years=2030, regions="jamali", registry=registry,
              battery_chemistry="nmc811")
    assert stage(lifecycle(**kw, battery_origin="id"), stage="battery") > stage(lifecycle(**kw), stage="battery")


def test_records_have_documented_keys(registry):
    ds = lifecycle("mc-scooter", "bev", years=2030, regions="jamali", registry=registry, samples=20, seed=1)
    df = to_records(ds)
    assert list(df.columns) == ["segment", "powertrain", "fuel", "year", "region", "stage", "value", "unit",
                                "p5", "p50", "p95"]
    assert set(df["stage"]) == set(STAGES) - {"infrastructure-road", "infrastructure-charging"} | {"total"}
    assert (df["unit"] == "g CO2e/km").all()
    on = to_records(lifecycle("mc-scooter", "bev", years=2030, regions="jamali", registry=registry, infrastructure=True))
    assert set(on["stage"]) == set(STAGES) | {"total"}


# --------------------------------------------------------------------------------------------------
# uncertainty
# --------------------------------------------------------------------------------------------------


def test_same_seed_same_numbers_other_seed_other_numbers(registry):
    kw = dict(segments="car-lmpv", years=[2030], regions=["jamali"], registry=registry, samples=200)
    a, b, c = lifecycle(**kw, seed=7), lifecycle(**kw, seed=7), lifecycle(**kw, seed=8)
    np.testing.assert_array_equal(a["emissions"].values, b["emissions"].values)
    assert not np.array_equal(a["p95"].values, c["p95"].values)
    assert a.attrs["seed"] == 7 and a.attrs["samples"] == 200


def test_percentiles_are_ordered_and_bracket_central(registry):
    ds = lifecycle("car-lmpv", ["bev", "ice-gasoline"], None, [2030], ["jamali"], registry=registry,
                   samples=400, seed=3)
    det = lifecycle("car-lmpv", ["bev", "ice-gasoline"], None, [2030], ["jamali"], registry=registry)
    assert (ds["p5"] <= ds["p50"]).all() and (ds["p50"] <= ds["p95"]).all()
    tot = lambda v: ds[v].sel(stage="total").values
    central = det["emissions"].sel(stage="total").values
    assert (tot("p5") < central).all() and (central < tot("p95")).all()
    # background factors are sampled too: the grid makes the BEV energy stage uncertain
    bev_energy = (ds["p95"].sel(powertrain="bev", stage="electricity-supply")
                  - ds["p5"].sel(powertrain="bev", stage="electricity-supply"))
    assert float(bev_energy.max()) > 5


def test_keep_samples_shape(registry):
    ds = lifecycle("mc-scooter", "bev", years=2030, regions="jamali", registry=registry, samples=10, seed=0,
                   keep_samples=True)
    assert ds["samples"].shape == (10, 1, 1, 1, len(STAGES) + 1)
    np.testing.assert_allclose(ds["samples"].mean("sample"), ds["emissions"])


# --------------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw,message", [
    (dict(segments="car-xl"), "unknown segment 'car-xl'; segments: mc-scooter"),
    (dict(segments="mc-scooter", powertrains="fcev"), "valid powertrains: ice-gasoline"),
    (dict(segments="car-lmpv", powertrains="bev", fuels="e10"), "valid fuels: electricity"),
    (dict(segments="car-lmpv", years=2070), "outside 2015..2060"),
    (dict(segments="car-lmpv", regions="java"), "unknown region 'java'; regions: national"),
    (dict(segments="car-lmpv", luc="maybe"), "luc='maybe' is not allowed; allowed: none, direct, indirect"),
    (dict(segments="car-lmpv", power_scenario="green"), "allowed: coal-lock, current-policies, jetp-cipp"),
    (dict(segments="car-lmpv", samples=-1), "samples must be a whole number from 0 to 100,000, got -1"),
])
def test_bad_input_lists_allowed_values(registry, kw, message):
    with pytest.raises(InputError) as info:
        lifecycle(registry=registry, **kw)
    assert message in str(info.value)


def test_every_powertrain_of_the_data_has_a_valid_default_fuel(registry):
    cat = catalog(registry)
    for p in registry.table("powertrains").frame["powertrain"]:
        f = cat.resolve_fuel(p, cat.default_fuel(p))
        assert f.id in cat.valid_fuels(p)
        uses_electricity = registry.table("powertrains").where(powertrain=p).frame["uses_electricity"].iloc[0] == "yes"
        uses_fuel = registry.table("powertrains").where(powertrain=p).frame["uses_fuel"].iloc[0] == "yes"
        assert (f.carrier == "electricity") == (uses_electricity and not uses_fuel), p


def test_blend_walls_follow_the_powertrain_table(registry):
    cat = catalog(registry)
    assert cat.valid_fuels("ice-gasoline") == ("mandate", "e0", "e5", "e10")
    assert cat.valid_fuels("ffv") == ("mandate", "e0", "e5", "e10", "e20", "e85", "e100")
    assert cat.valid_fuels("ice-diesel") == ("mandate", "b0", "b35", "b40", "b50", "b100", "hvo")
    assert cat.valid_fuels("fcev") == ("h2-smr", "h2-electrolysis")


# --------------------------------------------------------------------------------------------------
# helper functions
# --------------------------------------------------------------------------------------------------


def test_annual_mandate_time_weighted_b35_2023():
    ev = pd.DataFrame({"effective_date": ["2020-01-01", "2023-02-01"], "share": [0.30, 0.35],
                       "status": ["superseded", "in-force"]})
    got = annual_mandate(ev, np.array([2022, 2023, 2024]))
    assert got[0] == pytest.approx(0.30)
    assert got[1] == pytest.approx(0.30 * 31 / 365 + 0.35 * 334 / 365)
    assert got[2] == pytest.approx(0.35)


def test_energy_share_limits():
    assert energy_share(0.0, 21, 32) == 0
    assert energy_share(1.0, 21, 32) == 1
    assert energy_share(0.2, 21, 32) == pytest.approx(0.2 * 21 / (0.2 * 21 + 0.8 * 32))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.integers(2015, 2060), st.floats(0, 1000))
def test_use_matrix_averages_are_weighted_means(raw, year, const):
    w = np.array(raw) + 1e-3
    w = w / w.sum()
    W = use_matrix(np.array([year]), w)
    assert float(W.sum()) == pytest.approx(1.0)
    series = xr.DataArray(np.full(len(SERIES), const), dims="calendar")
    assert (W * series).sum("calendar").item() == pytest.approx(const)
    ramp = xr.DataArray(SERIES.astype(float), dims="calendar")
    assert (W * ramp).sum("calendar").item() == pytest.approx(year + float((np.arange(len(w)) * w).sum()))


def test_triangular_quantiles_by_hand():
    from jalur.uncertainty import triangular_ppf

    # low 0, mode 1, high 3: the mode sits at the 1/3 quantile; F(x) = x^2/3 left of it, 1 - (3-x)^2/6 right
    assert float(triangular_ppf(1 / 3, 0.0, 1.0, 3.0)) == pytest.approx(1.0)
    assert float(triangular_ppf(0.1, 0.0, 1.0, 3.0)) == pytest.approx((0.1 * 3) ** 0.5)
    assert float(triangular_ppf(0.9, 0.0, 1.0, 3.0)) == pytest.approx(3 - (0.1 * 6) ** 0.5)
    u = (np.arange(100_000) + 0.5) / 100_000
    assert float(triangular_ppf(u, 2.0, 3.0, 7.0).mean()) == pytest.approx((2 + 3 + 7) / 3, rel=1e-4)
