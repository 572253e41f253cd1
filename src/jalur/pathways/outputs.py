"""Writing a fleet projection: IAMC CSV, Parquet arrays, Excel workbook, charts and provenance, atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from jalur import datasets
from jalur.charts import figure_to_png
from jalur.datasets import Registry
from jalur._version import __version__
from jalur.errors import OutputError
from jalur.io import atomic_write_text, write_failure
from jalur.pathways.charts import charts
from jalur.pathways.iamc import summary, to_iamc

#: The manifest of an output folder: the files jalur wrote there and their SHA-256. Only those files, unchanged,
#: are ever replaced or removed; every other file in the folder is the user's and is never touched.
MARKER = ".jalur-output"


@dataclass
class OutDir:
    """An output folder being written: the final folder, the temporary sibling the run writes into, and the
    files jalur wrote there before (relative path -> accepted SHA-256 digests)."""

    out: Path
    tmp: Path
    previous: dict[str, list[str]]


def _digest(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(out: Path) -> dict[str, list[str]]:
    """The files jalur wrote in *out* (relative path -> SHA-256 digests it accepts as its own); empty if none.

    A manifest jalur cannot read (an older jalur's marker, or a damaged file) vouches for no file.
    """
    m = out / MARKER
    if not m.is_file():
        return {}
    try:
        doc = json.loads(m.read_text(encoding="utf-8"))
        return {str(k): [str(d) for d in v] for k, v in doc["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, OSError):
        return {}


def _user_files_in_the_way(out: Path, previous: dict[str, list[str]], names: tuple[str, ...]) -> list[str]:
    """Files jalur would write that exist in *out* and are not jalur's unchanged files."""
    clash = []
    for rel in names:
        p = out / rel
        if p.exists() and (p.is_dir() or rel not in previous or _digest(p) not in previous[rel]):
            clash.append(rel)
    return clash


def prepare_out_dir(out_dir: str | Path) -> OutDir:
    """Check an output folder and make a temporary sibling to write into (see :func:`commit_out_dir`).

    Parameters
    ----------
    out_dir : path
        The folder (created if missing). Files already in it that jalur did not write are kept.

    Raises
    ------
    OutputError
        If *out_dir* is a file or cannot be created.
    """
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    previous = read_manifest(out) if out.is_dir() else {}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"cannot write to --out {out}: {write_failure(exc, out)}") from None
    return OutDir(out, tmp, previous)


def _write_manifest(out: Path, files: dict[str, list[str]]) -> None:
    doc = {"written_by": f"jalur {__version__}", "note": "files jalur wrote here (SHA-256); jalur replaces only "
           "these, and only while unchanged; any other file in this folder is kept", "files": files}
    atomic_write_text(out / MARKER, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def commit_out_dir(od: OutDir) -> Path:
    """Move the finished files into place, one atomic rename each, keeping every file jalur did not write.

    A file of the same name that jalur did not write, or that was changed since jalur wrote it (an edited
    workbook), stops the commit before anything moves: :class:`OutputError` names it.

    jalur's files from an earlier run that this run did not write again are removed if unchanged. The manifest
    accepts old and new digests while files move, so an interrupted move is never mistaken for a user's edit.
    """
    out, tmp = od.out, od.tmp
    new = {p.relative_to(tmp).as_posix(): _digest(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    clash = _user_files_in_the_way(out, od.previous, tuple(new)) if out.is_dir() else []
    if clash:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"--out {out} already holds {', '.join(clash)}, which jalur did not write or which was "
                          "changed after jalur wrote it; jalur never overwrites such files. Move or rename them, or "
                          "give another --out (files of other names in the folder are always kept)")
    try:
        out.mkdir(parents=True, exist_ok=True)
        moving = {rel: sorted(set(od.previous.get(rel, [])) | {d}) for rel, d in new.items()}
        _write_manifest(out, {**od.previous, **moving})
        for rel in new:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, out / rel)
        for rel, digests in od.previous.items():
            p = out / rel
            if rel not in new and p.is_file() and _digest(p) in digests:
                p.unlink()
                for d in p.parents:
                    if d == out or any(d.iterdir()):
                        break
                    d.rmdir()
        _write_manifest(out, {rel: [d] for rel, d in new.items()})
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to --out {out}: {write_failure(exc, out)}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


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
    od = prepare_out_dir(out_dir)
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
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write the outputs of --out {od.out}: {write_failure(exc, od.out)}") from None
        raise
    return commit_out_dir(od)


def _workbook(path: Path, ds: xr.Dataset, reg: Registry, iamc: pd.DataFrame, summ: pd.DataFrame, prov: dict,
              calibration, lang: str) -> None:
    from jalur.pathways.report import caveats, readme_frame, sources_table, variables_table

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
        summ.rename(columns=lambda c: int(c) if str(c).isdigit() else c).to_excel(xl, sheet_name="Summary",
                                                                                 index=False)
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
    od = prepare_out_dir(out_dir)
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
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write the outputs of --out {od.out}: {write_failure(exc, od.out)}") from None
        raise
    return commit_out_dir(od)
