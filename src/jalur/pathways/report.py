"""What a fleet run gives an analyst to put in a report: the variables with their labels, the sources behind the
results, the caveats, a formatted workbook and one self-contained ``report.html``."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from jalur.datasets import Registry
from jalur.pathways.variables import rows

#: Column widths of the workbook (characters) by column name; year columns get :data:`YEAR_WIDTH`.
WIDTHS = {"model": 12, "scenario": 16, "region": 26, "variable": 58, "unit": 20, "item": 24, "value": 90,
          "id": 34, "citation": 90, "url": 50, "year": 8, "type": 11, "used_by": 40, "label_en": 60, "label_id": 60, "label": 60, "keterangan": 60,
          "caveat": 120}
YEAR_WIDTH = 10


def variables_table(ds: xr.Dataset) -> pd.DataFrame:
    """Every IAMC variable of a run with its unit and its label in English and Bahasa Indonesia (``variables.csv``)."""
    en, id_ = rows(ds, lang="en"), rows(ds, lang="id")
    out, seen = [], set()
    for a, b in zip(en, id_):
        if a.name in seen:
            continue
        seen.add(a.name)
        out.append({"variable": a.name, "unit": a.unit, "label_en": a.variable.label_en.format(**a.labels),
                    "label_id": a.variable.label_id.format(**b.labels)})
    return pd.DataFrame(out)


def with_labels(table: pd.DataFrame, ds: xr.Dataset, lang: str, column: str = "keterangan") -> pd.DataFrame:
    """*table* (with a ``variable`` column) with each variable's label in *lang* as its second column."""
    labels = variables_table(ds).set_index("variable")[f"label_{lang}"]
    out = table.copy()
    out.insert(1, column, [labels.get(v, "") for v in out["variable"]])
    return out


def sources_table(reg: Registry, scenario_sources: list[str]) -> pd.DataFrame:
    """The sources behind a run's results: every source a data row cites, and the scenario's own.

    Columns: id, citation, url, year, type, used_by (the tables citing it, or ``scenario``).
    """
    used: dict[str, set[str]] = {}
    for name, t in reg.tables.items():
        if "source_id" not in t.frame:
            continue
        for cell in t.frame["source_id"].astype(str):
            for sid in cell.replace(",", ";").split(";"):
                if sid.strip():
                    used.setdefault(sid.strip(), set()).add(name)
    for sid in scenario_sources:
        used.setdefault(sid, set()).add("scenario")
    src = reg.sources
    out = []
    for sid in sorted(used):
        r = src.loc[sid] if sid in src.index else None
        out.append({"id": sid, "citation": "" if r is None else r["citation"], "url": "" if r is None else r["url"],
                    "year": "" if r is None else r["year"], "type": "" if r is None else r["type"],
                    "used_by": ", ".join(sorted(used[sid]))})
    return pd.DataFrame(out)


def caveats(ds: xr.Dataset, lang: str = "en") -> list[str]:
    """What a reader of the results must know: what the stocks count, contested defaults, limits that bound."""
    levers = json.loads(ds.attrs["scenario_levers"])
    luc = levers.get("luc", "direct")
    fits = json.loads(ds.attrs.get("ownership_fits", "{}"))
    gaps = ", ".join(f"{k} {v['largest_gap_pct']:.1f} % in {v['largest_gap_year']}" for k, v in fits.items()
                     if isinstance(v, dict) and "largest_gap_pct" in v)
    if lang == "id":
        return [
            "Stock|Road|Registered adalah hitungan BPS/Korlantas (termasuk kendaraan yang tidak lagi dipakai); "
            "Stock|Road|In Use adalah kendaraan yang beroperasi dan memakai BBM.",
            f"Perubahan penggunaan lahan (LUC) biodiesel sawit: pilihan '{luc}'. Nilainya diperdebatkan (gambut, "
            "deforestasi); emisi siklus hidup dengan dan tanpa LUC dilaporkan terpisah.",
            "Kimia baterai (NMC/LFP) mengikuti bauran per segmen dan tahun; asal sel "
            f"({levers.get('battery_origin') or 'cn'}) dan jalur nikel ({levers.get('nickel_route') or 'global-average'}) "
            "adalah tuas skenario; produksi dihitung pada tahun penjualan dengan faktor tahun itu.",
            "Infrastruktur jalan dan pengisian daya " + ("dihitung sebagai tahap tersendiri."
            if levers.get("infrastructure") else "tidak dihitung (tuas infrastructure).")
            + " Partikel non-knalpot (ban, rem, jalan) adalah polutan udara, bukan GRK.",
            "Penjualan mengikuti kurva kepemilikan dengan penyesuaian parsial (tanpa batas keras); selisih terbesar "
            f"stok terhadap kurva: {gaps or '-'}.",
            "Harga kendaraan tetap pada nilai 2024 (riil), sehingga pilihan BAU tidak melihat penurunan harga BEV.",
        ]
    return [
        "Stock|Road|Registered is the BPS/Korlantas count (it includes vehicles no longer used); Stock|Road|In Use "
        "counts the vehicles on the road, which burn the fuel.",
        f"Land-use change of palm biodiesel: '{luc}'. Its size is contested (peat, deforestation); life-cycle GHG "
        "with and without it are reported apart.",
        "Battery chemistry (NMC/LFP) follows each segment's mix by year; the cell origin "
        f"({levers.get('battery_origin') or 'cn'}) and nickel route ({levers.get('nickel_route') or 'global-average'}) "
        "are scenario levers; production is counted in the year of sale with that year's factors.",
        "Road and charging infrastructure " + ("are counted as their own stages."
        if levers.get("infrastructure") else "are not counted (lever infrastructure).")
        + " Non-exhaust particles (tyre, brake, road wear) are air pollutants, not GHG (OECD 2020).",
        "Sales follow the ownership curve by partial adjustment (no hard limit binds); largest gap between stock "
        f"and curve: {gaps or '-'}.",
        "Vehicle prices are held at their 2024 real values, so the BAU choice model sees no fall in BEV prices.",
    ]


