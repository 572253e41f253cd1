"""The first stages of a run: sales by class, the mix of new sales, the stock by vintage, and its activity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from jalur.errors import InputError
from jalur.fleet.activity import km_by_age
from jalur.fleet.cohorts import cohort_factors, initial_cohorts, stock_by_vintage
from jalur.fleet.ownership import join_gompertz
from jalur.fleet.sales import sales_for_stock
from jalur.fleet.survival import AGES, MAX_AGE, curve
from jalur.pathways.context import FIRST, HIST_END, VINTAGES, YEARS, FleetContext, start_profile
from jalur.pathways.levers import income_and_population, share_tables
from jalur.pathways.mix import powertrain_shares
from jalur.pathways.scenario import Levers, Scenario
from jalur.physics.activity import in_use_curve

#: Half-life [year] of the historical trend of km per vehicle after the history: it fades, without a kink.
KM_TREND_HALF_LIFE = 5.0
#: History years whose ownership trend the projection continues (the slope of the ownership curve at the join).
OWNERSHIP_WINDOW = 8


@dataclass(frozen=True)
class ClassFleet:
    """The cohorts of one class under a scenario: one set of vintages, registered and in use."""

    survival: np.ndarray          # in use, by age [1]
    use_factors: np.ndarray       # share of each vintage in use (vintage, year) [1], with scrappage
    registered_factors: np.ndarray  # share of each vintage still registered (vintage, year) [1]
    start: np.ndarray             # registered fleet at the end of the first year by vintage [vehicle]
    in_use_history: np.ndarray    # in-use stock in the history years [vehicle]
    registered_history: np.ndarray  # registered stock in the history years [vehicle]


def class_fleet(ctx: FleetContext, lv: Levers, k: str) -> ClassFleet:
    """The cohorts of a class: in-use survival (the data's, or the scenario's ``survival`` lever, never above the
    registration retention) with scrappage, registration retention, and the starting fleet."""
    h = ctx.history[k]
    retention = h.use.retention
    surv = (in_use_curve(curve(lv.survival[k].model, **lv.survival[k].parameters()), retention) if k in lv.survival
            else h.use.survival)
    scrap = np.zeros((len(YEARS), MAX_AGE))
    if k in lv.scrappage:
        s = lv.scrappage[k]
        scrap[np.ix_((YEARS >= s.start) & (YEARS <= s.end), AGES >= s.min_age)] = s.rate / 100.0
    use_f = cohort_factors(surv, YEARS, VINTAGES, scrap, counted=retention)
    reg_f = cohort_factors(retention, YEARS, VINTAGES, scrap)
    n = initial_cohorts(start_profile(h), YEARS, VINTAGES)
    hist = n.copy()
    hist[FIRST + 1: FIRST + len(h.sales)] = h.sales[1:]
    n_hist = len(h.sales)
    return ClassFleet(surv, use_f, reg_f, n, (hist @ use_f)[:n_hist], (hist @ reg_f)[:n_hist])


def _ownership_target(ctx: FleetContext, k: str, cf: ClassFleet, income: np.ndarray, pop: np.ndarray):
    """In-use stock the Gompertz ownership curve asks for [vehicle], by year, and a record of the fit.

    The curve joins the in-use vehicles per person of the history (:func:`jalur.fleet.ownership.join_gompertz`):
    through the last history year, rising with income as ownership rose over the last :data:`OWNERSHIP_WINDOW` years
    of history, then bending toward saturation; the saturation in the data is on the registration basis (vehicles per person
    registered), brought to the in-use basis by the in-use share of registrations in the last history year.
    """
    h = ctx.history[k]
    n = len(h.sales)
    own = cf.in_use_history / pop[:n]
    share = cf.in_use_history[-1] / cf.registered_history[-1]
    weights = (np.arange(n) >= n - OWNERSHIP_WINDOW).astype(float)
    try:
        fit = join_gompertz(income[:n], own, h.saturation * share, weights=weights)
        anchor = cf.in_use_history[-1] / (fit(income[n - 1]) * pop[n - 1])
        return fit(income) * pop * anchor, {"model": "gompertz", **vars(fit), "anchor": anchor, "in_use_share": share}
    except ValueError as exc:  # ownership did not rise with income in the history (e.g. buses): hold per person
        return own[-1] * pop, {"model": "constant-per-person", "reason": str(exc), "per_person": float(own[-1])}


def class_sales(ctx: FleetContext, lv: Levers, fleets: dict[str, ClassFleet]) -> tuple[xr.DataArray, dict]:
    """Stage 1 — new sales of each class [vehicle/year]: history, then exogenous totals or what ownership asks.

    Returns
    -------
    (sales, ownership) : xarray.DataArray (vclass, year), dict of the ownership fits and how far the in-use
    stock stays from the ownership curve (partial adjustment, :func:`jalur.fleet.sales.sales_for_stock`)
    """
    income, pop = income_and_population(ctx.reg, lv)
    out, ownership = [], {}
    for k in ctx.classes:
        hist = ctx.history[k].sales
        ks = np.concatenate([hist, np.zeros(len(YEARS) - len(hist))])
        fut = YEARS > HIST_END
        if k in lv.total_sales:
            m = lv.total_sales[k]
            ys = np.array(sorted(m), dtype=float)
            ks[fut] = np.interp(YEARS[fut], np.concatenate([[HIST_END], ys]),
                                np.concatenate([[hist[-1]], [m[int(y)] for y in ys]]))
        else:
            target, ownership[k] = _ownership_target(ctx, k, fleets[k], income, pop)
            cohorts = fleets[k].start.copy()
            cohorts[FIRST + 1: FIRST + len(hist)] = hist[1:]
            new, filled = sales_for_stock(target, cohorts, fleets[k].use_factors, FIRST, len(hist), hist[-1],
                                          ctx.history[k].adjustment)
            ks[fut] = new[fut]
            gap = (filled @ fleets[k].use_factors)[fut] / target[fut] - 1
            ownership[k] |= {"adjustment": ctx.history[k].adjustment, "largest_gap_pct": float(100 * np.abs(gap).max()),
                             "largest_gap_year": int(YEARS[fut][np.argmax(np.abs(gap))])}
        out.append(ks)
    return xr.DataArray(np.array(out), dims=("vclass", "year"), coords={"vclass": list(ctx.classes), "year": YEARS},
                        attrs={"units": "vehicle/year"}), ownership


def split_by_segment(pt_shares: np.ndarray, seg_shares: np.ndarray, sold: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Shares of a class's sales by segment and powertrain that keep both the powertrain shares and (as far as the
    segments that sell each powertrain allow) the segment shares: iterative proportional fitting on the cells sold.

    Parameters
    ----------
    pt_shares : numpy.ndarray [1], shape (T, P)
        Powertrain shares of the class's sales (rows sum to 1).
    seg_shares : numpy.ndarray [1], shape (S,)
        Segment shares (sum to 1).
    sold : numpy.ndarray of bool, shape (S, P)
        Which segment sells which powertrain.

    Returns
    -------
    numpy.ndarray [1], shape (T, S, P)
        Cell shares; summed over segments they give *pt_shares* (the powertrain shares are the lever); summed over
        powertrains they give *seg_shares* where that is possible (a powertrain sold in one segment only can take
        more of the class than that segment's share: the segment grows).

    Examples
    --------
    >>> sold = np.array([[True, True, False], [True, True, True]])   # segment 0 sells no powertrain 2
    >>> x = split_by_segment(np.array([[0.6, 0.25, 0.15]]), np.array([0.6, 0.4]), sold)
    >>> x.sum(axis=1).round(3).tolist(), x.sum(axis=2).round(3).tolist()
    ([[0.6, 0.25, 0.15]], [[0.6, 0.4]])
    """
    x = np.where(sold[None], seg_shares[None, :, None] * pt_shares[:, None, :], 0.0)
    for _ in range(rounds):
        rows = x.sum(axis=2, keepdims=True)
        x = np.where(rows > 0, x * seg_shares[None, :, None] / np.where(rows > 0, rows, 1.0), x)
        cols = x.sum(axis=1, keepdims=True)
        x = np.where(cols > 0, x * pt_shares[:, None, :] / np.where(cols > 0, cols, 1.0), 0.0)
    return x


