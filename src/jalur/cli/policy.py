"""``jalur tax`` and ``jalur tco``: the LCEV luxury tax of one vehicle, and the cost of ownership of a segment."""

import datetime as dt
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.text import Text

from jalur.cli.options import LangOpt, LazyHelpCommand, OverrideOpt, Overrides
from jalur.cli.render import Format, err, language, out, render, write_json
from jalur.errors import InputError

FormatOpt = typer.Option(Format.table, "--format", help="Output format.")


def tax_cmd(
    category: str = typer.Option(..., "--category", help="Vehicle category: {categories}."),
    powertrain: str = typer.Option(..., "--powertrain", "-p", help="Powertrain: {powertrains}."),
    price: float = typer.Option(..., "--price", help="Selling price before VAT and PPnBM [Rp]."),
    engine_cc: Optional[float] = typer.Option(None, "--engine-cc", help="Engine displacement [cc]."),
    fuel: Optional[str] = typer.Option(None, "--fuel", help="petrol | diesel (default from the powertrain)."),
    km_per_l: Optional[float] = typer.Option(None, "--km-per-l", help="Fuel economy [km/l]."),
    co2: Optional[float] = typer.Option(None, "--co2", help="CO2 emissions [g/km]."),
    ev_range_km: Optional[float] = typer.Option(None, "--ev-range-km", help="PHEV electric range [km]."),
    tkdn: Optional[float] = typer.Option(None, "--tkdn", help="Local content TKDN [%]. Not given: a local or CKD "
                                        "battery EV is taken at the Perpres 79/2023 minimum of its year (said in the output)."),
    origin: str = typer.Option("local", "--origin", help="local | ckd | cbu."),
    lcgc: bool = typer.Option(False, "--lcgc", help="Registered in the KBH2/LCGC programme (criteria are checked)."),
    lcev: Optional[bool] = typer.Option(None, "--lcev/--no-lcev", help="Registered in the LCEV programme (default: "
                                        "decided from --origin and, for battery EVs, --tkdn)."),
    conversion: bool = typer.Option(False, "--conversion", help="ICE motorcycle converted to electric (conversion aid)."),
    date: str = typer.Option(None, "--date", help="Delivery date YYYY-MM-DD (default today)."),
    scheme2_from: Optional[str] = typer.Option(None, "--scheme2-from", help="Date the PP 74/2021 Art. 36B second stage "
                                               "starts (default: not triggered)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table | json."),
    override: Overrides = OverrideOpt, lang: Optional[str] = LangOpt,
) -> None:
    """PPnBM, VAT and incentives for one vehicle on a date (PP 73/2019 as amended by PP 74/2021)."""
    from jalur import datasets
    from jalur.policy.ppnbm import assess, parse_date, spec_from_kwargs

    reg = datasets.load(override)
    spec = spec_from_kwargs(category=category, powertrain=powertrain, price=price, date=date or dt.date.today().isoformat(),
                            engine_cc=engine_cc, fuel=fuel, km_per_l=km_per_l, co2=co2, ev_range_km=ev_range_km,
                            tkdn=tkdn, origin=origin, lcgc=lcgc, lcev=lcev, conversion=conversion)
    res = assess(spec, registry=reg, scheme2_from=parse_date(scheme2_from, "--scheme2-from") if scheme2_from else None)
    doc = {**res.as_dict(), "date": spec.date.isoformat(), "jalur_version": __import__("jalur").__version__,
           "data_version": reg.data_version}
    if fmt == Format.json:
        write_json(doc)
        return
    if fmt == Format.csv:
        raise InputError("jalur tax prints table or json; use --format json for machine-readable output")
    render(pd.DataFrame(res.items(language(lang)), columns=["item", "value"]), fmt, title=f"PPnBM and VAT on {doc['date']}",
           caption=f"jalur {doc['jalur_version']}, data {doc['data_version']}")
    for n in res.notes:
        out.print(Text("note: " + n))


TCO_COLUMNS = {"powertrain": "powertrain", "ppnbm_pct": "PPnBM %", "purchase_rp": "purchase", "energy_rp": "energy",
               "maintenance_rp": "maint.", "insurance_rp": "insur.", "pkb_rp": "PKB", "battery_rp": "batt. repl.",
               "residual_rp": "residual", "total_rp": "total Rp", "rp_per_km": "Rp/km", "lifetime_t_co2e": "t CO2e",
               "abatement_rp_per_t": "Rp/t CO2e", "fiscal_net_rp": "state net Rp"}


