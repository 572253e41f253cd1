"""Write the generated reference pages of the documentation (python3 docs/gen.py), from the code and the data:

- docs/ref/levers.md  every scenario lever: meaning (English and Indonesian), unit, allowed values, example
- docs/ref/tables.md  every data table: titles, key, columns, value units and bounds, rows and sources cited
- docs/ref/cli.md     every command of the jalur command line with its options
- docs/ref/api.md     the Python API: the public functions and classes with their docstrings' summaries

tests/test_docs.py checks that the committed pages are what this script writes, so they never drift.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import typer

from jalur import datasets
from jalur.cli import app
from jalur.cli.options import _fill
from jalur.pathways.scenario import lever_reference

OUT = Path(__file__).parent / "ref"
API_MODULES = ("jalur.datasets", "jalur.vehicle", "jalur.policy", "jalur.policy.tco", "jalur.policy.lcev",
               "jalur.pathways.model", "jalur.pathways.batch", "jalur.pathways.calibration",
               "jalur.pathways.compare", "jalur.pathways.outputs", "jalur.pathways.scenario", "jalur.units")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def levers_page() -> str:
    lines = ["# Scenario levers / Tuas skenario", "",
             "Every lever a scenario file may set under `levers:`, from `src/jalur/pathways/lever-reference.yaml`. "
             "Levers act from 2026; 2010–2025 is history and comes from the data. `jalur scenario new NAME` writes "
             "a file listing them all as commented examples; `jalur scenario show NAME` explains a scenario's values.",
             ""]
    for lever, ref in lever_reference().items():
        lines += [f"## `{lever}`", "", ref["en"], "", f"*{ref['id']}*", "", f"- **Unit / satuan:** {ref['unit']}",
                  f"- **Allowed / nilai yang boleh:** {ref['allowed']}", "", "```yaml", "levers:",
                  f"  {ref['example']}", "```", ""]
    return "\n".join(lines)


def tables_page() -> str:
    reg = datasets.load()
    lines = ["# Data tables / Tabel data", "",
             f"The {len(reg.tables)} tables shipped with jalur (data version {reg.data_version}), from their schemas "
             "in `src/jalur/data/schema/`. Every row cites a source of `sources.csv` (`jalur data sources ID`); "
             "`jalur data show TABLE` prints the rows, and `--override FILE` replaces or adds rows of any table.", ""]
    for name in reg.names():
        t = reg.table(name)
        s = t.schema
        cited = {x.strip() for cell in t.frame.get("source_id", []) for x in str(cell).split(";") if x.strip()}
        lines += [f"## `{name}`", "", f"**{s.title}** / *{s.title_id}*", "", " ".join(s.description.split()), "",
                  f"Key: {', '.join(f'`{k}`' for k in s.key)}. Rows: {len(t)}. Sources cited: {len(cited)}.", "",
                  "| column | type | allowed | description |", "|---|---|---|---|"]
        for c, spec in s.columns.items():
            allowed = (", ".join(spec.allowed) if spec.allowed else f"rows of `{spec.references}`" if spec.references
                       else " to ".join(str(x) for x in (spec.min, spec.max)) if spec.min is not None else "")
            lines.append(f"| `{c}` | {spec.type} | {_cell(allowed)} | {_cell(spec.description)} |")
        if s.has_values:
            rules = ({k: r for k, r in s.value_rules.items()} if s.value_rules else {"all rows": s.value_rule})
            units = "; ".join(f"{k}: {', '.join(r.unit_like)}" + (f" ({r.min:g} to {r.max:g})" if r.min is not None
                                                                   and r.max is not None else "")
                              for k, r in rules.items() if r is not None)
            lines.append(f"| `value`, `unit`, `low`, `high` | float, str | {_cell(units)} | the value, its unit and "
                         "its range |")
        lines += ["| `source_id` | str | ids of `sources.csv` | where the value comes from |", ""]
    return "\n".join(lines)


def _commands(group, prefix: str):
    for name, cmd in sorted(group.commands.items()):
        if getattr(cmd, "hidden", False):
            continue
        path = f"{prefix} {name}"
        if hasattr(cmd, "commands"):
            yield path, cmd, True
            yield from _commands(cmd, path)
        else:
            yield path, cmd, False


def cli_page() -> str:
    root = typer.main.get_command(app)
    lines = ["# Command line / Baris perintah", "",
             "Every command of `jalur`, generated from the application (`jalur COMMAND --help` prints the same). "
             "Exit codes: 0 success; 1 an unforeseen fault; 2 a bad option, unknown name or a place that cannot be "
             "written; 3 invalid data, override or scenario.", ""]
    for path, cmd, is_group in _commands(root, "jalur"):
        _fill(cmd.params)
        lines += [f"## `{path}`", "", " ".join((cmd.help or "").split()), ""]
        if is_group:
            continue
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        opts = [p for p in cmd.params if p.param_type_name == "option" and p.name != "help"]
        if args:
            lines += ["Arguments: " + ", ".join(f"`{p.name.upper()}`" for p in args), ""]
        if opts:
            lines += ["| option | meaning |", "|---|---|"]
            for p in opts:
                flags = " / ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts))
                lines.append(f"| {flags} | {_cell(' '.join((p.help or '').split()))} |")
            lines.append("")
    return "\n".join(lines)


def api_page() -> str:
    lines = ["# Python API", "",
             "The public functions and classes, with the first paragraph of their docstrings (units in brackets). "
             "`help(jalur.some.function)` shows the rest: parameters, units, references and an example. "
             "A worked example is on the [API tutorial](../api-tutorial.md) page.", ""]
    for modname in API_MODULES:
        mod = importlib.import_module(modname)
        names = getattr(mod, "__all__", None) or [n for n, o in vars(mod).items() if not n.startswith("_")
                                                 and (inspect.isfunction(o) or inspect.isclass(o))
                                                 and o.__module__ == modname]
        lines += [f"## `{modname}`", "", " ".join((mod.__doc__ or "").split("\n\n")[0].split()), ""]
        for n in names:
            obj = getattr(mod, n)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            own = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__  # not a base class's text
            doc = " ".join(inspect.cleandoc(own or "").split("\n\n")[0].split())
            try:
                sig = str(inspect.signature(obj)) if inspect.isfunction(obj) else ""
            except (TypeError, ValueError):
                sig = ""
            lines += [f"### `{n}`", "", f"`{n}{sig}`" if sig else "", "", doc, ""]
    return "\n".join(lines)


PAGES = {"levers.md": levers_page, "tables.md": tables_page, "cli.md": cli_page, "api.md": api_page}


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for name, page in PAGES.items():
        (out / name).write_text(page() + "\n", encoding="utf-8")
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
