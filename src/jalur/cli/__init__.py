"""The ``jalur`` command line: a thin skin over the Python API.

Exit codes: 0 success; 1 other jalur error or an unforeseen fault (``JALUR_DEBUG=1`` shows its traceback);
2 bad option, unknown name or a file that cannot be written; 3 invalid data, override or scenario.
A user mistake prints one paragraph on stderr, never a traceback.
"""

import os
import sys

import typer
from rich.text import Text

from jalur._version import __version__
from jalur.cli import pathways, policy, web
from jalur.cli.data import data_app
from jalur.cli.render import err, out
from jalur.cli.vehicle import COMMAND as VEHICLE_COMMAND, vehicle_app
from jalur.errors import JalurError

app = typer.Typer(
    name="jalur",
    help="jalur: multiple pathways to low-carbon road transport in Indonesia: cited data, vehicle life-cycle, "
         "LCEV tax and cost of ownership, fleet pathways to 2060.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(data_app, name="data")
app.add_typer(vehicle_app, name=VEHICLE_COMMAND)
policy.register(app)
pathways.register(app)
web.register(app)


def _version_callback(value: bool) -> None:
    if value:
        from jalur.datasets import data_version

        out.print(f"jalur {__version__} (data {data_version()})")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                       help="Print the jalur and data versions and exit.")) -> None:
    """jalur command line."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by the console script and by tests)."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets '?', not a traceback
        if (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "") not in ("utf8", "utf16", "utf32"):
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError):
                pass
    try:
        app(args=argv, prog_name="jalur", standalone_mode=True)
    except SystemExit as exc:  # typer/click exit: help, --version, usage errors (code 2)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except JalurError as exc:
        err.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        return 130
    except Exception as exc:  # a fault jalur did not foresee: still one paragraph, never a traceback
        if os.environ.get("JALUR_DEBUG"):
            raise
        what = f"cannot read or write {exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and exc.filename \
            else f"{type(exc).__name__}: {exc}"
        err.print(Text("error: ", style="bold red") + Text(f"{what}. This is a fault jalur did not foresee; please "
                  "report it with the command you ran (set JALUR_DEBUG=1 to see the traceback)."), highlight=False)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
