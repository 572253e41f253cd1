"""The catalogue: names come from the data; a new powertrain is a data change; an unknown name is an error."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from jalur.catalog import STAGES, catalog
from jalur.errors import DataError, InputError
from jalur.pathways.iamc import to_iamc
from jalur.pathways.model import run
from jalur.vehicle import lifecycle

SYNTHETIC = "e-moped-x"


@pytest.fixture(scope="module")
def synthetic(registry, tmp_path_factory):
    """A registry with a new powertrain added by an override file alone: a light e-moped sold as a scooter."""
    p = lambda param, v, u: {"segment": "mc-scooter", "powertrain": SYNTHETIC, "parameter": param, "value": v,
                              "unit": u, "source_id": "synthetic"}
    doc = {
        "sources": [{"id": "synthetic", "citation": "test: a synthetic powertrain added through data alone"}],
        "tables": {
            "powertrains": [{"powertrain": SYNTHETIC, "label_en": "Light e-moped", "label_id": "Moped listrik ringan",
                             "description": "test", "uses_fuel": "no", "uses_electricity": "yes",
                             "carrier": "electricity", "max_blend": 0, "combustion_engine": "no",
                             "electric_drive": "yes", "conventional": "no", "family": "electric",
                             "lcev_tokens": "", "ppnbm_base": "bev", "iamc_label": "Light E-Moped",
                             "source_id": "synthetic"}],
            "vehicle-parameters": [p("curb_mass", 70, "kg"), p("powertrain_mass", 12, "kg"),
                                   p("electricity_use", 0.025, "kWh/km"), p("energy_improvement", 1, "%/year"),
                                   p("battery_capacity", 1.5, "kWh"), p("lifetime_km", 40000, "km"),
                                   p("lifetime_years", 8, "year"), p("annual_km", 5000, "km/year"),
                                   p("load_factor", 1.1, "passenger"), p("price_otr", 12e6, "IDR")],
        },
    }
    path = tmp_path_factory.mktemp("synthetic") / "moped.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return registry.with_overrides([path])


def test_a_powertrain_added_by_data_alone_reaches_the_vehicle_engine(synthetic):
    cat = catalog(synthetic)
    assert cat.powertrain(SYNTHETIC).battery_only and cat.valid_fuels(SYNTHETIC) == ("electricity",)
    ds = lifecycle("mc-scooter", SYNTHETIC, years=2030, regions="jamali", registry=synthetic)
    e = ds["emissions"].sel(year=2030, region="jamali").squeeze()
    assert set(e["stage"].values) == set(STAGES) | {"total"}
    assert float(e.sel(stage="electricity-supply")) > 0 and float(e.sel(stage="tailpipe-co2")) == 0
    bev = lifecycle("mc-scooter", "bev", years=2030, regions="jamali", registry=synthetic)
    # less electricity per km than the data's e-scooter: less from the grid
    assert float(e.sel(stage="electricity-supply")) < float(bev["emissions"].sel(stage="electricity-supply").squeeze())


def test_a_powertrain_added_by_data_alone_reaches_the_fleet_and_the_iamc_table(synthetic, tmp_path):
    sc = tmp_path / "mopeds.yaml"
    sc.write_text(f"name: mopeds\nextends: bau\nlevers:\n  sales_shares:\n    motorcycle:\n"
                  f"      targets: {{{SYNTHETIC}: {{2035: 20}}}}\n")
    ds = run(sc, registry=synthetic)
    iamc = to_iamc(ds)
    nat = iamc[iamc["region"] == "Indonesia"].set_index("variable")
    stock = nat.loc["Stock|Road|In Use|Motorcycle|Light E-Moped"]
    assert stock[2024] == 0 and stock[2040] > 1.0                                  # million vehicles
    sales = nat.loc["Sales|Road|Motorcycle|Light E-Moped"]
    total = nat.loc["Sales|Road|Motorcycle"]
    # a class's target holds for the whole class, though only scooters sell it (the scooter segment grows)
    assert sales[2035] == pytest.approx(0.2 * total[2035], rel=1e-6)
    assert 0.2 > _scooter_share(synthetic) * 0.2
    electricity = ds["electricity_use"].sel(case=f"mc-scooter/{SYNTHETIC}")
    assert float(electricity.sel(year=2040)) > 0


def _scooter_share(reg) -> float:
    t = reg.table("segment-shares").where(**{"class": "motorcycle"})
    shares = dict(zip(t.frame["segment"], t.values("1")))
    return shares["mc-scooter"] / sum(shares.values())


def test_an_unknown_name_is_an_error_that_lists_the_known_ones(registry):
    cat = catalog(registry)
    with pytest.raises(InputError, match="unknown powertrain 'bevv'; powertrains: ice-gasoline"):
        cat.powertrain("bevv")
    with pytest.raises(InputError, match="unknown region 'java'; regions: national, jamali"):
        cat.region("java")
    with pytest.raises(InputError, match="unknown fuel 'e15'; fuels: mandate"):
        cat.resolve_fuel("ice-gasoline", "e15")


def test_a_row_naming_an_unknown_powertrain_is_rejected(registry, tmp_path):
    ov = tmp_path / "bad.yaml"
    ov.write_text("tables:\n  vehicle-parameters:\n    - {segment: mc-scooter, powertrain: hovercraft, parameter: "
                  "curb_mass, value: 90, unit: kg, source_id: est-ve-2w-params}\n")
    with pytest.raises(DataError, match=r"bad.yaml \[vehicle-parameters\]:1: column 'powertrain': 'hovercraft' is not "
                                        r"allowed; allowed: ice-gasoline"):
        registry.with_overrides([ov])


def test_exogenous_sales_with_an_unknown_case_are_an_error(registry):
    import pandas as pd

    from jalur.pathways.context import YEARS

    sales = pd.DataFrame(1.0, index=pd.MultiIndex.from_tuples([("mc-scooter", "fcev")]), columns=list(YEARS))
    with pytest.raises(InputError, match=r"exogenous sales: unknown \(segment, powertrain\)"):
        run("bau", registry=registry, sales=sales, initial_stock="none")


def test_every_stage_has_labels_and_a_colour(registry):
    cat = catalog(registry)
    for s in STAGES:
        info = cat.stage(s)
        assert info.label_en and info.label_id and info.colour.startswith("#") and info.iamc_label


def test_sampled_fleet_keeps_the_sample_dimension(registry):
    ds = run("bau", registry=registry, samples=3, seed=1)
    assert ds["emissions_case"].sizes["sample"] == 3 and "sample" not in ds["stock"].dims
    wtw = ds["wtw_ghg"].sel(year=2030).values
    assert np.ptp(wtw) > 0                                           # the draws differ
    iamc = to_iamc(ds).set_index(["region", "variable"])
    assert iamc.loc[("Indonesia", "Emissions|GHG|Road|Well-to-Wheel"), 2030] == pytest.approx(wtw.mean() / 1e12)
    again = run("bau", registry=registry, samples=3, seed=1)
    np.testing.assert_array_equal(again["wtw_ghg"].values, ds["wtw_ghg"].values)


def test_sampled_fleet_keeps_the_calibrated_km(registry):
    """The fleet's km were fitted to fuel sales: every sample drives the central km; other inputs vary."""
    ds = run("bau", registry=registry, samples=4, seed=3)
    vkm = ds["vkm"].sum("case").sel(year=2020).values
    np.testing.assert_allclose(vkm, vkm[0], rtol=1e-12)
    central = run("bau", registry=registry)
    assert vkm[0] == pytest.approx(float(central["vkm"].sum("case").sel(year=2020)), rel=1e-12)
    fuel = ds["fuel_use"].sum("case").sel(year=2020).values
    assert fuel.std() > 0                                            # energy use per km is still sampled
