"""PPnBM (luxury-goods sales tax) classification, VAT and incentives for a motor vehicle on a date.

Applies PP 73/2019 as amended by PP 74/2021 (rates in ``ppnbm-rates``), the KBH2/LCGC criteria of
Permenperin 36/2021 (``lcgc-criteria``), VAT by date (``vat-rates``) and the incentives of the PMKs and
ministerial regulations (``incentives``). Every rate comes from those tables, with its legal basis;
this module only decides which row applies.

Reading of the regulation used here (tested at every band edge):

- a band applies when the engine size matches **and** the fuel-economy **or** the CO2 criterion is met
  (the articles join them with "atau"); a vehicle meeting the criteria of several bands is taxed under the
  band with the lowest rate;
- LCEV articles (KBH2, hybrids, PHEV, BEV/FCEV, flexy engine) apply to models in the Ministry of
  Industry's LCEV programme; a model outside it, or failing an LCEV criterion, is taxed under the
  conventional articles, and the result says which criterion failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from jalur import datasets
from jalur.catalog import Catalog, catalog
from jalur.datasets import Registry, cell_number, cell_yes, memoize
from jalur.errors import InputError
from jalur.policy.incentives import incentives, vat
from jalur.policy.lcev import lcev_status
from jalur.policy.spec import (  # noqa: F401  (re-exported: the tax engine's public types)
    ORIGINS,
    SCHEME_START,
    Incentive,
    TaxResult,
    VehicleSpec,
    public_frame,
    public_records,
)

# --------------------------------------------------------------------------------------------------
# band tests
# --------------------------------------------------------------------------------------------------


def in_band(x: float | None, lo: float | None, hi: float | None, lo_incl: bool, hi_incl: bool) -> bool | None:
    """Whether *x* lies in the band; None when the band has bounds but *x* is unknown.

    Examples
    --------
    >>> in_band(15.5, 15.5, None, False, False), in_band(15.51, 15.5, None, False, False)
    (False, True)
    >>> in_band(15.5, 11.5, 15.5, False, True)
    True
    """
    if lo is None and hi is None:
        return True
    if x is None:
        return None
    if lo is not None and (x < lo or (x == lo and not lo_incl)):
        return False
    if hi is not None and (x > hi or (x == hi and not hi_incl)):
        return False
    return True


def _row_matches(r: dict, spec: VehicleSpec, has_engine: bool) -> tuple[bool, str]:
    """Does rule row *r* apply to *spec*? Returns (match, reason if not)."""
    cc_max = cell_number(r.get("cc_max_diesel")) if spec.fuel == "diesel" and cell_number(r.get("cc_max_diesel")) else cell_number(r["cc_max"])
    ok = in_band(spec.engine_cc, cell_number(r["cc_min"]), cc_max, cell_yes(r["cc_min_incl"]), cell_yes(r["cc_max_incl"]))
    if ok is False:
        return False, "engine size outside the band"
    if ok is None and has_engine:
        return False, "engine size unknown"
    suffix = "diesel" if spec.fuel == "diesel" else "petrol"
    fe_lo, fe_hi = cell_number(r[f"kmpl_{suffix}_min"]), cell_number(r[f"kmpl_{suffix}_max"])
    co_lo, co_hi = cell_number(r["co2_min"]), cell_number(r["co2_max"])
    has_fe = fe_lo is not None or fe_hi is not None
    has_co = co_lo is not None or co_hi is not None
    if has_fe or has_co:
        fe = in_band(spec.km_per_l, fe_lo, fe_hi, cell_yes(r["kmpl_min_incl"]), cell_yes(r["kmpl_max_incl"])) if has_fe else None
        co = in_band(spec.co2, co_lo, co_hi, cell_yes(r["co2_min_incl"]), cell_yes(r["co2_max_incl"])) if has_co else None
        if not (fe or co):
            return False, "neither the km/l nor the CO2 criterion is met"
    rng = cell_number(r.get("ev_range_min_km"))
    if rng is not None and (spec.ev_range_km is None or spec.ev_range_km < rng):
        return False, f"electric range below {rng:g} km"
    return True, ""


# --------------------------------------------------------------------------------------------------
# assessment
# --------------------------------------------------------------------------------------------------


@memoize
def _scheme_rows(reg: Registry, scheme2: bool) -> tuple[dict, ...]:
    """The ``ppnbm-rates`` rows in force: scheme 1, or scheme 1 with the rules scheme 2 replaces (rows as dicts)."""
    rows = public_records(reg, "ppnbm-rates")
    base = [r for r in rows if r["scheme"] == "scheme-1"]
    if not scheme2:
        return tuple(base)
    s2 = [r for r in rows if r["scheme"] == "scheme-2"]
    replaced = {r["rule"] for r in s2}
    return tuple([r for r in base if r["rule"] not in replaced] + s2)


def _lcgc_failures(reg: Registry, spec: VehicleSpec) -> list[str]:
    c = reg.table("lcgc-criteria")
    fails = []
    max_cc = c.get("cc", criterion="max_cc_diesel" if spec.fuel == "diesel" else "max_cc_petrol")
    if spec.engine_cc is None or spec.engine_cc > max_cc:
        fails.append(f"engine {spec.engine_cc} cc exceeds the KBH2 limit of {max_cc:g} cc")
    min_kmpl = c.get("km/L", criterion="min_kmpl_diesel" if spec.fuel == "diesel" else "min_kmpl_petrol")
    max_co2 = c.get("g CO2/km", criterion="max_co2")
    fe_ok = spec.km_per_l is not None and spec.km_per_l >= min_kmpl
    co_ok = spec.co2 is not None and spec.co2 <= max_co2
    if not (fe_ok or co_ok):
        fails.append(f"fuel economy below {min_kmpl:g} km/l and CO2 above {max_co2:g} g/km")
    cap = c.get("IDR", criterion="price_cap")
    if spec.price > cap:
        fails.append(f"price Rp {spec.price:,.0f} exceeds the KBH2 price cap of Rp {cap:,.0f}")
    return fails


def _candidates(reg: Registry, cat: Catalog, spec: VehicleSpec, rows: tuple[dict, ...], notes: list[str]) -> list[dict]:
    """The rule rows the vehicle meets, in the order the regulation tries them (KBH2, LCEV, conventional)."""
    category = cat.tax_category(spec.category)
    pt = cat.powertrain(spec.powertrain)
    cat_rows = [r for r in rows if r["category"] == spec.category]

    def pick(tokens: tuple[str, ...]) -> tuple[list[dict], list[str]]:
        hits, why = [], []
        for r in cat_rows:
            if r["powertrain"] in tokens:
                ok, reason = _row_matches(r, spec, pt.combustion_engine)
                (hits if ok else why).append(r if ok else f"{r['rule']}: {reason}")
        return hits, why

    if category.any_powertrain:
        return pick(("any",))[0]
    matches: list[dict] = []
    if spec.lcgc:
        fails = _lcgc_failures(reg, spec)
        if fails:
            notes.append("KBH2/LCGC criteria not met (" + "; ".join(fails) + "): taxed under the conventional articles")
        else:
            matches = pick(("lcgc",))[0]
    if not matches and spec.lcev and pt.lcev_tokens:
        matches, why = pick(pt.lcev_tokens)
        if not matches and category.lcev_articles:
            notes.append(f"LCEV criteria for {pt.id} not met ({'; '.join(why) or 'no LCEV article'}): "
                         "taxed under the conventional articles")
    for token in dict.fromkeys((pt.ppnbm_base, "ice")):
        if not matches:
            matches = pick((token,))[0]
    return matches


def assess(spec: VehicleSpec, *, registry: Registry | None = None, overrides=None,
           scheme2_from: dt.date | None = None) -> TaxResult:
    """Classify a vehicle under the PPnBM rules of its delivery date and compute tax and incentives.

    Parameters
    ----------
    spec : VehicleSpec
    registry : Registry, optional
    overrides : list of path, optional
    scheme2_from : datetime.date, optional
        Date from which the second-stage scheme of PP 74/2021 Art. 36B applies (None: not triggered).

    Returns
    -------
    TaxResult

    Examples
    --------
    >>> r = assess(VehicleSpec("passenger", "hev", 450_000_000, dt.date(2025, 3, 1), engine_cc=1987,
    ...                        km_per_l=21.5, tkdn=40))
    >>> r.rule, r.ppnbm_effective_pct, round(r.as_dict()["ppnbm_after_incentives_pct"], 2)
    ('art-27', 7.0, 4.0)
    """
    reg = registry if registry is not None else datasets.load(overrides)
    cat = catalog(reg)
    given = spec.lcev
    spec = spec.checked(cat)
    status = lcev_status(reg, cat, spec, given)
    spec = replace(spec, lcev=status.lcev, tkdn=status.tkdn)
    scheme2 = scheme2_from is not None and spec.date >= scheme2_from
    scheme = "scheme-2" if scheme2 else "scheme-1"
    notes: list[str] = []
    matches = _candidates(reg, cat, spec, _scheme_rows(reg, scheme2), notes)
    if not matches:
        raise InputError(f"no PPnBM rule of {scheme} matches this vehicle ({spec.category}, {spec.powertrain}, "
                         f"{spec.engine_cc} cc, {spec.km_per_l} km/l, {spec.co2} g/km); check the inputs")
    matches = sorted(matches, key=lambda r: float(r["value"]))
    best = matches[0]
    if len(matches) > 1:
        others = ", ".join(f"{r['rule']} ({r['value']:g} %)" for r in matches[1:])
        if not cat.tax_category(spec.category).band_criteria_confirmed:
            notes.append(f"band criteria for this category are not confirmed in the data: rate could also be {others}; "
                         "jalur applies the lowest")
        else:
            notes.append(f"also meets {others}; the bands read 'km/l atau g/km', so the lowest rate applies "
                         "(PP 73/2019 as amended, band articles)")
    if not cell_yes(best["confirmed"]):
        notes.append(f"rule {best['rule']} is not fully confirmed from the regulation text: {best['note']}")
    eff, tariff, dpp = float(best["value"]), float(best["tariff_pct"]), float(best["dpp_pct"])
    vat_pct, vat_rp = vat(reg, spec, subject=tariff > 0)
    res = TaxResult(scheme, str(best["rule"]), str(best["legal_basis"]), cell_yes(best["confirmed"]), tariff, dpp, eff,
                    spec.price * eff / 100, vat_pct, vat_rp, [], notes, spec.price, status.basis, status.tkdn,
                    status.assumed)
    res.incentives = incentives(reg, cat, spec, res)
    return res


def parse_date(text: str, what: str = "date") -> dt.date:
    """An ISO date (YYYY-MM-DD); :class:`InputError` naming *what* otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what} {text!r} is not an ISO date (YYYY-MM-DD)") from None


def spec_from_kwargs(**kw: Any) -> VehicleSpec:
    """A :class:`VehicleSpec` from keyword arguments (``date`` may be an ISO string)."""
    if isinstance(kw.get("date"), str):
        kw["date"] = parse_date(kw["date"])
    return VehicleSpec(**kw)


__all__ = ["VehicleSpec", "TaxResult", "Incentive", "assess", "in_band", "parse_date", "public_frame", "spec_from_kwargs"]
