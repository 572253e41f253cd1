"""The charts of a fleet run, built from the table of output variables (names, units and labels)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import xarray as xr

from jalur.charts import series_figure
from jalur.pathways.context import HIST_END
from jalur.pathways.variables import Row, rows, run_labels, variables


#: The guide line of the emissions chart, labelled for what it applies to.
NET_ZERO_GUIDE = f"Guide: tailpipe CO2 on a straight line from {HIST_END} to zero in 2060"


def _template(name: str) -> tuple:
    return tuple(v for v in variables() if v.name == name and not v.regions)


def _by(ds: xr.Dataset, name: str, key: str) -> dict[str, np.ndarray]:
    """Series of a template variable summed by one of its placeholders (label -> values)."""
    out: dict[str, np.ndarray] = defaultdict(lambda: 0.0)
    for r in rows(ds, only=_template(name)):
        out[r.labels[key]] = out[r.labels[key]] + np.nan_to_num(r.values)
    return {k: v for k, v in out.items() if np.any(v)}


def _national(ds: xr.Dataset) -> dict[str, Row]:
    return {r.name: r for r in rows(ds, only=tuple(v for v in variables() if not v.regions))}


def charts(ds: xr.Dataset) -> dict[str, Any]:
    """The run's charts as plotly figures, by file stem."""
    years = [int(y) for y in ds["year"].values]
    name = ds.attrs["scenario"]
    nat = _national(ds)
    get = lambda v: nat[v].values if v in nat else np.zeros(len(years))
    figs = {"stock_by_class": series_figure(
        years, _by(ds, "Stock|Road|In Use|{class}", "class"),
        f"{name}: road vehicles in use by class / kendaraan yang beroperasi per jenis", "million vehicles"),
        "stock_by_powertrain": series_figure(
        years, _by(ds, "Stock|Road|In Use|{class}|{powertrain}", "powertrain"),
        f"{name}: road vehicles in use by powertrain, all classes (BEV is mostly e-motorcycles) / "
        "per penggerak", "million vehicles")}
    labels = run_labels(ds)["classes"]
    for k, info in labels.items():
        sales = [r for r in rows(ds, only=_template("Sales|Road|{class}|{powertrain}")) if r.labels["class"] == info["iamc_label"]]
        tot = sum(r.values for r in sales) if sales else np.zeros(len(years))
        shares = {r.labels["powertrain"]: 100 * np.divide(r.values, tot, out=np.zeros(len(years)), where=tot > 0)
                  for r in sales}
        figs[f"sales_shares_{k}"] = series_figure(
            years, {p: v for p, v in shares.items() if v.any()},
            f"{name}: {info['label_en'].lower()} sales by powertrain / pangsa penjualan {info['label_id'].lower()}",
            "% of new sales")
    figs["energy_by_carrier"] = series_figure(years, _by(ds, "Final Energy|Road|{carrier}", "carrier"),
                                              f"{name}: road final energy by carrier / energi final", "PJ/yr")
    tail = get("Emissions|CO2|Road|Tailpipe")
    base = tail[years.index(HIST_END)] if HIST_END in years else tail[0]
    nz = np.where(np.array(years) >= HIST_END, base * np.clip((2060 - np.array(years)) / (2060 - HIST_END), 0, 1),
                  np.nan)
    figs["emissions"] = series_figure(
        years, {"Tailpipe CO2": tail, "Well-to-wheel GHG": get("Emissions|GHG|Road|Well-to-Wheel"),
                "Life-cycle GHG": get("Emissions|GHG|Road|Life Cycle"), NET_ZERO_GUIDE: nz},
        f"{name}: road emissions against a net-zero path / emisi jalan terhadap jalur nol bersih", "Mt CO2(e)/yr",
        stacked=False, dashed=(NET_ZERO_GUIDE,))
    upstream = {  # one unit per chart: a reader compares like with like
        "upstream_crops": ({"Crude palm oil": get("Supply|Crude Palm Oil"), "Sugarcane": get("Supply|Sugarcane")},
                           "crops for biofuels / bahan baku nabati", "Mt/yr"),
        "upstream_batteries": ({"Traction batteries": get("Supply|Battery")},
                               "traction batteries for new vehicles / baterai kendaraan baru", "GWh/yr"),
        "upstream_electricity": ({"Electricity for road vehicles": get("Electricity|Road")},
                                 "electricity for road vehicles / listrik untuk kendaraan", "TWh/yr"),
        "upstream_oil_imports_avoided": ({"Oil imports avoided": get("Trade|Oil Imports Avoided")},
                                         "oil imports avoided / impor minyak yang dihindari", "million kL/yr"),
    }
    for stem, (series, what, unit) in upstream.items():
        figs[stem] = series_figure(years, {k: v for k, v in series.items() if np.any(v)} or series,
                                   f"{name}: {what}", unit, stacked=False)
    return figs
