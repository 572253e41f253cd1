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
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from jalur import datasets
from jalur.catalog import Catalog, catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError

ORIGINS = ("local", "ckd", "cbu")
#: First day of PP 73/2019 as amended by PP 74/2021; earlier sales fell under PP 41/2013 (not modelled).
SCHEME_START = dt.date(2021, 10, 16)


@dataclass(frozen=True)
class VehicleSpec:
    """A vehicle as the tax law sees it.

    Attributes
    ----------
    category : str
        A row of ``tax-categories`` (``passenger-lt10``, alias ``passenger``; ``passenger-10-15``, ``double-cab``,
        ``motorcycle``, ``bus``, ``truck``).
    powertrain : str
        A row of ``powertrains``.
    price : float [IDR]
        Selling price before VAT and PPnBM.
    date : datetime.date
        Date of delivery.
    engine_cc : float [cm3], optional
        Engine displacement (needed for every vehicle with a combustion engine).
    fuel : str, optional
        ``petrol`` or ``diesel`` band criteria (default from the powertrain's carrier, ``energy-carriers.tax_fuel``).
    km_per_l : float [km/L], optional
        Fuel economy (type approval). At least one of ``km_per_l`` and ``co2`` for cars with an engine.
    co2 : float [g CO2/km], optional
    ev_range_km : float [km], optional
        Electric-only range (PHEV).
    tkdn : float [%], optional
        Local content (Tingkat Komponen Dalam Negeri).
    origin : str
        ``local`` (locally produced), ``ckd`` (assembled from completely-knocked-down kits) or ``cbu`` (imported built-up).
    lcgc : bool
        The model is registered in the KBH2/LCGC programme (its criteria are then checked).
    lcev : bool or None
        The model is registered in the LCEV programme; None: yes for locally made/CKD electrified and
        flexy-engine vehicles, no for CBU imports.
    conversion : bool
        An ICE motorcycle converted to electric (for the conversion aid).
    """

    category: str
    powertrain: str
    price: float
    date: dt.date
    engine_cc: float | None = None
    fuel: str | None = None
    km_per_l: float | None = None
    co2: float | None = None
    ev_range_km: float | None = None
    tkdn: float | None = None
    origin: str = "local"
    lcgc: bool = False
    lcev: bool | None = None
    conversion: bool = False

    def checked(self, cat: Catalog) -> "VehicleSpec":
        """A copy with defaults filled in; :class:`InputError` for a missing or impossible field."""
        category = cat.tax_category(self.category)
        pt = cat.powertrain(self.powertrain)
        if self.origin not in ORIGINS:
            raise InputError(f"unknown origin {self.origin!r}; origins: {', '.join(ORIGINS)}")
        if not (isinstance(self.price, (int, float)) and math.isfinite(self.price) and self.price > 0):
            raise InputError(f"price must be a positive number of rupiah before tax, got {self.price!r}")
        for name in ("engine_cc", "km_per_l", "co2", "ev_range_km"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                raise InputError(f"{name} must be a positive number, got {v!r}")
        if self.tkdn is not None and not (0 <= self.tkdn <= 100):
            raise InputError(f"tkdn must be a percentage within 0..100, got {self.tkdn!r}")
        fuel = self.fuel or cat.carriers[pt.carrier].tax_fuel or "petrol"
        if fuel not in ("petrol", "diesel"):
            raise InputError(f"fuel must be petrol or diesel, got {fuel!r}")
        if pt.combustion_engine and category.needs_engine_size and self.engine_cc is None:
            raise InputError(f"powertrain {pt.id!r} needs engine_cc (--engine-cc) for category {category.id!r}")
        if pt.combustion_engine and category.needs_fuel_economy and self.km_per_l is None and self.co2 is None:
            raise InputError(f"powertrain {pt.id!r} needs a fuel economy (--km-per-l) or CO2 (--co2) "
                             "figure: PPnBM bands are set by km/l or g CO2/km")
        if pt.plug_in_hybrid and category.lcev_articles and self.ev_range_km is None:
            raise InputError(f"powertrain {pt.id!r} needs its electric range (--ev-range-km): the LCEV PHEV article "
                             "requires at least 40 km (Permenperin 36/2021)")
        if self.date < SCHEME_START:
            raise InputError(f"date {self.date} is before {SCHEME_START}, when PP 73/2019 as amended by PP 74/2021 "
                             "took effect; the earlier PP 41/2013 regime is not modelled")
        lcev = self.lcev if self.lcev is not None else (self.origin != "cbu" and bool(pt.lcev_tokens))
        return replace(self, category=category.id, price=float(self.price), fuel=fuel, lcev=bool(lcev))


@dataclass
class Incentive:
    """One incentive applied to a vehicle: the ``incentives`` row (name and first day) and its amount."""

    name: str
    legal_basis: str
    rp: float
    reduces: str  # ppnbm | vat | price
    valid_from: str = ""
    valid_to: str = ""

    @property
    def id(self) -> str:
        """The row's id: ``name@valid_from`` (rows of one incentive differ by their first day)."""
        return f"{self.name}@{self.valid_from}"


@dataclass
class TaxResult:
    """Tax due on one vehicle; see :meth:`as_dict` for the published fields."""

    scheme: str
    rule: str
    legal_basis: str
    confirmed: bool
    ppnbm_tariff_pct: float
    dpp_pct: float
    ppnbm_effective_pct: float
    ppnbm_rp: float
    vat_pct: float
    vat_rp: float
    incentives: list[Incentive] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    price_rp: float = 0.0

    @property
    def ppnbm_after_incentives_rp(self) -> float:
        return max(self.ppnbm_rp - sum(i.rp for i in self.incentives if i.reduces == "ppnbm"), 0.0)

    @property
    def vat_after_incentives_rp(self) -> float:
        return max(self.vat_rp - sum(i.rp for i in self.incentives if i.reduces == "vat"), 0.0)

    @property
    def purchase_aid_rp(self) -> float:
        return sum(i.rp for i in self.incentives if i.reduces == "price")

    @property
    def price_incl_tax_rp(self) -> float:
        """What the buyer pays [IDR]: price + PPnBM + VAT after incentives, less purchase aid."""
        return self.price_rp + self.ppnbm_after_incentives_rp + self.vat_after_incentives_rp - self.purchase_aid_rp

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "rule": self.rule,
            "legal_basis": self.legal_basis,
            "confirmed": self.confirmed,
            "ppnbm_tariff_pct": self.ppnbm_tariff_pct,
            "dpp_pct": self.dpp_pct,
            "ppnbm_effective_pct": self.ppnbm_effective_pct,
            "ppnbm_rp": round(self.ppnbm_rp, 2),
            "vat_pct": self.vat_pct,
            "vat_rp": round(self.vat_rp, 2),
            "incentives": [{"name": i.name, "id": i.id, "legal_basis": i.legal_basis, "rp": round(i.rp, 2),
                            "reduces": i.reduces, "valid_from": i.valid_from, "valid_to": i.valid_to}
                           for i in self.incentives],
            "ppnbm_after_incentives_pct": round(100 * self.ppnbm_after_incentives_rp / self.price_rp, 6),
            "ppnbm_after_incentives_rp": round(self.ppnbm_after_incentives_rp, 2),
            "vat_after_incentives_rp": round(self.vat_after_incentives_rp, 2),
            "price_rp": self.price_rp,
            "price_incl_tax_rp": round(self.price_incl_tax_rp, 2),
            "notes": self.notes,
        }

    def items(self) -> list[tuple[str, str]]:
        """The assessment as (item, value) lines, in English and Bahasa Indonesia, for a printed table."""
        d = self.as_dict()
        return [
            ("scheme / skema", d["scheme"]), ("rule / pasal", f"{d['rule']} — {d['legal_basis']}"),
            ("confirmed", "yes" if d["confirmed"] else "NO (see notes)"),
            ("PPnBM tariff", f"{d['ppnbm_tariff_pct']:g} %"), ("DPP (tax base)", f"{d['dpp_pct']:.4g} % of price"),
            ("PPnBM effective", f"{d['ppnbm_effective_pct']:g} %  = Rp {d['ppnbm_rp']:,.0f}"),
            ("VAT / PPN", f"{d['vat_pct']:g} %  = Rp {d['vat_rp']:,.0f}"),
        ] + [(f"incentive: {i['name']}", f"- Rp {i['rp']:,.0f} ({i['reduces']}; {i['legal_basis']})")
             for i in d["incentives"]] + [
            ("PPnBM after incentives", f"{d['ppnbm_after_incentives_pct']:.4g} %  = Rp {d['ppnbm_after_incentives_rp']:,.0f}"),
            ("price before tax", f"Rp {d['price_rp']:,.0f}"),
            ("price incl. tax / harga termasuk pajak", f"Rp {d['price_incl_tax_rp']:,.0f}"),
        ]


