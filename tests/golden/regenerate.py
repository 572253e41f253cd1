"""Regenerate the golden results of the built-in scenarios (run from the project root)."""

from pathlib import Path

from jalur.pathways.iamc import to_iamc
from jalur.pathways.model import run
from jalur.pathways.scenario import builtin_names

HERE = Path(__file__).parent
VARIABLES = [
    "Stock|Road", "Stock|Road|Motorcycle", "Stock|Road|Car", "Stock|Road|Bus", "Stock|Road|Truck",
    "Stock|Road|Motorcycle|BEV", "Stock|Road|Car|BEV", "Stock|Road|Car|HEV", "Sales|Road", "Final Energy|Road",
    "Electricity|Road", "Fuel Volume|Road|Gasoline|Fossil", "Fuel Volume|Road|Ethanol", "Fuel Volume|Road|Diesel|Fossil",
    "Fuel Volume|Road|Biodiesel", "Fuel Volume|Road|HVO", "Emissions|CO2|Road|Tailpipe", "Emissions|GHG|Road|Well-to-Wheel",
    "Emissions|GHG|Road|Life Cycle", "Supply|Crude Palm Oil", "Supply|Sugarcane", "Supply|Battery", "Supply|Nickel",
    "Trade|Oil Imports Avoided",
]
YEARS = [2024, 2030, 2040, 2050, 2060]

for name in builtin_names():
    df = to_iamc(run(name))
    df = df[(df["region"] == "Indonesia") & df["variable"].isin(VARIABLES)][["variable", "unit", *YEARS]]
    df.to_csv(HERE / f"{name}.csv", index=False, float_format="%.10g")
    print("wrote", name)
