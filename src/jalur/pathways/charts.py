"""The charts of a fleet run, built from the table of output variables (names, units and labels), in English or
Bahasa Indonesia: one unit per chart, a colour per powertrain, carrier or class whatever the language."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from jalur.charts import PT_COLOURS, series_figure
from jalur.pathways.context import HIST_END
from jalur.pathways.variables import Row, rows, run_labels, variables

#: The guide line of the emissions chart, labelled for what it applies to.
NET_ZERO_GUIDE = {"en": f"Guide: tailpipe CO2 on a straight line from {HIST_END} to zero in 2060",
                  "id": f"Panduan: CO2 knalpot turun lurus dari {HIST_END} ke nol pada 2060"}

#: Chart titles (after the scenario name) and series names, by language.
TEXT = {
    "en": {"stock_by_class": "road vehicles in use by class", "stock_by_powertrain":
           "road vehicles in use by powertrain, all classes (BEV is mostly e-motorcycles)",
           "sales_shares": "{cls} sales by powertrain", "energy_by_carrier": "road final energy by carrier",
           "emissions": "road emissions against a net-zero path", "upstream_crops": "crops for biofuels",
           "upstream_batteries": "traction batteries for new vehicles",
           "upstream_electricity": "electricity for road vehicles", "upstream_oil_imports_avoided": "oil imports avoided",
           "Tailpipe CO2": "Tailpipe CO2", "Well-to-wheel GHG": "Well-to-wheel GHG", "Life-cycle GHG": "Life-cycle GHG",
           "Crude palm oil": "Crude palm oil", "Sugarcane": "Sugarcane", "Traction batteries": "Traction batteries",
           "Electricity for road vehicles": "Electricity for road vehicles", "Oil imports avoided": "Oil imports avoided",
           "% of new sales": "% of new sales", "year": "year"},
    "id": {"stock_by_class": "kendaraan jalan yang beroperasi per jenis", "stock_by_powertrain":
           "kendaraan yang beroperasi per penggerak, semua jenis (BEV sebagian besar sepeda motor listrik)",
           "sales_shares": "pangsa penjualan {cls} per penggerak", "energy_by_carrier": "energi final jalan per pembawa",
           "emissions": "emisi jalan terhadap jalur nol emisi bersih", "upstream_crops": "bahan baku nabati biofuel",
           "upstream_batteries": "baterai kendaraan baru", "upstream_electricity": "listrik untuk kendaraan jalan",
           "upstream_oil_imports_avoided": "impor minyak yang dihindari",
           "Tailpipe CO2": "CO2 knalpot", "Well-to-wheel GHG": "GRK sumur-ke-roda", "Life-cycle GHG": "GRK siklus hidup",
           "Crude palm oil": "Minyak sawit mentah", "Sugarcane": "Tebu", "Traction batteries": "Baterai traksi",
           "Electricity for road vehicles": "Listrik untuk kendaraan", "Oil imports avoided": "Impor minyak dihindari",
           "% of new sales": "% penjualan baru", "year": "tahun"},
}


def _template(name: str) -> tuple:
    return tuple(v for v in variables() if v.name == name and not v.regions)


def _palette(ds: xr.Dataset) -> dict[str, str]:
    """Colours by English IAMC label: the catalogue's powertrain colours (``powertrains.colour``), then the
    carriers' and classes' palette."""
    own = {v["iamc_label"]: v.get("colour", "") for v in run_labels(ds)["powertrains"].values()}
    return PT_COLOURS | {k: c for k, c in own.items() if c}


def _by(ds: xr.Dataset, name: str, key: str, lang: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Series of a template variable summed by one of its placeholders (label -> values), and each label's colour
    (from the English IAMC label, so a powertrain keeps its colour in every language)."""
    out: dict[str, np.ndarray] = {}
    colours: dict[str, str] = {}
    palette = _palette(ds)
    for en, loc in zip(rows(ds, only=_template(name)), rows(ds, lang=lang, only=_template(name))):
        label = loc.labels[key]
        out[label] = out.get(label, 0.0) + np.nan_to_num(loc.values)
        colours[label] = palette.get(en.labels[key], "")
    keep = {k: v for k, v in out.items() if np.any(v)}
    return keep, {k: colours[k] for k in keep}


