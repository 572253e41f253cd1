"""``jalur vehicle``: life-cycle GHG emissions of vehicles, powertrains side by side, sensitivity."""

import json
from pathlib import Path
from typing import Optional

import typer

from jalur.cli.options import (
    DefaultCommandGroup,
    DefaultLazyHelpCommand,
    LangOpt,
    LazyHelpCommand,
    OverrideOpt,
    Overrides,
    with_lca_options,
)
from jalur.errors import InputError
from jalur.cli.render import Format, err, language, render

#: The command's name: ``jalur vehicle ...`` (the module's).
COMMAND = __name__.rpartition(".")[2]
vehicle_app = typer.Typer(
    cls=DefaultCommandGroup,
    help="Vehicle life-cycle GHG emissions: `jalur vehicle SEGMENT ...`, `jalur vehicle compare SEGMENT`, "
         "`jalur vehicle sensitivity SEGMENT`.",
    no_args_is_help=True,
)
FormatOpt = typer.Option(Format.table, "--format", help="Output format.")
SegmentArg = typer.Argument(..., help="Segment: {segments}.")
YearOpt = typer.Option(2025, "--year", "-y", help="Registration year (2015-2060).")
RegionOpt = typer.Option(None, "--region", "-r", help="Grid region of use: {regions} (default: the national average).")


def _stage_labels(reg, table, units: dict, lang: str):
    """Stage columns under their Indonesian labels (``lifecycle-stages.label_id``) when *lang* is ``id``."""
    if lang != "id":
        return table, units
    from jalur.catalog import catalog

    cat = catalog(reg)
    names = {c: cat.stage(c).label_id for c in table.columns if c in cat.stages}
    names.update({"powertrain": "penggerak", "fuel": "bahan bakar", "total": "total"})
    return table.rename(columns=names), {names.get(k, k): v for k, v in units.items()}


def short_unit(unit: str) -> str:
    """A column header's unit, short: ``g CO2e/passenger-km`` -> ``g/pkm`` (the title gives it in full).

    >>> short_unit("g CO2e/km"), short_unit("g CO2e/passenger-km"), short_unit("g CO2e/tonne-km")
    ('g/km', 'g/pkm', 'g/tkm')
    """
    return unit.replace(" CO2e", "").replace("passenger-km", "pkm").replace("tonne-km", "tkm")


def _caption(ds) -> str:
    attrs = ds.attrs
    opts = json.loads(attrs["options"])
    shown = {k: v for k, v in opts.items() if v is not None and k in ("luc", "grid_basis", "power_scenario",
                                                                      "grid_intensity", "gwp", "battery_origin",
                                                                      "battery_chemistry", "nickel_route")}
    extra = f"; {attrs['samples']} samples, seed {attrs['seed']}" if attrs.get("samples") else ""
    return (f"jalur {attrs['jalur_version']}, data {attrs['data_version']}; "
            + ", ".join(f"{k}={v}" for k, v in shown.items()) + extra + "\n" + attrs["scope"])


def _region(reg, region: Optional[str]) -> str:
    from jalur.catalog import catalog

    return region or catalog(reg).national.id


