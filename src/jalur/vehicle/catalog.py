"""Which fuels each powertrain can use, and what each fuel choice means.

These are definitions, not data: ``e10`` *is* 10 % ethanol by volume in gasoline. Every number that
describes a fuel (heating value, carbon, well-to-tank intensity) comes from the data registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from jalur.errors import InputError


@dataclass(frozen=True)
class FuelChoice:
    """A fuel a vehicle can be run on.

    Attributes
    ----------
    id : str
        Id used on the command line (``e10``, ``b40``, ``mandate`` ...).
    carrier : str
        ``gasoline``, ``diesel``, ``cng``, ``hydrogen`` or ``electricity``.
    bio : str or None
        Bio-component blended in: ``ethanol``, ``fame`` or ``hvo``.
    share : float or None [1]
        Volume share of the bio-component; None means "the mandated blend of each year of use".
    label : str
        Human-readable label.
    """

    id: str
    carrier: str
    bio: str | None
    share: float | None
    label: str


def _ethanol(pct: int) -> FuelChoice:
    return FuelChoice(f"e{pct}", "gasoline", "ethanol", pct / 100, f"E{pct} ({pct}% ethanol by volume)")


def _biodiesel(pct: int) -> FuelChoice:
    return FuelChoice(f"b{pct}", "diesel", "fame", pct / 100, f"B{pct} ({pct}% palm FAME by volume)")


FUELS: dict[str, FuelChoice] = {
    f.id: f
    for f in [
        *(_ethanol(p) for p in (0, 5, 10, 20, 85, 100)),
        *(_biodiesel(p) for p in (0, 35, 40, 50, 100)),
        FuelChoice("hvo", "diesel", "hvo", 1.0, "HVO100 (palm hydrotreated vegetable oil)"),
        FuelChoice("mandate", "liquid", None, None, "mandated blend of each year of use"),
        FuelChoice("cng", "cng", None, 0.0, "compressed natural gas"),
        FuelChoice("h2-smr", "hydrogen", None, 0.0, "hydrogen from steam methane reforming (grey)"),
        FuelChoice("h2-electrolysis", "hydrogen", None, 0.0, "hydrogen from grid electrolysis"),
        FuelChoice("electricity", "electricity", None, 0.0, "grid electricity"),
    ]
}

#: Energy carrier of each powertrain's combustion/fuel-cell side (``None``: electricity only).
POWERTRAIN_CARRIER: dict[str, str | None] = {
    "ice-gasoline": "gasoline",
    "ffv": "gasoline",
    "mhev": "gasoline",
    "hev": "gasoline",
    "phev": "gasoline",
    "ice-diesel": "diesel",
    "cng": "cng",
    "fcev": "hydrogen",
    "bev": None,
}

#: Fuels each powertrain may run on. Non-flex gasoline engines are limited to E10, the blend wall
#: that Indonesian and Japanese makers warrant for current engines; flexy engines take up to E100
#: (Permenperin 36/2021 defines them as E100/B100-capable).
VALID_FUELS: dict[str, tuple[str, ...]] = {
    "ice-gasoline": ("mandate", "e0", "e5", "e10"),
    "mhev": ("mandate", "e0", "e5", "e10"),
    "hev": ("mandate", "e0", "e5", "e10"),
    "phev": ("mandate", "e0", "e5", "e10"),
    "ffv": ("mandate", "e0", "e5", "e10", "e20", "e85", "e100"),
    "ice-diesel": ("mandate", "b0", "b35", "b40", "b50", "b100", "hvo"),
    "cng": ("cng",),
    "fcev": ("h2-smr", "h2-electrolysis"),
    "bev": ("electricity",),
}

#: The fuel used when none is given.
DEFAULT_FUEL: dict[str, str] = {p: v[0] for p, v in VALID_FUELS.items()}

#: Powertrains whose drive is electric (their powertrain mass uses the electric-powertrain factor).
ELECTRIC_DRIVE = frozenset({"bev", "fcev"})


def resolve_fuel(powertrain: str, fuel: str) -> FuelChoice:
    """The :class:`FuelChoice` of *fuel* for *powertrain*, with ``mandate`` bound to its carrier.

    Raises
    ------
    InputError
        Listing the fuels valid for *powertrain*.
    """
    valid = VALID_FUELS.get(powertrain)
    if valid is None:
        raise InputError(f"unknown powertrain {powertrain!r}; powertrains: {', '.join(VALID_FUELS)}")
    if fuel not in valid:
        raise InputError(
            f"fuel {fuel!r} is not valid for powertrain {powertrain!r}; valid fuels: {', '.join(valid)}"
        )
    choice = FUELS[fuel]
    if fuel == "mandate":
        carrier = POWERTRAIN_CARRIER[powertrain]
        bio = "ethanol" if carrier == "gasoline" else "fame"
        return FuelChoice("mandate", carrier, bio, None, choice.label)
    return choice
