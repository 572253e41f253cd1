"""Total cost of ownership, the state's fiscal view, and abatement cost, for a segment's powertrains.

For a vehicle of a segment and powertrain registered in a year and used in a grid region:

- **purchase**: the price before tax is backed out of the segment's 2024 on-the-road price
  (``vehicle-parameters`` ``price_otr``) with the 2024 tax and the registration overhead; the price paid in
  the registration year adds that year's PPnBM and VAT after incentives (:mod:`jalur.policy.ppnbm`) and the
  overhead, less purchase aid. Prices are real 2024 rupiah; no learning curve is assumed.
- **energy**: the vehicle's energy use in its registration year (from the vehicle engine) times retail prices
  (``energy-prices``, basis ``retail``) or economic prices (``market``); prices after the last data year are
  held constant in real terms. Plug-in vehicles buy ``home_charging_share`` at the PLN home-charging tariff
  and the rest at public chargers (SPKLU).
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
from typing import Any

import numpy as np
import pandas as pd

from jalur import datasets
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.policy.ppnbm import VehicleSpec, assess
from jalur.vehicle.catalog import DEFAULT_FUEL, POWERTRAIN_CARRIER
from jalur.vehicle.lifecycle import REFERENCE_YEAR, default_fuel_only, lifecycle

CLASS_CATEGORY = {"car": "passenger-lt10", "motorcycle": "motorcycle", "bus": "bus", "truck": "truck"}
GROUP = {"ice-gasoline": "ice", "ice-diesel": "ice", "ffv": "ice", "cng": "ice", "mhev": "hybrid", "hev": "hybrid",
         "phev": "hybrid", "bev": "electric", "fcev": "electric"}
PRICE_BASES = ("retail", "market")
GASOLINE_PRODUCTS = ("pertalite", "pertamax")
#: UN R101 (Annex 8) weighting distance for the type-approval fuel use of off-vehicle-charging hybrids [km].
R101_DAV_KM = 25.0
#: Usable share of a PHEV battery for its electric range (engineering assumption, documented).
PHEV_USABLE = 0.9


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


def _param(reg: Registry, name: str, vclass: str, unit: str) -> float:
    t = reg.table("tco-parameters")
    for c in (vclass, "all"):
        sub = t.where(parameter=name, **{"class": c})
        if len(sub):
            return float(sub.values(unit)[0])
    raise InputError(f"tco-parameters has no {name!r} for class {vclass!r}")


def _pkb_share(reg: Registry, powertrain: str, date: dt.date) -> float:
    """Share of the PKB base taxed (battery EVs: 0 % from Permendagri 6/2023)."""
    if powertrain != "bev":
        return 1.0
    t = reg.table("pkb-rates").public()
    rows = t[(t["region"] == "national") & (t["powertrain"] == "bev") & (t["measure"] == "base-share")]
    rows = rows[pd.to_datetime(rows["valid_from"]).dt.date <= date]
    return float(rows.sort_values("valid_from").iloc[-1]["value"]) / 100 if len(rows) else 1.0


def _lhv(reg: Registry, fuel: str) -> float:
    """Lower heating value by volume [MJ/L] from ``fuel-properties`` (cached on the registry)."""
    cache = reg.__dict__.setdefault("_jalur_lhv", {})
    if fuel not in cache:
        cache[fuel] = reg.table("fuel-properties").get("MJ/L", fuel=fuel, property="lhv_volume")
    return cache[fuel]


def _spec(reg, segment, vclass, powertrain, price, date, vp, fuel_mj, elec_kwh, gap):
    """The tax-law view of a segment's vehicle; *fuel_mj* and *elec_kwh* are real-world use [MJ/km], [kWh/km]."""
    cat = CLASS_CATEGORY[vclass]
    cc = vp.get("engine_displacement")
    kmpl = None
    lhv = _lhv(reg, "diesel" if powertrain == "ice-diesel" else "gasoline")
    if fuel_mj > 0 and POWERTRAIN_CARRIER.get(powertrain) in ("gasoline", "diesel"):
        kmpl = lhv / fuel_mj * (1 + gap)
    rng = None
    if powertrain == "phev":
        rng = PHEV_USABLE * vp["battery_capacity"] / (elec_kwh / (1 + gap))
        cs = lhv / (fuel_mj / (1 + gap))
        kmpl = cs * (rng + R101_DAV_KM) / R101_DAV_KM  # UN R101 weighted consumption, C1 = 0 over the range
    lcgc = segment == "car-lcgc" and powertrain == "ice-gasoline"
    if lcgc:  # the segment is defined as KBH2 models, which are certified to the KBH2 minimum fuel economy
        kmpl = max(kmpl or 0.0, reg.table("lcgc-criteria").get("km/L", criterion="min_kmpl_petrol"))
    return VehicleSpec(cat, powertrain if powertrain != "cng" else "ice-gasoline", price, date,
                       engine_cc=cc if powertrain not in ("bev", "fcev") else None,
                       fuel="diesel" if powertrain == "ice-diesel" else "petrol", km_per_l=kmpl, ev_range_km=rng,
                       tkdn=40.0, origin="local", lcgc=lcgc)


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