def readme_frame(prov: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The README sheet: what produced the run (scenario, date, versions, overrides, units)."""
    sc = prov["scenario"]
    overrides = "; ".join(f"{o['file']} (sha256 {o['sha256'][:12]}…)" for o in prov["data"]["overrides"]) or "none"
    items = [("jalur version", prov["jalur_version"]), ("data version", prov["data_version"]),
             ("created (UTC)", prov["created"]), ("scenario", sc["name"]), ("title", sc["title"]),
             ("scenario file", sc["file"] or f"built-in (sha256 {sc['sha256']})"), ("overrides", overrides),
             ("units", "each row's unit column; GHG in CO2e, IPCC AR6 GWP100"),
             ("sheets", "Summary, IAMC (all variables), Stock, Sales, Energy, Emissions, Upstream, Variables "
                        "(labels EN/ID), Calibration, Caveats, Sources (every source behind the data)")]
    if lang == "id":
        names = {"jalur version": "versi jalur", "data version": "versi data", "created (UTC)": "dibuat (UTC)",
                 "scenario": "skenario", "title": "judul", "scenario file": "berkas skenario",
                 "overrides": "berkas override", "units": "satuan", "sheets": "lembar"}
        items = [(names[k], v) for k, v in items]
    return pd.DataFrame(items, columns=["item", "value"])


def format_workbook(path: Path) -> None:
    """Format a workbook as an analyst would: bold frozen header rows (and frozen name columns), column widths,
    thousands separators, years as numbers."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(path)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        for cell in ws[1]:
            cell.font = Font(bold=True)
        names = [h for h in header if isinstance(h, str) and not h.isdigit()]
        frozen = len(names) if ws.title not in ("README", "Caveats", "Sources") and "variable" in names else 0
        ws.freeze_panes = ws.cell(row=2, column=frozen + 1)
        for i, h in enumerate(header, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            numeric = not isinstance(h, str) or h.isdigit()
            ws.column_dimensions[letter].width = YEAR_WIDTH if numeric else WIDTHS.get(str(h), 14)
            if numeric:
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    if isinstance(cell.value, (int, float)):
                        cell.number_format = "#,##0.00" if abs(cell.value) < 1000 else "#,##0"
    wb.save(path)


def report_html(ds: xr.Dataset, summ: pd.DataFrame, prov: dict[str, Any], figs: dict[str, Any],
                lang: str = "en") -> str:
    """One self-contained HTML page: provenance, summary, caveats and every chart, plotly's script inlined once
    (it opens offline and survives being e-mailed)."""
    from plotly.offline import get_plotlyjs

    sc = prov["scenario"]
    t = {"en": ("jalur report", "Scenario", "Summary", "Caveats", "Charts", "Produced by"),
         "id": ("Laporan jalur", "Skenario", "Ringkasan", "Catatan penting", "Grafik", "Dibuat oleh")}[lang]
    parts = [f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(t[0])}: "
             f"{html.escape(sc['name'])}</title><style>body{{font-family:sans-serif;max-width:1200px;margin:auto;"
             "padding:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;"
             "text-align:right}td:first-child,th:first-child{text-align:left}</style>"
             f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>",
             f"<h1>{html.escape(t[0])}: {html.escape(sc['title'])}</h1>",
             f"<p>{html.escape(t[1])}: <b>{html.escape(sc['name'])}</b> (sha256 {sc['sha256'][:16]}…); "
             f"jalur {html.escape(prov['jalur_version'])}, data {html.escape(prov['data_version'])}; "
             f"{html.escape(t[5])} jalur run, {html.escape(prov['created'])} UTC.</p>",
             f"<h2>{html.escape(t[2])}</h2>", summ.to_html(index=False, float_format=lambda x: f"{x:,.4g}"),
             f"<h2>{html.escape(t[3])}</h2><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in caveats(ds, lang))
             + "</ul>", f"<h2>{html.escape(t[4])}</h2>"]
    for stem, fig in figs.items():
        parts.append(f"<div id='{stem}'>" + fig.to_html(full_html=False, include_plotlyjs=False) + "</div>")
    parts.append("</body></html>")
    return "\n".join(parts)