@vehicle_app.command("lca", cls=DefaultLazyHelpCommand)
@with_lca_options
def vehicle_lca(
    segment: str = SegmentArg,
    powertrain: Optional[list[str]] = typer.Option(None, "--powertrain", "-p", help="Powertrain(s): {powertrains}; "
                                                   "default all of the segment."),
    year: int = YearOpt, region: Optional[str] = RegionOpt,
    fuel: Optional[list[str]] = typer.Option(None, "--fuel", "-f", help="Fuel(s): {fuels}; default: each powertrain's "
                                             "default."),
    samples: int = typer.Option(0, "--samples", help="Monte Carlo samples (0 = deterministic)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (same seed, same numbers)."),
    sources: bool = typer.Option(False, "--sources", help="Also list the data rows the result rests on with their "
                                 "source ids (with --format csv/json: those rows instead of the stages)."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt, lang: Optional[str] = LangOpt, lca: dict = None,
) -> None:
    """Life-cycle GHG emissions of one segment by stage (g CO2e/km; IPCC AR6 GWP100)."""
    from jalur import datasets
    from jalur.vehicle import lifecycle, to_records
    from jalur.vehicle.lifecycle import table_by_stage

    reg = datasets.load(override)
    region = _region(reg, region)
    ds = lifecycle(segment, powertrain, fuel or "default", [year], [region], samples=samples, seed=seed, registry=reg,
                   **lca)
    rows = _input_rows(reg, ds, lca) if sources else None
    if fmt != Format.table:
        render(to_records(ds) if rows is None else rows, fmt)
        return
    table = table_by_stage(ds)
    unit = ds.attrs["units"]
    units = {c: short_unit(unit) for c in table.columns if c not in ("powertrain", "fuel")}
    units["t CO2e/life"] = "t CO2e"
    lang = language(lang)
    table, units = _stage_labels(reg, table, units, lang)
    render(table, fmt, title=f"{segment}, registered {year}, used in {region} [{unit}]"
           + (f"; mean, and p5/p50/p95 of {samples} samples" if samples else ""), caption=_caption(ds), units=units,
           lang=lang)
    if rows is not None:
        render(rows, fmt, title=f"{segment}: the data rows behind these stages (jalur data sources ID shows a source)",
               lang=lang)


def _input_rows(reg, ds, lca: dict):
    from jalur.vehicle.inputs import input_rows

    pts = list(dict.fromkeys(str(p) for p in ds["powertrain"].values))
    opts = json.loads(ds.attrs["options"])
    return input_rows(reg, str(ds["segment"].values[0]), pts, opts["battery_chemistry"], opts["battery_origin"],
                      opts["nickel_route"], str(ds["region"].values[0]), opts["power_scenario"])


@vehicle_app.command("compare", cls=LazyHelpCommand)
@with_lca_options
def vehicle_compare(
    segment: str = SegmentArg, year: int = YearOpt, region: Optional[str] = RegionOpt,
    reference: Optional[str] = typer.Option(None, "--reference", help="Reference powertrain for break-even (default: "
                                            "the segment's conventional one)."),
    fuel: Optional[str] = typer.Option(None, "--fuel", "-f", help="Fuel used wherever valid (e.g. e20); others keep "
                                       "their default."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Write a stacked-bar chart (.html or .png)."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt, lang: Optional[str] = LangOpt, lca: dict = None,
) -> None:
    """All valid powertrains of a segment side by side, with break-even distance against the reference."""
    from jalur import datasets
    from jalur.vehicle.compare import compare, write_compare_chart

    reg = datasets.load(override)
    region = _region(reg, region)
    df = compare(segment, year, region, reference=reference, fuel=fuel, registry=reg, **lca)
    if chart is not None:
        write_compare_chart(df, chart, f"{segment}: life-cycle GHG, registered {year}, {region}")
    if fmt != Format.table:
        render(df, fmt)
    else:
        from jalur.catalog import STAGES

        out_of_scope = [c for c in df.columns if c in set(STAGES) - set(df.attrs["in_scope"])]
        show = df.drop(columns=["segment", *out_of_scope]).rename(columns={"km": "lifetime km", "fixed_t": "fixed t", "per_km": "per km",
                                                            "lifetime_t": "t/life", "break_even_km": "break-even km"})
        unit = df.attrs["units"]
        units = {c: short_unit(unit) for c in show.columns if c not in ("powertrain", "fuel")}
        units.update({"lifetime km": "km", "fixed t": "t CO2e", "per km": short_unit(unit), "t/life": "t CO2e",
                      "break-even km": "km"})
        lang = language(lang)
        show, units = _stage_labels(reg, show, units, lang)
        render(show, fmt, title=f"{segment}, registered {year}, {region} [{unit}]; break-even vs "
                                f"{df.attrs['reference']}",
               caption=_caption(df), units=units, lang=lang)
    if chart is not None:
        err.print(f"chart written to {chart}")


@vehicle_app.command("sensitivity", cls=LazyHelpCommand)
@with_lca_options
def vehicle_sensitivity(
    segment: str = SegmentArg,
    powertrain: str = typer.Option(..., "--powertrain", "-p", help="Powertrain: {powertrains}."),
    year: int = YearOpt, region: Optional[str] = RegionOpt,
    fuel: Optional[str] = typer.Option(None, "--fuel", "-f", help="Fuel (default: the powertrain's default)."),
    top: int = typer.Option(15, "--top", help="Show the N inputs with the largest effect."),
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt, lca: dict = None,
) -> None:
    """Rank inputs by their effect on the total (each set to its low, then high value, one at a time)."""
    from jalur import datasets
    from jalur.vehicle.compare import sensitivity

    if top < 1:
        raise InputError(f"--top must be at least 1, got {top}")
    reg = datasets.load(override)
    region = _region(reg, region)
    df = sensitivity(segment, powertrain, year, region, fuel=fuel, top=top, registry=reg, **lca)
    base = float(df["base"].iloc[0]) if len(df) else float("nan")
    render(df.drop(columns=["base"]), fmt,
           title=f"{segment} {powertrain}, {year}, {region}: total {base:.1f} g CO2e/km at central values")
    if fmt == Format.table:
        from jalur.vehicle.compare import choices

        side = choices(segment, powertrain, year, region, fuel=fuel, registry=reg, **lca)
        side["chosen"] = side["chosen"].map({True: "*", False: ""})
        render(side, fmt, title="Categorical choices side by side (* = this run's) [g CO2e/km]",
               units={c: "g/km" for c in side.columns if c not in ("option", "value", "chosen")})
