"""Total cost of ownership, fiscal view and abatement cost."""

from __future__ import annotations

import numpy as np
import pytest

from jalur.errors import InputError
from jalur.policy.tco import npv_factors, price_series, tco

COMPONENTS = ["purchase_rp", "energy_rp", "maintenance_rp", "insurance_rp", "pkb_rp", "battery_rp", "residual_rp"]


@pytest.fixture(scope="module")
def lmpv(registry):
    return tco("car-lmpv", 2025, "jamali", registry=registry).set_index("powertrain")


def test_components_sum_to_total(lmpv):
    np.testing.assert_allclose(lmpv[COMPONENTS].sum(axis=1), lmpv["total_rp"])


def test_undiscounted_cost_per_km_is_total_over_km(registry):
    df = tco("mc-scooter", 2025, registry=registry, discount_rate=0.0)
    np.testing.assert_allclose(df["rp_per_km"], df["total_rp"] / df["lifetime_km"])


def test_discounting_lowers_future_costs(registry):
    a = tco("car-lmpv", 2025, registry=registry, discount_rate=0.0, powertrains=["ice-gasoline"])
    b = tco("car-lmpv", 2025, registry=registry, discount_rate=0.1, powertrains=["ice-gasoline"])
    assert b["energy_rp"].iloc[0] < a["energy_rp"].iloc[0]
    assert b["purchase_rp"].iloc[0] == pytest.approx(a["purchase_rp"].iloc[0])


def test_bev_pays_no_pkb_and_draws_no_fuel_compensation(lmpv):
    assert lmpv.loc["bev", "pkb_rp"] == 0
    assert lmpv.loc["bev", "fiscal_fuel_compensation_rp"] == 0
    assert lmpv.loc["ice-gasoline", "fiscal_fuel_compensation_rp"] < 0  # Pertalite is compensated


def test_market_prices_remove_the_subsidy_and_cost_more(registry):
    r = tco("car-lmpv", 2025, registry=registry, powertrains=["ice-gasoline"])
    m = tco("car-lmpv", 2025, registry=registry, powertrains=["ice-gasoline"], price_basis="market")
    assert m["fiscal_fuel_compensation_rp"].iloc[0] == 0
    assert m["energy_rp"].iloc[0] > r["energy_rp"].iloc[0]


def test_abatement_cost_definition(lmpv):
    ref = lmpv.loc["ice-gasoline"]
    assert np.isnan(ref["abatement_rp_per_t"])
    bev = lmpv.loc["bev"]
    expected = (bev["total_rp"] - ref["total_rp"]) / (ref["lifetime_t_co2e"] - bev["lifetime_t_co2e"])
    assert bev["abatement_rp_per_t"] == pytest.approx(expected)


def test_energy_cost_is_linear_in_fuel_price(registry, tmp_path):
    base = tco("car-lmpv", 2025, registry=registry, powertrains=["ice-gasoline"], discount_rate=0.0)
    ov = tmp_path / "price.yaml"
    rows = "".join(f"    - {{carrier: pertalite, year: {y}, basis: retail, value: 20000, unit: IDR/L, source_id: test-price}}\n"
                   for y in (2022, 2023, 2024, 2025))
    ov.write_text("sources:\n  - {id: test-price, citation: 'test: doubled price'}\ntables:\n  energy-prices:\n" + rows)
    dbl = tco("car-lmpv", 2025, registry=registry.with_overrides([ov]), powertrains=["ice-gasoline"], discount_rate=0.0)
    assert dbl["energy_rp"].iloc[0] == pytest.approx(2 * base["energy_rp"].iloc[0])


def test_lcgc_segment_taxed_as_kbh2(registry):
    df = tco("car-lcgc", 2025, registry=registry).set_index("powertrain")
    assert df.loc["ice-gasoline", "ppnbm_pct"] == 3


def test_purchase_aid_lowers_2024_e_scooter_price(registry):
    a = tco("mc-scooter", 2024, registry=registry, powertrains=["bev"])
    b = tco("mc-scooter", 2026, registry=registry, powertrains=["bev"])
    assert b["purchase_rp"].iloc[0] - a["purchase_rp"].iloc[0] == pytest.approx(7_000_000, rel=0.01)
    assert a["fiscal_purchase_aid_rp"].iloc[0] == -7_000_000


def test_hydrogen_has_no_price(registry):
    df = tco("car-suv", 2025, registry=registry, powertrains=["fcev"])
    assert np.isnan(df["total_rp"].iloc[0]) and "hydrogen" in df["note"].iloc[0]


def test_npv_and_price_helpers(registry):
    assert npv_factors(3, 0.0).sum() == pytest.approx(3)
    assert npv_factors(2.5, 0.0).sum() == pytest.approx(2.5)
    p = price_series(registry, "pertalite", np.array([2020, 2023, 2040]), "retail")
    first, last = price_series(registry, "pertalite", np.array([2022, 2025]), "retail")
    assert p[1] == 10000  # Rp 10,000/L all 2023
    assert p[0] == first and p[2] == last  # held before the first and after the last data year


@pytest.mark.parametrize("kw,message", [
    (dict(price_basis="black"), "allowed: retail, market"),
    (dict(discount_rate=-0.1), "discount_rate must be within 0..1"),
    (dict(year=2021), "outside 2022..2060"),
    (dict(gasoline_product="avtur"), "allowed: pertalite, pertamax"),
])
def test_bad_input(registry, kw, message):
    args = dict(segment="car-lmpv", year=2025)
    args.update(kw)
    with pytest.raises(InputError, match=message):
        tco(registry=registry, **args)
