"""The ``jalur`` command line: a thin skin over the Python API.

Exit codes: 0 success; 1 other jalur error; 2 bad option or unknown name; 3 invalid data or override.
A user mistake prints one paragraph on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text
from typer.core import TyperGroup

from jalur import datasets
from jalur._version import __version__
from jalur.errors import InputError, JalurError
from jalur.io import frame_to_records

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class DefaultCommandGroup(TyperGroup):
    """A group that runs its ``default`` command when the first argument names no subcommand.

    Lets ``jalur vehicle car-lmpv ...`` and ``jalur vehicle compare car-lmpv ...`` live side by side.
    """

    default_command = "lca"

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    name="jalur",
    help="jalur: multiple pathways to low-carbon road transport in Indonesia: cited data, vehicle life-cycle, "
         "LCEV tax and cost of ownership, fleet pathways to 2060.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
data_app = typer.Typer(help="Inspect and check the cited data registry.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"jalur {__version__} (data {datasets.data_version()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Print the jalur and data versions and exit."),
) -> None:
    """jalur command line."""


# --------------------------------------------------------------------------------------------------
# rendering helpers
# --------------------------------------------------------------------------------------------------


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v in (float("inf"), float("-inf")):
            return "never" if v > 0 else "-inf"
        return f"{v:.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return "" if v is None else str(v)


def render(df: pd.DataFrame, fmt: Format, title: str | None = None, caption: str | None = None) -> None:
    """Print *df* as a rich table, CSV or a JSON array of records."""
    if fmt == Format.csv:
        sys.stdout.write(datasets.to_csv_text(df))
    elif fmt == Format.json:
        sys.stdout.write(json.dumps(frame_to_records(df), ensure_ascii=False, indent=1) + "\n")
    else:
        t = RichTable(title=title, caption=caption, show_lines=False, header_style="bold")
        for c in df.columns:
            t.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
        for row in df.itertuples(index=False):
            t.add_row(*[_fmt(v) for v in row])
        out.print(t)


def parse_where(items: list[str] | None) -> dict[str, list[str]]:
    """Turn ``["region=jamali", "year=2030,2040"]`` into ``{"region": ["jamali"], "year": ["2030", "2040"]}``."""
    conds: dict[str, list[str]] = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(f"--where {item!r}: expected KEY=VALUE (e.g. --where region=jamali)")
        k, v = item.split("=", 1)
        conds.setdefault(k.strip(), []).extend(x.strip() for x in v.split(","))
    return conds


OverrideOpt = typer.Option(None, "--override", help="YAML or CSV file replacing rows of any table (repeatable).")


# --------------------------------------------------------------------------------------------------
# jalur data ...
# --------------------------------------------------------------------------------------------------


@data_app.command("list")
def data_list(fmt: Format = typer.Option(Format.table, "--format", help="Output format.")) -> None:
    """List the data tables with their description, rows and units."""
    reg = datasets.load()
    rows = [
        {"table": n, "title": t.schema.title, "judul": t.schema.title_id, "rows": len(t),
         "units": ", ".join(t.schema.units())}
        for n, t in ((n, reg.table(n)) for n in reg.names())
    ]
    render(pd.DataFrame(rows), fmt, title=f"jalur data {reg.data_version}")


@data_app.command("show")
def data_show(
    table: str = typer.Argument(..., help="Table name (see `jalur data list`)."),
    where: Optional[list[str]] = typer.Option(None, "--where", help="KEY=VALUE filter, repeatable; VALUE may be a comma list."),
    fmt: Format = typer.Option(Format.table, "--format", help="Output format."),
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Show the rows of one table, with units and sources."""
    reg = datasets.load(override)
    t = reg.table(table)
    sub = t.where(**parse_where(where))
    if len(sub) == 0:
        raise InputError(f"no rows of '{table}' match {where}; try `jalur data show {table}` without --where")
    df = sub.public()
    if fmt == Format.table:
        df = df.drop(columns=[c for c in ("note",) if c in df.columns])
    caption = None
    if fmt == Format.table:
        ids = sorted({s for v in df["source_id"] for s in str(v).replace(";", " ").split()})
        caption = "Sources: " + "; ".join(f"{i}: {reg.source(i)['citation'][:90]}" for i in ids[:8])
        if len(ids) > 8:
            caption += f"; ... ({len(ids)} sources, see `jalur data sources ID`)"
    render(df, fmt, title=f"{t.schema.title} ({table})", caption=caption)


