"""The vehicle as the tax law sees it, the incentives applied to it and the tax result; shared helpers."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from jalur.catalog import Catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.locale import localise

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
    lcev_status: str = ""
    tkdn_pct: float | None = None
    tkdn_assumed: bool = False

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
            "lcev_status": self.lcev_status,
            "tkdn_pct": self.tkdn_pct,
            "tkdn_assumed": self.tkdn_assumed,
            "notes": self.notes,
        }

    def items(self, lang: str = "en") -> list[tuple[str, str]]:
        """The assessment as (item, value) lines, in English and Bahasa Indonesia, for a printed table; with
        *lang* ``id`` the numbers take Indonesian separators (``Rp 60.000.000``, ``4,5 %``)."""
        d = self.as_dict()
        n = lambda x, f: localise(format(x, f), lang)
        return [
            ("scheme / skema", d["scheme"]), ("LCEV status / status LCEV", d["lcev_status"] or "—"),
            ("TKDN used / TKDN dipakai", "—" if d["tkdn_pct"] is None else
             f"{n(d['tkdn_pct'], 'g')} %" + (" (assumed: --tkdn not given)" if d["tkdn_assumed"] else "")),
            ("rule / pasal", f"{d['rule']} — {d['legal_basis']}"),
            ("confirmed / terkonfirmasi", "yes" if d["confirmed"] else "NO (see notes)"),
            ("PPnBM tariff / tarif", f"{n(d['ppnbm_tariff_pct'], 'g')} %"),
            ("DPP (tax base)", f"{n(d['dpp_pct'], '.4g')} % of price"),
            ("PPnBM effective", f"{n(d['ppnbm_effective_pct'], 'g')} %  = Rp {n(d['ppnbm_rp'], ',.0f')}"),
            ("VAT / PPN", f"{n(d['vat_pct'], 'g')} %  = Rp {n(d['vat_rp'], ',.0f')}"),
        ] + [(f"incentive / insentif: {i['name']}", f"- Rp {n(i['rp'], ',.0f')} ({i['reduces']}; {i['legal_basis']})")
             for i in d["incentives"]] + [
            ("PPnBM after incentives", f"{n(d['ppnbm_after_incentives_pct'], '.4g')} %  = "
                                       f"Rp {n(d['ppnbm_after_incentives_rp'], ',.0f')}"),
            ("price before tax / harga sebelum pajak", f"Rp {n(d['price_rp'], ',.0f')}"),
            ("price incl. tax / harga termasuk pajak", f"Rp {n(d['price_incl_tax_rp'], ',.0f')}"),
        ]


@memoize
def public_frame(reg: Registry, name: str) -> pd.DataFrame:
    """``reg.table(name).public()``, once per registry."""
    return reg.table(name).public()


@memoize
def public_records(reg: Registry, name: str) -> tuple[dict, ...]:
    """The rows of ``reg.table(name).public()`` as plain dicts, once per registry (read-only by convention)."""
    return tuple(public_frame(reg, name).to_dict("records"))
