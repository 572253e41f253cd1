"""Date boundaries of every incentive and VAT rule, generated from the ``incentives`` and ``vat-rates`` tables.

For each row, a vehicle that meets the row's conditions is assessed on the row's first and last day and one day
outside each; the incentive reported (its id, ``name@first-day``) or the VAT rate must change exactly there.
Dates before 16 Oct 2021 (when PP 73/2019 as amended by PP 74/2021 took effect) are not assessable and skipped.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jalur.errors import InputError
from jalur.catalog import shipped
from jalur.policy.ppnbm import SCHEME_START, VehicleSpec, assess

DAY = dt.timedelta(days=1)
#: Vehicle category of the tax law for each ``incentives.category``.
CATEGORY = {"passenger-car": "passenger", "bus": "bus", "motorcycle": "motorcycle", "": "passenger"}


def _num(x) -> float | None:
    return None if x is None or str(x) in ("", "nan", "None") else float(x)


def qualifying_spec(row: dict, date: dt.date) -> VehicleSpec:
    """A vehicle that meets every condition of an ``incentives`` row (other than its dates)."""
    tokens = str(row["powertrain"] or "").replace(";", " ").split()
    token = tokens[0] if tokens else "ice"
    category = CATEGORY[str(row["category"] or "")]
    lcgc = token == "lcgc"
    powertrain = {"lcgc": "ice-gasoline", "ice": "ice-gasoline"}.get(token, token)
    origin = (str(row["origin"] or "").replace(";", " ").split() or ["local"])[0]
    tkdn_min = max(x for x in (_num(row["tkdn_min"]), _num(row["local_purchase_min"]), 40.0 if not
                               _num(row["tkdn_max"]) else 0.0) if x is not None)
    price = _num(row["price_max_idr"]) or _num(row["price_min_idr"]) or 300e6
    if lcgc:
        price = min(price, 130e6)
    kw: dict = dict(category=category, powertrain=powertrain, price=price, date=date, origin=origin, tkdn=tkdn_min,
                    lcgc=lcgc, conversion=str(row["incentive"]).startswith("e2w-conversion"))
    pt = shipped().powertrain(powertrain)
    if pt.combustion_engine:
        kw["engine_cc"] = 1198.0 if category != "motorcycle" else 110.0
        kw["km_per_l"] = 30.0 if pt.plug_in_hybrid else 21.5 if pt.family == "hybrid" else 20.5
    if pt.plug_in_hybrid:
        kw["ev_range_km"] = 50.0
    if str(row["value_basis"]) == "pct-of-ppnbm-due" and powertrain == "bev":
        kw["lcev"] = False  # outside the LCEV programme, so that PPnBM is due and can be borne
    return VehicleSpec(**kw)


def _rows(registry, name):
    return registry.table(name).public().to_dict("records")


def _incentive_cases(registry):
    cases = []
    for row in _rows(registry, "incentives"):
        start = dt.date.fromisoformat(str(row["start_date"]))
        end = dt.date.fromisoformat(str(row["end_date"])) if str(row["end_date"]) not in ("", "nan", "None") else None
        days = [(start, True), (start - DAY, False)]
        if end is not None:
            days += [(end, True), (end + DAY, False)]
        for d, inside in days:
            if d >= SCHEME_START:
                cases.append((row, d, inside))
    return cases


def test_every_incentive_row_has_assessable_boundaries(registry):
    rows = {(r["incentive"], r["start_date"]) for r, _, _ in _incentive_cases(registry)}
    every = {(r["incentive"], r["start_date"]) for r in _rows(registry, "incentives")}
    # rows that lie wholly before the tax scheme modelled (the 2021 stimulus) are the only ones skipped
    skipped = {r for r in every - rows}
    assert all(dt.date.fromisoformat(s) < SCHEME_START for _, s in skipped)
    assert len(rows) >= len(every) - 3


def test_incentive_reported_exactly_within_its_dates(registry):
    for row, day, inside in _incentive_cases(registry):
        rid = f"{row['incentive']}@{row['start_date']}"
        res = assess(qualifying_spec(row, day), registry=registry)
        ids = {i.id for i in res.incentives}
        assert (rid in ids) == inside, (rid, day.isoformat(), sorted(ids), res.notes)


def test_incentive_amount_follows_its_basis(registry):
    for row, day, inside in _incentive_cases(registry):
        if not inside:
            continue
        res = assess(qualifying_spec(row, day), registry=registry)
        inc = next(i for i in res.incentives if i.id == f"{row['incentive']}@{row['start_date']}")
        v, basis = float(row["value"]), str(row["value_basis"])
        want = {"pct-of-selling-price": res.price_rp * v / 100, "pct-of-ppnbm-due": res.ppnbm_rp * v / 100,
                "idr-per-unit": v}[basis]
        cap = {"ppnbm": res.ppnbm_rp, "vat": res.vat_rp, "price": float("inf")}[inc.reduces]
        assert inc.rp == pytest.approx(min(want, cap)), (inc.id, day)


def _vat_spec(goods_class: str, date: dt.date) -> VehicleSpec:
    if goods_class == "non-luxury":  # not subject to PPnBM: a motorcycle up to 250 cc
        return VehicleSpec("motorcycle", "ice-gasoline", 20e6, date, engine_cc=110)
    return VehicleSpec("passenger", "ice-gasoline", 300e6, date, engine_cc=1500, km_per_l=16)


def test_vat_rate_changes_on_each_effective_date(registry):
    rows = _rows(registry, "vat-rates")
    for row in rows:
        start = dt.date.fromisoformat(str(row["effective_date"]))
        classes = ["ppnbm-luxury", "non-luxury"] if row["goods_class"] == "all" else [row["goods_class"]]
        for cls in classes:
            rate = lambda d: assess(_vat_spec(cls, d), registry=registry).vat_pct
            if start >= SCHEME_START:
                assert rate(start) == pytest.approx(float(row["effective_rate_pct"])), (cls, start)
                earlier = [r for r in rows if dt.date.fromisoformat(str(r["effective_date"])) < start
                           and r["goods_class"] in (cls, "all")]
                own = [r for r in earlier if r["goods_class"] == cls] or earlier
                prev = max(own, key=lambda r: r["effective_date"])
                assert rate(start - DAY) == pytest.approx(float(prev["effective_rate_pct"])), (cls, start - DAY)
            else:  # the rule in force when the tax scheme began
                later = [r for r in rows if SCHEME_START >= dt.date.fromisoformat(str(r["effective_date"])) > start]
                if not later:
                    assert rate(SCHEME_START) == pytest.approx(float(row["effective_rate_pct"]))


def test_dates_before_the_scheme_are_refused(registry):
    with pytest.raises(InputError, match="before 2021-10-16"):
        assess(_vat_spec("ppnbm-luxury", SCHEME_START - DAY), registry=registry)
