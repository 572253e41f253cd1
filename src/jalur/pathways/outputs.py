"""Writing a fleet projection: IAMC CSV, Parquet arrays, Excel workbook, charts and provenance, atomically."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from jalur import datasets
from jalur.charts import figure_to_png
from jalur.datasets import Registry
from jalur.errors import OutputError
from jalur.io import write_failure
from jalur.io.outdir import MARKER, commit_out_dir, discard, prepare_out_dir
from jalur.pathways.charts import charts
from jalur.pathways.iamc import summary, to_iamc

#: Output folders: a manifest of what jalur wrote; nothing else is ever touched (see :mod:`jalur.io.outdir`).
__all__ = ["MARKER", "commit_out_dir", "prepare_out_dir", "provenance", "write_comparison", "write_run"]


def created_at() -> str:
    """Now, in UTC, to the second (ISO 8601), as recorded in every ``provenance.json``."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def provenance(ds: xr.Dataset, reg: Registry) -> dict[str, Any]:
    """What produced a run: versions, time, scenario (by name and content hash; its file only when it is the
    user's), levers and sources with citations, data overrides."""
    srcs = json.loads(ds.attrs["scenario_sources"])
    origin = ds.attrs.get("scenario_origin", "file")
    return {
        "jalur_version": ds.attrs["jalur_version"],
        "data_version": ds.attrs["data_version"],
        "created": created_at(),
        "scenario": {
            "name": ds.attrs["scenario"],
            "title": ds.attrs["scenario_title"],
            "origin": origin,
            "file": ds.attrs["scenario_file"] if origin == "file" else None,
            "sha256": ds.attrs.get("scenario_sha256"),
            "levers": json.loads(ds.attrs["scenario_levers"]),
            "sources": {s: reg.source(s)["citation"] for s in srcs if s in reg.sources.index},
        },
        "data": json.loads(ds.attrs["provenance"]),
        "ownership_fits": json.loads(ds.attrs["ownership_fits"]),
        "seed": None,
        "deterministic": True,
        "units": "see the unit column of iamc.csv; GHG in CO2e with IPCC AR6 GWP100",
    }


def arrays_frame(ds: xr.Dataset) -> pd.DataFrame:
    """All arrays of a run as one long table: variable, unit, its dimensions, value."""
    parts = []
    for name, da in ds.data_vars.items():
        df = da.to_dataframe(name="value").reset_index()
        df = df[[c for c in df.columns if c not in ("class",) or "case" not in da.dims]]
        df.insert(0, "unit", da.attrs.get("units", ""))
        df.insert(0, "variable", name)
        parts.append(df)
    out = pd.concat(parts, ignore_index=True, sort=False)
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].astype("string")
    return out


def write_run(ds: xr.Dataset, out_dir: str | Path, *, registry: Registry | None = None,
              calibration: pd.DataFrame | None = None, lang: str = "en") -> Path:
    """Write every output of a run into *out_dir* (a failed run leaves the folder as it was).

    Files: ``iamc.csv`` (standard IAMC columns), ``variables.csv`` (each variable's unit and labels in English and
    Bahasa Indonesia), ``summary.csv``, ``arrays.parquet``, ``workbook.xlsx`` (formatted; README, Variables,
    Caveats and Sources sheets), ``report.html`` (self-contained: summary, caveats and every chart, for e-mail and
    offline use), ``charts/*.png``, ``provenance.json`` (and ``calibration.csv`` when given), listed with their
    SHA-256 in the manifest ``.jalur-output``. Other files in the folder are kept; see :func:`commit_out_dir`.
    *lang* (``en`` or ``id``) chooses the language of the workbook's README sheet, the caveats and the report.
    """
    from jalur.pathways.report import format_workbook, report_html, variables_table

    reg = registry if registry is not None else datasets.load()
    od = prepare_out_dir(out_dir, "run")
    tmp = od.tmp
    try:
        iamc = to_iamc(ds)
        iamc.to_csv(tmp / "iamc.csv", index=False)
        variables_table(ds).to_csv(tmp / "variables.csv", index=False)
        summ = summary(iamc)
        summ.to_csv(tmp / "summary.csv", index=False)
        arrays_frame(ds).to_parquet(tmp / "arrays.parquet", index=False)
        prov = provenance(ds, reg)
        (tmp / "provenance.json").write_text(json.dumps(prov, indent=1, ensure_ascii=False), encoding="utf-8")
        if calibration is not None:
            calibration.to_csv(tmp / "calibration.csv", index=False)
        _workbook(tmp / "workbook.xlsx", ds, reg, iamc, summ, prov, calibration, lang)
        format_workbook(tmp / "workbook.xlsx")
        figs = charts(ds, lang)
        (tmp / "report.html").write_text(report_html(ds, summ, prov, figs, lang), encoding="utf-8")
        (tmp / "charts").mkdir()
        for stem, fig in figs.items():
            figure_to_png(fig, tmp / "charts" / f"{stem}.png")
    except BaseException as exc:
        discard(od)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write the outputs of --out {od.out}: {write_failure(exc, od.out)}") from None
        raise
    return commit_out_dir(od)