@data_app.command("sources")
def data_sources(
    source_id: Optional[str] = typer.Argument(None, help="A source id: show it and the rows that cite it."),
    fmt: Format = typer.Option(Format.table, "--format", help="Output format."),
) -> None:
    """List the citations, or show one source and every row that uses it."""
    reg = datasets.load()
    if source_id is None:
        df = reg.sources[["id", "year", "type", "citation"]].reset_index(drop=True)
        render(df, fmt, title=f"Sources ({len(df)})")
        return
    src = reg.source(source_id)
    rows = reg.rows_citing(source_id)
    if fmt == Format.json:
        sys.stdout.write(json.dumps({"source": src, "rows": frame_to_records(rows)}, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == Format.csv:
        sys.stdout.write(datasets.to_csv_text(rows))
        return
    for k, v in src.items():
        out.print(f"[bold]{k}[/bold]: {v}")
    render(rows, fmt, title=f"Rows citing {source_id} ({len(rows)})")


@data_app.command("check")
def data_check(override: Optional[list[Path]] = OverrideOpt) -> None:
    """Validate the shipped data and any override files; exit 0 only if everything is clean."""
    reg = datasets.check(override)
    n_rows = sum(len(t) for t in reg.tables.values())
    out.print(f"ok: {len(reg.tables)} tables, {n_rows} rows, {len(reg.sources)} sources, data {reg.data_version}")
    for o in reg.overrides:
        out.print(f"override {o.file}: {o.tables}")


# --------------------------------------------------------------------------------------------------
# jalur vehicle ...
# --------------------------------------------------------------------------------------------------

vehicle_app = typer.Typer(
    cls=DefaultCommandGroup,
    help="Vehicle life-cycle GHG emissions: `jalur vehicle SEGMENT ...`, `jalur vehicle compare SEGMENT`, "
         "`jalur vehicle sensitivity SEGMENT`.",
    no_args_is_help=True,
)
app.add_typer(vehicle_app, name="vehicle")


def _options(luc, grid_basis, power_scenario, grid_intensity, ethanol_feedstock, fame_pathway,
             battery_chemistry, battery_origin, gwp, per, utility_factor) -> dict[str, Any]:
    kw = dict(luc=luc, grid_basis=grid_basis, power_scenario=power_scenario, grid_intensity=grid_intensity,
              ethanol_feedstock=ethanol_feedstock, fame_pathway=fame_pathway, battery_chemistry=battery_chemistry,
              battery_origin=battery_origin, gwp=gwp, per=per, utility_factor=utility_factor)
    return {k: v for k, v in kw.items() if v is not None}


LucOpt = typer.Option(None, "--luc", help="Land-use change: none | direct (default) | indirect (direct + indirect).")
GridBasisOpt = typer.Option(None, "--grid-basis", help="use-average (default) | registration-year.")
PowerOpt = typer.Option(None, "--power-scenario", help="current-policies (default) | jetp-cipp | coal-lock.")
GridOpt = typer.Option(None, "--grid-intensity", help="Fixed grid: life-cycle g CO2e per kWh delivered at the charger.")
EthOpt = typer.Option(None, "--ethanol-feedstock", help="molasses (default) | sugarcane | cassava.")
FameOpt = typer.Option(None, "--fame-pathway", help="Palm FAME mill: open-pond (default) | methane-capture.")
ChemOpt = typer.Option(None, "--battery-chemistry", help="nmc811 | nmc622 | lfp (default: per segment).")
OriginOpt = typer.Option(None, "--battery-origin", help="Cell origin: cn (default) | kr | jp | id.")
GwpOpt = typer.Option(None, "--gwp", help="GWP basis: ar6-gwp100 (default) | ar5-gwp100 | ar4-gwp100.")
PerOpt = typer.Option(None, "--per", help="vkm (default) | pkm (per passenger-km) | tkm (trucks, per tonne-km).")
UfOpt = typer.Option(None, "--utility-factor", help="PHEV share of km on electricity (0-1).")
FormatOpt = typer.Option(Format.table, "--format", help="Output format.")


@vehicle_app.command("lca")
def vehicle_lca(
    segment: str = typer.Argument(..., help="Segment id, e.g. mc-scooter, car-lmpv (see `jalur data show segments`)."),
    powertrain: Optional[list[str]] = typer.Option(None, "--powertrain", "-p", help="Powertrain(s); default all valid."),
    year: int = typer.Option(2025, "--year", "-y", help="Registration year (2015-2060)."),
    region: str = typer.Option("national", "--region", "-r", help="Grid region of use."),
    fuel: Optional[list[str]] = typer.Option(None, "--fuel", "-f", help="Fuel(s): mandate e0 e5 e10 e20 e85 e100 b0 b35 b40 b50 b100 hvo cng h2-smr h2-electrolysis; default: each powertrain's default."),
    samples: int = typer.Option(0, "--samples", help="Monte Carlo samples (0 = deterministic)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (same seed, same numbers)."),
    luc: Optional[str] = LucOpt, grid_basis: Optional[str] = GridBasisOpt, power_scenario: Optional[str] = PowerOpt,
    grid_intensity: Optional[float] = GridOpt, ethanol_feedstock: Optional[str] = EthOpt,
    fame_pathway: Optional[str] = FameOpt, battery_chemistry: Optional[str] = ChemOpt,
    battery_origin: Optional[str] = OriginOpt, gwp: Optional[str] = GwpOpt, per: Optional[str] = PerOpt,
    utility_factor: Optional[float] = UfOpt,
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Life-cycle GHG emissions of one segment by stage (g CO2e/km; IPCC AR6 GWP100)."""
    from jalur.vehicle import DEFAULT_FUEL, lifecycle, to_records

    opts = _options(luc, grid_basis, power_scenario, grid_intensity, ethanol_feedstock, fame_pathway,
                    battery_chemistry, battery_origin, gwp, per, utility_factor)
    fuels = fuel
    if fuels is None:
        reg = datasets.load(override)
        from jalur.vehicle.lifecycle import build_cases

        fuels = sorted({DEFAULT_FUEL[c.powertrain] for c in build_cases(reg, segment, powertrain)})
    ds = lifecycle(segment, powertrain, fuels, [year], [region], samples=samples, seed=seed, overrides=override, **opts)
    if fuel is None:  # keep each powertrain's own default fuel only
        from jalur.vehicle.lifecycle import default_fuel_only

        ds = default_fuel_only(ds)
    rec = to_records(ds)
    if fmt != Format.table:
        render(rec, fmt)
        return
    wide = rec.pivot_table(index=["powertrain", "fuel"], columns="stage", values="value", sort=False)
    wide = wide[[c for c in ds["stage"].values]].reset_index()
    life = ds["lifetime_emissions"].sel(year=year, region=region).to_pandas().reset_index(drop=True)
    wide["t CO2e/life"] = life.values
    if samples:
        for q in ("p5", "p95"):
            wide[f"total {q}"] = rec[rec["stage"] == "total"][q].values
    unit = ds.attrs["units"]
    render(wide, fmt, title=f"{segment}, registered {year}, used in {region} [{unit}]",
           caption=_provenance_caption(ds))


def _provenance_caption(ds) -> str:
    import json as _json

    opts = _json.loads(ds.attrs["options"])
    shown = {k: v for k, v in opts.items() if v is not None and k in ("luc", "grid_basis", "power_scenario",
                                                                      "grid_intensity", "gwp", "battery_origin")}
    extra = f"; {ds.attrs['samples']} samples, seed {ds.attrs['seed']}" if ds.attrs["samples"] else ""
    return (f"jalur {ds.attrs['jalur_version']}, data {ds.attrs['data_version']}; "
            + ", ".join(f"{k}={v}" for k, v in shown.items()) + extra)


@vehicle_app.command("compare")
def vehicle_compare(
    segment: str = typer.Argument(..., help="Segment id."),
    year: int = typer.Option(2025, "--year", "-y", help="Registration year."),
    region: str = typer.Option("national", "--region", "-r", help="Grid region of use."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Reference powertrain for break-even (default ice-gasoline, else ice-diesel)."),
    fuel: Optional[str] = typer.Option(None, "--fuel", "-f", help="Fuel used wherever valid (e.g. e20); others keep their default."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Write a stacked-bar chart (.html or .png)."),
    luc: Optional[str] = LucOpt, grid_basis: Optional[str] = GridBasisOpt, power_scenario: Optional[str] = PowerOpt,
    grid_intensity: Optional[float] = GridOpt, ethanol_feedstock: Optional[str] = EthOpt,
    fame_pathway: Optional[str] = FameOpt, battery_chemistry: Optional[str] = ChemOpt,
    battery_origin: Optional[str] = OriginOpt, gwp: Optional[str] = GwpOpt, per: Optional[str] = PerOpt,
    utility_factor: Optional[float] = UfOpt,
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """All valid powertrains of a segment side by side, with break-even distance against the reference."""
    from jalur.vehicle.compare import compare

    opts = _options(luc, grid_basis, power_scenario, grid_intensity, ethanol_feedstock, fame_pathway,
                    battery_chemistry, battery_origin, gwp, per, utility_factor)
    df = compare(segment, year, region, reference=reference, fuel=fuel, overrides=override, **opts)
    unit = df.attrs["units"]
    if chart is not None:
        from jalur.charts import stacked_stages, write_chart

        d = df.assign(label=df["powertrain"] + " (" + df["fuel"] + ")")
        fig = stacked_stages(d, f"{segment}: life-cycle GHG, registered {year}, {region} "
                                f"(jalur {df.attrs['jalur_version']}, data {df.attrs['data_version']})", unit,
                             reference=df.attrs["reference"])
        write_chart(fig, chart)
    if fmt != Format.table:
        render(df, fmt)
    else:
        show = df.drop(columns=["segment"]).rename(columns={"km": "lifetime km", "fixed_t": "fixed t",
                                                            "per_km": "per km", "lifetime_t": "t/life",
                                                            "break_even_km": "break-even km"})
        render(show, fmt, title=f"{segment}, registered {year}, {region} [{unit}]; break-even vs {df.attrs['reference']}",
               caption=f"jalur {df.attrs['jalur_version']}, data {df.attrs['data_version']}")
    if chart is not None:
        err.print(f"chart written to {chart}")


@vehicle_app.command("sensitivity")
def vehicle_sensitivity(
    segment: str = typer.Argument(..., help="Segment id."),
    powertrain: str = typer.Option(..., "--powertrain", "-p", help="Powertrain."),
    year: int = typer.Option(2025, "--year", "-y", help="Registration year."),
    region: str = typer.Option("national", "--region", "-r", help="Grid region of use."),
    fuel: Optional[str] = typer.Option(None, "--fuel", "-f", help="Fuel (default: the powertrain's default)."),
    top: int = typer.Option(15, "--top", help="Show the N inputs with the largest effect."),
    luc: Optional[str] = LucOpt, grid_basis: Optional[str] = GridBasisOpt, power_scenario: Optional[str] = PowerOpt,
    grid_intensity: Optional[float] = GridOpt, ethanol_feedstock: Optional[str] = EthOpt,
    fame_pathway: Optional[str] = FameOpt, battery_chemistry: Optional[str] = ChemOpt,
    battery_origin: Optional[str] = OriginOpt, gwp: Optional[str] = GwpOpt, per: Optional[str] = PerOpt,
    utility_factor: Optional[float] = UfOpt,
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Rank inputs by their effect on the total (each set to its low, then high value, one at a time)."""
    from jalur.vehicle.compare import sensitivity

    opts = _options(luc, grid_basis, power_scenario, grid_intensity, ethanol_feedstock, fame_pathway,
                    battery_chemistry, battery_origin, gwp, per, utility_factor)
    df = sensitivity(segment, powertrain, year, region, fuel=fuel, top=top, overrides=override, **opts)
    base = float(df["base"].iloc[0]) if len(df) else float("nan")
    render(df.drop(columns=["base"]), fmt,
           title=f"{segment} {powertrain}, {year}, {region}: total {base:.1f} g CO2e/km at central values")


# --------------------------------------------------------------------------------------------------
# jalur tax
# --------------------------------------------------------------------------------------------------


@app.command("tax")
def tax_cmd(
    category: str = typer.Option(..., "--category", help="passenger (= passenger-lt10), passenger-10-15, double-cab, motorcycle, bus, truck."),
    powertrain: str = typer.Option(..., "--powertrain", "-p", help="ice-gasoline, ice-diesel, cng, ffv, mhev, hev, phev, bev, fcev."),
    price: float = typer.Option(..., "--price", help="Selling price before VAT and PPnBM [Rp]."),
    engine_cc: Optional[float] = typer.Option(None, "--engine-cc", help="Engine displacement [cc]."),
    fuel: Optional[str] = typer.Option(None, "--fuel", help="petrol | diesel (default from the powertrain)."),
    km_per_l: Optional[float] = typer.Option(None, "--km-per-l", help="Fuel economy [km/l]."),
    co2: Optional[float] = typer.Option(None, "--co2", help="CO2 emissions [g/km]."),
    ev_range_km: Optional[float] = typer.Option(None, "--ev-range-km", help="PHEV electric range [km]."),
    tkdn: Optional[float] = typer.Option(None, "--tkdn", help="Local content TKDN [%]."),
    origin: str = typer.Option("local", "--origin", help="local | ckd | cbu."),
    lcgc: bool = typer.Option(False, "--lcgc", help="Registered in the KBH2/LCGC programme (criteria are checked)."),
    lcev: Optional[bool] = typer.Option(None, "--lcev/--no-lcev", help="Registered in the LCEV programme (default: yes unless CBU)."),
    conversion: bool = typer.Option(False, "--conversion", help="ICE motorcycle converted to electric (conversion aid)."),
    date: str = typer.Option(None, "--date", help="Delivery date YYYY-MM-DD (default today)."),
    scheme2_from: Optional[str] = typer.Option(None, "--scheme2-from", help="Date the PP 74/2021 Art. 36B second stage starts (default: not triggered)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table | json."),
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """PPnBM, VAT and incentives for one vehicle on a date (PP 73/2019 as amended by PP 74/2021)."""
    import datetime as _dt

    from jalur.policy.ppnbm import assess, spec_from_kwargs

    spec = spec_from_kwargs(category=category, powertrain=powertrain, price=price, date=date or _dt.date.today().isoformat(),
                            engine_cc=engine_cc, fuel=fuel, km_per_l=km_per_l, co2=co2, ev_range_km=ev_range_km,
                            tkdn=tkdn, origin=origin, lcgc=lcgc, lcev=lcev, conversion=conversion)
    s2 = spec_from_kwargs(category="bus", powertrain="bev", price=1, date=scheme2_from).date if scheme2_from else None
    res = assess(spec, overrides=override, scheme2_from=s2).as_dict()
    res["date"] = spec.date.isoformat()
    res["jalur_version"], res["data_version"] = __version__, datasets.load(override).data_version
    if fmt == Format.json:
        sys.stdout.write(json.dumps(res, ensure_ascii=False, indent=1) + "\n")
        return
    if fmt == Format.csv:
        raise InputError("jalur tax prints table or json; use --format json for machine-readable output")
    rows = [
        ("scheme / skema", res["scheme"]), ("rule / pasal", f"{res['rule']} — {res['legal_basis']}"),
        ("confirmed", "yes" if res["confirmed"] else "NO (see notes)"),
        ("PPnBM tariff", f"{res['ppnbm_tariff_pct']:g} %"), ("DPP (tax base)", f"{res['dpp_pct']:.4g} % of price"),
        ("PPnBM effective", f"{res['ppnbm_effective_pct']:g} %  = Rp {res['ppnbm_rp']:,.0f}"),
        ("VAT / PPN", f"{res['vat_pct']:g} %  = Rp {res['vat_rp']:,.0f}"),
    ] + [(f"incentive: {i['name']}", f"- Rp {i['rp']:,.0f} ({i['reduces']}; {i['legal_basis']})") for i in res["incentives"]] + [
        ("PPnBM after incentives", f"{res['ppnbm_after_incentives_pct']:.4g} %  = Rp {res['ppnbm_after_incentives_rp']:,.0f}"),
        ("price before tax", f"Rp {res['price_rp']:,.0f}"),
        ("price incl. tax / harga termasuk pajak", f"Rp {res['price_incl_tax_rp']:,.0f}"),
    ]
    render(pd.DataFrame(rows, columns=["item", "value"]), fmt, title=f"PPnBM and VAT on {res['date']}",
           caption=f"jalur {__version__}, data {res['data_version']}")
    for n in res["notes"]:
        out.print(Text("note: " + n))


@app.command("tco")
def tco_cmd(
    segment: str = typer.Argument(..., help="Segment id, e.g. car-lmpv, mc-scooter."),
    year: int = typer.Option(2025, "--year", "-y", help="Registration year (2021-2060)."),
    region: str = typer.Option("national", "--region", "-r", help="Grid region (for the life-cycle emissions)."),
    powertrain: Optional[list[str]] = typer.Option(None, "--powertrain", "-p", help="Powertrain(s); default all valid."),
    discount_rate: float = typer.Option(0.08, "--discount-rate", help="Real discount rate per year."),
    price_basis: str = typer.Option("retail", "--price-basis", help="retail (what owners pay) | market (economic prices)."),
    gasoline_product: str = typer.Option("pertalite", "--gasoline", help="pertalite (RON 90) | pertamax (RON 92)."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Reference powertrain for the abatement cost."),
    scheme2_from: Optional[str] = typer.Option(None, "--scheme2-from", help="Date the PP 74/2021 Art. 36B second stage starts."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Write a stacked-bar chart of cost components (.html or .png)."),
    power_scenario: Optional[str] = PowerOpt, luc: Optional[str] = LucOpt,
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Total cost of ownership (Rp/km and Rp over the life), the state's fiscal view and abatement cost."""
    import datetime as _dt

    from jalur.policy.tco import tco

    s2 = _dt.date.fromisoformat(scheme2_from) if scheme2_from else None
    opts = {k: v for k, v in dict(power_scenario=power_scenario, luc=luc).items() if v is not None}
    df = tco(segment, year, region, powertrains=powertrain, discount_rate=discount_rate, price_basis=price_basis,
             gasoline_product=gasoline_product, reference=reference, scheme2_from=s2, overrides=override, **opts)
    if chart is not None:
        from jalur.charts import cost_components, write_chart

        write_chart(cost_components(df, f"{segment}: total cost of ownership, registered {year} "
                                        f"(discount {discount_rate:.0%}, {price_basis} prices; jalur {__version__})"), chart)
    if fmt != Format.table:
        render(df, fmt)
    else:
        cols = {"powertrain": "powertrain", "ppnbm_pct": "PPnBM %", "purchase_rp": "purchase", "energy_rp": "energy",
                "maintenance_rp": "maint.", "insurance_rp": "insur.", "pkb_rp": "PKB", "battery_rp": "battery",
                "residual_rp": "residual", "total_rp": "total Rp", "rp_per_km": "Rp/km",
                "lifetime_t_co2e": "t CO2e", "abatement_rp_per_t": "Rp/t CO2e", "fiscal_net_rp": "state net Rp"}
        show = df[list(cols)].rename(columns=cols)
        render(show, fmt, title=f"{segment}, registered {year}: cost of ownership (real 2024 Rp, NPV at {discount_rate:.0%}); "
                                f"abatement vs {df.attrs['reference']}",
               caption=f"jalur {__version__}, data {df.attrs['data_version']}; {price_basis} prices, {gasoline_product}")
        for n in df["note"]:
            if n:
                out.print(Text("note: " + n))
    if chart is not None:
        err.print(f"chart written to {chart}")


# --------------------------------------------------------------------------------------------------
# jalur run / compare / scenario / calibrate
# --------------------------------------------------------------------------------------------------

scenario_app = typer.Typer(help="Built-in and user scenarios (pathways).", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


def _progress():
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not sys.stderr.isatty())


@app.command("run")
def run_cmd(
    scenario: str = typer.Argument(..., help="Built-in scenario name (`jalur scenario list`) or a YAML file."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write iamc.csv, arrays.parquet, workbook.xlsx, charts, provenance.json here."),
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Project Indonesia's road fleet, energy, emissions and upstream needs to 2060 under a scenario."""
    from jalur.pathways.calibration import calibration_report
    from jalur.pathways.iamc import to_iamc
    from jalur.pathways.model import run
    from jalur.pathways.outputs import summary, write_run

    reg = datasets.load(override)
    with _progress() as prog:
        task = prog.add_task(f"running {scenario}", total=3 if out_dir else 1)
        ds = run(scenario, registry=reg)
        prog.advance(task)
        if out_dir is not None:
            prog.update(task, description="calibration report")
            cal = calibration_report(reg)
            prog.advance(task)
            prog.update(task, description=f"writing {out_dir}")
            write_run(ds, out_dir, registry=reg, calibration=cal)
            prog.advance(task)
    summ = summary(to_iamc(ds))
    render(summ, fmt, title=f"jalur run {ds.attrs['scenario']}: {ds.attrs['scenario_title']}",
           caption=f"jalur {ds.attrs['jalur_version']}, data {ds.attrs['data_version']}; Indonesia, "
                   "active fleet; GHG in CO2e (IPCC AR6 GWP100)")
    if out_dir is not None:
        err.print(f"outputs written to {out_dir}")


@app.command("compare")
def compare_cmd(
    scenarios: list[str] = typer.Argument(..., help="Two or more scenarios (names or YAML files); the first is the base."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write compare.csv, wedges.csv and charts here."),
    quantity: str = typer.Option("wtw", "--quantity", help="Wedges of wtw (well-to-wheel) or lca (life-cycle) GHG."),
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """Scenarios side by side: key variables and emission wedges against the first scenario."""
    import shutil

    from jalur.charts import figure_to_png
    from jalur.pathways.compare import compare_table, wedge_figure, wedges
    from jalur.pathways.model import run

    if len(scenarios) < 2:
        raise InputError("give at least two scenarios to compare, e.g. `jalur compare bau nze-2060`")
    if quantity not in ("wtw", "lca"):
        raise InputError(f"--quantity {quantity!r} not allowed; allowed: wtw, lca")
    reg = datasets.load(override)
    runs = {}
    with _progress() as prog:
        task = prog.add_task("running scenarios", total=len(scenarios))
        for s_ in scenarios:
            ds = run(s_, registry=reg)
            name = ds.attrs["scenario"]
            if name in runs:
                raise InputError(f"two scenarios are named {name!r} (from {runs[name].attrs['scenario_file']} and "
                                 f"{ds.attrs['scenario_file']}); compare scenarios with different names")
            runs[name] = ds
            prog.advance(task)
    names = list(runs)
    table = compare_table(runs)
    render(table, fmt, title="Scenarios compared (Indonesia)", caption=f"jalur {__version__}, data {reg.data_version}")
    if out_dir is not None:
        from jalur.pathways.outputs import commit_out_dir, prepare_out_dir

        out, tmp = prepare_out_dir(out_dir)
        try:
            table.to_csv(tmp / "compare.csv", index=False)
            w = pd.concat({n: wedges(runs[names[0]], runs[n], quantity) for n in names[1:]}, names=["scenario", "year"])
            w.reset_index().to_csv(tmp / "wedges.csv", index=False)
            fig = wedge_figure(names[0], runs[names[0]], runs, quantity)
            fig.write_html(tmp / "wedges.html", include_plotlyjs="directory")
            figure_to_png(fig, tmp / "wedges.png")
            (tmp / "provenance.json").write_text(json.dumps({
                "jalur_version": __version__, "data_version": reg.data_version, "scenarios": names,
                "overrides": reg.provenance()["overrides"]}, indent=1), encoding="utf-8")
            commit_out_dir(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        err.print(f"comparison written to {out_dir}")


@scenario_app.command("list")
def scenario_list(fmt: Format = FormatOpt) -> None:
    """The built-in scenarios."""
    from jalur.pathways.scenario import builtin_names, load_scenario

    rows = []
    for n in builtin_names():
        sc = load_scenario(n)
        rows.append({"name": n, "title": sc.title, "judul": sc.title_id, "extends": sc.extends or ""})
    render(pd.DataFrame(rows), fmt, title="Built-in scenarios")


@scenario_app.command("show")
def scenario_show(name: str = typer.Argument(..., help="Built-in name or YAML file."),
                  override: Optional[list[Path]] = OverrideOpt) -> None:
    """A scenario's description, sources and every lever (after `extends` is resolved)."""
    from jalur.pathways.scenario import load_scenario

    reg = datasets.load(override)
    sc = load_scenario(name, known_sources=set(reg.sources.index))
    out.print(f"[bold]{sc.name}[/bold]: {sc.title}")
    if sc.title_id:
        out.print(Text(sc.title_id))
    out.print(Text(" ".join(sc.description.split())))
    if sc.extends:
        out.print(f"extends: {sc.extends}")
    for s_ in sc.sources:
        out.print(Text(f"source {s_}: {reg.source(s_)['citation']}"))
    import yaml as _yaml

    sys.stdout.write(_yaml.safe_dump({"levers": sc.levers.model_dump(mode="json")}, sort_keys=False))


@scenario_app.command("check")
def scenario_check(path: Path = typer.Argument(..., help="Scenario YAML file."),
                   override: Optional[list[Path]] = OverrideOpt) -> None:
    """Validate a scenario file (schema, sources, and a trial run); exit 0 only if it is valid."""
    from jalur.pathways.model import run
    from jalur.pathways.scenario import load_scenario

    reg = datasets.load(override)
    sc = load_scenario(path, known_sources=set(reg.sources.index))
    run(sc, registry=reg)
    out.print(f"ok: scenario {sc.name} ({path}) is valid and runs")


@scenario_app.command("new")
def scenario_new(
    name: str = typer.Argument(..., help="Name of the new scenario (also the file name)."),
    base: str = typer.Option("bau", "--from", help="Scenario to extend."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="File to write (default NAME.yaml)."),
) -> None:
    """Write a new scenario file that extends another, ready to edit."""
    from jalur.io import atomic_write_text
    from jalur.pathways.scenario import new_scenario_text

    path = out_file or Path(f"{name}.yaml")
    if path.exists():
        raise InputError(f"{path} already exists; choose another name or --out")
    atomic_write_text(path, new_scenario_text(name, base))
    out.print(f"wrote {path}; edit its levers, then `jalur scenario check {path}` and `jalur run {path}`")


@app.command("calibrate")
def calibrate_cmd(
    detail: bool = typer.Option(False, "--detail", help="Every class and year, not only the summary."),
    fmt: Format = FormatOpt,
    override: Optional[list[Path]] = OverrideOpt,
) -> None:
    """The fleet model against history: registered stock (BPS), active stock, EV stock; error per class and year."""
    from jalur.pathways.calibration import calibration_report, calibration_summary

    df = calibration_report(overrides=override)
    if detail:
        render(df.drop(columns=["note"]) if fmt == Format.table else df, fmt, title="Calibration (history 2011-2024)")
    else:
        render(calibration_summary(df), fmt, title="Calibration: RMS error by quantity and class [%]",
               caption="registered-stock: Weibull fit to BPS; active-stock: in-use fleet vs BPS registrations "
                       "(gap = vehicles still registered but no longer used); ev-stock: vs registered EV stock")


# --------------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by the console script and by tests)."""
    try:
        app(args=argv, prog_name="jalur", standalone_mode=True)
    except SystemExit as exc:  # typer/click exit: help, --version, usage errors (code 2)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except JalurError as exc:
        err.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False)
        return exc.exit_code
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
