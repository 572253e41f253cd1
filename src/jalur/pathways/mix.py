"""The powertrain mix of each class's new sales: history, then targets, a logit choice on cost, phase-outs."""

from __future__ import annotations

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.fleet.mix import logit_shares, target_path
from jalur.pathways.choice import CHOICE_YEARS, choice_costs, costed_powertrains
from jalur.pathways.context import HIST_END, HIST_YEARS, YEARS, FleetContext, context
from jalur.pathways.scenario import ClassShares, Scenario, ScenarioError


@memoize
def historical_shares(reg: Registry, vclass: str) -> tuple[list[str], np.ndarray]:
    """Powertrain shares of a class's sales in the history years, from electrified-sales and sales-mix-base."""
    ctx = context(reg)
    pts = ctx.powertrains(vclass)
    ev = reg.table("electrified-sales").frame
    mix = reg.table("sales-mix-base").where(**{"class": vclass})
    conv = dict(zip(mix.frame["powertrain"], mix.values("1")))
    sales = ctx.history[vclass].sales
    shares = np.zeros((len(HIST_YEARS), len(pts)))
    for i, y in enumerate(HIST_YEARS):
        sub = ev[(ev["class"] == vclass) & (ev["year"] == y)]
        elec = {p: float(v) / sales[i] for p, v in zip(sub["powertrain"], sub["value"]) if p in pts}
        rest = max(0.0, 1.0 - sum(elec.values()))
        shares[i] = [elec.get(p, 0.0) + rest * conv.get(p, 0.0) for p in pts]
    return pts, shares


def _logit(ctx: FleetContext, vclass: str, pts: list[str], base: np.ndarray, fy: np.ndarray,
           spec: ClassShares) -> np.ndarray:
    """Logit shares on levelised cost, calibrated to reproduce the base-year (last history year) shares at that year's
    costs, taxes and incentives; targets apply on top."""
    costs = choice_costs(ctx.reg, vclass, spec.discount_rate, spec.price_basis, spec.scheme2_from)
    costed = set(costed_powertrains(ctx.reg, vclass))
    col = lambda p, ys: np.interp(ys, CHOICE_YEARS, costs[:, pts.index(p)]) if p in costed else np.full(len(ys), np.nan)
    c = np.stack([col(p, fy) for p in pts], axis=1)
    c0 = np.array([col(p, [HIST_END])[0] for p in pts])   # the base year's costs, under its own policies
    out = logit_shares(base, c, c0, spec.logit_scale, _entry(pts, base, spec, vclass))
    out[fy < spec.logit_from] = base
    targeted = [pts.index(p) for p in spec.targets if p in pts]
    for j in targeted:
        out[:, j] = target_path(HIST_END, base[j], spec.targets[pts[j]], fy, "linear")
    if targeted:   # the others share what the targets leave, in their logit proportions
        free = [j for j in range(len(pts)) if j not in targeted]
        left = np.clip(1.0 - out[:, targeted].sum(axis=1, keepdims=True), 0.0, None)
        have = out[:, free].sum(axis=1, keepdims=True)
        out[:, free] = np.where(have > 0, out[:, free] * left / np.where(have > 0, have, 1.0), 0.0)
    return out


def _entry(pts: list[str], base: np.ndarray, spec: ClassShares, vclass: str) -> dict[int, int]:
    """``entry`` of a class's shares as indices (new powertrain -> the one whose preference it takes), checked."""
    out = {}
    for new, ref in spec.entry.items():
        for p in (new, ref):
            if p not in pts:
                raise ScenarioError(f"sales_shares.{vclass}.entry: powertrain {p!r} is not sold in class {vclass}; "
                                    f"powertrains: {', '.join(pts)}")
        if base[pts.index(new)] > 0 or base[pts.index(ref)] <= 0:
            sold = [p for p, b in zip(pts, base) if b > 0]
            raise ScenarioError(f"sales_shares.{vclass}.entry: {new!r} -> {ref!r}: the first must have no sales in "
                                f"{HIST_END} and the second some; sold in {HIST_END}: {', '.join(sold)}")
        out[pts.index(new)] = pts.index(ref)
    return out


