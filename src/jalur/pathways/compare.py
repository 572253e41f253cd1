"""Scenarios side by side: key variables, and emission wedges against the first scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import xarray as xr

from jalur.catalog import STAGES
from jalur.pathways.iamc import SUMMARY_YEARS, summary, to_iamc
from jalur.pathways.variables import run_labels


def compare_table(runs: dict[str, xr.Dataset], years=SUMMARY_YEARS) -> pd.DataFrame:
    """Key national variables of each scenario at a few years (long: variable, unit, scenario, years...)."""
    parts = []
    for name, ds in runs.items():
        s = summary(to_iamc(ds), years)
        s.insert(2, "scenario", name)
        parts.append(s)
    return pd.concat(parts, ignore_index=True)


def wedges(base: xr.Dataset, other: xr.Dataset, quantity: str = "wtw") -> pd.DataFrame:
    """Emission reductions of *other* against *base* by vehicle class [Mt CO2e/yr], per year.

    *quantity* is ``wtw`` (well-to-wheel: tailpipe, fuel supply, electricity) or ``lca`` (adds land-use
    change, vehicle production and maintenance).
    """
    info = run_labels(base)["stages"]
    stages = [s for s in STAGES if info[s]["well_to_wheel"]] if quantity == "wtw" else list(STAGES)

    def by_class(ds: xr.Dataset) -> pd.DataFrame:
        e = ds["emissions_case"].sel(stage=stages)
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
            label = run_labels(base)["classes"][k]["iamc_label"]
            fig.add_scatter(x=years, y=list(np.asarray(w[k], dtype=float)), name=f"cut: {label}",
                            mode="lines", stackgroup="w")
    fig.add_scatter(x=years, y=list(total(base)), name=base_name, mode="lines", line={"color": "black"})
    for n in names[:-1]:
        fig.add_scatter(x=years, y=list(total(runs[n])), name=n, mode="lines", line={"dash": "dash"})
    label = "well-to-wheel GHG" if quantity == "wtw" else "life-cycle GHG"
    fig.update_layout(title=f"Road {label} and reductions by vehicle class against {base_name} / baji penurunan emisi",
                      yaxis_title="Mt CO2e/yr", template="plotly_white", height=540)
    return fig


def run_scenarios(names: list[str], *, registry=None, progress=None) -> dict[str, xr.Dataset]:
    """Run several scenarios on one registry, keyed by scenario name (two scenarios may not share a name).

    Raises
    ------
    InputError
        If two of the scenarios have the same name.
    """
    from jalur.errors import InputError
    from jalur.pathways.model import run

    runs: dict[str, xr.Dataset] = {}
    for s in names:
        ds = run(s, registry=registry)
        name = ds.attrs["scenario"]
        if name in runs:
            raise InputError(f"two scenarios are named {name!r} (from {runs[name].attrs['scenario_file']} and "
                             f"{ds.attrs['scenario_file']}); compare scenarios with different names")
        runs[name] = ds
        if progress:
            progress()
    scopes = {n: d.attrs.get("scope", "") for n, d in runs.items()}
    if len(set(scopes.values())) > 1:
        raise InputError("the scenarios count different scopes, so their emissions do not compare: "
                         + "; ".join(f"{n}: {s}" for n, s in scopes.items())
                         + ". Set the lever infrastructure alike in all of them")
    return runs
