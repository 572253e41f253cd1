"""Modelling choices of a vehicle life-cycle run, checked against the data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

from jalur.catalog import catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.physics.fuels import LUC_MODES, FactorChoices

GRID_BASES = ("use-average", "registration-year")
#: Functional units: per vehicle-km, or per unit of the class's activity (passenger-km, tonne-km).
PER_OPTIONS = {"vkm": "", "pkm": "passenger-km", "tkm": "tonne-km"}


@dataclass(frozen=True)
class Options:
    """Modelling choices of a life-cycle run (each documented in the README's method notes).

    Attributes
    ----------
    luc : str
        ``none``, ``direct`` (default) or ``indirect`` (direct + indirect land-use change).
    grid_basis : str
        ``use-average`` (grid averaged over the years of use, each weighted by the km driven in it; default)
        or ``registration-year``.
    power_scenario : str
        A scenario of the ``grid-intensity`` table (default ``current-policies``).
    grid_intensity : float or None [g CO2e/kWh]
        Overrides the grid: life-cycle intensity of electricity delivered at the charger.
    ethanol_feedstock : str
        ``molasses`` (default: today's Indonesian fuel ethanol), ``sugarcane`` or ``cassava``.
    fame_pathway : str
        Palm FAME mill practice: ``open-pond`` (default) or ``methane-capture``.
    battery_chemistry : str or None
        Forces one chemistry for all vehicles; None uses ``default-battery-chemistry``.
    battery_origin : str or None
        Where cells are made (``cell-origins``; None: the origin of the ``battery-production`` anchors).
    nickel_route : str or None
        How the nickel of NMC cathodes is made (``nickel-routes``; None: the anchors' route, the global average).
    infrastructure : bool
        Count road and charging infrastructure (stages ``infrastructure-road`` and ``infrastructure-charging``);
        off by default (the scope of most vehicle LCAs).
    gwp : str
        GWP basis of the ``gwp`` table (default ``ar6-gwp100``).
    per : str
        ``vkm`` (default), ``pkm`` (per passenger-km: classes whose activity is passenger-km) or ``tkm``.
    utility_factor : float or None [1]
        Plug-in hybrids' share of km on electricity; None uses the data.
    """

    luc: str = "direct"
    grid_basis: str = "use-average"
    power_scenario: str = "current-policies"
    grid_intensity: float | None = None
    ethanol_feedstock: str = "molasses"
    fame_pathway: str = "open-pond"
    battery_chemistry: str | None = None
    battery_origin: str | None = None
    nickel_route: str | None = None
    infrastructure: bool = False
    gwp: str = "ar6-gwp100"
    per: str = "vkm"
    utility_factor: float | None = None

    def check(self, reg: Registry) -> "Options":
        """Raise :class:`InputError` for a value that is not allowed, naming the allowed ones; the checked options,
        with the cell origin and nickel route the data default to filled in."""
        from jalur.physics.production import anchor_origin, anchor_route

        _one_of("luc", self.luc, LUC_MODES)
        _one_of("grid_basis", self.grid_basis, GRID_BASES)
        _one_of("per", self.per, tuple(PER_OPTIONS))
        for option in ("ethanol_feedstock", "fame_pathway"):
            _one_of(option, getattr(self, option), variants(reg, option))
        if self.battery_origin is not None:
            _one_of("battery_origin", self.battery_origin, _values(reg, "cell-origins", "origin"))
        if self.nickel_route is not None:
            _one_of("nickel_route", self.nickel_route, _values(reg, "nickel-routes", "route"))
        _one_of("power_scenario", self.power_scenario,
                [s for s in _values(reg, "grid-intensity", "scenario") if s != "historical"])
        if self.battery_chemistry is not None:
            _one_of("battery_chemistry", self.battery_chemistry, _values(reg, "battery-production", "chemistry"))
        _one_of("gwp", self.gwp, _values(reg, "gwp", "basis"))
        if self.grid_intensity is not None and not (0 <= self.grid_intensity <= 3000):
            raise InputError(f"grid_intensity must be within 0..3000 g CO2e/kWh, got {self.grid_intensity}")
        if self.utility_factor is not None and not (0 <= self.utility_factor <= 1):
            raise InputError(f"utility_factor must be within 0..1, got {self.utility_factor}")
        return replace(self, battery_origin=self.battery_origin or anchor_origin(reg),
                       nickel_route=self.nickel_route or anchor_route(reg))

    def production(self):
        """How the batteries are made (:class:`jalur.physics.vehicles.Production`)."""
        from jalur.physics.vehicles import Production

        return Production(self.battery_chemistry, self.battery_origin, self.nickel_route, self.power_scenario)

    def scope(self) -> str:
        """What the results count, in words (printed with every result)."""
        return ("scope: vehicle and battery production by year of manufacture, fuel and electricity supply, tailpipe, "
                "land-use change, maintenance, end of life; road and charging infrastructure "
                + ("included" if self.infrastructure else "excluded (--infrastructure to count them)")
                + "; hydrogen refuelling stations not counted; non-exhaust particles (tyre, brake, road wear) are air pollutants, "
                  "not GHG")

    def factor_choices(self) -> FactorChoices:
        """The choices behind the per-MJ factors."""
        return FactorChoices(self.luc, self.gwp, (("ethanol_feedstock", ((self.ethanol_feedstock, 1.0),)),
                                                  ("fame_pathway", ((self.fame_pathway, 1.0),))))


def _values(reg: Registry, table: str, column: str) -> list[str]:
    return sorted(set(reg.table(table).frame[column].astype(str)))


@memoize
def variants(reg: Registry, option: str) -> list[str]:
    """The pathway variants an option chooses among (``fuel-pathways`` rows of the carriers it applies to)."""
    cat = catalog(reg)
    fuels = {c.properties for c in cat.carriers.values() if c.variant_option == option}
    fp = reg.table("fuel-pathways").frame
    return list(dict.fromkeys(fp[fp["fuel"].isin(fuels)]["variant"].astype(str)))


def _one_of(name: str, value: Any, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InputError(f"option {name}={value!r} is not allowed; allowed: {', '.join(allowed)}")
