"""Costs the logit choice model sees: the levelised cost of ownership of each powertrain of a class's
representative segment (``vehicle-classes.choice_segment``), from the policy engine, at a few years.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.pathways.context import HIST_END, context

#: Years at which costs are computed (linear in between): the base year, the first projection year (policies
#: that expire with the history drop out there), then every decade.
CHOICE_YEARS = (HIST_END, HIST_END + 1, 2030, 2040, 2050, 2060)


def costed_powertrains(reg: Registry, vclass: str) -> list[str]:
    """Powertrains sold in the class's representative segment (those the choice model has a cost for)."""
    ctx = context(reg)
    seg = ctx.cat.vclass(vclass).choice_segment
    return list(ctx.cases[ctx.cases["segment"] == seg]["powertrain"])


@memoize
def choice_costs(reg: Registry, vclass: str, discount_rate: float = 0.08, price_basis: str = "retail",
                 scheme2_from: str | None = None) -> np.ndarray:
    """Levelised cost [Rp/km] of each powertrain of the class at :data:`CHOICE_YEARS`: (years, class powertrains).

    Taxes and incentives follow the policy engine for each year (with the PPnBM second stage from
    *scheme2_from*, if given); NaN for a powertrain not sold in the representative segment.
    """
    from jalur.policy.tco import tco_by_year

    ctx = context(reg)
    pts = ctx.powertrains(vclass)
    seg = ctx.cat.vclass(vclass).choice_segment
    s2 = dt.date.fromisoformat(scheme2_from) if scheme2_from else None
    frames = tco_by_year(seg, CHOICE_YEARS, registry=reg, discount_rate=discount_rate, price_basis=price_basis,
                         scheme2_from=s2)
    out = np.full((len(CHOICE_YEARS), len(pts)), np.nan)
    for i, y in enumerate(CHOICE_YEARS):
        df = frames[y].set_index("powertrain")
        for j, p in enumerate(pts):
            if p in df.index:
                out[i, j] = df.loc[p, "rp_per_km"]
    return out
