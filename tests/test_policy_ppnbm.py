"""PPnBM classification: every article of PP 73/2019 as amended by PP 74/2021 at both edges of its bands.

Band wording (from the `edge_wording` column of ppnbm-rates): fuel economy "lebih dari X km/l" (lower bound
exclusive) and "sampai dengan Y km/l" (upper bound inclusive); CO2 "kurang dari 150", "150 sampai dengan 200",
"lebih dari 200 sampai dengan 250"; engine size "sampai dengan 3.000 cc"; KBH2 "paling sedikit 20 km/l".
"""

from __future__ import annotations

import datetime as dt

import pytest

from jalur.errors import InputError
from jalur.policy.ppnbm import VehicleSpec, assess

D = dt.date(2024, 6, 1)


def rule(registry, **kw):
    kw.setdefault("category", "passenger")
    kw.setdefault("price", 300_000_000)
    kw.setdefault("date", D)
    r = assess(VehicleSpec(**kw), registry=registry)
    return r.rule, r.ppnbm_effective_pct


ICE = dict(powertrain="ice-gasoline", engine_cc=1500)


@pytest.mark.parametrize("kmpl,expected", [
    (15.51, ("art-04", 15)), (15.5, ("art-05", 20)),
    (11.51, ("art-05", 20)), (11.5, ("art-06", 25)),
    (9.31, ("art-06", 25)), (9.3, ("art-07", 40)), (5.0, ("art-07", 40)),
])
def test_ice_petrol_km_per_l_edges(registry, kmpl, expected):
    assert rule(registry, **ICE, km_per_l=kmpl) == expected


@pytest.mark.parametrize("kmpl,expected", [
    (17.51, ("art-04", 15)), (17.5, ("art-05", 20)), (13.0, ("art-06", 25)), (10.5, ("art-07", 40)),
])
def test_ice_diesel_km_per_l_edges(registry, kmpl, expected):
    assert rule(registry, powertrain="ice-diesel", engine_cc=2400, km_per_l=kmpl) == expected


@pytest.mark.parametrize("co2,expected", [
    (149.9, ("art-04", 15)), (150, ("art-05", 20)), (200, ("art-05", 20)), (200.1, ("art-06", 25)),
    (250, ("art-06", 25)), (250.1, ("art-07", 40)),
])
def test_ice_co2_edges(registry, co2, expected):
    assert rule(registry, **ICE, co2=co2) == expected


@pytest.mark.parametrize("cc,kmpl,expected", [
    (3000, 16, ("art-04", 15)), (3000.5, 16, ("art-08", 40)), (3500, 12, ("art-09", 50)), (3500, 10, ("art-10", 60)),
    (4000, 9, ("art-11", 70)), (4000.5, 16, ("ice-lt10-gt4000", 95)),
])
def test_ice_engine_size_edges(registry, cc, kmpl, expected):
    assert rule(registry, powertrain="ice-gasoline", engine_cc=cc, km_per_l=kmpl) == expected


def test_km_per_l_and_co2_in_different_bands_take_the_lower_rate(registry):
    r = assess(VehicleSpec("passenger", "ice-gasoline", 300e6, D, engine_cc=1500, km_per_l=16, co2=160), registry=registry)
    assert (r.rule, r.ppnbm_effective_pct) == ("art-04", 15)
    assert any("km/l atau g/km" in n and "art-05" in n for n in r.notes)


HEV = dict(powertrain="hev", engine_cc=1987)


@pytest.mark.parametrize("kmpl,expected", [
    (23.01, ("art-26", 6)), (23.0, ("art-27", 7)), (18.41, ("art-27", 7)), (18.4, ("art-28", 8)),
    (15.51, ("art-28", 8)), (15.5, ("art-05", 20)),
])
def test_full_hybrid_edges(registry, kmpl, expected):
    assert rule(registry, **HEV, km_per_l=kmpl) == expected


@pytest.mark.parametrize("co2,expected", [
    (99.9, ("art-26", 6)), (100, ("art-27", 7)), (125, ("art-27", 7)), (125.1, ("art-28", 8)), (150, ("art-28", 8)),
    (150.1, ("art-05", 20)),
])
def test_full_hybrid_co2_edges(registry, co2, expected):
    assert rule(registry, **HEV, co2=co2) == expected


