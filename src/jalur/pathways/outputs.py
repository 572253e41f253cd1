"""Writing a fleet projection: IAMC CSV, Parquet arrays, Excel workbook, charts and provenance, atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jalur import datasets
from jalur.charts import figure_to_png, series_figure
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.pathways.iamc import CARRIER_LABEL, CLASS_LABEL, PT_LABEL, to_iamc

SUMMARY_YEARS = (2024, 2030, 2040, 2050, 2060)
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
SUMMARY_VARIABLES = (
    ("Stock|Road", "million vehicles"),
    ("Stock|Road|Motorcycle|BEV", "million vehicles"),
    ("Stock|Road|Car|BEV", "million vehicles"),
    ("Sales|Road", "million vehicles/yr"),
    ("Final Energy|Road", "PJ/yr"),
    ("Electricity|Road", "TWh/yr"),
    ("Fuel Volume|Road|Biodiesel", "million kL/yr"),
    ("Fuel Volume|Road|Ethanol", "million kL/yr"),
    ("Emissions|CO2|Road|Tailpipe", "Mt CO2/yr"),
    ("Emissions|GHG|Road|Well-to-Wheel", "Mt CO2e/yr"),
    ("Emissions|GHG|Road|Life Cycle", "Mt CO2e/yr"),
    ("Supply|Crude Palm Oil", "Mt/yr"),
    ("Supply|Battery", "GWh/yr"),
    ("Supply|Nickel", "kt/yr"),
    ("Trade|Oil Imports Avoided", "million kL/yr"),
)


def summary(iamc: pd.DataFrame, years=SUMMARY_YEARS) -> pd.DataFrame:
    """Key variables of the national IAMC table at a few years."""
    nat = iamc[iamc["region"] == "Indonesia"].set_index("variable")
    rows = []
    for v, unit in SUMMARY_VARIABLES:
        if v in nat.index:
            rows.append({"variable": v, "unit": unit, **{str(y): float(nat.loc[v, y]) for y in years}})
    return pd.DataFrame(rows)


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


def charts(ds: xr.Dataset, iamc: pd.DataFrame) -> dict[str, Any]:
    """The run's charts as plotly figures, by file stem."""
    years = [int(y) for y in ds["year"].values]
    nat = iamc[iamc["region"] == "Indonesia"].set_index("variable")
    get = lambda v: nat.loc[v, years].to_numpy(float) if v in nat.index else np.zeros(len(years))
    name = ds.attrs["scenario"]
    figs = {}
    stock = {PT_LABEL[p]: sum(get(f"Stock|Road|{kl}|{PT_LABEL[p]}") for kl in CLASS_LABEL.values()) for p in PT_LABEL}
    figs["stock_by_powertrain"] = series_figure(years, {k: v for k, v in stock.items() if v.any()},
                                                f"{name}: road vehicle stock by powertrain / armada per penggerak",
                                                "million vehicles")
    for kl in ("Motorcycle", "Car"):
        tot = get(f"Sales|Road|{kl}")
        shares = {PT_LABEL[p]: 100 * np.divide(get(f"Sales|Road|{kl}|{PT_LABEL[p]}"), tot, out=np.zeros(len(years)),
                                                where=tot > 0) for p in PT_LABEL}
        figs[f"sales_shares_{kl.lower()}"] = series_figure(
            years, {k: v for k, v in shares.items() if v.any()},
            f"{name}: {kl.lower()} sales by powertrain / pangsa penjualan", "% of new sales")
    energy = {cl: get(f"Final Energy|Road|{cl}") for cl in CARRIER_LABEL.values()}
    figs["energy_by_carrier"] = series_figure(years, {k: v for k, v in energy.items() if v.any()},
                                              f"{name}: road final energy by carrier / energi final", "PJ/yr")
    tail = get("Emissions|CO2|Road|Tailpipe")
    base = tail[years.index(2024)] if 2024 in years else tail[0]
    nz = np.where(np.array(years) >= 2024, base * np.clip((2060 - np.array(years)) / (2060 - 2024), 0, 1), np.nan)
    figs["emissions"] = series_figure(
        years, {"Tailpipe CO2": tail, "Well-to-wheel GHG": get("Emissions|GHG|Road|Well-to-Wheel"),
                "Life-cycle GHG": get("Emissions|GHG|Road|Life Cycle"), "Straight line to net zero 2060": nz},
        f"{name}: road emissions against a net-zero path / emisi jalan terhadap jalur nol bersih", "Mt CO2(e)/yr", stacked=False,
        dashed=("Straight line to net zero 2060",))
    figs["upstream"] = series_figure(
        years, {"Crude palm oil (Mt)": get("Supply|Crude Palm Oil"), "Sugarcane (10 Mt)": get("Supply|Sugarcane") / 10,
                "Battery (10 GWh)": get("Supply|Battery") / 10, "Electricity (10 TWh)": get("Electricity|Road") / 10,
                "Oil imports avoided (million kL)": get("Trade|Oil Imports Avoided")},
        f"{name}: upstream needs / kebutuhan hulu", "see legend", stacked=False)
    return figs


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
        for stem, fig in charts(ds, iamc).items():
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
