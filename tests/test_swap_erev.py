"""Battery-swap motorcycles (``bev-swap``) and range-extender cars (``erev``), added as catalogue rows and data:
the swap network's packs, station overhead and fees, the EREV's PPnBM reading, the fleet's targets and the
logit's entry of a powertrain not yet sold."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jalur.catalog import catalog
from jalur.cli import main
from jalur.errors import InputError
from jalur.fleet.mix import logit_shares
from jalur.pathways.scenario import ScenarioError
from jalur.physics.vehicles import battery_replacements
from jalur.policy.ppnbm import VehicleSpec, assess
from jalur.policy.tco import npv_factors, tco
from jalur.vehicle import lifecycle

pos = st.floats(0.1, 100.0)


def _vp(reg, segment, powertrain, parameter, unit):
    return float(reg.table("vehicle-parameters").where(segment=segment, powertrain=powertrain,
                                                       parameter=parameter).values(unit)[0])


# --- the catalogue ---------------------------------------------------------------------------------------------

def test_catalogue_attributes(registry):
    cat = catalog(registry)
    swap, erev = cat.powertrain("bev-swap"), cat.powertrain("erev")
    assert swap.battery_only and swap.network_battery and not swap.plug_in_hybrid
    assert erev.plug_in_hybrid and erev.electric_drive and not erev.network_battery
    assert not cat.powertrain("bev").network_battery


def test_an_unknown_battery_owner_is_refused(tmp_path):
    from jalur import datasets
    from jalur.datasets.registry import TABLE_DIR

    lines = (TABLE_DIR / "powertrains.csv").read_text(encoding="utf-8").splitlines()
    row = next(x for x in lines if x.startswith("bev-swap,"))
    path = tmp_path / "powertrains.csv"
    path.write_text("table," + lines[0] + "\npowertrains," + row.replace(",network,", ",leased,") + "\n",
                    encoding="utf-8")
    with pytest.raises(Exception, match="battery_owner.*leased.*allowed: vehicle, network"):
        datasets.load([path])


# --- battery packs of a swap network ---------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(cap=pos, kwh=st.floats(0.01, 1.0), km=st.floats(1e4, 5e5), cyc=st.floats(300, 8000), yrs=st.floats(3, 30),
       cal=st.floats(5, 20))
def test_one_pack_per_vehicle_is_the_owned_battery(cap, kwh, km, cyc, yrs, cal):
    """packs=1 gives the owned-battery rule: max(cycles/L, T/L_cal) - 1, clipped at 0."""
    expect = max(max(kwh * km / cap / cyc, yrs / cal) - 1.0, 0.0)
    assert float(battery_replacements(cap, kwh, km, cyc, yrs, cal, 1.0)) == pytest.approx(expect, rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(cap=pos, kwh=st.floats(0.01, 1.0), km=st.floats(1e4, 5e5), cyc=st.floats(300, 8000), yrs=st.floats(3, 30),
       cal=st.floats(5, 20), packs=st.floats(1.0, 3.0))
def test_packs_produced_over_a_life(cap, kwh, km, cyc, yrs, cal, packs):
    """Packs made per vehicle = packs x (1 + replacements): at least the network's stock, at least what the energy
    throughput wears out (independent of the stock), and never fewer with more packs."""
    made = packs * (1 + float(battery_replacements(cap, kwh, km, cyc, yrs, cal, packs)))
    worn = kwh * km / cap / cyc
    assert made >= packs - 1e-9 and made >= worn * (1 - 1e-9) and made >= packs * yrs / cal * (1 - 1e-9)
    assert made == pytest.approx(max(worn, packs, packs * yrs / cal), rel=1e-9)
    more = (packs + 0.5) * (1 + float(battery_replacements(cap, kwh, km, cyc, yrs, cal, packs + 0.5)))
    assert more >= made - 1e-9


def test_swap_scooter_battery_stage_by_hand(registry):
    """Battery stage = pack kWh x packs per vehicle x (kg CO2e/kWh made in 2024 + replacements x kg CO2e/kWh made
    at mid-life) / lifetime km, the packs made = max(cycles / the network's cycle life, packs, packs x T / L_cal)."""
    from jalur.physics.production import battery_per_kwh
    from jalur.physics.sampled import sampled_tables

    ds = lifecycle("mc-scooter", "bev-swap", "electricity", 2024, "national", registry=registry, battery_chemistry="lfp")
    vp = lambda p, u: _vp(registry, "mc-scooter", "bev-swap", p, u)
    cap, packs, cyc = vp("battery_capacity", "kWh"), vp("packs_per_vehicle", "1"), vp("battery_cycle_life", "1")
    assert (cap, packs, cyc) == (1.44, 1.3, 1500)
    life_km, life_yr = float(ds["lifetime_km"].values[0]), float(ds["lifetime_years"].values[0])
    cal = float(registry.table("battery-parameters").where(chemistry="lfp", parameter="calendar_life").values("year")[0])
    made = max(vp("electricity_use", "kWh/km") * life_km / cap / cyc, packs, packs * life_yr / cal)
    pk = lambda y: float(battery_per_kwh(sampled_tables(registry), "lfp", "cn", "global-average", "current-policies",
                                         [y])[0, 0])
    assert pk(2024) == pytest.approx(69.0)                       # the anchor
    expect = cap * packs * (pk(2024) + (made / packs - 1) * pk(2024 + int(round(life_yr / 2)))) * 1000 / life_km
    got = float(ds["emissions"].sel(stage="battery").values.ravel()[0])
    assert got == pytest.approx(expect, rel=1e-6)
    # the network's cycle life, not the chemistry's (LFP 4,000), sets the wear
    assert made > packs


def test_swap_station_overhead_adds_grid_electricity(registry):
    both = lifecycle("mc-scooter", ["bev", "bev-swap"], "electricity", 2024, "national", registry=registry)
    use = dict(zip(both["powertrain"].values, both["electricity_use"].values[:, 0]))
    overhead = _vp(registry, "mc-scooter", "bev-swap", "charging_overhead", "1")
    assert overhead == pytest.approx(0.15)
    assert use["bev-swap"] == pytest.approx(use["bev"] * (1 + overhead))
    stage = both["emissions"].sel(stage="electricity-supply").values.ravel()
    assert stage[1] == pytest.approx(stage[0] * (1 + overhead))


# --- cost of ownership -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scooter_2026(registry):
    return tco("mc-scooter", 2026, registry=registry).set_index("powertrain")


def test_swap_scooter_pays_the_network_not_the_battery(scooter_2026, registry):
    row = scooter_2026.loc["bev-swap"]
    assert row["battery_rp"] == 0
    assert "battery swaps" in row["note"]
    # bought without the battery: cheaper than the plug-in scooter
    assert row["purchase_rp"] < scooter_2026.loc["bev", "purchase_rp"]
    # energy = NPV of the cheaper plan each year, by hand
    par = lambda n, u: float(registry.table("tco-parameters").where(parameter=n, **{"class": "motorcycle"}).values(u)[0])
    from jalur.physics.activity import class_use
    from jalur.policy.tco import km_by_year

    life = float(lifecycle("mc-scooter", "bev-swap", "electricity", 2026, "national", registry=registry)
                 ["lifetime_years"].values[0])
    km = km_by_year(row["lifetime_km"], life, class_use(registry, "motorcycle").decline)
    plan = np.minimum(km / par("km_per_swap", "km") * par("swap_fee", "IDR"), 12 * par("battery_subscription", "IDR/month"))
    assert row["energy_rp"] == pytest.approx(float((plan * npv_factors(life, 0.08)).sum()), rel=1e-9)
    # swapping costs more per km of energy than charging at home
    assert row["energy_rp"] > scooter_2026.loc["bev", "energy_rp"]


def test_swap_scooter_gets_the_e2w_aid_of_2024(registry):
    df = tco("mc-scooter", 2024, registry=registry, powertrains=["bev-swap"]).iloc[0]
    later = tco("mc-scooter", 2025, registry=registry, powertrains=["bev-swap"]).iloc[0]
    assert df["fiscal_purchase_aid_rp"] == pytest.approx(-7_000_000)
    assert later["fiscal_purchase_aid_rp"] == 0
    assert df["pkb_rp"] == 0


def test_erev_is_compared_with_the_other_suvs(registry):
    df = tco("car-suv", 2026, registry=registry).set_index("powertrain")
    assert {"erev", "phev", "bev", "ice-gasoline"} <= set(df.index)
    assert df.loc["erev", "battery_rp"] >= 0 and np.isfinite(df.loc["erev", "total_rp"])
    assert df.loc["erev", "pkb_rp"] > 0        # no PKB relief for hybrids (Permendagri 6/2023 covers battery EVs)


# --- tax -------------------------------------------------------------------------------------------------------

def _erev(date, origin="local"):
    return VehicleSpec("passenger-lt10", "erev", 500_000_000, date, engine_cc=1500, co2=10, ev_range_km=145,
                       origin=origin)


def test_erev_taxed_as_phev_article_flagged_unconfirmed(registry):
    r = assess(_erev(dt.date(2026, 6, 1)), registry=registry)
    assert r.rule == "art-36a-erev" and not r.confirmed
    assert r.ppnbm_effective_pct == pytest.approx(5.0)
    assert "no TKDN minimum" in r.lcev_status
    r25 = assess(_erev(dt.date(2025, 6, 1)), registry=registry)
    assert r25.ppnbm_after_incentives_rp == pytest.approx(0.02 * 500_000_000)   # PMK 12/2025: 3 % borne
    cbu = assess(_erev(dt.date(2026, 6, 1), "cbu"), registry=registry)
    assert cbu.rule == "art-04" and cbu.ppnbm_effective_pct == pytest.approx(15.0)


def test_swap_motorcycle_tax_as_battery_motorcycle(registry):
    spec = lambda p: VehicleSpec("motorcycle", p, 16_000_000, dt.date(2024, 6, 1), tkdn=40)
    a, b = assess(spec("bev"), registry=registry), assess(spec("bev-swap"), registry=registry)
    assert (a.rule, a.ppnbm_rp, a.purchase_aid_rp) == (b.rule, b.ppnbm_rp, b.purchase_aid_rp) == \
        ("not-subject-motorcycle-electric", 0, 7_000_000)


# --- the fleet -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def swap_erev():
    from jalur.pathways.model import run

    return run("swap-erev")


def _share(ds, vclass, powertrain, year):
    sales = ds["sales"].sel(year=year)
    k = ds["class"] == vclass
    return float(sales.where(k & (ds["powertrain"] == powertrain), 0).sum() / sales.where(k, 0).sum())


def test_targets_hold_at_class_level(swap_erev):
    """A powertrain sold in one segment only (erev: SUVs) still takes its target share of the whole class."""
    assert _share(swap_erev, "car", "erev", 2040) == pytest.approx(0.15, abs=1e-6)
    assert _share(swap_erev, "car", "erev", 2030) == pytest.approx(0.10, abs=1e-6)
    assert _share(swap_erev, "motorcycle", "bev-swap", 2040) == pytest.approx(0.40, abs=1e-6)
    assert _share(swap_erev, "motorcycle", "bev", 2030) == pytest.approx(0.35, abs=1e-6)


def test_swap_history_from_the_data(swap_erev, registry):
    rows = registry.table("electrified-sales").where(**{"class": "motorcycle"})
    got = {(p, y) for p, y in zip(rows.frame["powertrain"], rows.frame["year"])}
    assert {("bev-swap", 2023), ("bev-swap", 2025)} <= got
    assert _share(swap_erev, "motorcycle", "bev-swap", 2024) > 0


def test_logit_entry_brings_a_new_powertrain_in(tmp_path):
    from jalur.pathways.model import run

    path = tmp_path / "entry.yaml"
    path.write_text("name: entry\nextends: bau\nlevers:\n  sales_shares:\n    car: {method: logit, entry: {erev: phev}}\n")
    ds = run(str(path))
    assert _share(ds, "car", "erev", 2025) == 0
    assert _share(ds, "car", "erev", 2030) > 0.001
    base = run("bau")
    assert _share(base, "car", "erev", 2030) == 0          # without entry, no sales in 2025 means none later


@pytest.mark.parametrize("body, message", [
    ("car: {method: s-curve, entry: {erev: phev}}", "entry applies to method logit only"),
    ("car: {method: logit, entry: {erev: bev-swap}}", "not sold in class car"),
    ("car: {method: logit, entry: {bev: phev}}", "the first must have no sales in 2025"),
])
def test_logit_entry_errors(tmp_path, body, message):
    from jalur.pathways.model import run

    path = tmp_path / "bad.yaml"
    path.write_text(f"name: bad\nextends: bau\nlevers:\n  sales_shares:\n    {body}\n")
    with pytest.raises((ScenarioError, InputError), match=message):
        run(str(path))


@settings(max_examples=100, deadline=None)
@given(dc=st.floats(-0.5, 0.5))
def test_entry_share_falls_as_its_cost_rises(dc):
    base, c0 = np.array([0.6, 0.4, 0.0]), np.array([1.0, 1.2, np.nan])
    share = lambda d: logit_shares(base, np.array([[1.0, 1.2, 1.2 + d]]), c0, 1.0, {2: 1})[0]
    a, b = share(dc), share(dc + 0.05)
    assert a.sum() == pytest.approx(1.0) and b[2] < a[2]


def test_split_by_segment_keeps_both_margins():
    from jalur.pathways.turnover import split_by_segment

    rng = np.random.default_rng(0)
    sold = np.ones((3, 5), bool)
    sold[0, 4] = sold[1, 3] = False
    pt = rng.dirichlet(np.ones(5), size=4)
    seg = rng.dirichlet(np.ones(3))
    x = split_by_segment(pt, seg, sold)
    np.testing.assert_allclose(x.sum(axis=1), pt, atol=1e-9)
    np.testing.assert_allclose(x.sum(axis=2), np.broadcast_to(seg, (4, 3)), atol=1e-6)
    assert (x[:, ~sold] == 0).all()


# --- the CLI, as a user would try it ---------------------------------------------------------------------------

def test_cli_stages_with_sources(capsys):
    assert main(["vehicle", "mc-scooter", "-p", "bev-swap", "--sources", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "bev-swap / packs_per_vehicle,1.3" in out and "ve-invers-micromobility-batteries" in out
    assert main(["vehicle", "car-suv", "-p", "erev", "--format", "json"]) == 0
    assert '"stage": "battery"' in capsys.readouterr().out


def test_cli_tco_and_scenario(tmp_path, capsys):
    assert main(["tco", "mc-scooter", "--year", "2026"]) == 0
    assert "bev-swap" in capsys.readouterr().out
    assert main(["run", "swap-erev", "--out", str(tmp_path / "r")]) == 0
    iamc = (tmp_path / "r" / "iamc.csv").read_text()
    assert "Sales|Road|Motorcycle|BEV Swap" in iamc and "Stock|Road|In Use|Car|EREV" in iamc


def test_charts_colour_new_powertrains_from_the_catalogue(swap_erev, registry):
    from jalur.pathways.charts import charts

    cat = catalog(registry)
    for lang in ("en", "id"):
        fig = charts(swap_erev, lang)["stock_by_powertrain"]
        colours = {tr.name: tr.line.color for tr in fig.data}
        swap = cat.powertrain("bev-swap").label(lang) if lang == "id" else "BEV Swap"
        assert cat.powertrain("bev-swap").colour == "#006d2c"
        assert "#006d2c" in colours.values() and "#c5b0d5" in colours.values(), (lang, colours, swap)


def test_split_by_segment_keeps_the_powertrain_shares_when_segments_cannot_hold_them():
    """A powertrain sold only in a segment of 40 % of the class with a 60 % target: the target holds, the segment
    grows (the powertrain shares are the lever)."""
    from jalur.pathways.turnover import split_by_segment

    sold = np.array([[False, True], [True, True]])
    x = split_by_segment(np.array([[0.6, 0.4]]), np.array([0.6, 0.4]), sold)
    np.testing.assert_allclose(x.sum(axis=1), [[0.6, 0.4]], atol=1e-9)
    assert x[0, 1].sum() > 0.4 and x[0, 0, 0] == 0