def test_hybrid_failing_lcev_says_why(registry):
    r = assess(VehicleSpec("passenger", "hev", 300e6, D, engine_cc=1987, km_per_l=14), registry=registry)
    assert r.rule == "art-05" and any("LCEV criteria for hev not met" in n for n in r.notes)


@pytest.mark.parametrize("kmpl,expected", [
    (23.01, ("art-29", 8)), (23.0, ("art-30", 10)), (18.4, ("art-31", 12)), (15.5, ("art-05", 20)),
])
def test_mild_hybrid_edges(registry, kmpl, expected):
    assert rule(registry, powertrain="mhev", engine_cc=1462, km_per_l=kmpl) == expected


@pytest.mark.parametrize("kmpl,expected", [
    (23.01, ("art-32", 20)), (20, ("art-33", 25)), (17, ("art-34", 30)),
])
def test_hybrids_3000_to_4000_cc(registry, kmpl, expected):
    assert rule(registry, powertrain="hev", engine_cc=3456, km_per_l=kmpl) == expected


@pytest.mark.parametrize("kw,expected", [
    (dict(km_per_l=28.01, ev_range_km=40), ("art-36a", 5)),
    (dict(km_per_l=28.01, ev_range_km=39.9), ("art-04", 15)),
    (dict(km_per_l=28.0, ev_range_km=60), ("art-04", 15)),
    (dict(co2=100, ev_range_km=60), ("art-36a", 5)),
])
def test_phev_edges(registry, kw, expected):
    assert rule(registry, powertrain="phev", engine_cc=1498, **kw) == expected


def test_bev_and_fcev_lcev_zero_non_lcev_fifteen(registry):
    assert rule(registry, powertrain="bev") == ("art-36", 0)
    assert rule(registry, powertrain="fcev") == ("art-36", 0)
    assert rule(registry, powertrain="bev", origin="cbu") == ("art-12-bev-non-lcev", 15)
    assert rule(registry, powertrain="bev", lcev=False) == ("art-12-bev-non-lcev", 15)


@pytest.mark.parametrize("kmpl,expected", [(15.51, ("art-35", 10)), (15.5, ("art-05", 20))])
def test_flexy_engine_edges(registry, kmpl, expected):
    assert rule(registry, powertrain="ffv", engine_cc=1496, km_per_l=kmpl) == expected


@pytest.mark.parametrize("kw,expected", [
    (dict(engine_cc=1200, km_per_l=20, price=135_000_000), ("kbh2", 3)),
    (dict(engine_cc=1200, km_per_l=19.99, co2=120, price=135_000_000), ("kbh2", 3)),
    (dict(engine_cc=1201, km_per_l=21, price=130_000_000), ("art-04", 15)),
    (dict(engine_cc=1198, km_per_l=19.99, price=130_000_000), ("art-04", 15)),
    (dict(engine_cc=1198, km_per_l=21, price=135_000_001), ("art-04", 15)),
])
def test_lcgc_criteria_edges(registry, kw, expected):
    assert rule(registry, powertrain="ice-gasoline", lcgc=True, **kw) == expected


def test_lcgc_over_price_cap_names_the_criterion(registry):
    r = assess(VehicleSpec("passenger", "ice-gasoline", 150e6, D, engine_cc=1198, km_per_l=20.5, lcgc=True),
               registry=registry)
    assert any("exceeds the KBH2 price cap of Rp 135,000,000" in n for n in r.notes)


@pytest.mark.parametrize("cc,expected", [
    (250, ("not-subject-motorcycle-le250", 0)), (250.5, ("motorcycle-250-500", 60)), (500, ("motorcycle-250-500", 60)),
    (500.5, ("motorcycle-gt500", 95)),
])
def test_motorcycle_edges(registry, cc, expected):
    assert rule(registry, category="motorcycle", powertrain="ice-gasoline", engine_cc=cc) == expected


