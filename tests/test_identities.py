"""Identities that must hold whatever the data: rates, unit conversions, sums of parts, life cycle and its parts."""

from __future__ import annotations

import numpy as np
import pytest

from jalur.pathways.iamc import to_iamc
from jalur.pathways.model import run
from jalur.units import conversion_factor


def test_every_ppnbm_rate_is_tariff_times_tax_base(registry):
    """Effective rate = tariff x DPP; DPPs such as 46 2/3 % are stored to 4 decimals (error <= 15 % x 0.00005 %)."""
    t = registry.table("ppnbm-rates").public()
    for r in t.to_dict("records"):
        assert r["value"] == pytest.approx(float(r["tariff_pct"]) * float(r["dpp_pct"]) / 100, abs=1e-5), r["rule"]


def test_every_vat_effective_rate_is_rate_times_tax_base(registry):
    for r in registry.table("vat-rates").public().to_dict("records"):
        assert float(r["effective_rate_pct"]) == pytest.approx(r["value"] * float(r["dpp_fraction"]), abs=0.005)


@pytest.fixture(scope="module")
def nze(registry):
    ds = run("nze-2060", registry=registry)
    return ds, to_iamc(ds)


def nat(iamc):
    return iamc[iamc["region"] == "Indonesia"].set_index("variable")


def years(ds):
    return [int(y) for y in ds["year"].values]


#: IAMC variable -> (the run's array, how to reduce it, the IAMC unit). The unit is pinned here.
SOURCES = {
    "Stock|Road|In Use": ("stock", lambda a: a.sum("case"), "million vehicles"),
    "Stock|Road|Registered": ("stock_registered", lambda a: a.sum("vclass"), "million vehicles"),
    "Sales|Road": ("sales", lambda a: a.sum("case"), "million vehicles/yr"),
    "Energy Service|Road|Vehicle-km": ("vkm", lambda a: a.sum("case"), "billion vkm/yr"),
    "Fuel Volume|Road|Gasoline|Fossil": ("fuel_volume", lambda a: a.sel(liquid="gasoline"), "million kL/yr"),
    "Fuel Volume|Road|Biodiesel": ("fuel_volume", lambda a: a.sel(liquid="biodiesel"), "million kL/yr"),
    "Fuel Volume|Road|HVO": ("fuel_volume", lambda a: a.sel(liquid="hvo"), "million kL/yr"),
    "Final Energy|Road": ("final_energy", lambda a: a.sum("carrier"), "PJ/yr"),
    "Final Energy|Road|Hydrogen": ("final_energy", lambda a: a.sel(carrier="hydrogen"), "PJ/yr"),
    "Electricity|Road": ("electricity_region", lambda a: a.sum("region"), "TWh/yr"),
    "Electricity|Road|Hydrogen Production": ("electricity_h2", lambda a: a, "TWh/yr"),
    "Emissions|CO2|Road|Tailpipe": ("tailpipe_co2", lambda a: a, "Mt CO2/yr"),
    "Emissions|GHG|Road|Well-to-Wheel": ("wtw_ghg", lambda a: a, "Mt CO2e/yr"),
    "Emissions|GHG|Road|Land-Use Change": ("luc_ghg", lambda a: a, "Mt CO2e/yr"),
    "Emissions|GHG|Road|Vehicle Production": ("production_ghg", lambda a: a, "Mt CO2e/yr"),
    "Emissions|GHG|Road|Life Cycle": ("lca_ghg", lambda a: a, "Mt CO2e/yr"),
    "Emissions|CO2|Road|Biogenic (not counted)": ("biogenic_co2", lambda a: a, "Mt CO2/yr"),
    "Supply|Crude Palm Oil": ("cpo", lambda a: a, "Mt/yr"),
    "Supply|Battery": ("battery_demand", lambda a: a.sum("chemistry"), "GWh/yr"),
    "Supply|Nickel": ("metals", lambda a: a.sel(metal="nickel"), "kt/yr"),
    "Land Cover|Biofuel Crops|Oil Palm": ("crop_area", lambda a: a.sel(crop="oil-palm"), "million ha"),
    "Trade|Oil Import Bill Avoided": ("oil_import_avoided", lambda a: a, "billion USD/yr"),
    "Trade|Oil Imports Avoided": ("oil_imports_avoided", lambda a: a.sum("product"), "million kL/yr"),
}


@pytest.mark.parametrize("variable", sorted(SOURCES))
def test_iamc_value_is_source_array_times_unit_factor(nze, variable):
    ds, iamc = nze
    name, reduce, unit = SOURCES[variable]
    row = nat(iamc).loc[variable]
    assert row["unit"] == unit
    arr = reduce(ds[name])
    factor = conversion_factor(ds[name].attrs["units"], unit)
    np.testing.assert_allclose(row[years(ds)].to_numpy(float), np.asarray(arr.values, float) * factor, rtol=1e-12)


