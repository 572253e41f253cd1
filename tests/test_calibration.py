"""Calibration: the fit reproduces the shipped fleet-parameters rows, the targets hold, and like is compared with
like (road fuel against the road part of national sales; registrations against registrations)."""

from __future__ import annotations

import numpy as np
import pytest

from jalur.pathways.calibration import HOLD_OUT, OUTLIERS, calibration_report, four_wheel_share, observations
from jalur.pathways.context import context
from jalur.pathways.fit import SOURCE, bounds, fit


@pytest.fixture(scope="module")
def report(registry):
    return calibration_report(registry)


@pytest.fixture(scope="module")
def fitted(registry):
    return fit(registry)


def test_fit_reproduces_the_shipped_rows(registry, fitted):
    fp = registry.table("fleet-parameters").frame
    assert len(fitted) == 24
    for (name, k), v in fitted.items():
        row = fp[(fp["parameter"] == name) & (fp["class"] == k)].iloc[0]
        assert SOURCE in row["source_id"], (name, k)
        assert float(row["value"]) == pytest.approx(v, rel=2e-5), (name, k)
        b = bounds(registry, name, k)
        assert b.low <= v <= b.high, (name, k)


def test_registrations_within_5_percent_rms_per_class(report):
    reg = report[(report["quantity"] == "registered-stock") & (report["role"] == "fit")]
    assert set(reg["class"]) == {"motorcycle", "car", "bus", "truck"}
    for k, g in reg.groupby("class"):
        assert len(g) >= 4, k
        assert np.sqrt(np.mean(g["error_pct"] ** 2)) < 5.0, k


def test_road_fuel_within_10_percent_in_fitted_and_hold_out_years(report):
    fuel = report[report["quantity"] == "road-fuel"]
    for (product, role), g in fuel.groupby(["product", "role"]):
        if role == "outlier":
            continue
        for _, r in g.iterrows():
            assert abs(r["error_pct"]) < 10.0, (product, role, r["year"], r["error_pct"])
    assert set(fuel[fuel["role"] == "hold-out"]["year"]) == set(HOLD_OUT)


def test_vehicles_in_use_within_their_range(report):
    r = report[report["quantity"] == "in-use-stock"].iloc[0]
    assert r["low"] <= r["modelled"] <= r["high"]


def test_roles_follow_the_rules(registry):
    obs = observations(registry)
    fuel = obs[obs["quantity"] == "road-fuel"]
    assert set(fuel[fuel["year"].isin(HOLD_OUT)]["role"]) == {"hold-out"}
    assert set(fuel[fuel["year"].isin(OUTLIERS)]["role"]) == {"outlier"}
    pop = registry.table("vehicle-population").frame.set_index(["class", "year"])
    for r in obs[obs["quantity"] == "registered-stock"].itertuples(index=False):
        est = any(s.startswith("est-") for s in pop.loc[(r[1], r.year), "source_id"].split(";"))
        assert r.role == ("estimate" if est else "fit"), (r[1], r.year)


def test_road_fuel_is_the_road_part_of_national_sales(registry):
    """Like with like: gasoline rows are 97 % of national gasoline; diesel rows 81.9 % of subsidised Solar plus
    3.15 million kL of non-subsidised road diesel (est-up-road-fuel)."""
    road = registry.table("road-fuel-use")
    nat = registry.table("fuel-consumption")
    by = lambda t, p: dict(zip(t.where(product=p).frame["year"].astype(int), t.where(product=p).values("kL")))
    g_road, g_nat = by(road, "gasoline"), by(nat, "gasoline")
    assert g_road and all(g_road[y] == pytest.approx(0.97 * g_nat[y], rel=1e-6) for y in g_road)
    d_road, jbt = by(road, "diesel"), by(nat, "diesel-subsidised")
    assert d_road and all(d_road[y] == pytest.approx(0.819 * jbt[y] + 3.15e6, rel=1e-6) for y in d_road)


def test_modelled_fuel_moves_with_km_not_only_with_sales(registry, tmp_path):
    """Activity is data: doubling the first-year km of motorcycles doubles their fuel, whatever the sales."""
    from jalur.pathways.calibration import road_fuel_by_class
    from jalur.pathways.context import context
    from jalur.pathways.model import run

    ov = tmp_path / "km.yaml"
    v = registry.table("fleet-parameters").get("1", parameter="annual_km_scale", **{"class": "motorcycle"})
    ov.write_text("tables:\n  fleet-parameters:\n    - {parameter: annual_km_scale, class: motorcycle, "
                  f"value: {2 * v}, unit: '1', source_id: {SOURCE}}}\n")
    cat = context(registry).cat
    a = road_fuel_by_class(run("bau", registry=registry), cat, ["motorcycle"])[("motorcycle", "gasoline")]
    reg2 = registry.with_overrides([ov])
    b = road_fuel_by_class(run("bau", registry=reg2), cat, ["motorcycle"])[("motorcycle", "gasoline")]
    np.testing.assert_allclose(b[:16], 2 * a[:16], rtol=1e-9)       # history: same stock, twice the km


def test_four_wheel_share_counts_only_classes_of_four_wheels_or_more(registry):
    """Hand-worked: gasoline 6 (motorcycles) + 3 (cars) + 1 (trucks) in year one gives 4/10; the
    bus (six wheels) is all of diesel, and other products do not mix in."""
    cat = context(registry).cat
    by_class = {("motorcycle", "gasoline"): np.array([6.0, 0.0]), ("car", "gasoline"): np.array([3.0, 1.0]),
                ("truck", "gasoline"): np.array([1.0, 0.0]), ("bus", "diesel"): np.array([5.0, 5.0])}
    assert cat.vclass("motorcycle").wheels == 2
    np.testing.assert_allclose(four_wheel_share(by_class, cat, "gasoline"), [0.4, 1.0])
    np.testing.assert_allclose(four_wheel_share(by_class, cat, "diesel"), [1.0, 1.0])
