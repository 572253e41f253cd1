"""Costs the logit choice model sees: the levelised cost of ownership of each powertrain of a class's
representative segment (``vehicle-classes.choice_segment``), from the policy engine, at a few years.

A powertrain the representative segment does not sell (e.g. one offered only as an SUV) is costed in the first
segment of the class that sells it, scaled by the ratio of the class's residual powertrain's cost in the two
segments: :math:`c_p = c_p^{seg}\\,c_r^{rep} / c_r^{seg}`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.pathways.context import HIST_END, context

#: Years at which costs are computed (linear in between): the base year, the first projection year (policies
#: that expire with the history drop out there), then every decade.
CHOICE_YEARS = (HIST_END, HIST_END + 1, 2030, 2040, 2050, 2060)


def _segments(reg: Registry, vclass: str) -> dict[str, str]:
    """The segment each powertrain of a class is costed in: the representative one where it is sold there, else the
    first of the class that sells it alongside the residual powertrain (omitted where none does)."""
    ctx = context(reg)
    k = ctx.cat.vclass(vclass)
    cases = ctx.cases[ctx.cases["class"] == vclass]
    sells = lambda seg: set(cases[cases["segment"] == seg]["powertrain"])
    out = {p: k.choice_segment for p in sells(k.choice_segment)}
    for seg in dict.fromkeys(cases["segment"]):
        if k.residual_powertrain in sells(seg) and k.residual_powertrain in out:
            out.update({p: seg for p in sells(seg) if p not in out})
    return out


def costed_powertrains(reg: Registry, vclass: str) -> list[str]:
    """Powertrains of the class the choice model has a cost for (see the module docstring)."""
    return list(_segments(reg, vclass))


@memoize
def choice_costs(reg: Registry, vclass: str, discount_rate: float = 0.08, price_basis: str = "retail",
                 scheme2_from: str | None = None) -> np.ndarray:
    """Levelised cost [Rp/km] of each powertrain of the class at :data:`CHOICE_YEARS`: (years, class powertrains).

    Taxes and incentives follow the policy engine for each year (with the PPnBM second stage from
    *scheme2_from*, if given); powertrains outside the representative segment scaled to it (module docstring);
    NaN for a powertrain without a cost.
    """
    from jalur.policy.tco import tco_by_year

    ctx = context(reg)
    pts = ctx.powertrains(vclass)
    k = ctx.cat.vclass(vclass)
    s2 = dt.date.fromisoformat(scheme2_from) if scheme2_from else None
    where = _segments(reg, vclass)
    frames = {seg: tco_by_year(seg, CHOICE_YEARS, registry=reg, discount_rate=discount_rate, price_basis=price_basis,
                               scheme2_from=s2) for seg in dict.fromkeys(where.values())}
    out = np.full((len(CHOICE_YEARS), len(pts)), np.nan)
    for i, y in enumerate(CHOICE_YEARS):
        cost = {seg: f[y].set_index("powertrain")["rp_per_km"] for seg, f in frames.items()}
        rep = cost[k.choice_segment]
        for j, p in enumerate(pts):
            if p in where:
                seg = where[p]
                out[i, j] = cost[seg][p] * rep[k.residual_powertrain] / cost[seg][k.residual_powertrain]
    return out
