"""Scenarios side by side: key variables, and emission wedges against the first scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from jalur.pathways.iamc import CLASS_LABEL, to_iamc
from jalur.pathways.outputs import SUMMARY_VARIABLES, SUMMARY_YEARS


def compare_table(runs: dict[str, xr.Dataset], years=SUMMARY_YEARS) -> pd.DataFrame:
    """Key national variables of each scenario at a few years (long: variable, unit, scenario, years...)."""
    parts = []
    for name, ds in runs.items():
        nat = to_iamc(ds)
        nat = nat[nat["region"] == "Indonesia"].set_index("variable")
        for v, unit in SUMMARY_VARIABLES:
            if v in nat.index:
                parts.append({"variable": v, "unit": unit, "scenario": name,
                              **{str(y): float(nat.loc[v, y]) for y in years}})
    return pd.DataFrame(parts)


def wedges(base: xr.Dataset, other: xr.Dataset, quantity: str = "wtw") -> pd.DataFrame:
    """Emission reductions of *other* against *base* by vehicle class [Mt CO2e/yr], per year.

    *quantity* is ``wtw`` (well-to-wheel: tailpipe, fuel supply, electricity) or ``lca`` (adds land-use
    change, vehicle production and maintenance).
    """
    stages = {"wtw": ["tailpipe-co2", "tailpipe-ch4-n2o", "well-to-tank", "electricity"],
              "lca": None}[quantity]

    def by_class(ds: xr.Dataset) -> pd.DataFrame:
        e = ds["emissions_case"]
        if stages is not None:
            e = e.sel(stage=stages)
        return (e.sum("stage").groupby("class").sum("case") / 1e12).to_pandas().T

    b, o = by_class(base), by_class(other)
    return (b - o).fillna(0.0)


def wedge_figure(base_name: str, base: xr.Dataset, runs: dict[str, xr.Dataset], quantity: str = "wtw") -> go.Figure:
    """Base-scenario emissions as a line, each other scenario as a line, and the wedges of the last one by class."""
    years = [int(y) for y in base["year"].values]
    total = lambda ds: (ds["wtw_ghg"] if quantity == "wtw" else ds["lca_ghg"]).values / 1e12
    fig = go.Figure()
    names = [n for n in runs if n != base_name]
    if names:
        last = names[-1]
        w = wedges(base, runs[last], quantity)
        floor = total(runs[last])
        fig.add_scatter(x=years, y=list(floor), name=f"{last}", mode="lines", stackgroup="w",
                        line={"width": 0.5, "color": "#dddddd"})
        for k in w.columns:
            fig.add_scatter(x=years, y=list(np.asarray(w[k], dtype=float)), name=f"cut: {CLASS_LABEL.get(k, k)}",
                            mode="lines", stackgroup="w")
    fig.add_scatter(x=years, y=list(total(base)), name=base_name, mode="lines", line={"color": "black"})
    for n in names[:-1]:
        fig.add_scatter(x=years, y=list(total(runs[n])), name=n, mode="lines", line={"dash": "dash"})
    label = "well-to-wheel GHG" if quantity == "wtw" else "life-cycle GHG"
    fig.update_layout(title=f"Road {label} and reductions by vehicle class against {base_name} / baji penurunan emisi",
                      yaxis_title="Mt CO2e/yr", template="plotly_white", height=540)
    return fig