# --------------------------------------------------------------------------------------------------
# band tests
# --------------------------------------------------------------------------------------------------


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


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


def _yes(v: Any) -> bool:
    return str(v).strip().lower() == "yes"


def _row_matches(r: pd.Series, spec: VehicleSpec, has_engine: bool) -> tuple[bool, str]:
    """Does rule row *r* apply to *spec*? Returns (match, reason if not)."""
    cc_max = _num(r.get("cc_max_diesel")) if spec.fuel == "diesel" and _num(r.get("cc_max_diesel")) else _num(r["cc_max"])
    ok = in_band(spec.engine_cc, _num(r["cc_min"]), cc_max, _yes(r["cc_min_incl"]), _yes(r["cc_max_incl"]))
    if ok is False:
        return False, "engine size outside the band"
    if ok is None and has_engine:
        return False, "engine size unknown"
    suffix = "diesel" if spec.fuel == "diesel" else "petrol"
    fe_lo, fe_hi = _num(r[f"kmpl_{suffix}_min"]), _num(r[f"kmpl_{suffix}_max"])
    co_lo, co_hi = _num(r["co2_min"]), _num(r["co2_max"])
    has_fe = fe_lo is not None or fe_hi is not None
    has_co = co_lo is not None or co_hi is not None
    if has_fe or has_co:
        fe = in_band(spec.km_per_l, fe_lo, fe_hi, _yes(r["kmpl_min_incl"]), _yes(r["kmpl_max_incl"])) if has_fe else None
        co = in_band(spec.co2, co_lo, co_hi, _yes(r["co2_min_incl"]), _yes(r["co2_max_incl"])) if has_co else None
        if not (fe or co):
            return False, "neither the km/l nor the CO2 criterion is met"
    rng = _num(r.get("ev_range_min_km"))
    if rng is not None and (spec.ev_range_km is None or spec.ev_range_km < rng):
        return False, f"electric range below {rng:g} km"
    return True, ""


