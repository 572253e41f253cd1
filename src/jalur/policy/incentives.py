"""VAT by date and the incentives in force on a date (``vat-rates``, ``incentives``) for a classified vehicle."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from jalur.catalog import Catalog
from jalur.datasets import Registry, cell_number, cell_yes, memoize
from jalur.policy.spec import Incentive, TaxResult, VehicleSpec, public_records


@memoize
def _vat_rows(reg: Registry) -> tuple[tuple[dt.date, str, float], ...]:
    """``vat-rates`` as (effective date, goods class, effective rate [%]), by date."""
    out = []
    for r in public_records(reg, "vat-rates"):
        eff = r.get("effective_rate_pct")
        rate = float(eff) if eff is not None and eff == eff else float(r["value"]) * float(r["dpp_fraction"])
        out.append((pd.Timestamp(r["effective_date"]).date(), str(r["goods_class"]), rate))
    return tuple(sorted(out, key=lambda x: x[0]))


def vat(reg: Registry, spec: VehicleSpec, subject: bool) -> tuple[float, float]:
    """VAT rate [%] and amount [IDR] on the delivery date: the latest ``vat-rates`` row of the goods class.

    Goods subject to PPnBM (*subject*) take the ``ppnbm-luxury`` rows where there are any, others
    ``non-luxury``, and both the ``all`` rows otherwise; the effective rate (rate x tax base) is used.
    """
    rows = [r for r in _vat_rows(reg) if r[0] <= spec.date]
    own = [r for r in rows if r[1] == ("ppnbm-luxury" if subject else "non-luxury")]
    rate = (own or [r for r in rows if r[1] == "all"])[-1][2]
    return rate, spec.price * rate / 100


def _applies(r: dict, spec: VehicleSpec, cat: Catalog, rule: str) -> bool:
    """Whether an ``incentives`` row's conditions other than dates and local content hold for the vehicle."""
    name = str(r["incentive"])
    if name.startswith("e2w-") and name.startswith("e2w-conversion") != spec.conversion:
        return False
    pt = cat.powertrain(spec.powertrain)
    tokens = {pt.id, pt.family} | ({"lcgc"} if rule == "kbh2" else set())
    pts = str(r["powertrain"] or "").replace(";", " ").split()
    if pts and not tokens & set(pts):
        return False
    if str(r["category"] or "") and r["category"] != cat.tax_category(spec.category).incentive_category:
        return False
    origins = str(r["origin"] or "").replace(";", " ").split()
    if origins and spec.origin not in origins:
        return False
    cc_max = cell_number(r["cc_max"])
    if cc_max is not None and (spec.engine_cc is None or spec.engine_cc > cc_max):
        return False
    pmin, pmax = cell_number(r["price_min_idr"]), cell_number(r["price_max_idr"])
    return not ((pmin is not None and spec.price < pmin) or (pmax is not None and spec.price > pmax))


def _amount(r: dict, res: TaxResult, out: list[Incentive]) -> tuple[float, str]:
    """Rupiah of an incentive row and what it reduces (ppnbm, vat or price), capped at what is left to reduce."""
    name, value, basis = str(r["incentive"]), float(r["value"]), str(r["value_basis"])
    rp = {"pct-of-selling-price": res.price_rp * value / 100, "pct-of-ppnbm-due": res.ppnbm_rp * value / 100}.get(basis, value)
    reduces = "vat" if name.startswith("vat-") else "ppnbm" if name.startswith("ppnbm-") else "price"
    if reduces == "ppnbm":
        rp = min(rp, res.ppnbm_rp - sum(i.rp for i in out if i.reduces == "ppnbm"))
    if reduces == "vat":
        rp = min(rp, res.vat_rp - sum(i.rp for i in out if i.reduces == "vat"))
    return rp, reduces


def incentives(reg: Registry, cat: Catalog, spec: VehicleSpec, res: TaxResult) -> list[Incentive]:
    """Incentives in force on the delivery date whose conditions the vehicle meets (rows of ``incentives``).

    A row applies from its ``start_date`` to its ``end_date`` inclusive, to the powertrains it names (or their
    technology family, e.g. ``ice``; ``lcgc`` for KBH2 cars), its category, origins, engine size and price band,
    and to a local content (TKDN) at least ``tkdn_min`` (and below ``tkdn_max``).
    """
    out: list[Incentive] = []
    for r in public_records(reg, "incentives"):
        start = dt.date.fromisoformat(str(r["start_date"]))
        end = dt.date.fromisoformat(str(r["end_date"])) if str(r["end_date"]) not in ("", "None", "nan") else dt.date.max
        if not (start <= spec.date <= end) or not _applies(r, spec, cat, res.rule):
            continue
        name = str(r["incentive"])
        need = [x for x in (cell_number(r["tkdn_min"]), cell_number(r["local_purchase_min"])) if x is not None]
        tmax = cell_number(r["tkdn_max"])
        if need or tmax is not None:
            if spec.tkdn is None:
                res.notes.append(f"{name} may apply: give the local content (--tkdn) to check its TKDN condition")
                continue
            if any(spec.tkdn < x for x in need) or (tmax is not None and spec.tkdn >= tmax):
                continue
        rp, reduces = _amount(r, res, out)
        if rp <= 0:
            continue
        if not cell_yes(r["confirmed"]):
            res.notes.append(f"incentive {name} is not fully confirmed: {r['note']}")
        if name.startswith("ppnbm-dtp-bev-"):
            res.notes.append(f"{name}: only for importers and assemblers approved under Permen Investasi/BKPM 6/2023 "
                             "as amended by 1/2024, within their quota and with a commitment to produce in Indonesia "
                             "as many units as they import by 31 Dec 2027; others pay the PPnBM in full")
        if cell_number(r["local_purchase_min"]) is not None:
            res.notes.append(f"{name}: its local-purchase condition is checked against the TKDN given")
        out.append(Incentive(name, str(r["legal_basis"]), rp, reduces, start.isoformat(),
                             "" if end == dt.date.max else end.isoformat()))
    return out