def test_buses_trucks_and_electric_motorcycles_not_subject(registry):
    assert rule(registry, category="bus", powertrain="ice-diesel")[1] == 0
    assert rule(registry, category="truck", powertrain="ice-diesel")[1] == 0
    assert rule(registry, category="motorcycle", powertrain="bev")[1] == 0


def test_scheme_two_switch(registry):
    spec = VehicleSpec("passenger", "hev", 450e6, dt.date(2025, 3, 1), engine_cc=1987, km_per_l=21.5)
    assert assess(spec, registry=registry).ppnbm_effective_pct == 7
    r2 = assess(spec, registry=registry, scheme2_from=dt.date(2025, 1, 1))
    assert (r2.scheme, r2.ppnbm_effective_pct) == ("scheme-2", 12)
    assert assess(spec, registry=registry, scheme2_from=dt.date(2026, 1, 1)).scheme == "scheme-1"


@pytest.mark.parametrize("date,subject,expected", [
    (dt.date(2022, 3, 31), True, 10), (dt.date(2022, 4, 1), True, 11), (dt.date(2025, 1, 15), True, 11),
    (dt.date(2025, 2, 1), True, 12), (dt.date(2025, 2, 1), False, 11),
])
def test_vat_by_date(registry, date, subject, expected):
    kw = dict(category="passenger", powertrain="ice-gasoline", engine_cc=1500, km_per_l=14) if subject else \
        dict(category="motorcycle", powertrain="ice-gasoline", engine_cc=110)
    r = assess(VehicleSpec(price=100e6, date=date, **kw), registry=registry)
    assert r.vat_pct == pytest.approx(expected)


def test_incentives_by_date_and_condition(registry):
    bev = lambda **kw: assess(VehicleSpec("passenger", "bev", 700e6, **kw), registry=registry)
    assert [i.name for i in bev(date=dt.date(2024, 6, 1), tkdn=40).incentives] == ["vat-dtp-bev"]
    assert bev(date=dt.date(2024, 6, 1), tkdn=39.9).incentives == []
    assert bev(date=dt.date(2026, 6, 1), tkdn=60).incentives == []
    cbu = bev(date=dt.date(2025, 6, 1), origin="cbu")
    assert [i.name for i in cbu.incentives] == ["ppnbm-dtp-bev-cbu"] and cbu.ppnbm_after_incentives_rp == 0
    hev = lambda **kw: assess(VehicleSpec("passenger", "hev", 450e6, engine_cc=1987, km_per_l=21.5, **kw), registry=registry)
    assert [i.name for i in hev(date=dt.date(2025, 6, 1)).incentives] == ["ppnbm-dtp-hybrid-2025"]
    assert hev(date=dt.date(2025, 6, 1), origin="cbu").incentives == []
    assert hev(date=dt.date(2024, 6, 1)).incentives == []
    e2w = lambda d, **kw: assess(VehicleSpec("motorcycle", "bev", 20e6, d, tkdn=40, **kw), registry=registry)
    assert e2w(dt.date(2023, 3, 19)).incentives == []
    assert e2w(dt.date(2023, 3, 20)).purchase_aid_rp == 7_000_000
    assert e2w(dt.date(2024, 6, 1), conversion=True).purchase_aid_rp == 10_000_000


@pytest.mark.parametrize("kw,message", [
    (dict(price=-5), "price must be a positive number"),
    (dict(category="van"), "unknown category 'van'; categories: passenger"),
    (dict(powertrain="steam"), "unknown powertrain 'steam'"),
    (dict(engine_cc=None), "needs engine_cc"),
    (dict(km_per_l=None), "needs a fuel economy (--km-per-l) or CO2 (--co2)"),
    (dict(powertrain="phev"), "needs its electric range"),
    (dict(date=dt.date(2021, 10, 15)), "PP 41/2013 regime is not modelled"),
    (dict(tkdn=120), "tkdn must be a percentage"),
])
def test_bad_input(registry, kw, message):
    base = dict(category="passenger", powertrain="hev", price=300e6, date=D, engine_cc=1987, km_per_l=21.5)
    base.update(kw)
    with pytest.raises(InputError) as info:
        assess(VehicleSpec(**base), registry=registry)
    assert message in str(info.value)
