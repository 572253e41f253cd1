"""``jalur serve`` (the dashboard and HTTP API) and ``jalur runs`` (the run store on the command line)."""

import os
from pathlib import Path
from typing import Optional

import typer

from jalur.cli.render import Format, err, out, render
from jalur.errors import InputError

runs_app = typer.Typer(help="The run store: runs made by `jalur run --store` and by the web API.",
                       no_args_is_help=True)
StoreOpt = typer.Option(None, "--store", help="Run store folder (default: $JALUR_HOME/runs).")
FormatOpt = typer.Option(Format.table, "--format", help="Output format.")


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default loopback only)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port."),
    store: Optional[Path] = StoreOpt,
    workers: int = typer.Option(1, "--workers", min=1, max=32, help="Run executors (fleet runs at once)."),
    token: Optional[str] = typer.Option(None, "--token", help="Token every write or run request must carry "
                                        "(default: JALUR_TOKEN); required to listen beyond loopback."),
) -> None:
    """Serve the dashboard at / and the HTTP API at /api/v1 (OpenAPI docs at /api/v1/docs)."""
    try:
        import uvicorn

        from jalur.web.app import create_app
    except ImportError as e:
        raise InputError(f"jalur serve needs the web extra ({e.name} is missing): pip install 'jalur[web]'") from None
    token = token or os.environ.get("JALUR_TOKEN") or None
    if not _loopback(host) and not token:
        raise InputError(f"--host {host} listens beyond this machine: give --token (or JALUR_TOKEN) so that only "
                         "holders of it can write or start runs")
    app = create_app(store, workers=workers, token=token)
    err.print(f"jalur serving on http://{host}:{port}/ (API docs: /api/v1/docs); store {app.state.jalur.store.root}")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _store(store: Optional[Path]):
    from jalur.store import RunStore

    return RunStore(store)


@runs_app.command("list")
def runs_list(store: Optional[Path] = StoreOpt, fmt: Format = FormatOpt) -> None:
    """List the runs in the store, newest first."""
    import pandas as pd

    rows = _store(store).list()
    cols = ["id", "scenario", "status", "created", "finished", "error"]
    render(pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols), fmt, title="Runs")


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="Run id (16 hex digits)."), store: Optional[Path] = StoreOpt) -> None:
    """Show a run's status, request and provenance."""
    import json

    st = _store(store)
    doc = st.status(st.check_id(run_id))
    if doc is None:
        raise InputError(f"no run {run_id} in {st.root}; `jalur runs list` shows the runs")
    out.print_json(json.dumps({k: v for k, v in doc.items() if k != "pid"}))


@runs_app.command("export")
def runs_export(run_id: str = typer.Argument(..., help="Run id."),
                dest: Path = typer.Option(..., "--out", help="New or empty folder to copy the results into."),
                store: Optional[Path] = StoreOpt) -> None:
    """Copy a done run's results (iamc.csv, workbook.xlsx, report.html ...) into a folder."""
    path = _store(store).export(run_id, dest)
    err.print(f"run {run_id} exported to {path}")


@runs_app.command("delete")
def runs_delete(run_id: str = typer.Argument(..., help="Run id."), store: Optional[Path] = StoreOpt) -> None:
    """Remove a run from the store."""
    st = _store(store)
    st.check_id(run_id)
    if not st.delete(run_id):
        raise InputError(f"no run {run_id} in {st.root}")
    err.print(f"run {run_id} deleted")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
    app.add_typer(runs_app, name="runs")
