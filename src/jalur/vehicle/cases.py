"""Cases of the vehicle engine: segment x powertrain x fuel combinations that exist in the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from jalur.catalog import Fuel, catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError


@dataclass(frozen=True)
class Case:
    """One segment x powertrain x fuel combination."""

    segment: str
    vclass: str
    powertrain: str
    fuel: Fuel


@memoize
def valid_combinations(reg: Registry) -> pd.DataFrame:
    """Segment x powertrain combinations that exist in ``vehicle-parameters``, with the vehicle class."""
    cat = catalog(reg)
    vp = reg.table("vehicle-parameters").frame
    pairs = vp[["segment", "powertrain"]].drop_duplicates().reset_index(drop=True)
    pairs["class"] = [cat.segment(s).vclass for s in pairs["segment"]]
    return pairs


def as_list(x: str | Iterable[str] | None) -> list[str] | None:
    if x is None:
        return None
    return [x] if isinstance(x, (str, int)) else list(x)


def _check_fuels(reg: Registry, fls: list[str], sub: pd.DataFrame, pts: list[str] | None, used: set[str]) -> None:
    cat = catalog(reg)
    for f in fls:
        cat.fuel(f)
    if len(fls) == 1 and pts is not None and len(pts) == 1 and not used:
        cat.resolve_fuel(pts[0], fls[0])  # raises with the valid list
    unused = [f for f in fls if f not in used]
    if unused:
        valid = sorted({f for p in sub["powertrain"] for f in cat.valid_fuels(p)})
        raise InputError(f"fuel(s) {', '.join(unused)} valid for none of the chosen powertrains; "
                         f"valid fuels: {', '.join(valid)}")


def build_cases(reg: Registry, segments=None, powertrains=None, fuels=None) -> list[Case]:
    """The cases to compute; None means every valid value, ``fuels="default"`` each powertrain's default fuel.

    Raises
    ------
    InputError
        For an unknown segment, a powertrain that does not exist for the segment(s), or a fuel valid for
        none of the chosen powertrains — listing the valid values.
    """
    cat = catalog(reg)
    combos = valid_combinations(reg)
    all_segments = list(dict.fromkeys(combos["segment"]))
    segs = as_list(segments) or all_segments
    for s in segs:
        if s not in all_segments:
            raise InputError(f"unknown segment {s!r}; segments: {', '.join(all_segments)}")
    sub = combos[combos["segment"].isin(segs)]
    pts = as_list(powertrains)
    for p in pts or []:
        if p not in set(sub["powertrain"]):
            cat.powertrain(p)
            raise InputError(f"powertrain {p!r} does not exist for segment(s) {', '.join(segs)}; valid powertrains: "
                             f"{', '.join(dict.fromkeys(sub['powertrain']))}")
    if pts is not None:
        sub = sub[sub["powertrain"].isin(pts)]
    if fuels == "default":
        return [Case(seg, vclass, pt, cat.resolve_fuel(pt, cat.default_fuel(pt)))
                for seg, pt, vclass in sub[["segment", "powertrain", "class"]].itertuples(index=False)]
    fls = as_list(fuels)
    cases, used = [], set()
    for seg, pt, vclass in sub[["segment", "powertrain", "class"]].itertuples(index=False):
        for f in cat.valid_fuels(pt):
            if fls is None or f in fls:
                cases.append(Case(seg, vclass, pt, cat.resolve_fuel(pt, f)))
                used.add(f)
    if fls is not None:
        _check_fuels(reg, fls, sub, pts, used)
    if not cases:
        raise InputError("no valid segment/powertrain/fuel combination selected")
    return cases
