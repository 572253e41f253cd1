"""IAMC-format tables of a fleet projection (model, scenario, region, variable, unit, one column per year)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from jalur.pathways.model import REGIONS, YEARS

CLASS_LABEL = {"motorcycle": "Motorcycle", "car": "Car", "bus": "Bus", "truck": "Truck"}
PT_LABEL = {"ice-gasoline": "ICE Gasoline", "ice-diesel": "ICE Diesel", "ffv": "Flex Fuel", "mhev": "MHEV",
            "hev": "HEV", "phev": "PHEV", "bev": "BEV", "fcev": "FCEV", "cng": "CNG"}
CARRIER_LABEL = {"gasoline": "Gasoline", "ethanol": "Ethanol", "diesel": "Diesel", "biodiesel": "Biodiesel",
                 "hvo": "HVO", "cng": "Gases", "hydrogen": "Hydrogen", "electricity": "Electricity"}
REGION_LABEL = {"national": "Indonesia", "jamali": "Indonesia|Jawa-Madura-Bali", "sumatera": "Indonesia|Sumatera",
                "kalimantan": "Indonesia|Kalimantan", "sulawesi": "Indonesia|Sulawesi",
                "nusa-tenggara": "Indonesia|Nusa Tenggara", "maluku-papua": "Indonesia|Maluku-Papua"}


def to_iamc(ds: xr.Dataset) -> pd.DataFrame:
    """The IAMC wide table of a :func:`jalur.pathways.model.run` result.

    Units: vehicles in million; fuel volumes in million kL/yr; energy in PJ/yr (electricity also TWh/yr);
    emissions in Mt CO2 or Mt CO2e per year (IPCC AR6 GWP100); crops and metals in Mt or kt per year.
    """
    rows: list[tuple[str, str, str, np.ndarray]] = []
    add = lambda region, var, unit, values: rows.append((region, var, unit, np.asarray(values, dtype=float)))
    cls = ds["class"].values
    pts = ds["powertrain"].values
    stock, sales = ds["stock"].values, ds["sales"].values
    nat = "Indonesia"
    add(nat, "Stock|Road", "million vehicles", stock.sum(axis=0) / 1e6)
    add(nat, "Sales|Road", "million vehicles/yr", sales.sum(axis=0) / 1e6)
    for k, kl in CLASS_LABEL.items():
        m = cls == k
        if not m.any():
            continue
        add(nat, f"Stock|Road|{kl}", "million vehicles", stock[m].sum(axis=0) / 1e6)
        add(nat, f"Sales|Road|{kl}", "million vehicles/yr", sales[m].sum(axis=0) / 1e6)
        for p, pl in PT_LABEL.items():
            mp = m & (pts == p)
            if mp.any():
                add(nat, f"Stock|Road|{kl}|{pl}", "million vehicles", stock[mp].sum(axis=0) / 1e6)
                add(nat, f"Sales|Road|{kl}|{pl}", "million vehicles/yr", sales[mp].sum(axis=0) / 1e6)
        if k in ds["vclass"].values:
            reg = ds["stock_registered"].sel(vclass=k).values.copy()
            reg[YEARS > 2024] = np.nan  # the registered-stock curve is a calibration of history only
            add(nat, f"Stock|Road|{kl}|Registered (BPS basis)", "million vehicles", reg / 1e6)
    vkm = ds["vkm"].values
    add(nat, "Energy Service|Road|Vehicle-km", "billion vkm/yr", vkm.sum(axis=0) / 1e9)
    fe = ds["final_energy"]
    vols = {"Gasoline|Fossil": "gasoline", "Ethanol": "ethanol", "Diesel|Fossil": "diesel", "Biodiesel": "biodiesel",
            "HVO": "hvo"}
    for label, c in vols.items():
        add(nat, f"Fuel Volume|Road|{label}", "million kL/yr", ds["fuel_volume"].sel(liquid=c).values / 1e6)
    add(nat, "Final Energy|Road", "PJ/yr", fe.values.sum(axis=0) / 1e9)
    for c, cl in CARRIER_LABEL.items():
        add(nat, f"Final Energy|Road|{cl}", "PJ/yr", fe.sel(carrier=c).values / 1e9)
    add(nat, "Electricity|Road", "TWh/yr", ds["electricity_region"].values.sum(axis=0) / 1e9)
    add(nat, "Electricity|Road|Hydrogen Production", "TWh/yr", ds["electricity_h2"].values / 1e9)
    gen = ds["generation"]
    add(nat, "Electricity|Road|Share of Generation", "%",
        100 * ds["electricity_region"].values.sum(axis=0) / 1e9 / gen.sel(grid="national").values)
    add(nat, "Emissions|CO2|Road|Tailpipe", "Mt CO2/yr", ds["tailpipe_co2"].values / 1e12)
    add(nat, "Emissions|GHG|Road|Well-to-Wheel", "Mt CO2e/yr", ds["wtw_ghg"].values / 1e12)
    add(nat, "Emissions|GHG|Road|Land-Use Change", "Mt CO2e/yr", ds["luc_ghg"].values / 1e12)
    add(nat, "Emissions|GHG|Road|Vehicle Production", "Mt CO2e/yr", ds["production_ghg"].values / 1e12)
    add(nat, "Emissions|GHG|Road|Life Cycle", "Mt CO2e/yr", ds["lca_ghg"].values / 1e12)
    add(nat, "Emissions|CO2|Road|Biogenic (not counted)", "Mt CO2/yr", ds["biogenic_co2"].values / 1e12)
    add(nat, "Supply|Crude Palm Oil", "Mt/yr", ds["cpo"].values / 1e6)
    for f, label in (("molasses", "Molasses"), ("sugarcane", "Sugarcane"), ("cassava", "Cassava")):
        add(nat, f"Supply|{label}", "Mt/yr", ds["ethanol_feedstock"].sel(feedstock=f).values / 1e6)
    for c, label in (("oil-palm", "Oil Palm"), ("sugarcane", "Sugarcane"), ("cassava", "Cassava")):
        add(nat, f"Land Cover|Biofuel Crops|{label}", "million ha", ds["crop_area"].sel(crop=c).values / 1e6)
    add(nat, "Supply|Battery", "GWh/yr", ds["battery"].values.sum(axis=0) / 1e6)
    for ch in ds["chemistry"].values:
        add(nat, f"Supply|Battery|{str(ch).upper()}", "GWh/yr", ds["battery"].sel(chemistry=ch).values / 1e6)
    for m, label in (("nickel", "Nickel"), ("lithium", "Lithium"), ("cobalt", "Cobalt")):
        add(nat, f"Supply|{label}", "kt/yr", ds["metals"].sel(metal=m).values / 1e6)
    disp = ds["oil_displaced"]
    add(nat, "Trade|Oil Imports Avoided", "million kL/yr", ds["oil_imports_avoided"].values.sum(axis=0) / 1e6)
    add(nat, "Trade|Oil Displaced|Gasoline", "million kL/yr", disp.sel(product="gasoline").values / 1e6)
    add(nat, "Trade|Oil Displaced|Diesel", "million kL/yr", disp.sel(product="diesel").values / 1e6)
    add(nat, "Trade|Oil Import Bill Avoided", "billion USD/yr", ds["oil_import_avoided"].values / 1e9)
    # grid regions
    for i, r in enumerate(REGIONS):
        rl = REGION_LABEL[r]
        sr = ds["stock_region"].isel(region=i)
        add(rl, "Stock|Road", "million vehicles", sr.values.sum(axis=0) / 1e6)
        for j, k in enumerate(ds["vclass"].values):
            add(rl, f"Stock|Road|{CLASS_LABEL[str(k)]}", "million vehicles", sr.values[j] / 1e6)
        twh = ds["electricity_region"].isel(region=i).values / 1e9
        add(rl, "Electricity|Road", "TWh/yr", twh)
        add(rl, "Electricity|Road|Share of Generation", "%", 100 * twh / ds["generation"].sel(grid=r).values)
    years = [int(y) for y in ds["year"].values]
    df = pd.DataFrame([v for *_, v in rows], columns=years)
    meta = pd.DataFrame([(f"jalur {ds.attrs['jalur_version']}", ds.attrs["scenario"], r, v, u) for r, v, u, _ in rows],
                        columns=["model", "scenario", "region", "variable", "unit"])
    return pd.concat([meta, df], axis=1)
