"""``jalur data``: inspect and check the cited data registry."""

from typing import Optional

import pandas as pd
import typer

from jalur.cli.options import LazyHelpCommand, OverrideOpt, Overrides
from jalur.cli.render import Format, out, parse_where, render, write_json
from jalur.errors import InputError

data_app = typer.Typer(help="Inspect and check the cited data registry.", no_args_is_help=True)
FormatOpt = typer.Option(Format.table, "--format", help="Output format.")


@data_app.command("list", cls=LazyHelpCommand)
def data_list(fmt: Format = FormatOpt) -> None:
    """List the data tables with their description, rows and units."""
    from jalur import datasets

    reg = datasets.load()
    rows = [{"table": n, "title": t.schema.title, "judul": t.schema.title_id, "rows": len(t),
             "units": ", ".join(t.schema.units())} for n, t in ((n, reg.table(n)) for n in reg.names())]
    render(pd.DataFrame(rows), fmt, title=f"jalur data {reg.data_version}")


@data_app.command("show", cls=LazyHelpCommand)
def data_show(
    table: str = typer.Argument(..., help="Table name (see `jalur data list`)."),
    where: Optional[list[str]] = typer.Option(None, "--where", help="KEY=VALUE filter, repeatable; VALUE may be a comma list."),
    fmt: Format = FormatOpt,
    override: Overrides = OverrideOpt,
) -> None:
    """Show the rows of one table, with units and sources."""
    from jalur import datasets

    reg = datasets.load(override)
    t = reg.table(table)
    sub = t.where(**parse_where(where))
    if len(sub) == 0:
        raise InputError(f"no rows of '{table}' match {where}; try `jalur data show {table}` without --where")
    df = sub.public()
    caption = None
    if fmt == Format.table:
        df = df.drop(columns=[c for c in ("note",) if c in df.columns])
        ids = sorted({s for v in df["source_id"] for s in str(v).replace(";", " ").split()})
        caption = "Sources: " + "; ".join(f"{i}: {reg.source(i)['citation'][:90]}" for i in ids[:8])
        if len(ids) > 8:
            caption += f"; ... ({len(ids)} sources, see `jalur data sources ID`)"
    render(df, fmt, title=f"{t.schema.title} ({table})", caption=caption)


@data_app.command("sources", cls=LazyHelpCommand)
def data_sources(
    source_id: Optional[str] = typer.Argument(None, help="A source id: show it and the rows that cite it."),
    fmt: Format = FormatOpt,
) -> None:
    """List the citations, or show one source and every row that uses it."""
    from jalur import datasets
    from jalur.io import frame_to_records

    reg = datasets.load()
    if source_id is None:
        df = reg.sources[["id", "year", "type", "citation"]].reset_index(drop=True)
        render(df, fmt, title=f"Sources ({len(df)})")
        return
    src = reg.source(source_id)
    rows = reg.rows_citing(source_id)
    if fmt == Format.json:
        write_json({"source": src, "rows": frame_to_records(rows)})
        return
    if fmt == Format.table:
        for k, v in src.items():
            out.print(f"[bold]{k}[/bold]: {v}")
    render(rows, fmt, title=f"Rows citing {source_id} ({len(rows)})")


@data_app.command("check", cls=LazyHelpCommand)
def data_check(override: Overrides = OverrideOpt) -> None:
    """Validate the shipped data and any override files; exit 0 only if everything is clean."""
    from jalur import datasets

    reg = datasets.check(override)
    n_rows = sum(len(t) for t in reg.tables.values())
    out.print(f"ok: {len(reg.tables)} tables, {n_rows} rows, {len(reg.sources)} sources, data {reg.data_version}")
    for o in reg.overrides:
        out.print(f"override {o.file}: {dict(o.tables)}")