def case_sales(ctx: FleetContext, sc: Scenario, by_class: xr.DataArray) -> xr.DataArray:
    """Stage 2 — the mix: new sales of each case [vehicle/year] from the class sales, segment and powertrain shares
    (:func:`split_by_segment`: a powertrain's share of its class holds whichever segments sell it)."""
    seg_data, _ = share_tables(ctx.reg)
    seg, pt = ctx.cases["segment"].to_numpy(), ctx.cases["powertrain"].to_numpy()
    out = np.zeros((len(ctx.cases), len(YEARS)))
    for k in ctx.classes:
        pts_k, shares = powertrain_shares(ctx, sc, k)
        seg_share = ({s: v / 100 for s, v in sc.levers.segment_shares[k].items()} if k in sc.levers.segment_shares
                     else dict(seg_data[k]))
        segs = list(dict.fromkeys(seg[ctx.of_class(k)]))
        w = np.array([seg_share.get(s, 0.0) for s in segs])
        idx = {(seg[i], pt[i]): i for i in ctx.of_class(k)}
        sold = np.array([[(s, p) in idx for p in pts_k] for s in segs])
        cells = split_by_segment(shares, w / w.sum(), sold)
        for (s, p), i in idx.items():
            out[i] = by_class.sel(vclass=k).values * cells[:, segs.index(s), pts_k.index(p)]
    return _case_array(ctx, out, "vehicle/year")