# --------------------------------------------------------------------------------------------------
# assessment
# --------------------------------------------------------------------------------------------------


@memoize
def public_frame(reg: Registry, name: str) -> pd.DataFrame:
    """``reg.table(name).public()``, once per registry."""
    return reg.table(name).public()


def _scheme_rows(reg: Registry, date: dt.date, scheme2_from: dt.date | None) -> tuple[pd.DataFrame, str]:
    t = public_frame(reg, "ppnbm-rates")
    base = t[t["scheme"] == "scheme-1"].set_index("rule", drop=False)
    name = "scheme-1"
    if scheme2_from is not None and date >= scheme2_from:
        s2 = t[t["scheme"] == "scheme-2"].set_index("rule", drop=False)
        base = pd.concat([base.drop(index=s2.index, errors="ignore"), s2])
        name = "scheme-2"
    return base.reset_index(drop=True), name


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


def _candidates(reg: Registry, cat: Catalog, spec: VehicleSpec, rows: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """The rule rows the vehicle meets, in the order the regulation tries them (KBH2, LCEV, conventional)."""
    category = cat.tax_category(spec.category)
    pt = cat.powertrain(spec.powertrain)
    cat_rows = rows[rows["category"] == spec.category]

    def pick(tokens: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
        hits, why = [], []
        for _, r in cat_rows[cat_rows["powertrain"].isin(tokens)].iterrows():
            ok, reason = _row_matches(r, spec, pt.combustion_engine)
            (hits if ok else why).append(r if ok else f"{r['rule']}: {reason}")
        return (pd.DataFrame(hits) if hits else cat_rows.iloc[0:0]), why

    if category.any_powertrain:
        return pick(("any",))[0]
    matches = cat_rows.iloc[0:0]
    if spec.lcgc:
        fails = _lcgc_failures(reg, spec)
        if fails:
            notes.append("KBH2/LCGC criteria not met (" + "; ".join(fails) + "): taxed under the conventional articles")
        else:
            matches = pick(("lcgc",))[0]
    if matches.empty and spec.lcev and pt.lcev_tokens:
        matches, why = pick(pt.lcev_tokens)
        if matches.empty and category.lcev_articles:
            notes.append(f"LCEV criteria for {pt.id} not met ({'; '.join(why) or 'no LCEV article'}): "
                         "taxed under the conventional articles")
    elif not spec.lcev and pt.lcev_tokens and category.lcev_articles:
        notes.append("not registered in the LCEV programme (CBU imports are not): LCEV articles do not apply")
    for token in dict.fromkeys((pt.ppnbm_base, "ice")):
        if matches.empty:
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
    from jalur.policy.incentives import incentives, vat

    reg = registry if registry is not None else datasets.load(overrides)
    cat = catalog(reg)
    spec = spec.checked(cat)
    rows, scheme = _scheme_rows(reg, spec.date, scheme2_from)
    notes: list[str] = []
    matches = _candidates(reg, cat, spec, rows, notes)
    if matches.empty:
        raise InputError(f"no PPnBM rule of {scheme} matches this vehicle ({spec.category}, {spec.powertrain}, "
                         f"{spec.engine_cc} cc, {spec.km_per_l} km/l, {spec.co2} g/km); check the inputs")
    matches = matches.sort_values("value", kind="stable")
    best = matches.iloc[0]
    if len(matches) > 1:
        others = ", ".join(f"{r['rule']} ({r['value']:g} %)" for _, r in matches.iloc[1:].iterrows())
        if not cat.tax_category(spec.category).band_criteria_confirmed:
            notes.append(f"band criteria for this category are not confirmed in the data: rate could also be {others}; "
                         "jalur applies the lowest")
        else:
            notes.append(f"also meets {others}; the bands read 'km/l atau g/km', so the lowest rate applies "
                         "(PP 73/2019 as amended, band articles)")
    if not _yes(best["confirmed"]):
        notes.append(f"rule {best['rule']} is not fully confirmed from the regulation text: {best['note']}")
    eff, tariff, dpp = float(best["value"]), float(best["tariff_pct"]), float(best["dpp_pct"])
    vat_pct, vat_rp = vat(reg, spec, subject=tariff > 0)
    res = TaxResult(scheme, str(best["rule"]), str(best["legal_basis"]), _yes(best["confirmed"]), tariff, dpp, eff,
                    spec.price * eff / 100, vat_pct, vat_rp, [], notes, spec.price)
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
