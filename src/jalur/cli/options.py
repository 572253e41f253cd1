"""Options shared by several commands, declared once; help texts that list allowed values, built lazily.

A help text may name ``{powertrains}``, ``{regions}``, ``{segments}``, ``{classes}``, ``{fuels}``,
``{categories}``, ``{power_scenarios}``, ``{cell_origins}`` or ``{nickel_routes}``: the names are read from the shipped catalogue when (and only when)
a command's help is shown, so ``jalur --help`` loads no data.
"""

import functools
import inspect
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from typer.core import TyperCommand, TyperGroup

OverrideOpt = typer.Option(None, "--override", help="YAML or CSV file replacing rows of any table (repeatable).")
LangOpt = typer.Option(None, "--lang", help="Language of labels and numbers: en | id (default: JALUR_LANG, else id "
                                            "when LANG starts with id, else en).")


class _Allowed(dict):
    """Placeholder values of help texts, looked up in the shipped catalogue on first use."""

    def __missing__(self, key: str) -> str:
        from jalur import catalog

        cat = catalog.shipped()
        if key == "categories":
            return ", ".join(a for c in cat.tax_categories.values() for a in (*c.aliases, c.id))
        lists = {"power_scenarios": ("grid-intensity", "scenario"), "cell_origins": ("cell-origins", "origin"),
                 "nickel_routes": ("nickel-routes", "route")}
        if key in lists:
            from jalur import datasets

            table, column = lists[key]
            reg = datasets.load_from(datasets.TABLE_DIR, datasets.SCHEMA_DIR, datasets.SOURCES_FILE,
                                     datasets.data_version(), only=(table, "regions"), cache=True)
            return ", ".join(v for v in dict.fromkeys(reg.table(table).frame[column].astype(str)) if v != "historical")
        return ", ".join(cat.names(key))


def _fill(params: list) -> None:
    for p in params:
        text = getattr(p, "help", None)
        if text and "{" in text:
            p.help = text.format_map(_Allowed())


class LazyHelpCommand(TyperCommand):
    """A command whose option help may list the names of the data (filled when the help is shown)."""

    def format_help(self, ctx, formatter) -> None:
        _fill(self.params)
        super().format_help(ctx, formatter)


class _DefaultCommandContext(typer.Context):
    """The context of a group's default command: usage lines and "Try ... -h" name the group, which is what the
    user typed (``jalur vehicle car-lmpv``), not the command's internal name."""

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class DefaultLazyHelpCommand(LazyHelpCommand):
    """A :class:`LazyHelpCommand` run as a group's default command (see :class:`DefaultCommandGroup`)."""

    context_class = _DefaultCommandContext


class DefaultCommandGroup(TyperGroup):
    """A group that runs its ``default`` command when the first argument names no subcommand.

    Lets ``jalur vehicle car-lmpv ...`` and ``jalur vehicle compare car-lmpv ...`` live side by side.
    """

    default_command = "lca"

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


#: The vehicle engine's options: name -> (type, option). One declaration for every command that takes them.
LCA_OPTIONS: dict[str, tuple[Any, Any]] = {
    "luc": (Optional[str], typer.Option(None, "--luc", help="Land-use change: none | direct (default) | indirect "
                                                            "(direct + indirect).")),
    "grid_basis": (Optional[str], typer.Option(None, "--grid-basis", help="use-average (default) | registration-year.")),
    "power_scenario": (Optional[str], typer.Option(None, "--power-scenario",
                                                   help="Power scenario: {power_scenarios} (default current-policies).")),
    "grid_intensity": (Optional[float], typer.Option(None, "--grid-intensity",
                                                     help="Fixed grid: life-cycle g CO2e per kWh delivered at the charger.")),
    "ethanol_feedstock": (Optional[str], typer.Option(None, "--ethanol-feedstock",
                                                      help="molasses (default) | sugarcane | cassava.")),
    "fame_pathway": (Optional[str], typer.Option(None, "--fame-pathway",
                                                 help="Palm FAME mill: open-pond (default) | methane-capture.")),
    "battery_chemistry": (Optional[str], typer.Option(None, "--battery-chemistry",
                                                      help="nmc811 | nmc622 | lfp (default: per segment).")),
    "battery_origin": (Optional[str], typer.Option(None, "--battery-origin",
                                                   help="Cell origin: {cell_origins} (default: cn, the anchors').")),
    "nickel_route": (Optional[str], typer.Option(None, "--nickel-route",
                                                 help="Nickel of NMC cathodes: {nickel_routes} (default: "
                                                      "global-average).")),
    "infrastructure": (Optional[bool], typer.Option(None, "--infrastructure/--no-infrastructure",
                                                    help="Count road and charging infrastructure (default: no).")),
    "gwp": (Optional[str], typer.Option(None, "--gwp", help="GWP basis: ar6-gwp100 (default) | ar5-gwp100 | ar4-gwp100.")),
    "per": (Optional[str], typer.Option(None, "--per", help="vkm (default) | pkm (per passenger-km) | tkm (per tonne-km).")),
    "utility_factor": (Optional[float], typer.Option(None, "--utility-factor",
                                                     help="Plug-in hybrids' share of km on electricity (0-1).")),
}


def with_lca_options(fn: Callable) -> Callable:
    """Add the vehicle engine's options to a command; it receives them as ``lca`` (a dict of the options given)."""
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.name != "lca"]
    extra = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=opt, annotation=ann)
             for n, (ann, opt) in LCA_OPTIONS.items()]

    @functools.wraps(fn)
    def wrapper(**kw: Any) -> Any:
        lca = {n: kw.pop(n) for n in LCA_OPTIONS}
        return fn(lca={k: v for k, v in lca.items() if v is not None}, **kw)

    wrapper.__signature__ = sig.replace(parameters=params + extra)
    wrapper.__annotations__ = {**{k: v for k, v in fn.__annotations__.items() if k != "lca"},
                               **{n: ann for n, (ann, _) in LCA_OPTIONS.items()}}
    return wrapper


Overrides = Optional[list[Path]]