def _targets(pts: list[str], base: np.ndarray, fy: np.ndarray, spec: ClassShares, residual: int, where: str,
             vclass: str) -> np.ndarray:
    """Target paths for the targeted powertrains; the others share what is left in proportion to base shares."""
    paths = np.tile(base, (len(fy), 1))
    targeted = []
    for p, tgt in spec.targets.items():
        if p not in pts:
            raise ScenarioError(f"{where}.targets: powertrain {p!r} is not sold in class {vclass}; "
                                f"powertrains: {', '.join(pts)}")
        paths[:, pts.index(p)] = target_path(HIST_END, base[pts.index(p)], tgt, fy, spec.method)
        targeted.append(pts.index(p))
    total = paths[:, targeted].sum(axis=1)
    if (total > 1.0 + 1e-9).any():
        i = int(np.argmax(total))
        parts = ", ".join(f"{pts[j]} {100 * paths[i, j]:.1f}" for j in targeted if paths[i, j] > 0)
        raise ScenarioError(f"{where}: the targets add up to {100 * total[i]:.1f} % in {int(fy[i])} ({parts}); "
                            "they may not exceed 100 %")
    free = [j for j in range(len(pts)) if j not in targeted]
    w = base[free].copy()
    if w.sum() <= 0 and residual in free:   # none of the others was sold: all of it to the residual
        w[free.index(residual)] = 1.0
    paths[:, free] = (1.0 - total)[:, None] * (w / w.sum() if w.sum() > 0 else w)[None, :]
    return paths


def _phase_out(sc: Scenario, ctx: FleetContext, vclass: str, pts: list[str], paths: np.ndarray, fy: np.ndarray,
               residual: int, where: str) -> None:
    """Powertrains phased out sell nothing from the year given; their share goes to the residual (in place)."""
    end = sc.levers.ice_phaseout.get(vclass)
    if end is None:
        return
    gone = fy >= end
    names = sc.levers.phaseout_powertrains or list(ctx.cat.conventional())
    out_idx = [pts.index(p) for p in names if p in pts]
    lost = paths[np.ix_(gone, out_idx)].sum(axis=1)
    paths[np.ix_(gone, out_idx)] = 0.0
    if residual not in out_idx:
        paths[gone, residual] += lost
        return
    total = paths[gone].sum(axis=1, keepdims=True)
    if (total <= 0).any():
        raise ScenarioError(f"{where}: after the ICE phase-out in {end} no powertrain of {vclass} has sales; "
                            "give targets for the others or another residual")
    paths[gone] /= total


def powertrain_shares(ctx: FleetContext, sc: Scenario, vclass: str) -> tuple[list[str], np.ndarray]:
    """Powertrain shares of a class's new sales by year (rows sum to 1): (powertrains, array (year, powertrain))."""
    pts, hist = historical_shares(ctx.reg, vclass)
    shares = np.zeros((len(YEARS), len(pts)))
    past = YEARS <= HIST_END
    shares[past] = hist
    base = hist[-1] / hist[-1].sum()
    fy = YEARS[~past]
    spec = sc.levers.sales_shares.get(vclass) or ClassShares()
    residual = spec.residual or ctx.cat.vclass(vclass).residual_powertrain
    where = f"{sc.path}: levers.sales_shares.{vclass}"
    if residual not in pts:
        raise InputError(f"scenario {sc.name}: residual powertrain {residual!r} does not exist for class {vclass}; "
                         f"powertrains: {', '.join(pts)}")
    if spec.method == "logit":
        paths = _logit(ctx, vclass, pts, base, fy, spec)
    else:
        paths = _targets(pts, base, fy, spec, pts.index(residual), where, vclass)
    _phase_out(sc, ctx, vclass, pts, paths, fy, pts.index(residual), where)
    shares[~past] = paths
    return pts, shares