def _case_array(ctx: FleetContext, values: np.ndarray, units: str) -> xr.DataArray:
    return xr.DataArray(values, dims=("case", "year"), coords=case_coords(ctx) | {"year": YEARS}, attrs={"units": units})


def case_coords(ctx: FleetContext) -> dict[str, Any]:
    """Coordinate of the case dimension inside a run: an id per case (``segment/powertrain``).

    The segment, powertrain and class of each case join once, on the run's Dataset (:func:`describe_cases`).
    """
    return {"case": ctx.case_ids}


def describe_cases(ctx: FleetContext) -> dict[str, Any]:
    """The segment, powertrain and class of each case, as coordinates along ``case``."""
    return {"segment": ("case", list(ctx.cases["segment"])), "powertrain": ("case", list(ctx.cases["powertrain"])),
            "class": ("case", list(ctx.cases["class"]))}


def exogenous_sales(ctx: FleetContext, sales: pd.DataFrame) -> xr.DataArray:
    """Given sales [vehicle/year] as a case array; every row must name a case of the fleet and every column a year.

    Raises
    ------
    InputError
        For a (segment, powertrain) that is not a case, a column that is not a year, or a negative number.
    """
    known = set(zip(ctx.cases["segment"], ctx.cases["powertrain"]))
    unknown = [k for k in sales.index if tuple(k) not in known]
    if unknown:
        raise InputError(f"exogenous sales: unknown (segment, powertrain) {unknown[:5]}; "
                         f"cases: {', '.join(ctx.case_ids)}")
    bad_years = [c for c in sales.columns if int(c) not in set(YEARS)]
    if bad_years:
        raise InputError(f"exogenous sales: years {bad_years[:5]} outside {YEARS[0]}..{YEARS[-1]}")
    given = sales.reindex(index=pd.MultiIndex.from_frame(ctx.cases[["segment", "powertrain"]]),
                          columns=list(YEARS)).fillna(0.0)
    if (given.to_numpy() < 0).any():
        raise InputError("exogenous sales must not be negative")
    return _case_array(ctx, given.to_numpy(float), "vehicle/year")


def cohorts(ctx: FleetContext, sales: xr.DataArray, fleets: dict[str, ClassFleet], initial: str) -> np.ndarray:
    """Vehicles of each case by vintage [vehicle], (case, vintage): the starting registered fleet (split like the
    first year's sales) and each year's sales. With ``initial='none'`` the fleet starts empty."""
    if initial not in ("data", "none"):
        raise InputError(f"initial_stock {initial!r} not allowed; allowed: data, none")
    s = sales.values
    n = np.zeros((len(ctx.cases), len(VINTAGES)))
    for k in ctx.classes:
        idx = ctx.of_class(k)
        if initial == "data":
            n[idx] = np.outer(s[idx, 0] / max(s[idx, 0].sum(), 1e-12), fleets[k].start)
            n[np.ix_(idx, np.arange(FIRST + 1, FIRST + len(YEARS)))] = s[idx, 1:]
        else:
            n[np.ix_(idx, np.arange(FIRST, FIRST + len(YEARS)))] = s[idx]
    return n