def _workbook(path: Path, ds: xr.Dataset, reg: Registry, iamc: pd.DataFrame, summ: pd.DataFrame, prov: dict,
              calibration, lang: str) -> None:
    from jalur.pathways.report import caveats, readme_frame, sources_table, variables_table, with_labels

    sheets = {
        "Stock": iamc[iamc["variable"].str.startswith("Stock")],
        "Sales": iamc[iamc["variable"].str.startswith("Sales")],
        "Energy": iamc[iamc["variable"].str.match(r"(Final Energy|Fuel Volume|Electricity|Energy Service)")],
        "Emissions": iamc[iamc["variable"].str.startswith("Emissions")],
        "Upstream": iamc[iamc["variable"].str.match(r"(Supply|Land Cover|Trade)")],
    }
    srcs = json.loads(ds.attrs["scenario_sources"])
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        readme_frame(prov, lang).to_excel(xl, sheet_name="README", index=False)
        table = with_labels(summ.rename(columns=lambda c: int(c) if str(c).isdigit() else c), ds, lang,
                            "keterangan" if lang == "id" else "label")
        table.to_excel(xl, sheet_name="Summary", index=False)
        iamc.to_excel(xl, sheet_name="IAMC", index=False)
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)
        variables_table(ds).to_excel(xl, sheet_name="Variables", index=False)
        if calibration is not None:
            calibration.to_excel(xl, sheet_name="Calibration", index=False)
        pd.DataFrame({"caveat": caveats(ds, lang)}).to_excel(xl, sheet_name="Caveats", index=False)
        sources_table(reg, srcs).to_excel(xl, sheet_name="Sources", index=False)


#: What the wedges of ``jalur compare`` count (``--quantity``).
WEDGE_BASIS = {"wtw": "well-to-wheel, without land-use change or vehicle production",
               "lca": "life cycle: well-to-wheel, land-use change, vehicle production and maintenance"}


def write_comparison(runs: dict[str, xr.Dataset], out_dir: str | Path, *, quantity: str = "wtw",
                     registry: Registry | None = None) -> Path:
    """Write a comparison of scenarios into *out_dir*, atomically: ``compare.csv``, ``wedges.csv``,
    ``wedges.html`` and ``.png``, ``provenance.json`` (the first run is the base of the wedges)."""
    from jalur.pathways.compare import compare_table, wedge_figure, wedges

    reg = registry if registry is not None else datasets.load()
    names = list(runs)
    od = prepare_out_dir(out_dir, "compare")
    tmp = od.tmp
    try:
        compare_table(runs).to_csv(tmp / "compare.csv", index=False)
        w = pd.concat({n: wedges(runs[names[0]], runs[n], quantity) for n in names[1:]}, names=["scenario", "year"])
        w = w.reset_index()
        w.insert(2, "basis", WEDGE_BASIS[quantity])
        w.insert(3, "unit", "Mt CO2e/yr")
        w.insert(4, "against", names[0])
        w.to_csv(tmp / "wedges.csv", index=False)
        fig = wedge_figure(names[0], runs[names[0]], runs, quantity)
        fig.write_html(tmp / "wedges.html", include_plotlyjs=True)  # self-contained: e-mail and offline
        figure_to_png(fig, tmp / "wedges.png")
        (tmp / "provenance.json").write_text(json.dumps({
            "jalur_version": runs[names[0]].attrs["jalur_version"], "data_version": reg.data_version,
            "created": created_at(), "scenarios": names,
            "scenario_sha256": {n: runs[n].attrs.get("scenario_sha256") for n in names},
            "overrides": reg.provenance()["overrides"]}, indent=1), encoding="utf-8")
    except BaseException as exc:
        discard(od)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write the outputs of --out {od.out}: {write_failure(exc, od.out)}") from None
        raise
    return commit_out_dir(od)
