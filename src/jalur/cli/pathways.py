"""``jalur run``, ``jalur compare``, ``jalur scenario`` and ``jalur calibrate``: fleet pathways to 2060."""

from pathlib import Path
from typing import Optional

import pandas as pd
import typer
import yaml
from rich.text import Text

from jalur.cli.options import LangOpt, LazyHelpCommand, OverrideOpt, Overrides
from jalur.cli.render import Format, err, language, out, progress, render
from jalur.errors import InputError
from jalur.io.outdir import check_out_dir

FormatOpt = typer.Option(Format.table, "--format", help="Output format.")
scenario_app = typer.Typer(help="Built-in and user scenarios (pathways).", no_args_is_help=True)


def run_cmd(
    scenario: str = typer.Argument(..., help="Built-in scenario name (`jalur scenario list`) or a YAML file."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write iamc.csv, variables.csv, arrays.parquet, "
                                           "workbook.xlsx, report.html, charts/*.png, provenance.json here."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt,
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of labels, workbook and report: en | id "
                                       "(default: JALUR_LANG, else id when LANG starts with id, else en)."),
    store: bool = typer.Option(False, "--store", help="Also keep the run in the run store ($JALUR_HOME/runs; "
                               "`jalur runs list`, and the web dashboard, show it)."),
) -> None:
    """Project Indonesia's road fleet, energy, emissions and upstream needs to 2060 under a scenario."""
    from jalur import datasets
    from jalur.pathways.calibration import calibration_report
    from jalur.pathways.iamc import summary, to_iamc
    from jalur.pathways.model import run
    from jalur.pathways.outputs import write_run

    lang = language(lang)
    if out_dir is not None:
        check_out_dir(out_dir)  # before any work
    reg = datasets.load(override)
    with progress() as prog:
        task = prog.add_task(f"running {scenario}", total=3 if out_dir else 1)
        ds = run(scenario, registry=reg)
        prog.advance(task)
        if out_dir is not None:
            prog.update(task, description="calibration report")
            cal = calibration_report(reg)
            prog.advance(task)
            prog.update(task, description=f"writing {out_dir}")
            write_run(ds, out_dir, registry=reg, calibration=cal, lang=lang)
            prog.advance(task)
    if store:
        from jalur.store import RunRequest, RunStore

        doc = RunStore().record(RunRequest.from_cli(scenario, override), ds, reg)
        err.print(f"run kept in the store as {doc['id']} (`jalur runs show {doc['id']}`)")
    table = summary(to_iamc(ds))
    if lang == "id":
        from jalur.pathways.report import with_labels

        table = with_labels(table, ds, lang)
        caption = (f"jalur {ds.attrs['jalur_version']}, data {ds.attrs['data_version']}; Indonesia; GRK dalam CO2e "
                   "(IPCC AR6 GWP100). Registered = hitungan BPS dan Korlantas, termasuk kendaraan yang tak lagi "
                   "dipakai; In Use = kendaraan yang beroperasi dan memakai BBM (energi dan emisi adalah miliknya)")
    else:
        caption = (f"jalur {ds.attrs['jalur_version']}, data {ds.attrs['data_version']}; Indonesia; GHG in CO2e "
                   "(IPCC AR6 GWP100). Registered = what BPS and Korlantas count, incl. vehicles no longer used; "
                   "In Use = the vehicles that drive and burn fuel (energy and emissions are theirs)")
    caption += "\n" + ds.attrs.get("scope", "")
    render(table, fmt, title=f"jalur run {ds.attrs['scenario']}: {ds.attrs['scenario_title']}", caption=caption,
           lang=lang)
    if out_dir is not None:
        err.print(f"outputs written to {out_dir}")