def test_children_add_up_to_parents(nze):
    ds, iamc = nze
    n = nat(iamc)
    ys = years(ds)
    v = lambda name: n.loc[name, ys].to_numpy(float)
    classes = [x.split("|")[3] for x in n.index if x.startswith("Stock|Road|In Use|") and x.count("|") == 3]
    assert set(classes) == {"Motorcycle", "Car", "Bus", "Truck"}
    for kind in ("Stock|Road|In Use", "Sales|Road"):
        np.testing.assert_allclose(sum(v(f"{kind}|{c}") for c in classes), v(kind), rtol=1e-12)
        for c in classes:
            kids = [x for x in n.index if x.startswith(f"{kind}|{c}|")]
            assert kids, (kind, c)
            np.testing.assert_allclose(sum(v(k) for k in kids), v(f"{kind}|{c}"), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sum(v(f"Stock|Road|Registered|{c}") for c in classes), v("Stock|Road|Registered"),
                               rtol=1e-12)
    assert (v("Stock|Road|Registered") >= v("Stock|Road|In Use")).all()     # in use is part of the registered
    carriers = [x for x in n.index if x.startswith("Final Energy|Road|")]
    assert len(carriers) == 8
    np.testing.assert_allclose(sum(v(c) for c in carriers), v("Final Energy|Road"), rtol=1e-12)
    chems = [x for x in n.index if x.startswith("Supply|Battery|")]
    np.testing.assert_allclose(sum(v(c) for c in chems), v("Supply|Battery"), rtol=1e-12)
    # grid regions add up to the country
    reg = iamc[iamc["region"] != "Indonesia"]
    for var in ("Stock|Road|In Use", "Electricity|Road"):
        parts = reg[reg["variable"] == var][ys].to_numpy(float)
        assert len(parts) == 6
        np.testing.assert_allclose(parts.sum(axis=0), v(var), rtol=1e-9)
    for r, sub in reg.groupby("region"):
        s = sub.set_index("variable")
        np.testing.assert_allclose(sum(s.loc[f"Stock|Road|In Use|{c}", ys].to_numpy(float) for c in classes),
                                   s.loc["Stock|Road|In Use", ys].to_numpy(float), rtol=1e-12)


def test_fuel_volumes_times_heating_value_are_final_energy(nze, registry):
    ds, iamc = nze
    n = nat(iamc)
    ys = years(ds)
    props = registry.table("fuel-properties")
    for volume, energy, fuel in (("Fuel Volume|Road|Ethanol", "Final Energy|Road|Ethanol", "ethanol"),
                                 ("Fuel Volume|Road|Biodiesel", "Final Energy|Road|Biodiesel", "fame-palm"),
                                 ("Fuel Volume|Road|HVO", "Final Energy|Road|HVO", "hvo"),
                                 ("Fuel Volume|Road|Diesel|Fossil", "Final Energy|Road|Diesel", "diesel"),
                                 ("Fuel Volume|Road|Gasoline|Fossil", "Final Energy|Road|Gasoline", "gasoline")):
        lhv = props.get("MJ/L", fuel=fuel, property="lhv_volume")                    # MJ/L = PJ per million kL
        np.testing.assert_allclose(n.loc[volume, ys].to_numpy(float) * lhv, n.loc[energy, ys].to_numpy(float),
                                   rtol=1e-12)


def test_life_cycle_is_at_least_its_parts(nze):
    ds, iamc = nze
    n = nat(iamc)
    ys = years(ds)
    v = lambda name: n.loc[name, ys].to_numpy(float)
    lc = v("Emissions|GHG|Road|Life Cycle")
    parts = [v("Emissions|GHG|Road|Well-to-Wheel"), v("Emissions|GHG|Road|Land-Use Change"),
             v("Emissions|GHG|Road|Vehicle Production")]
    for p in parts:
        assert (p >= 0).all() and (lc >= p - 1e-12).all()
    assert (lc >= sum(parts) - 1e-9).all()
    assert (v("Emissions|GHG|Road|Well-to-Wheel") >= v("Emissions|CO2|Road|Tailpipe")).all()
    e = ds["emissions_case"]
    np.testing.assert_allclose(e.sum(["case", "stage"]).values, ds["lca_ghg"].values, rtol=1e-12)


def test_share_of_generation_is_road_electricity_over_generation(nze):
    ds, iamc = nze
    n = nat(iamc)
    ys = years(ds)
    share = n.loc["Electricity|Road|Share of Generation", ys].to_numpy(float)
    gen_twh = ds["generation"].sel(grid="national").values
    np.testing.assert_allclose(share, 100 * n.loc["Electricity|Road", ys].to_numpy(float) / gen_twh, rtol=1e-12)