def _national(ds: xr.Dataset) -> dict[str, Row]:
    return {r.name: r for r in rows(ds, only=tuple(v for v in variables() if not v.regions))}


def charts(ds: xr.Dataset, lang: str = "en") -> dict[str, Any]:
    """The run's charts as plotly figures, by file stem; titles, legends and axes in *lang* (``en`` or ``id``)."""
    t = TEXT[lang]
    years = [int(y) for y in ds["year"].values]
    name = ds.attrs["scenario"]
    nat = _national(ds)
    get = lambda v: nat[v].values if v in nat else np.zeros(len(years))
    fig = lambda series, title, unit, **kw: series_figure(years, series, f"{name}: {title}", unit, xaxis=t["year"], **kw)
    by_class, class_colours = _by(ds, "Stock|Road|In Use|{class}", "class", lang)
    by_pt, pt_colours = _by(ds, "Stock|Road|In Use|{class}|{powertrain}", "powertrain", lang)
    figs = {"stock_by_class": fig(by_class, t["stock_by_class"], "million vehicles", colours=class_colours),
            "stock_by_powertrain": fig(by_pt, t["stock_by_powertrain"], "million vehicles", colours=pt_colours)}
    labels = run_labels(ds)["classes"]
    template = _template("Sales|Road|{class}|{powertrain}")
    for k, info in labels.items():
        pairs = [(en, loc) for en, loc in zip(rows(ds, only=template), rows(ds, lang=lang, only=template))
                 if en.labels["class"] == info["iamc_label"]]
        tot = sum(en.values for en, _ in pairs) if pairs else np.zeros(len(years))
        shares = {loc.labels["powertrain"]: 100 * np.divide(en.values, tot, out=np.zeros(len(years)), where=tot > 0)
                  for en, loc in pairs}
        colours = {loc.labels["powertrain"]: _palette(ds).get(en.labels["powertrain"], "") for en, loc in pairs}
        cls = (info["label_id"] if lang == "id" else info["label_en"]).lower()
        figs[f"sales_shares_{k}"] = fig({p: v for p, v in shares.items() if v.any()},
                                        t["sales_shares"].format(cls=cls), t["% of new sales"], colours=colours)
    energy, energy_colours = _by(ds, "Final Energy|Road|{carrier}", "carrier", lang)
    figs["energy_by_carrier"] = fig(energy, t["energy_by_carrier"], "PJ/yr", colours=energy_colours)
    tail = get("Emissions|CO2|Road|Tailpipe")
    base = tail[years.index(HIST_END)] if HIST_END in years else tail[0]
    nz = np.where(np.array(years) >= HIST_END, base * np.clip((2060 - np.array(years)) / (2060 - HIST_END), 0, 1),
                  np.nan)
    guide = NET_ZERO_GUIDE[lang]
    figs["emissions"] = fig({t["Tailpipe CO2"]: tail, t["Well-to-wheel GHG"]: get("Emissions|GHG|Road|Well-to-Wheel"),
                             t["Life-cycle GHG"]: get("Emissions|GHG|Road|Life Cycle"), guide: nz},
                            t["emissions"], "Mt CO2(e)/yr", stacked=False, dashed=(guide,))
    upstream = {  # one unit per chart: a reader compares like with like
        "upstream_crops": ({"Crude palm oil": get("Supply|Crude Palm Oil"), "Sugarcane": get("Supply|Sugarcane")},
                           "Mt/yr"),
        "upstream_batteries": ({"Traction batteries": get("Supply|Battery")}, "GWh/yr"),
        "upstream_electricity": ({"Electricity for road vehicles": get("Electricity|Road")}, "TWh/yr"),
        "upstream_oil_imports_avoided": ({"Oil imports avoided": get("Trade|Oil Imports Avoided")}, "million kL/yr"),
    }
    for stem, (series, unit) in upstream.items():
        kept = {k: v for k, v in series.items() if np.any(v)} or series
        figs[stem] = fig({t[k]: v for k, v in kept.items()}, t[stem], unit, stacked=False,
                         colours={t[k]: PT_COLOURS.get(k, "") for k in kept})
    return figs