def compare_cmd(
    scenarios: list[str] = typer.Argument(..., help="Two or more scenarios (names or YAML files); the first is the base."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write compare.csv, wedges.csv and charts here."),
    quantity: str = typer.Option("wtw", "--quantity", help="Wedges of wtw (well-to-wheel) or lca (life-cycle) GHG."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt, lang: Optional[str] = LangOpt,
) -> None:
    """Scenarios side by side: key variables and emission wedges against the first scenario."""
    from jalur import __version__, datasets
    from jalur.pathways.compare import compare_table, run_scenarios
    from jalur.pathways.outputs import write_comparison

    if len(scenarios) < 2:
        raise InputError("give at least two scenarios to compare, e.g. `jalur compare bau nze-2060`")
    if quantity not in ("wtw", "lca"):
        raise InputError(f"--quantity {quantity!r} not allowed; allowed: wtw, lca")
    if out_dir is not None:
        check_out_dir(out_dir)  # before any work
    reg = datasets.load(override)
    with progress() as prog:
        task = prog.add_task("running scenarios", total=len(scenarios))
        runs = run_scenarios(scenarios, registry=reg, progress=lambda: prog.advance(task))
    lang = language(lang)
    table = compare_table(runs)
    if lang == "id" and fmt == Format.table and "variable" in table.columns:
        from jalur.pathways.report import with_labels

        table = with_labels(table, next(iter(runs.values())), lang)
    scope = next(iter(runs.values())).attrs.get("scope", "")
    render(table, fmt, title="Scenarios compared (Indonesia)",
           caption=f"jalur {__version__}, data {reg.data_version}\n{scope}", lang=lang)
    if out_dir is not None:
        write_comparison(runs, out_dir, quantity=quantity, registry=reg)
        err.print(f"comparison written to {out_dir}")


@scenario_app.command("list", cls=LazyHelpCommand)
def scenario_list(fmt: Format = FormatOpt) -> None:
    """The built-in scenarios."""
    from jalur.pathways.scenario import builtin_names, load_scenario

    rows = [{"name": n, "title": sc.title, "judul": sc.title_id, "extends": sc.extends or ""}
            for n, sc in ((n, load_scenario(n)) for n in builtin_names())]
    render(pd.DataFrame(rows), fmt, title="Built-in scenarios")


@scenario_app.command("show", cls=LazyHelpCommand)
def scenario_show(name: str = typer.Argument(..., help="Built-in name or YAML file."),
                  override: Overrides = OverrideOpt,
                  lang: Optional[str] = typer.Option(None, "--lang", help="en | id (default: JALUR_LANG or LANG)."),
                  raw: bool = typer.Option(False, "--yaml", help="Print the levers as YAML instead of explaining them.")
                  ) -> None:
    """A scenario's description, sources and every lever explained: its value here, unit and meaning."""
    import json

    from jalur import datasets
    from jalur.pathways.scenario import Levers, lever_reference, load_scenario

    lang = language(lang)
    reg = datasets.load(override)
    sc = load_scenario(name, known_sources=set(reg.sources.index))
    out.print(f"[bold]{sc.name}[/bold]: {sc.title}")
    for line in ([sc.title_id] if sc.title_id else []) + [" ".join(sc.description.split())]:
        out.print(Text(line))
    if sc.extends:
        out.print(f"extends: {sc.extends}")
    for s in sc.sources:
        out.print(Text(f"source {s}: {reg.source(s)['citation']}"))
    values, defaults = sc.levers.model_dump(mode="json"), Levers().model_dump(mode="json")
    if raw:
        out.print(Text(yaml.safe_dump({"levers": values}, sort_keys=False)))
        return
    head = {"en": ("lever", "value in this scenario", "unit", "meaning"),
            "id": ("tuas", "nilai dalam skenario ini", "satuan", "arti")}[lang]
    rows = []
    for lever, ref in lever_reference().items():
        v = values[lever]
        text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
        text = "(default)" if v == defaults[lever] and v in ({}, [], None) else text
        rows.append({head[0]: lever, head[1]: text, head[2]: ref["unit"], head[3]: ref[lang]})
    render(pd.DataFrame(rows), Format.table, title=f"{sc.name}: levers / tuas",
           caption="allowed values and an example of each: `jalur scenario new NAME`, or the lever reference in "
                   "the documentation")


@scenario_app.command("check", cls=LazyHelpCommand)
def scenario_check(path: Path = typer.Argument(..., help="Scenario YAML file."), override: Overrides = OverrideOpt) -> None:
    """Validate a scenario file (schema, sources, and a trial run); exit 0 only if it is valid."""
    from jalur import datasets
    from jalur.pathways.model import run
    from jalur.pathways.scenario import load_scenario

    reg = datasets.load(override)
    sc = load_scenario(path, known_sources=set(reg.sources.index))
    run(sc, registry=reg)
    out.print(f"ok: scenario {sc.name} ({path}) is valid and runs")


@scenario_app.command("new", cls=LazyHelpCommand)
def scenario_new(
    name: str = typer.Argument(..., help="Name of the new scenario (also the file name)."),
    base: str = typer.Option("bau", "--from", help="Scenario to extend."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="File to write (default NAME.yaml)."),
) -> None:
    """Write a new scenario file that extends another, ready to edit."""
    from jalur.pathways.scenario import write_new_scenario

    path = write_new_scenario(out_file or Path(f"{name}.yaml"), name, base)
    out.print(f"wrote {path}; edit its levers, then `jalur scenario check {path}` and `jalur run {path}`")


def calibrate_cmd(
    detail: bool = typer.Option(False, "--detail", help="Every observation, not only the summary."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt,
) -> None:
    """The fleet model against history: BPS registrations, vehicles in use, road fuel, FAME and EV stock.

    Each observation has a role: fit (the fit of fleet-parameters used it), hold-out (left out, a check),
    outlier (pandemic years), estimate (a jalur estimate, not fitted) or check. Refit with
    `python -m jalur.pathways.fit`.
    """
    from jalur.pathways.calibration import HOLD_OUT, OUTLIERS, calibration_report, calibration_summary

    df = calibration_report(overrides=override)
    if detail:
        render(df.drop(columns=["note"]) if fmt == Format.table else df, fmt, title="Calibration (history 2011-2025)")
    else:
        render(calibration_summary(df), fmt, title="Calibration: error against history [%]",
               caption=f"fit: rows the fit used (RMS and largest error); hold-out: road fuel {HOLD_OUT} left out; "
                       f"outlier: pandemic years {OUTLIERS}; registered stock: BPS (2015-2022 rows on their older "
                       "basis); in-use stock: renewed registrations 2022; road fuel: national sales x road share")


def register(app: typer.Typer) -> None:
    app.command("run", cls=LazyHelpCommand)(run_cmd)
    app.command("compare", cls=LazyHelpCommand)(compare_cmd)
    app.add_typer(scenario_app, name="scenario")
    app.command("calibrate", cls=LazyHelpCommand)(calibrate_cmd)