def stock(ctx: FleetContext, n: np.ndarray, fleets: dict[str, ClassFleet]) -> xr.DataArray:
    """Stage 3 — the in-use stock by case and vintage [vehicle]: the cohorts *n* (:func:`cohorts`) on the in-use
    survival of their class."""
    out = np.zeros((len(ctx.cases), len(VINTAGES), len(YEARS)))
    for k in ctx.classes:
        idx = ctx.of_class(k)
        out[idx] = stock_by_vintage(n[idx], fleets[k].use_factors)
    return xr.DataArray(out, dims=("case", "vintage", "year"), coords=case_coords(ctx) | {"vintage": VINTAGES,
                        "year": YEARS}, attrs={"units": "vehicles", "long_name": "in-use stock by vintage"})


def registered_stock(ctx: FleetContext, n: np.ndarray, fleets: dict[str, ClassFleet]) -> xr.DataArray:
    """Registered stock by class [vehicle] (what BPS and Korlantas count): the same cohorts *n* on the registration
    retention."""
    out = [n[ctx.of_class(k)].sum(axis=0) @ fleets[k].registered_factors for k in ctx.classes]
    return xr.DataArray(np.array(out), dims=("vclass", "year"), coords={"vclass": list(ctx.classes), "year": YEARS},
                        attrs={"units": "vehicles", "long_name": "registered stock"})


def km_trend_factor(trend: float, since) -> np.ndarray:
    """Km per vehicle relative to the last history year [1], for years *since* it (negative: history).

    Notes
    -----
    :math:`(1+\\tau)^{t}` for :math:`t \\le 0`; :math:`\\prod_{s=1}^{t} (1 + \\tau\\, 2^{-s/h})` after, with *h* the
    half-life :data:`KM_TREND_HALF_LIFE`: the trend continues at first, then fades.

    Examples
    --------
    >>> [round(float(x), 4) for x in km_trend_factor(0.02, np.array([-1, 0, 1, 2]))]
    [0.9804, 1.0, 1.0174, 1.0328]
    """
    t = np.asarray(since)
    steps = 1.0 + trend * 0.5 ** (np.arange(1, max(int(t.max()), 0) + 1) / KM_TREND_HALF_LIFE)
    after = np.concatenate([[1.0], np.cumprod(steps)])
    return np.where(t <= 0, (1.0 + trend) ** np.minimum(t, 0), after[np.clip(t, 0, None)])


def activity(ctx: FleetContext, lv: Levers, annual_km: xr.DataArray) -> xr.DataArray:
    """Stage 4 — km per vehicle in use by case, vintage and year [km/year]: (sample, case, vintage, year).

    A vehicle drives its first-year km (*annual_km*, sample x case: ``annual_km`` times the class's
    ``annual_km_scale``, as driven in the last history year), less the class's decline per year of age. Km per
    vehicle change at the class's fitted ``km_trend_history`` (ride-hailing, freight) up to the last history year;
    after it the trend fades with a half-life of :data:`KM_TREND_HALF_LIFE` years (no kink at the join), times the
    ``km_growth`` lever.
    """
    age = YEARS[None, :] - VINTAGES[:, None]
    out = np.zeros((annual_km.sizes["sample"], len(ctx.cases), len(VINTAGES), len(YEARS)))
    for k in ctx.classes:
        idx = ctx.of_class(k)
        d = ctx.history[k].use.decline
        growth = ((1.0 + lv.km_growth.get(k, 0.0) / 100.0) ** np.clip(YEARS - HIST_END, 0, None)
                  * km_trend_factor(ctx.history[k].use.km_trend, YEARS - HIST_END))
        shape = np.where(age >= 0, km_by_age(d, np.clip(age, 0, None)), 0.0) * growth[None, :]    # (V, Y)
        out[:, idx] = annual_km.values[:, idx, None, None] * shape[None, None]
    return xr.DataArray(out, dims=("sample", "case", "vintage", "year"),
                        coords=case_coords(ctx) | {"vintage": VINTAGES, "year": YEARS}, attrs={"units": "km/year"})
