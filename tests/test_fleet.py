"""Fleet model: survival and ownership functions, fits, conservation, and consistency with the vehicle engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jalur.catalog import catalog
from jalur.errors import InputError
from jalur.fleet.ownership import fit_gompertz, gompertz
from jalur.fleet.cohorts import cohort_factors
from jalur.fleet.survival import fit_survival, logistic_survival, simulate_stock, weibull_survival
from jalur.pathways.context import HIST_END, VINTAGES, YEARS, context
from jalur.pathways.model import run


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 6.0), st.floats(5.0, 40.0))
def test_weibull_is_a_survival_curve(shape, scale):
    s = weibull_survival(np.arange(80), shape, scale)
    assert s[0] == 1.0 and np.all(np.diff(s) <= 0) and np.all(s >= 0)


@settings(max_examples=40, deadline=None)
@given(st.floats(3.0, 30.0), st.floats(0.1, 1.5))
def test_logistic_is_a_survival_curve(mid, k):
    s = logistic_survival(np.arange(80), mid, k)
    assert s[0] == pytest.approx(1.0) and np.all(np.diff(s) <= 1e-12)


def test_survival_fit_recovers_known_curve():
    years = np.arange(2010, 2025)
    sales = 1e6 * 1.04 ** np.arange(15)
    true = weibull_survival(np.arange(80), 3.2, 17.0)
    stock = simulate_stock(sales, 12e6, true, 0.05)
    fit = fit_survival(years, sales, stock, bounds=((1.5, 6.0), (8.0, 40.0)))
    assert fit.rmse_pct < 0.5
    assert fit.params[1] == pytest.approx(17.0, rel=0.1)


def test_gompertz_fit_recovers_parameters():
    income = np.linspace(40, 80, 15)
    own = gompertz(income, 0.5, 4.0, 0.03)
    fit = fit_gompertz(income, own, 0.5)
    assert fit.alpha == pytest.approx(4.0, rel=1e-6) and fit.beta == pytest.approx(0.03, rel=1e-6)
    with pytest.raises(ValueError, match="does not rise"):
        fit_gompertz(income, own[::-1], 0.5)


def test_cohort_factors_start_at_one_and_never_grow():
    F = cohort_factors(weibull_survival(np.arange(80), 3, 15), YEARS, VINTAGES)
    for t, y in enumerate(YEARS):
        v = int(np.searchsorted(VINTAGES, y))
        assert F[v, t] == pytest.approx(1.0)
    sold = F[:, :-1] > 0  # from the year of sale (or 2010) on
    assert np.all(np.diff(F, axis=1)[sold] <= 1e-12)


# --------------------------------------------------------------------------------------------------
# a full run
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mp(registry):
    return run("multiple-pathways", registry=registry)


def test_stock_and_sales_never_negative(mp):
    assert (mp["stock_vintage"].values >= -1e-9).all() and (mp["sales"].values >= 0).all()


def test_stock_is_survivors_plus_sales(mp):
    sv = mp["stock_vintage"].values
    for t, y in enumerate(YEARS[1:], start=1):
        v = int(np.searchsorted(VINTAGES, y))
        np.testing.assert_allclose(sv[:, v, t], mp["sales"].values[:, t], rtol=1e-12)
        survivors = sv[:, :v, t].sum(axis=1)
        np.testing.assert_allclose(mp["stock"].values[:, t], survivors + mp["sales"].values[:, t], rtol=1e-12)
        assert (survivors <= sv[:, :v, t - 1].sum(axis=1) + 1e-6).all()  # nobody comes back


def test_history_sales_equal_the_data(mp, registry):
    ctx = context(registry)
    for k in ctx.classes:
        modelled = mp["class_sales"].sel(vclass=k).sel(year=slice(2011, HIST_END)).values
        np.testing.assert_allclose(modelled, ctx.history[k].sales[1:], rtol=1e-9)


def test_energy_and_emissions_sum_over_dimensions(mp):
    fe = mp["final_energy"]
    liquid = fe.sel(carrier=["gasoline", "ethanol", "diesel", "biodiesel", "hvo", "cng", "hydrogen"]).sum("carrier")
    np.testing.assert_allclose(liquid, mp["fuel_use"].sum("case"), rtol=1e-9)
    np.testing.assert_allclose(fe.sel(carrier="electricity") / 3.6, mp["electricity_use"].sum("case"), rtol=1e-9)
    e = mp["emissions_case"]
    np.testing.assert_allclose(e.sum(["case", "stage"]), mp["lca_ghg"], rtol=1e-9)
    np.testing.assert_allclose(e.sel(stage="tailpipe-co2").sum("case"), mp["tailpipe_co2"], rtol=1e-9)
    np.testing.assert_allclose(mp["stock_region"].sum("region"), mp["stock"].groupby("class").sum("case")
                               .sel({"class": list(mp["vclass"].values)}).values, rtol=1e-9)


def test_blends_follow_the_scenario(mp):
    fe = mp["final_energy"]
    bio = (fe.sel(carrier="biodiesel") / (fe.sel(carrier="biodiesel") + fe.sel(carrier="diesel"))).sel(year=2031)
    # B50 by volume is about 48 % by energy (FAME 33 MJ/L, diesel 36 MJ/L)
    assert float(bio) == pytest.approx(0.5 * 33 / (0.5 * 33 + 0.5 * 36), rel=0.01)


def test_electrification_meets_the_2030_targets(registry):
    ds = run("electrification", registry=registry)
    cat = catalog(registry)
    electric = np.array([cat.powertrain(str(p)).battery_only for p in ds["powertrain"].values])  # plug-in and swap
    bev = ds["stock"].sel(year=2030).values[electric]
    cls = ds["class"].values[electric]
    assert bev[cls == "motorcycle"].sum() == pytest.approx(13e6, rel=0.05)   # ESDM: 13 million e-motorcycles
    assert bev[cls == "car"].sum() == pytest.approx(2e6, rel=0.05)           # ESDM: 2 million electric cars
    # ICE sales end in 2040
    s = ds["sales"].sel(year=2041)
    ice = np.isin(ds["powertrain"].values, ["ice-gasoline", "ice-diesel"]) & np.isin(ds["class"].values, ["motorcycle", "car"])
    assert float(s.values[ice].sum()) == 0.0


def test_nze_2060_nearly_removes_tailpipe_co2(registry):
    ds = run("nze-2060", registry=registry)
    t = ds["tailpipe_co2"]
    assert float(t.sel(year=2060)) < 0.02 * float(t.sel(year=2024))


def test_exogenous_sales_bad_input(registry):
    with pytest.raises(InputError, match="initial_stock 'some' not allowed"):
        run("bau", registry=registry, initial_stock="some")


def test_logit_choice_reproduces_base_year_and_shifts_with_cost(registry, tmp_path):
    from jalur.pathways.choice import choice_costs, costed_powertrains
    from jalur.pathways.mix import powertrain_shares
    from jalur.pathways.scenario import load_scenario

    p = tmp_path / "logit.yaml"
    p.write_text("name: logit\nextends: bau\nlevers:\n  sales_shares:\n"
                 "    car: {method: logit, logit_scale: 2.0, logit_from: 2027, residual: ice-gasoline}\n")
    ctx = context(registry)
    pts, sh = powertrain_shares(ctx, load_scenario(p), "car")
    assert np.allclose(sh.sum(axis=1), 1.0) and (sh >= 0).all()
    y = list(YEARS)
    np.testing.assert_allclose(sh[y.index(2026)], sh[y.index(2025)])          # before logit_from: base shares
    # a powertrain not sold in 2025 and given no entry sells nothing; those sold outside the representative
    # segment (diesel, PHEV: SUVs) are costed there and move with their costs
    assert sh[y.index(2030), pts.index("fcev")] == 0 == sh[y.index(2025), pts.index("fcev")]
    assert {"ice-diesel", "phev"} <= set(costed_powertrains(registry, "car"))
    assert sh[y.index(2030), pts.index("ice-diesel")] != pytest.approx(sh[y.index(2025), pts.index("ice-diesel")])
    # the powertrain whose cost rises most relative to the cheapest loses share
    costs = choice_costs(registry, "car")
    j = pts.index("bev")
    rel_change = costs[1, j] / np.nanmin(costs[1]) - costs[0, j] / np.nanmin(costs[0])
    moved = sh[y.index(2030), j] - sh[y.index(2025), j]
    assert np.sign(moved) == -np.sign(rel_change) or abs(rel_change) < 1e-9
    ds = run(p, registry=registry)
    assert (ds["sales"].values >= 0).all()


def test_batch_runs_vary_and_validate(registry):
    from jalur.pathways.batch import run_batch
    from jalur.pathways.scenario import ScenarioError

    df = run_batch("bau", [{}, {"biodiesel_blend": {2030: 50}}], registry=registry)
    t = df[df["variable"] == "Supply|Crude Palm Oil"].set_index("run")
    assert t.loc[1, 2035] > t.loc[0, 2035]
    base = run("bau", registry=registry, compact=True)
    np.testing.assert_allclose(df[(df["run"] == 0) & (df["variable"] == "Emissions|CO2|Road|Tailpipe")].iloc[0, 3:]
                               .to_numpy(float), base["Emissions|CO2|Road|Tailpipe"])
    with pytest.raises(ScenarioError, match="variation run-0"):
        run_batch("bau", [{"luc": "sometimes"}], registry=registry)


@pytest.mark.parametrize("spec", [
    "{model: logistic, midpoint: 12, steepness: 0.4}",
    "{model: weibull, shape: 2.0, scale: 10}",
    "{model: life-table, table: [1, 0.98, 0.95, 0.9, 0.8, 0.6, 0.4, 0.2, 0.1, 0.0]}",
])
def test_survival_model_is_selectable(registry, tmp_path, spec):
    p = tmp_path / "s.yaml"
    p.write_text(f"name: s\nextends: bau\nlevers:\n  survival:\n    motorcycle: {spec}\n")
    ds = run(p, registry=registry)
    base = run("bau", registry=registry)
    mc = ds["class"].values == "motorcycle"
    # shorter lives than the data's Weibull (scale 15 years): fewer motorcycles in use
    assert ds["stock"].values[mc].sum(axis=0)[-1] < base["stock"].values[mc].sum(axis=0)[-1]
    sv = ds["stock_vintage"].values[mc]
    assert (sv >= -1e-9).all()


def test_bad_survival_spec(tmp_path):
    from jalur.pathways.scenario import ScenarioError, load_scenario

    p = tmp_path / "s.yaml"
    p.write_text("name: s\nlevers:\n  survival:\n    car: {model: weibull, shape: 2}\n")
    with pytest.raises(ScenarioError, match="needs scale"):
        load_scenario(p)
    p.write_text("name: s\nlevers:\n  survival:\n    car: {model: life-table, table: [1, 0.5, 0.7]}\n")
    with pytest.raises(ScenarioError, match="never rises"):
        load_scenario(p)


def test_choice_model_tax_settings_reach_the_costs(registry):
    from jalur.pathways.choice import choice_costs

    ctx = context(registry)
    pts = ctx.powertrains("car")
    base = choice_costs(registry, "car")
    s2 = choice_costs(registry, "car", 0.08, "retail", "2026-01-01")
    h = pts.index("hev")
    assert s2[1, h] > base[1, h]            # second-stage PPnBM raises hybrid costs from 2026 (2030 shown)
    assert s2[0, h] == pytest.approx(base[0, h])   # 2025: not yet in force


def test_vehicles_older_than_the_start_survive_relative_to_their_age_in_2010(mp, registry):
    """A vintage sold before 2010 enters with the 2010 fleet; afterwards it survives S(age) / S(age in 2010)."""
    fp = registry.table("fleet-parameters")
    k = fp.get("1", parameter="weibull_shape", **{"class": "car"})
    lam = fp.get("year", parameter="weibull_scale", **{"class": "car"})
    s = lambda a: np.exp(-((a / lam) ** k))
    cars = mp["stock_vintage"].sel(vintage=2000).isel(case=np.flatnonzero(mp["class"].values == "car")).sum("case")
    assert float(cars.sel(year=2010)) > 0
    for y in (2011, 2015, 2030):
        assert float(cars.sel(year=y) / cars.sel(year=2010)) == pytest.approx(s(y - 2000) / s(10), rel=1e-9)


def test_the_fleet_of_2010_is_the_starting_profile(mp, registry):
    """End 2010: registered = initial_registered_stock; in use = that age profile x the in-use share by age."""
    from jalur.pathways.context import start_profile

    ctx = context(registry)
    for k in ctx.classes:
        h = ctx.history[k]
        profile = start_profile(h)
        assert profile.sum() == pytest.approx(h.initial_registered, rel=1e-12)
        in_use = float((profile * h.use.survival / h.use.retention).sum())
        got = float(mp["stock"].isel(case=np.flatnonzero(mp["class"].values == k)).sum("case").sel(year=2010))
        assert got == pytest.approx(in_use, rel=1e-9), k
        assert float(mp["stock_registered"].sel(vclass=k, year=2010)) == pytest.approx(h.initial_registered, rel=1e-9)
        assert got < h.initial_registered


def test_sales_for_stock_hand_worked_partial_adjustment():
    """No scrappage (all factors 1), one old vintage of 100, sales last year 10, adjustment 0.5.

    Year 0 wants 130 - 100 = 30: sales go half-way from 10, to 20. Year 1 wants 130 - 120 = 10: half-way from 20,
    to 15. Year 2 wants 150 - 135 = 15 = last year's sales: they stay at 15 and the stock meets its target.
    """
    from jalur.fleet.sales import sales_for_stock

    target = np.array([130.0, 130.0, 150.0])
    cohorts = np.array([100.0, 0.0, 0.0, 0.0])
    factors = np.ones((4, 3))
    sales, filled = sales_for_stock(target, cohorts, factors, first=1, start=0, previous=10.0, adjustment=0.5)
    np.testing.assert_allclose(sales, [20.0, 15.0, 15.0])
    np.testing.assert_allclose(filled, [100.0, 20.0, 15.0, 15.0])
    assert cohorts[1] == 0.0  # the caller's array is not changed
    assert filled.sum() == pytest.approx(target[-1])
    full, _ = sales_for_stock(target, cohorts, factors, first=1, start=0, previous=10.0, adjustment=1.0)
    np.testing.assert_allclose(full, [30.0, 0.0, 20.0])           # adjustment 1: the target every year
    with pytest.raises(ValueError, match="adjustment"):
        sales_for_stock(target, cohorts, factors, first=1, start=0, previous=10.0, adjustment=0.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=2, max_size=12), st.floats(1.0, 1e5), st.floats(0.05, 1.0))
def test_sales_for_stock_moves_between_last_and_wanted(targets, previous, adjustment):
    from jalur.fleet.sales import sales_for_stock

    target = np.array(targets)
    n = len(target)
    cohorts = np.zeros(n + 1)
    cohorts[0] = 5e5
    factors = np.tril(np.full((n + 1, n), 0.9)) + np.triu(np.ones((n + 1, n)), 0) * 0.1  # some scrappage
    sales, filled = sales_for_stock(target, cohorts, factors, first=1, start=0, previous=previous,
                                    adjustment=adjustment)
    last = np.concatenate([[previous], sales[:-1]])
    survivors = np.array([(filled[: 1 + t] * factors[: 1 + t, t]).sum() for t in range(n)])
    wanted = np.maximum(0.0, target - survivors)
    assert np.all(sales >= 0)
    lo, hi = np.minimum(last, wanted), np.maximum(last, wanted)
    assert np.all(sales >= lo * (1 - 1e-12) - 1e-9) and np.all(sales <= hi * (1 + 1e-12) + 1e-9)
    np.testing.assert_allclose(sales, last + adjustment * (wanted - last), rtol=1e-9, atol=1e-6)


def test_vehicles_in_use_never_exceed_their_registrations(registry, tmp_path):
    """A vehicle in use is registered: a survival lever longer than the registration retention is capped by it."""
    p = tmp_path / "long.yaml"
    p.write_text("name: long\nextends: bau\nlevers:\n  survival:\n    car: {model: weibull, shape: 3, scale: 400}\n")
    ds = run(p, registry=registry)
    cls = ds["class"].values
    for k in ("motorcycle", "car", "bus", "truck"):
        in_use = ds["stock"].values[cls == k].sum(axis=0)
        registered = ds["stock_registered"].sel(vclass=k).values
        assert (in_use <= registered * (1 + 1e-12)).all(), k
    car = ds["stock"].values[cls == "car"].sum(axis=0)
    np.testing.assert_allclose(car[-20:], ds["stock_registered"].sel(vclass="car").values[-20:], rtol=0.02)


def test_logit_with_targets_gives_shares_that_add_up(registry, tmp_path):
    """Targets on top of the logit take their share; the other powertrains share the rest in logit proportions."""
    from jalur.pathways.mix import powertrain_shares
    from jalur.pathways.scenario import load_scenario

    p = tmp_path / "lt.yaml"
    p.write_text("name: lt\nextends: bau\nlevers:\n  sales_shares:\n    car: {method: logit, targets: {bev: {2035: 30}}}\n")
    ctx = context(registry)
    pts, sh = powertrain_shares(ctx, load_scenario(p), "car")
    np.testing.assert_allclose(sh.sum(axis=1), 1.0, rtol=1e-12)
    y = list(YEARS)
    assert sh[y.index(2035), pts.index("bev")] == pytest.approx(0.30)
    _, plain = powertrain_shares(ctx, load_scenario("bau"), "car")
    i, j, h = y.index(2035), pts.index("ice-gasoline"), pts.index("hev")
    assert sh[i, j] / sh[i, h] == pytest.approx(plain[i, j] / plain[i, h], rel=1e-9)