def tco_cmd(
    segment: str = typer.Argument(..., help="Segment: {segments}."),
    year: int = typer.Option(2025, "--year", "-y", help="Registration year (2022-2060)."),
    region: Optional[str] = typer.Option(None, "--region", "-r", help="Grid region (for the life-cycle emissions): "
                                         "{regions}."),
    powertrain: Optional[list[str]] = typer.Option(None, "--powertrain", "-p", help="Powertrain(s); default all valid."),
    discount_rate: float = typer.Option(0.08, "--discount-rate", help="Real discount rate per year."),
    price_basis: str = typer.Option("retail", "--price-basis", help="retail (what owners pay) | market (economic prices)."),
    gasoline_product: str = typer.Option("pertalite", "--gasoline", help="pertalite (RON 90) | pertamax (RON 92)."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Reference powertrain for the abatement cost."),
    scheme2_from: Optional[str] = typer.Option(None, "--scheme2-from", help="Date the PP 74/2021 Art. 36B second "
                                               "stage starts."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Write a stacked-bar chart of cost components (.html or .png)."),
    power_scenario: Optional[str] = typer.Option(None, "--power-scenario", help="Power scenario: {power_scenarios}."),
    luc: Optional[str] = typer.Option(None, "--luc", help="Land-use change: none | direct (default) | indirect."),
    lang: Optional[str] = LangOpt,
    fmt: Format = FormatOpt, override: Overrides = OverrideOpt,
) -> None:
    """Total cost of ownership (Rp/km and Rp over the life), the state's fiscal view and abatement cost."""
    from jalur.policy.ppnbm import parse_date
    from jalur.policy.tco import tco, write_cost_chart

    s2 = parse_date(scheme2_from, "--scheme2-from") if scheme2_from else None
    opts = {k: v for k, v in dict(power_scenario=power_scenario, luc=luc).items() if v is not None}
    df = tco(segment, year, region, powertrains=powertrain, discount_rate=discount_rate, price_basis=price_basis,
             gasoline_product=gasoline_product, reference=reference, scheme2_from=s2, overrides=override, **opts)
    if chart is not None:
        write_cost_chart(df, chart, f"{segment}: total cost of ownership, registered {year}", language(lang))
    if fmt != Format.table:
        render(df, fmt)
    else:
        lang = language(lang)
        names = TCO_COLUMNS if lang == "en" else TCO_COLUMNS_ID
        render(df[list(TCO_COLUMNS)].rename(columns=names), fmt, lang=lang,
               units={names[k]: TCO_UNITS[TCO_COLUMNS[k]] for k in TCO_COLUMNS if TCO_COLUMNS[k] in TCO_UNITS},
               title=f"{segment}, registered {year}: cost of ownership (real 2024 Rp, NPV at {discount_rate:.0%}); "
                     f"abatement vs {df.attrs['reference']}",
               caption=f"jalur {df.attrs['jalur_version']}, data {df.attrs['data_version']}; {price_basis} prices, "
                       f"{gasoline_product}; each model taken as made in Indonesia at the TKDN minimum of {year} "
                       "(Perpres 79/2023)")
        for n in df["note"]:
            if n:
                out.print(Text("note: " + n))
    if chart is not None:
        err.print(f"chart written to {chart}")


#: The printed TCO columns in Bahasa Indonesia.
TCO_COLUMNS_ID = {"powertrain": "penggerak", "ppnbm_pct": "PPnBM %", "purchase_rp": "pembelian", "energy_rp": "energi",
                  "maintenance_rp": "perawatan", "insurance_rp": "asuransi", "pkb_rp": "PKB",
                  "battery_rp": "ganti baterai", "residual_rp": "nilai sisa", "total_rp": "total Rp",
                  "rp_per_km": "Rp/km", "lifetime_t_co2e": "t CO2e", "abatement_rp_per_t": "Rp/t CO2e",
                  "fiscal_net_rp": "neto negara Rp"}
#: Units of the printed TCO columns (money in real 2024 Rp, discounted).
TCO_UNITS = {"PPnBM %": "% of price", "purchase": "Rp", "energy": "Rp", "maint.": "Rp", "insur.": "Rp", "PKB": "Rp",
             "batt. repl.": "Rp", "residual": "Rp", "total Rp": "Rp", "Rp/km": "Rp/km", "t CO2e": "t CO2e",
             "Rp/t CO2e": "Rp/t CO2e", "state net Rp": "Rp"}


def register(app: typer.Typer) -> None:
    app.command("tax", cls=LazyHelpCommand)(tax_cmd)
    app.command("tco", cls=LazyHelpCommand)(tco_cmd)
