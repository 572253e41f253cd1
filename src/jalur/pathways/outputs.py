"""Writing a fleet projection: IAMC CSV, Parquet arrays, Excel workbook, charts and provenance, atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from jalur import datasets
from jalur.charts import figure_to_png
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.pathways.charts import charts
from jalur.pathways.iamc import summary, to_iamc

#: File that marks a folder as written by jalur; only such a folder (or an empty one) is ever replaced.
MARKER = ".jalur-output"


def prepare_out_dir(out_dir: str | Path) -> tuple[Path, Path]:
    """Check an output folder and make a temporary sibling to write into.

    A new or empty folder, or one jalur wrote before (it holds :data:`MARKER`), may be used; any other
    existing folder is refused, so that no user file is ever deleted.

    Raises
    ------
    InputError
        If *out_dir* is a file, or a folder holding files jalur did not write, or cannot be created.
    """
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"--out {out} already holds files that jalur did not write; give a new or empty folder "
                         "(jalur replaces only folders it wrote itself)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise InputError(f"cannot write to --out {out}: {exc.strerror or exc}") from None
    (tmp / MARKER).write_text("written by jalur; this folder is replaced by the next run with the same --out\n")
    return out, tmp


def commit_out_dir(tmp: Path, out: Path) -> Path:
    """Move a finished temporary folder into place, replacing a previous jalur output folder atomically."""
    os.chmod(tmp, 0o755)
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old)
    else:
        os.replace(tmp, out)
    return out



def provenance(ds: xr.Dataset, reg: Registry) -> dict[str, Any]:
    """What produced a run: versions, scenario (levers and sources with citations), data overrides."""
    srcs = json.loads(ds.attrs["scenario_sources"])
    return {
        "jalur_version": ds.attrs["jalur_version"],
        "data_version": ds.attrs["data_version"],
        "scenario": {
            "name": ds.attrs["scenario"],
            "title": ds.attrs["scenario_title"],
            "file": ds.attrs["scenario_file"],
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
              calibration: pd.DataFrame | None = None) -> Path:
    """Write every output of a run into *out_dir*, atomically (a failed run leaves no half-written folder).

    Files: ``iamc.csv``, ``summary.csv``, ``arrays.parquet``, ``workbook.xlsx``, ``charts/*.html`` and
    ``charts/*.png``, ``provenance.json`` (and ``calibration.csv`` when given).
    """
    reg = registry if registry is not None else datasets.load()
    out, tmp = prepare_out_dir(out_dir)
    try:
        iamc = to_iamc(ds)
        iamc.to_csv(tmp / "iamc.csv", index=False)
        summ = summary(iamc)
        summ.to_csv(tmp / "summary.csv", index=False)
        arrays_frame(ds).to_parquet(tmp / "arrays.parquet", index=False)
        prov = provenance(ds, reg)
        (tmp / "provenance.json").write_text(json.dumps(prov, indent=1, ensure_ascii=False), encoding="utf-8")
        if calibration is not None:
            calibration.to_csv(tmp / "calibration.csv", index=False)
        _workbook(tmp / "workbook.xlsx", iamc, summ, prov, calibration)
        (tmp / "charts").mkdir()
        for stem, fig in charts(ds).items():
            fig.write_html(tmp / "charts" / f"{stem}.html", include_plotlyjs="directory")  # one plotly.min.js, offline
            figure_to_png(fig, tmp / "charts" / f"{stem}.png")
        commit_out_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _workbook(path: Path, iamc: pd.DataFrame, summ: pd.DataFrame, prov: dict, calibration) -> None:
    sheets = {
        "Stock": iamc[iamc["variable"].str.startswith("Stock")],
        "Sales": iamc[iamc["variable"].str.startswith("Sales")],
        "Energy": iamc[iamc["variable"].str.match(r"(Final Energy|Fuel Volume|Electricity|Energy Service)")],
        "Emissions": iamc[iamc["variable"].str.startswith("Emissions")],
        "Upstream": iamc[iamc["variable"].str.match(r"(Supply|Land Cover|Trade)")],
    }
    readme = pd.DataFrame({
        "item": ["jalur version", "data version", "scenario", "title", "scenario file", "created by",
                 "units", "sheets"],
        "value": [prov["jalur_version"], prov["data_version"], prov["scenario"]["name"], prov["scenario"]["title"],
                  prov["scenario"]["file"], "jalur run (see the project README)",
                  "each row's unit column; GHG in CO2e, IPCC AR6 GWP100",
                  "Summary, IAMC (all variables), Stock, Sales, Energy, Emissions, Upstream, Calibration, Sources"],
    })
    sources = pd.DataFrame([{"id": k, "citation": v} for k, v in prov["scenario"]["sources"].items()])
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        readme.to_excel(xl, sheet_name="README", index=False)
        summ.to_excel(xl, sheet_name="Summary", index=False)
        iamc.to_excel(xl, sheet_name="IAMC", index=False)
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)
        if calibration is not None:
            calibration.to_excel(xl, sheet_name="Calibration", index=False)
        sources.to_excel(xl, sheet_name="Sources", index=False)


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
    out, tmp = prepare_out_dir(out_dir)
    try:
        compare_table(runs).to_csv(tmp / "compare.csv", index=False)
        w = pd.concat({n: wedges(runs[names[0]], runs[n], quantity) for n in names[1:]}, names=["scenario", "year"])
        w = w.reset_index()
        w.insert(2, "basis", WEDGE_BASIS[quantity])
        w.insert(3, "unit", "Mt CO2e/yr")
        w.insert(4, "against", names[0])
        w.to_csv(tmp / "wedges.csv", index=False)
        fig = wedge_figure(names[0], runs[names[0]], runs, quantity)
        fig.write_html(tmp / "wedges.html", include_plotlyjs="directory")
        figure_to_png(fig, tmp / "wedges.png")
        (tmp / "provenance.json").write_text(json.dumps({
            "jalur_version": runs[names[0]].attrs["jalur_version"], "data_version": reg.data_version,
            "scenarios": names, "overrides": reg.provenance()["overrides"]}, indent=1), encoding="utf-8")
        commit_out_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
