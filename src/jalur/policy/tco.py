"""Total cost of ownership, the state's fiscal view, and abatement cost, for a segment's powertrains.

For a vehicle of a segment and powertrain registered in a year and used in a grid region:

- **purchase**: the price before tax is backed out of the segment's 2024 on-the-road price
  (``vehicle-parameters`` ``price_otr``) with the 2024 tax and the registration overhead; the price paid in
  the registration year adds that year's PPnBM and VAT after incentives (:mod:`jalur.policy.ppnbm`) and the
  overhead, less purchase aid. Prices are real 2024 rupiah; no learning curve is assumed.
- **energy**: the vehicle's energy use in its registration year (from the vehicle engine) times retail prices
  (``energy-prices``, basis ``retail``) or economic prices (``market``); prices after the last data year are
  held constant in real terms. Plug-in vehicles buy ``home_charging_share`` at the PLN home-charging tariff
  and the rest at public chargers (SPKLU). A vehicle whose battery belongs to a swap network
  (``powertrains.battery_owner``) is sold without it (its ``price_otr``) and pays the network per swap
  (``swap_fee`` every ``km_per_swap``) or by subscription (``battery_subscription``), the cheaper each year;
  that covers energy and the packs, so it has no battery replacement.
- **maintenance, insurance, PKB** (annual ownership tax; battery EVs pay none), **battery replacement**
  (the engine's expected replacements, at mid-life) and **residual value** (credited at end of life).

All flows are discounted at ``discount_rate`` to the registration year (mid-year convention); the cost per
km is levelised: NPV(cost) / NPV(km).

The fiscal view counts, per vehicle, PPnBM and VAT actually paid, PKB (NPV), less the fuel compensation the
state pays on subsidised fuels (market minus retail price, NPV) and purchase aid. The abatement cost is
(NPV cost - NPV cost of the reference) / (life-cycle t CO2e of the reference - of the vehicle) [Rp/t CO2e].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jalur import datasets
from jalur.catalog import Catalog, catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.physics.activity import class_use
from jalur.physics.blends import lhv_volume
from jalur.physics.vehicles import REFERENCE_YEAR
from jalur.policy.lcev import tkdn_minimum
from jalur.policy.ppnbm import VehicleSpec, assess
from jalur.vehicle.cases import build_cases
from jalur.vehicle.lifecycle import default_fuel_only, lifecycle

PRICE_BASES = ("retail", "market")
#: UN R101 (Annex 8) weighting distance for the type-approval fuel use of off-vehicle-charging hybrids [km].
R101_DAV_KM = 25.0
#: Usable share of a PHEV battery for its electric range (engineering assumption, documented).
PHEV_USABLE = 0.9
#: Energy-prices carriers of home and public charging.
CHARGING = ("electricity-home-charging", "electricity-public-charging")


def npv_factors(years: int | float, rate: float) -> np.ndarray:
    """Discount factors for each year of use, costs taken at the middle of the part of the year in use.

    Parameters
    ----------
    years : float [year]
        Years of use (the last year may be partial).
    rate : float [1/year]
        Real discount rate.

    Returns
    -------
    numpy.ndarray [1]
        :math:`w_t / (1 + r)^{t + w_t/2}` for :math:`t = 0 .. \\lceil years \\rceil - 1`, with :math:`w_t` the
        share of year *t* in use (1 for every full year, so a full year's costs fall at mid-year).

    Notes
    -----
    A flow spread evenly over the used part :math:`[t, t + w_t)` of a year is discounted at its midpoint;
    the levelised cost divides the NPV of costs by the NPV of km with the same factors.

    Examples
    --------
    >>> [round(float(x), 4) for x in npv_factors(2, 0.0)]
    [1.0, 1.0]
    >>> round(float(npv_factors(1.5, 0.1).sum()), 4)   # 1/1.1**0.5 + 0.5/1.1**1.25
    1.3973
    """
    n = int(np.ceil(years))
    t = np.arange(n)
    w = np.minimum(1.0, years - t)
    return w / (1.0 + rate) ** (t + w / 2)


def price_series(reg: Registry, carrier: str, years: np.ndarray, basis: str) -> np.ndarray:
    """Energy price of *carrier* in each calendar year [IDR per L, kWh or L of gasoline equivalent].

    The latest data year at or before each year applies (prices held constant in real terms afterwards;
    the first data year before it). A ``market`` price missing for a carrier falls back to ``retail``.
    """
    t = reg.table("energy-prices").frame
    rows = t[(t["carrier"] == carrier) & (t["basis"] == basis)]
    if rows.empty and basis == "market":
        rows = t[(t["carrier"] == carrier) & (t["basis"] == "retail")]
    if rows.empty:
        raise InputError(f"energy-prices has no {basis} price for {carrier!r}")
    rows = rows.sort_values("year")
    ys, vals = rows["year"].to_numpy(int), rows["value"].to_numpy(float)
    idx = np.clip(np.searchsorted(ys, np.asarray(years), side="right") - 1, 0, len(ys) - 1)
    return vals[idx]


def km_by_year(lifetime_km: float, years: float, decline: float) -> np.ndarray:
    """Km driven in each year of ownership [km/year]: the vehicle's lifetime km spread over its years in use with
    the class's decline of km with age (the fleet's and the engine's activity, :mod:`jalur.physics.activity`).

    Notes
    -----
    :math:`k_t = K (1-d)^t / \\sum_s w_s (1-d)^s`, with :math:`w_s` the share of year *s* in use, so that
    :math:`\\sum_t w_t k_t = K`.

    Examples
    --------
    >>> [round(float(x)) for x in km_by_year(19_000, 2, 0.1)]
    [10000, 9000]
    """
    t = np.arange(int(np.ceil(years)))
    w = np.minimum(1.0, years - t)
    shape = (1.0 - decline) ** t
    return lifetime_km * shape / float((w * shape).sum())


@memoize
def _param(reg: Registry, name: str, vclass: str, unit: str) -> float:
    t = reg.table("tco-parameters")
    for c in (vclass, "all"):
        sub = t.where(parameter=name, **{"class": c})
        if len(sub):
            return float(sub.values(unit)[0])
    raise InputError(f"tco-parameters has no {name!r} for class {vclass!r}")


def pkb_share(reg: Registry, powertrain: str, date: dt.date) -> float:
    """Share of the PKB base taxed for a powertrain on a date (``pkb-rates`` base-share rows; 1 if none).

    Battery EVs: 0 % from Permendagri 6/2023.
    """
    for start, value in reversed(_pkb_steps(reg, powertrain)):
        if start <= date:
            return value
    return 1.0


@memoize
def _pkb_steps(reg: Registry, powertrain: str) -> tuple[tuple[dt.date, float], ...]:
    """The national ``pkb-rates`` base-share rows of a powertrain: (valid from, share [1]), oldest first."""
    t = reg.table("pkb-rates").public()
    rows = t[(t["region"] == catalog(reg).national.id) & (t["powertrain"] == powertrain) & (t["measure"] == "base-share")]
    rows = rows.assign(start=pd.to_datetime(rows["valid_from"]).dt.date).sort_values("start")
    return tuple((d, float(v) / 100) for d, v in zip(rows["start"], rows["value"]))


def gasoline_products(reg: Registry) -> tuple[str, ...]:
    """Retail products to choose among for carriers sold as several grades (Pertalite, Pertamax)."""
    return tuple(p for c in catalog(reg).carriers.values() if len(c.price_products) > 1 for p in c.price_products)


def _spec(reg: Registry, segment: str, powertrain: str, price: float, date: dt.date, vp: dict, fuel_mj: float,
          elec_kwh: float, gap: float) -> VehicleSpec:
    """The tax-law view of a segment's vehicle; *fuel_mj* and *elec_kwh* are real-world use [MJ/km], [kWh/km]."""
    cat = catalog(reg)
    seg, pt = cat.segment(segment), cat.powertrain(powertrain)
    carrier = cat.carrier(pt.carrier)
    kmpl = rng = None
    if fuel_mj > 0 and carrier.volume_label:                 # a liquid fuel: km/l at type approval
        kmpl = lhv_volume(reg, carrier.id) / fuel_mj * (1 + gap)
    if pt.plug_in_hybrid:
        rng = PHEV_USABLE * vp["battery_capacity"] / (elec_kwh / (1 + gap))
        kmpl = kmpl * (rng + R101_DAV_KM) / R101_DAV_KM  # UN R101 weighted consumption, C1 = 0 over the range
    lcgc = seg.tax_programme == "kbh2" and pt.conventional
    if lcgc:  # the segment is defined as KBH2 models, which are certified to the KBH2 minimum fuel economy
        kmpl = max(kmpl or 0.0, reg.table("lcgc-criteria").get("km/L", criterion="min_kmpl_petrol"))
    tax_category = cat.vclass(seg.vclass).tax_category
    # a locally made model meets the BEV TKDN minimum of its year (40 % from 2022 to 2026, as the reliefs asked)
    tkdn = tkdn_minimum(reg, tax_category, date.year)[0]
    return VehicleSpec(tax_category, powertrain, price, date,
                       engine_cc=vp.get("engine_displacement") if pt.combustion_engine else None,
                       km_per_l=kmpl, ev_range_km=rng, tkdn=tkdn, origin="local", lcgc=lcgc)


def _taxes(reg, spec, scheme2_from) -> tuple[float, float, float, float]:
    r = assess(spec, registry=reg, scheme2_from=scheme2_from)
    return r.ppnbm_after_incentives_rp, r.vat_after_incentives_rp, r.purchase_aid_rp, r.ppnbm_effective_pct


def pre_tax_price(reg: Registry, make_spec, otr: float, overhead: float, scheme2_from=None) -> float:
    """Price before tax that makes price + taxes (2024 rules) + overhead equal the on-the-road price [IDR].

    Purchase aid is not deducted: on-the-road prices in the data are quoted before it.
    """
    pre = otr / (1.3 + overhead)
    seen = []
    for _ in range(40):
        ppnbm, vat, _, _ = _taxes(reg, make_spec(pre), scheme2_from)
        new = otr / (1 + overhead + (ppnbm + vat) / pre)  # on-the-road prices are quoted before purchase aid
        if abs(new - pre) < 1.0:
            return new
        seen.append(new)
        pre = new
    return min(seen[-4:])  # a price cap (KBH2) can make the fixed point alternate: take the lower price


@dataclass(frozen=True)
class CostBasis:
    """What a cost of ownership is computed on: registration year, discounting and energy prices."""

    year: int
    discount_rate: float = 0.08
    price_basis: str = "retail"
    gasoline_product: str = "pertalite"
    scheme2_from: dt.date | None = None


def _energy(reg: Registry, cat: Catalog, powertrain: str, fuel_mj: float, elec_kwh: float, km_year: float,
            cal: np.ndarray, basis: CostBasis, share_home: float) -> tuple[np.ndarray, np.ndarray, str]:
    """Yearly energy cost [IDR] and the state's fuel compensation [IDR] over the years of use, and a note."""
    pt = cat.powertrain(powertrain)
    carrier = cat.carrier(pt.carrier)
    energy, compensation, note = np.zeros(len(cal)), np.zeros(len(cal)), ""
    if fuel_mj > 0:
        if not carrier.price_products:
            energy[:] = np.nan
            note = f"no retail {carrier.label_en.lower()} price in Indonesia: energy cost unknown"
        else:
            product = basis.gasoline_product if basis.gasoline_product in carrier.price_products else carrier.price_products[0]
            litres = fuel_mj / lhv_volume(reg, carrier.price_lhv_of or carrier.id) * km_year
            price = price_series(reg, product, cal, basis.price_basis)
            energy += litres * price
            if basis.price_basis == "retail":
                compensation += litres * np.clip(price_series(reg, product, cal, "market") - price, 0, None)
    if elec_kwh > 0:
        home, public = (price_series(reg, c, cal, basis.price_basis) for c in CHARGING)
        energy += elec_kwh * km_year * (share_home * home + (1 - share_home) * public)
    return energy, compensation, note


def _swaps(reg: Registry, vclass: str, km_year: np.ndarray) -> tuple[np.ndarray, str]:
    """Yearly payments to a battery-swap network [IDR]: per swap or by subscription, whichever is cheaper each
    year (energy and the use of the network's packs included), and a note saying which."""
    def par(name: str, unit: str) -> float:
        try:
            return _param(reg, name, vclass, unit)
        except InputError as e:
            raise InputError(f"{e} (a powertrain whose battery_owner is network pays a swap network: tco-parameters "
                             "swap_fee, km_per_swap and battery_subscription)") from None

    per_swap = km_year / par("km_per_swap", "km") * par("swap_fee", "IDR")
    subscription = np.full(len(km_year), 12.0 * par("battery_subscription", "IDR/month"))
    paid = np.minimum(per_swap, subscription)
    plan = "subscription" if subscription[0] <= per_swap[0] else "per swap"
    return paid, (f"battery swaps: {plan} in the first year (Rp {per_swap[0]:,.0f} a year paying per swap, Rp "
                  f"{subscription[0]:,.0f} by subscription; the cheaper each year), energy and packs included")


@memoize
def _reference_pre_tax_price(reg: Registry, segment: str, powertrain: str, gap: float, overhead: float,
                             scheme2_from: dt.date | None) -> float:
    """Price before tax [IDR] of a segment's powertrain, backed out of its 2024 on-the-road price with the 2024 rules
    (:func:`pre_tax_price`); the same for every registration year, so computed once per registry."""
    sub = reg.table("vehicle-parameters").where(segment=segment, powertrain=powertrain)
    vp = dict(zip(sub.frame["parameter"], sub.values()))
    make = lambda price: _spec(reg, segment, powertrain, price, dt.date(REFERENCE_YEAR, 7, 1), vp,
                               vp.get("fuel_use", 0.0), vp.get("electricity_use", 0.0), gap)
    return pre_tax_price(reg, make, vp["price_otr"], overhead, scheme2_from)


def _purchase(reg: Registry, segment: str, powertrain: str, vp: dict, basis: CostBasis, gap: float,
              overhead: float) -> tuple[float, float, Any]:
    """Price before tax [IDR], price paid in the registration year [IDR] and the tax assessment of that year.

    The price before tax is backed out of the 2024 on-the-road price with the 2024 rules; the registration year's
    taxes, incentives and (registration-year) fuel economy then apply.
    """
    pre = _reference_pre_tax_price(reg, segment, powertrain, gap, overhead, basis.scheme2_from)
    eff = (1 - vp.get("energy_improvement", 0.0)) ** (basis.year - REFERENCE_YEAR)
    spec = _spec(reg, segment, powertrain, pre, dt.date(int(basis.year), 7, 1), vp, vp.get("fuel_use", 0.0) * eff,
                 vp.get("electricity_use", 0.0) * eff, gap)
    tax = assess(spec, registry=reg, scheme2_from=basis.scheme2_from)
    paid = pre * (1 + overhead) + tax.ppnbm_after_incentives_rp + tax.vat_after_incentives_rp - tax.purchase_aid_rp
    return pre, paid, tax


def _costs(reg: Registry, segment: str, powertrain: str, vclass: str, ds_row: dict, basis: CostBasis) -> dict:
    """The cost of ownership of one powertrain of a segment (see the module docstring)."""
    cat = catalog(reg)
    par = lambda name, unit: _param(reg, name, vclass, unit)
    sub = reg.table("vehicle-parameters").where(segment=segment, powertrain=powertrain)
    vp = dict(zip(sub.frame["parameter"], sub.values()))       # each in its rule's canonical unit
    life = ds_row["lifetime_years"]
    overhead = par("registration_overhead", "1")
    pre, purchase, tax = _purchase(reg, segment, powertrain, vp, basis, par("type_approval_gap", "1"), overhead)
    f = npv_factors(life, basis.discount_rate)
    km_year = km_by_year(ds_row["lifetime_km"], life, class_use(reg, vclass).decline)
    cal = basis.year + np.arange(len(f))
    pt = cat.powertrain(powertrain)
    if pt.network_battery:   # bought without the battery: the network is paid per swap or by subscription
        (energy, note), compensation = _swaps(reg, vclass, km_year), np.zeros(len(f))
    else:
        energy, compensation, note = _energy(reg, cat, powertrain, ds_row["fuel_use"], ds_row["electricity_use"],
                                             km_year, cal, basis, par("home_charging_share", "1"))
    maint = par(f"maintenance_cost_{pt.family}", "IDR/km") * km_year * np.ones(len(f))
    resid = par("residual_value", "1")
    value = purchase * (1 - (1 - resid) * np.minimum((np.arange(len(f)) + 0.5) / life, 1.0))
    share = np.array([pkb_share(reg, powertrain, dt.date(int(c), 7, 1)) for c in cal])
    pkb = par("pkb_rate", "1/year") * pre * (value / purchase) * share
    repl = 0.0 if pt.network_battery else (ds_row["battery_replacements"] * vp.get("battery_capacity", 0.0)
                                           * par("battery_cost", "IDR/kWh"))
    comp = {
        "purchase_rp": purchase, "energy_rp": float((energy * f).sum()), "maintenance_rp": float((maint * f).sum()),
        "insurance_rp": float((par("insurance_rate", "1/year") * value * f).sum()), "pkb_rp": float((pkb * f).sum()),
        "battery_rp": repl / (1 + basis.discount_rate) ** (life / 2),
        "residual_rp": -resid * purchase / (1 + basis.discount_rate) ** life,
    }
    total = sum(comp.values())
    if not tax.confirmed:   # the tax reading the purchase price rests on is not confirmed: say so with the cost
        note = "; ".join(filter(None, [note, f"PPnBM rule {tax.rule} not confirmed from the regulation text"]))
    return {"price_before_tax_rp": pre, "ppnbm_pct": tax.ppnbm_effective_pct, **comp, "total_rp": total,
            "rp_per_km": total / float((km_year * f).sum()), "fiscal_ppnbm_rp": tax.ppnbm_after_incentives_rp,
            "fiscal_vat_rp": tax.vat_after_incentives_rp, "fiscal_pkb_rp": comp["pkb_rp"],
            "fiscal_fuel_compensation_rp": -float((compensation * f).sum()),
            "fiscal_purchase_aid_rp": -tax.purchase_aid_rp, "note": note}


def _check(reg: Registry, year, basis: CostBasis) -> None:
    if basis.price_basis not in PRICE_BASES:
        raise InputError(f"price_basis {basis.price_basis!r} not allowed; allowed: {', '.join(PRICE_BASES)}")
    if basis.gasoline_product not in gasoline_products(reg):
        raise InputError(f"gasoline_product {basis.gasoline_product!r} not allowed; allowed: "
                         f"{', '.join(gasoline_products(reg))}")
    if not (0 <= basis.discount_rate < 1):
        raise InputError(f"discount_rate must be within 0..1, got {basis.discount_rate}")
    if not (2022 <= int(year) <= 2060):
        raise InputError(f"year {year} outside 2022..2060 (the PPnBM rules modelled start on 2021-10-16)")


def tco(segment: str, year: int, region: str | None = None, *, powertrains=None, discount_rate: float = 0.08,
        price_basis: str = "retail", gasoline_product: str = "pertalite", reference: str | None = None,
        scheme2_from: dt.date | None = None, registry: Registry | None = None, overrides=None,
        **lca_options: Any) -> pd.DataFrame:
    """Total cost of ownership, fiscal view and abatement cost of a segment's powertrains.

    Parameters
    ----------
    segment : str
    year : int
        Registration year (2022-2060; taxes and incentives of 1 July of that year).
    region : str, optional
        Grid region (for the life-cycle emissions in the abatement cost; default the national average).
    powertrains : list of str, optional
        Default: every powertrain of the segment, each on its default fuel.
    discount_rate : float [1/year]
        Real discount rate (default 0.08).
    price_basis : str
        ``retail`` (what the owner pays, default) or ``market`` (economic prices, no fuel subsidy).
    gasoline_product : str
        ``pertalite`` (RON 90, default) or ``pertamax`` (RON 92).
    reference : str, optional
        Reference powertrain of the abatement cost (default: the segment's first conventional powertrain).
    **lca_options
        Options of the vehicle engine (``power_scenario``, ``luc`` ...).

    Returns
    -------
    pandas.DataFrame
        One row per powertrain; money in real IDR (2024), discounted to the registration year.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    return tco_by_year(segment, [year], region, powertrains=powertrains, discount_rate=discount_rate,
                       price_basis=price_basis, gasoline_product=gasoline_product, reference=reference,
                       scheme2_from=scheme2_from, registry=reg, **lca_options)[int(year)]


def tco_by_year(segment: str, years, region: str | None = None, *, powertrains=None, discount_rate: float = 0.08,
                price_basis: str = "retail", gasoline_product: str = "pertalite", reference: str | None = None,
                scheme2_from: dt.date | None = None, registry: Registry | None = None,
                **lca_options: Any) -> dict[int, pd.DataFrame]:
    """:func:`tco` for several registration years at once (one run of the vehicle engine): ``{year: frame}``."""
    reg = registry if registry is not None else datasets.load()
    years = [int(y) for y in years]
    for y in years:
        _check(reg, y, CostBasis(y, discount_rate, price_basis, gasoline_product, scheme2_from))
    cat = catalog(reg)
    region = region or cat.national.id
    pts = list(dict.fromkeys(c.powertrain for c in build_cases(reg, segment, powertrains)))
    ds = lifecycle(segment, pts, sorted({cat.default_fuel(p) for p in pts}), years, [region], registry=reg,
                   **lca_options)
    ds = default_fuel_only(ds, reg)
    vclass = str(ds["class"].values[0])
    out = {}
    for j, year in enumerate(years):
        basis = CostBasis(year, discount_rate, price_basis, gasoline_product, scheme2_from)
        rows = []
        for i, p in enumerate(str(x) for x in ds["powertrain"].values):
            one = {k: float(ds[k].values[i]) for k in ("lifetime_km", "lifetime_years")}
            one |= {k: float(ds[k].values[i, j]) for k in ("fuel_use", "electricity_use", "battery_replacements")}
            rows.append({"segment": segment, "powertrain": p, "fuel": str(ds["fuel"].values[i]), "year": year,
                         "region": region, **_costs(reg, segment, p, vclass, one, basis),
                         "lifetime_km": one["lifetime_km"],
                         "lifetime_t_co2e": float(ds["lifetime_emissions"].values[i, j, 0])})
        df = pd.DataFrame(rows)
        df["fiscal_net_rp"] = df[["fiscal_ppnbm_rp", "fiscal_vat_rp", "fiscal_pkb_rp", "fiscal_fuel_compensation_rp",
                                  "fiscal_purchase_aid_rp"]].sum(axis=1)
        _abatement(df, cat, pts, reference)
        df.attrs.update(ds.attrs)
        df.attrs.update({"reference": df.attrs["reference"], "discount_rate": discount_rate,
                         "price_basis": price_basis, "gasoline_product": gasoline_product,
                         "currency": "IDR (real 2024)"})
        out[year] = df
    return out


def _abatement(df: pd.DataFrame, cat: Catalog, pts: list[str], reference: str | None) -> None:
    """Abatement cost [IDR/t CO2e] of each powertrain against the reference (in place)."""
    conventional = [p for p in pts if cat.powertrain(p).conventional]
    ref = reference or (conventional[0] if conventional else pts[0])
    if ref not in pts:
        raise InputError(f"reference powertrain {ref!r} not among {', '.join(pts)}")
    r = df[df["powertrain"] == ref].iloc[0]
    saved = r["lifetime_t_co2e"] - df["lifetime_t_co2e"]
    extra = df["total_rp"] - r["total_rp"]
    df["abatement_rp_per_t"] = np.where(saved > 1e-9, extra / saved.where(saved > 1e-9, 1.0), np.nan)
    df.attrs["reference"] = ref


def write_cost_chart(df: pd.DataFrame, path, title: str, lang: str = "en") -> None:
    """Write the stacked-bar chart of the cost components of a :func:`tco` result (``.html`` or ``.png``); with
    *lang* ``id`` the labels take Indonesian number format (``Rp 3.917/km``)."""
    from jalur.charts import cost_components, write_chart

    write_chart(cost_components(df, f"{title} (discount {df.attrs['discount_rate']:.0%}, {df.attrs['price_basis']} "
                                     f"prices; jalur {df.attrs['jalur_version']})", lang), path)
