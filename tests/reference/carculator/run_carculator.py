"""Reference run of carculator (PSI) for jalur issue 13.

Medium passenger car, ICEV-p and BEV, years 2020/2030/2040, GHG (ReCiPe midpoint,
"climate change") per vehicle-km split by carculator's own stages.

Fixed inputs (so the stage values can be compared with jalur's own numbers):
  * lifetime kilometres = 200,000 km (kilometres per year left at default)
  * BEV battery capacity = 60 kWh in every year
  * electricity for charging: a custom mix held constant over the years
    (carculator has no Indonesia mix and no "fixed gCO2/kWh" switch), chosen as
    a coal-heavy grid; the implied intensity (energy chain / kWh drawn) is
    written to the sidecar so the reader sees what the mix actually amounts to.
  * background scenario: REMIND SSP2-NPi (carculator default), which also
    decarbonises steel, aluminium, battery supply chains over time.
Run with the venv in /tmp/carc:  /tmp/carc/bin/python carculator_run.py
Everything it needs ships inside the carculator/carculator_utils wheels (offline).
"""
import json
from pathlib import Path

import numpy as np
import carculator
from carculator import (CarInputParameters, CarModel, InventoryCar,
                        fill_xarray_from_input_parameters)

OUT = Path(__file__).resolve().parent
YEARS = [2020, 2030, 2040]
PWTS = ["ICEV-p", "BEV"]
SIZE = "Medium"
LIFETIME_KM = 200_000
BATTERY_KWH = 60
SCENARIO = "SSP2-NPi"
# order must match carculator_utils/data/electricity/elec_tech_map.yaml
TECHS = ["Hydro", "Nuclear", "Gas", "Solar", "Wind", "Biomass", "Coal", "Oil",
         "Geothermal", "Waste", "Biogas CCS", "Biomass CCS", "Coal CCS",
         "Gas CCS", "Wood CCS", "Hydro, reservoir", "Gas CCGT", "Gas CHP",
         "Solar, thermal", "Wind, offshore", "Lignite"]
# tuned by hand so that the implied 2020 intensity is close to 800 g CO2e/kWh
MIX = {"Coal": 0.50, "Gas": 0.12, "Gas CCGT": 0.12, "Oil": 0.03,
       "Hydro": 0.10, "Geothermal": 0.06, "Biomass": 0.03, "Solar": 0.04}


def main():
    cip = CarInputParameters()
    cip.static()
    scope = {"powertrain": PWTS, "size": [SIZE], "year": YEARS}
    _, arr = fill_xarray_from_input_parameters(cip, scope=scope)
    arr.loc[dict(parameter="lifetime kilometers")] = LIFETIME_KM

    storage = {"capacity": {("BEV", SIZE, y): BATTERY_KWH for y in YEARS}}
    cm = CarModel(arr, cycle="WLTC", energy_storage=storage)
    cm.set_all()

    mix = [[MIX.get(t, 0.0) for t in TECHS] for _ in YEARS]
    bg = {"custom electricity mix": mix}
    ic = InventoryCar(cm, background_configuration=bg, scenario=SCENARIO,
                      method="recipe", indicator="midpoint")
    res = ic.calculate_impacts()  # dims: impact_category, size, powertrain, year, impact, value
    cc = res.sel(impact_category="climate change").sum(dim="value") \
        if "value" in res.dims else res.sel(impact_category="climate change")

    # split "road" into construction and maintenance: zero the maintenance
    # coefficient (market for road maintenance -> transport activity) and rerun
    i_m = ic.find_input_indices(("market for road maintenance",))
    i_t = ic.find_input_indices(("transport, car, ",))
    ic.A[np.ix_(range(ic.A.shape[0]), i_m, i_t)] = 0
    res2 = ic.calculate_impacts()
    road_constr = res2.sel(impact_category="climate change", impact="road")
    if "value" in road_constr.dims:
        road_constr = road_constr.sum(dim="value")

    rows = []
    for p in PWTS:
        for y in YEARS:
            for stage in cc.impact.values:
                v = float(cc.sel(size=SIZE, powertrain=p, year=y, impact=stage))
                rows.append((SIZE, p, y, str(stage), v))
            rc = float(road_constr.sel(size=SIZE, powertrain=p, year=y))
            rows.append((SIZE, p, y, "road: construction (derived)", rc))
            rows.append((SIZE, p, y, "road: maintenance (derived)", float(
                cc.sel(size=SIZE, powertrain=p, year=y, impact="road")) - rc))
            rows.append((SIZE, p, y, "TOTAL (sum of carculator stages)", float(
                cc.sel(size=SIZE, powertrain=p, year=y).sum())))

    # diagnostics for the sidecar
    diag = {}
    for p in PWTS:
        for y in YEARS:
            sel = dict(size=SIZE, powertrain=p, year=y)
            d = {k: float(cm.array.sel(parameter=k, **sel).mean())
                 for k in ["curb mass", "driving mass", "glider base mass",
                           "electric energy stored", "energy battery mass",
                           "lifetime kilometers", "TtW energy",
                           "battery cycle life"]
                 if k in cm.array.parameter.values}
            if p == "BEV":
                kwh_per_km = d["TtW energy"] / 3600 / float(
                    cm.array.sel(parameter="battery charge efficiency", **sel).mean()) \
                    if "battery charge efficiency" in cm.array.parameter.values else None
                d["kWh_from_grid_per_km (approx)"] = kwh_per_km
                ec = float(cc.sel(impact="energy chain", **sel))
                if kwh_per_km:
                    d["implied_gCO2e_per_kWh (energy chain / kWh)"] = 1000 * ec / kwh_per_km
            diag[f"{p} {y}"] = d

    with open(OUT / "carculator_reference.csv", "w") as f:
        f.write(f"# carculator {'.'.join(map(str, carculator.__version__))}; "
                f"ReCiPe midpoint climate change; scenario {SCENARIO}; "
                f"lifetime {LIFETIME_KM} km; BEV {BATTERY_KWH} kWh; "
                f"custom constant mix {MIX}; see carculator_reference.json\n")
        f.write("size,powertrain,year,stage,value,unit\n")
        for r in rows:
            f.write(f"{r[0]},{r[1]},{r[2]},{r[3]},{r[4]:.6g},kg CO2-eq/vkm\n")
    side = {"carculator_version": ".".join(map(str, carculator.__version__)),
            "carculator_utils_version": __import__("importlib.metadata").metadata.version("carculator_utils"),
            "method": "recipe midpoint, impact_category 'climate change'",
            "scenario": SCENARIO, "cycle": "WLTC", "years": YEARS,
            "lifetime_km": LIFETIME_KM, "battery_kWh": BATTERY_KWH,
            "electricity_mix_constant_all_years": MIX,
            "functional_unit": "vkm", "diagnostics": diag}
    (OUT / "carculator_reference.json").write_text(json.dumps(side, indent=2))
    print(open(OUT / "carculator_reference.csv").read())
    print(json.dumps(diag, indent=1))


if __name__ == "__main__":
    main()