def tco(segment: str, year: int, region: str = "national", *, powertrains=None, discount_rate: float = 0.08,
        price_basis: str = "retail", gasoline_product: str = "pertalite", reference: str | None = None,
        scheme2_from: dt.date | None = None, registry: Registry | None = None, overrides=None,
        **lca_options: Any) -> pd.DataFrame:
    """Total cost of ownership, fiscal view and abatement cost of a segment's powertrains.

    Parameters
    ----------
    segment : str
    year : int
        Registration year (2022-2060; taxes and incentives of 1 July of that year).
    region : str
        Grid region (for the life-cycle emissions in the abatement cost).
    powertrains : list of str, optional
        Default: every powertrain of the segment, each on its default fuel.
    discount_rate : float [1/year]
        Real discount rate (default 0.08).
    price_basis : str
        ``retail`` (what the owner pays, default) or ``market`` (economic prices, no fuel subsidy).
    gasoline_product : str
        ``pertalite`` (RON 90, default) or ``pertamax`` (RON 92).
    reference : str, optional
        Reference powertrain of the abatement cost (default ``ice-gasoline``, else ``ice-diesel``).
    **lca_options
        Options of the vehicle engine (``power_scenario``, ``luc`` ...).

    Returns
    -------
    pandas.DataFrame
        One row per powertrain; money in real IDR (2024), discounted to the registration year.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    if price_basis not in PRICE_BASES:
        raise InputError(f"price_basis {price_basis!r} not allowed; allowed: {', '.join(PRICE_BASES)}")
    if gasoline_product not in GASOLINE_PRODUCTS:
        raise InputError(f"gasoline_product {gasoline_product!r} not allowed; allowed: {', '.join(GASOLINE_PRODUCTS)}")
    if not (0 <= discount_rate < 1):
        raise InputError(f"discount_rate must be within 0..1, got {discount_rate}")
    if not (2022 <= int(year) <= 2060):
        raise InputError(f"year {year} outside 2022..2060 (the PPnBM rules modelled start on 2021-10-16)")
    from jalur.vehicle.lifecycle import build_cases

    cases = build_cases(reg, segment, powertrains)
    pts = list(dict.fromkeys(c.powertrain for c in cases))
    fuels = sorted({DEFAULT_FUEL[p] for p in pts})
    ds = lifecycle(segment, pts, fuels, [year], [region], registry=reg, **lca_options)
    ds = default_fuel_only(ds)
    vclass = str(ds["class"].values[0])
    vpt = reg.table("vehicle-parameters")
    gap = _param(reg, "type_approval_gap", vclass, "1")
    overhead = _param(reg, "registration_overhead", vclass, "1")
    share_home = _param(reg, "home_charging_share", vclass, "1")
    ins = _param(reg, "insurance_rate", vclass, "1/year")
    resid = _param(reg, "residual_value", vclass, "1")
    batt_cost = _param(reg, "battery_cost", vclass, "IDR/kWh")
    pkb_rate = _param(reg, "pkb_rate", vclass, "1/year")
    date = dt.date(int(year), 7, 1)
    rows = []
    for i, p in enumerate(ds["powertrain"].values):
        p = str(p)
        sub = vpt.where(segment=segment, powertrain=p)
        vp = dict(zip(sub.frame["parameter"], sub.values()))  # each in its rule's canonical unit
        km_total = float(ds["lifetime_km"].values[i])
        life = vp["lifetime_years"]
        km_year = km_total / life
        fuel_mj = float(ds["fuel_use"].values[i, 0])
        elec = float(ds["electricity_use"].values[i, 0])
        make = lambda price, d=dt.date(REFERENCE_YEAR, 7, 1): _spec(reg, segment, vclass, p, price, d, vp,
                                                                   vp.get("fuel_use", 0.0), vp.get("electricity_use", 0.0), gap)
        pre = pre_tax_price(reg, make, vp["price_otr"], overhead, scheme2_from)
        eff = (1 - vp.get("energy_improvement", 0.0)) ** (year - REFERENCE_YEAR)      # registration-year economy
        spec_y = _spec(reg, segment, vclass, p, pre, date, vp, vp.get("fuel_use", 0.0) * eff,
                       vp.get("electricity_use", 0.0) * eff, gap)
        tax = assess(spec_y, registry=reg, scheme2_from=scheme2_from)
        purchase = pre * (1 + overhead) + tax.ppnbm_after_incentives_rp + tax.vat_after_incentives_rp - tax.purchase_aid_rp

        f = npv_factors(life, discount_rate)
        n = len(f)
        cal = year + np.arange(n)
        carrier = POWERTRAIN_CARRIER.get(p)
        energy = np.zeros(n)
        compensation = np.zeros(n)
        note = ""
        if fuel_mj > 0:
            if carrier == "gasoline":
                prod, lhv = gasoline_product, _lhv(reg, "gasoline")
            elif carrier == "diesel":
                prod, lhv = "solar", _lhv(reg, "diesel")
            elif carrier == "cng":
                prod, lhv = "cng", _lhv(reg, "gasoline")  # CNG is sold per litre of gasoline equivalent
            else:
                prod, lhv = None, None
            if prod is None:
                energy[:] = np.nan
                note = "no retail hydrogen price in Indonesia: energy cost unknown"
            else:
                litres = fuel_mj / lhv * km_year
                pr = price_series(reg, prod, cal, price_basis)
                energy += litres * pr
                if price_basis == "retail":
                    mk = price_series(reg, prod, cal, "market")
                    compensation += litres * np.clip(mk - pr, 0, None)
        if elec > 0:
            home = price_series(reg, "electricity-home-charging", cal, price_basis)
            pub = price_series(reg, "electricity-public-charging", cal, price_basis)
            energy += elec * km_year * (share_home * home + (1 - share_home) * pub)
        maint = _param(reg, f"maintenance_cost_{GROUP[p]}", vclass, "IDR/km") * km_year * np.ones(n)
        age = np.arange(n) + 0.5
        value = purchase * (1 - (1 - resid) * np.minimum(age / life, 1.0))
        insurance = ins * value
        share = np.array([_pkb_share(reg, p, dt.date(int(c), 7, 1)) for c in cal])   # BEV base share by year
        pkb = pkb_rate * pre * (value / purchase) * share
        repl = float(ds["battery_replacements"].values[i]) * vp.get("battery_capacity", 0.0) * batt_cost
        batt_npv = repl / (1 + discount_rate) ** (life / 2)
        resid_npv = -resid * purchase / (1 + discount_rate) ** life
        comp = {
            "purchase_rp": purchase, "energy_rp": float((energy * f).sum()), "maintenance_rp": float((maint * f).sum()),
            "insurance_rp": float((insurance * f).sum()), "pkb_rp": float((pkb * f).sum()), "battery_rp": batt_npv,
            "residual_rp": resid_npv,
        }
        total = sum(comp.values())
        km_npv = float((km_year * f).sum())
        lca_t = float(ds["lifetime_emissions"].values[i].squeeze())
        rows.append({
            "segment": segment, "powertrain": p, "fuel": str(ds["fuel"].values[i]), "year": year, "region": region,
            "price_before_tax_rp": pre, "ppnbm_pct": tax.ppnbm_effective_pct, **comp, "total_rp": total,
            "rp_per_km": total / km_npv, "lifetime_km": km_total, "lifetime_t_co2e": lca_t,
            "fiscal_ppnbm_rp": tax.ppnbm_after_incentives_rp, "fiscal_vat_rp": tax.vat_after_incentives_rp,
            "fiscal_pkb_rp": comp["pkb_rp"], "fiscal_fuel_compensation_rp": -float((compensation * f).sum()),
            "fiscal_purchase_aid_rp": -tax.purchase_aid_rp, "note": note,
        })
    df = pd.DataFrame(rows)
    df["fiscal_net_rp"] = df[["fiscal_ppnbm_rp", "fiscal_vat_rp", "fiscal_pkb_rp", "fiscal_fuel_compensation_rp",
                              "fiscal_purchase_aid_rp"]].sum(axis=1)
    ref = reference or ("ice-gasoline" if "ice-gasoline" in pts else "ice-diesel" if "ice-diesel" in pts else pts[0])
    if ref not in pts:
        raise InputError(f"reference powertrain {ref!r} not among {', '.join(pts)}")
    r = df[df["powertrain"] == ref].iloc[0]
    saved = r["lifetime_t_co2e"] - df["lifetime_t_co2e"]
    extra = df["total_rp"] - r["total_rp"]
    df["abatement_rp_per_t"] = np.where(saved > 1e-9, extra / saved.where(saved > 1e-9, 1.0), np.nan)
    df.attrs.update(ds.attrs)
    df.attrs.update({"reference": ref, "discount_rate": discount_rate, "price_basis": price_basis,
                     "gasoline_product": gasoline_product, "currency": "IDR (real 2024)"})
    return df
