"""IAMC-format tables of a fleet projection (model, scenario, region, variable, unit, one column per year).

The rows come from the table of output variables (:mod:`jalur.pathways.variables`). Units: vehicles in million;
fuel volumes in million kL/yr; energy in PJ/yr (electricity also TWh/yr); emissions in Mt CO2 or Mt CO2e per
year (IPCC AR6 GWP100); crops and metals in Mt or kt per year.
"""

from __future__ import annotations

import pandas as pd
import xarray as xr

from jalur.pathways.variables import rows, run_labels, summary_names

SUMMARY_YEARS = (2025, 2030, 2040, 2050, 2060)


def to_iamc(ds: xr.Dataset) -> pd.DataFrame:
    """The IAMC wide table of a :func:`jalur.pathways.model.run` result (national rows first, then regions)."""
    out = rows(ds)
    order = {r["iamc_label"]: i for i, r in enumerate(run_labels(ds)["regions"].values())}
    national = [r for r in out if not r.variable.regions]
    regional = sorted((r for r in out if r.variable.regions), key=lambda r: order[r.region])  # stable: table order
    out = national + regional
    years = [int(y) for y in ds["year"].values]
    values = pd.DataFrame([r.values for r in out], columns=years)
    meta = pd.DataFrame([(f"jalur {ds.attrs['jalur_version']}", ds.attrs["scenario"], r.region, r.name, r.unit)
                         for r in out], columns=["model", "scenario", "region", "variable", "unit"])
    return pd.concat([meta, values], axis=1)


def summary(iamc: pd.DataFrame, years=SUMMARY_YEARS) -> pd.DataFrame:
    """Key national variables (the table's ``summary`` list) at a few years."""
    national = iamc[iamc["region"] == iamc["region"].iloc[0]].set_index("variable")
    out = []
    for v in summary_names():
        if v in national.index:
            out.append({"variable": v, "unit": national.loc[v, "unit"], **{str(y): float(national.loc[v, y]) for y in years}})
    return pd.DataFrame(out)
