"""Stage 7 of a run: what the fleet needs upstream — palm oil, ethanol feedstocks and their land, batteries and
metals, electricity by grid region — and the oil it displaces with the imports avoided.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from jalur.datasets import Registry, memoize
from jalur.labelled import require_same_labels
from jalur.pathways.context import HIST_END, VINTAGES, YEARS, FleetContext
from jalur.pathways.levers import share_tables
from jalur.pathways.scenario import Levers
from jalur.physics.blends import lhv_volume
from jalur.physics.vehicles import energy_intensity
from jalur.units import conversion_factor
from jalur.vehicle.options import variants

#: Palm-based carriers and the ``upstream-parameters`` ratio of crude palm oil per tonne of each.
PALM_FEED = {"biodiesel": "cpo_per_fame", "hvo": "cpo_per_hvo"}
#: The carrier made from the ethanol feedstocks.
ETHANOL = "ethanol"
METALS = ("nickel", "lithium", "cobalt")


@memoize
def parameter(reg: Registry, name: str, unit: str) -> float:
    """An ``upstream-parameters`` value in *unit*."""
    return reg.table("upstream-parameters").get(unit, parameter=name)


def _has(reg: Registry, name: str) -> bool:
    return name in set(reg.table("upstream-parameters").frame["parameter"])


@memoize
def density(reg: Registry, carrier: str) -> float:
    """Density of a liquid carrier [kg/L] (``fuel-properties`` of its ``properties`` id)."""
    from jalur.catalog import catalog

    return reg.table("fuel-properties").get("kg/L", fuel=catalog(reg).carrier(carrier).properties, property="density")


def tonnes(reg: Registry, carrier: str, mj: xr.DataArray) -> xr.DataArray:
    """Mass [t] of a liquid carrier from its energy [MJ] (heating value and density of ``fuel-properties``)."""
    return mj / lhv_volume(reg, carrier) * density(reg, carrier) / 1000.0


def biofuel_feedstocks(reg: Registry, lv: Levers, final: xr.DataArray) -> xr.Dataset:
    """Crude palm oil [t/year] and oil-palm area [ha]; ethanol feedstocks [t/year] and crop areas [ha].

    Notes
    -----
    CPO = sum over palm carriers of mass x CPO per tonne; area = CPO / yield. Ethanol feedstock f:
    litres x share of f / ethanol yield of f [L/t]; crop area = tonnes / crop yield where the feedstock is a crop
    (molasses is a co-product of existing cane).
    """
    cpo = sum(tonnes(reg, c, final.sel(carrier=c, drop=True)) * parameter(reg, r, "1") for c, r in PALM_FEED.items())
    litres = final.sel(carrier=ETHANOL, drop=True) / lhv_volume(reg, ETHANOL)
    shares = {f: lv.ethanol_feedstock.get(f, 0.0) / 100 for f in variants(reg, "ethanol_feedstock")}
    feed = xr.concat([litres * s / parameter(reg, f"ethanol_yield_{f}", "L/t") for f, s in shares.items()],
                     dim=xr.DataArray(list(shares), dims="feedstock"))
    crops = {"oil-palm": cpo / parameter(reg, "palm_cpo_yield", "t/ha/year")}
    crops |= {f: feed.sel(feedstock=f, drop=True) / parameter(reg, f"{f}_yield", "t/ha/year") for f in shares
              if _has(reg, f"{f}_yield")}
    area = xr.concat(list(crops.values()), dim=xr.DataArray(list(crops), dims="crop"))
    return xr.Dataset({"cpo": cpo.assign_attrs(units="t/year"),
                       "palm_area": crops["oil-palm"].assign_attrs(units="ha"),
                       "ethanol_feedstock": feed.assign_attrs(units="t/year"),
                       "crop_area": area.assign_attrs(units="ha")})


def batteries(ctx: FleetContext, sales: xr.DataArray, vi: xr.Dataset) -> xr.Dataset:
    """Battery demand [kWh/year] by chemistry — new vehicles plus expected replacements at mid-life, each in the
    chemistry mix of the year it is made — and the metals in it [kg/year] (``battery-parameters`` contents per
    kWh)."""
    new = sales.values[None] * vi["battery_capacity"].values[:, :, None]                  # (sample, case, year)
    half = np.round(vi["lifetime_years"].values / 2).astype(int)                          # (sample, case)
    n = vi["battery_replacements"].values                                                  # (sample, case, year)
    total = new.copy()
    for k in np.unique(half[(n > 0).any(axis=2)]):   # replacements at mid-life: shifted by half the life
        if 0 < k < len(YEARS):
            sel = (half == k) & (n > 0).any(axis=2)
            total[:, :, k:] += np.where(sel[..., None], new[:, :, : len(YEARS) - k] * n[:, :, : len(YEARS) - k], 0.0)
    share = vi["chemistry_share"].transpose("case", "year", "chemistry").values                # (case, year, chem)
    chems = [str(c) for c in vi["chemistry"].values]
    by_chem = np.einsum("scy,cyk->sky", total, share)                                      # (sample, chemistry, year)
    bp = ctx.reg.table("battery-parameters")
    content = {(c, p): float(v) for c, p, v in zip(bp.frame["chemistry"], bp.frame["parameter"], bp.values())}
    metals = np.stack([sum(by_chem[:, i] * content[(c, f"{m}_content")] for i, c in enumerate(chems)) for m in METALS],
                      axis=1)
    coords = {"chemistry": chems, "metal": list(METALS), "year": YEARS}
    return xr.Dataset({"battery_demand": (("sample", "chemistry", "year"), by_chem, {"units": "kWh/year"}),
                       "metals": (("sample", "metal", "year"), metals, {"units": "kg/year"})}, coords=coords)


@memoize
def generation(reg: Registry, scenario: str) -> xr.DataArray:
    """Electricity generation [TWh/year] of the country and each grid region: history, then the power scenario."""
    from jalur.catalog import catalog

    f = reg.table("grid-generation").frame
    out = []
    grids = list(catalog(reg).regions)
    for region in grids:
        hist = f[(f["region"] == region) & (f["scenario"] == "historical")]
        proj = f[(f["region"] == region) & (f["scenario"] == scenario)]
        rows = pd.concat([hist, proj[proj["year"] > (hist["year"].max() if len(hist) else 0)]])
        ys = rows["year"].to_numpy(float)
        vals = rows["value"].to_numpy(float) * np.array([conversion_factor(u, "TWh") for u in rows["unit"]])
        o = np.argsort(ys)
        out.append(np.interp(YEARS, ys[o], vals[o]))
    return xr.DataArray(np.array(out), dims=("grid", "year"), coords={"grid": grids, "year": YEARS},
                        attrs={"units": "TWh/year"})


def electricity(ctx: FleetContext, e: xr.Dataset, factors: xr.Dataset) -> xr.Dataset:
    """Grid electricity for road transport [kWh/year] by region (charging and electrolytic hydrogen), and the
    part for hydrogen."""
    h2 = (e["fuel_by_carrier"] * factors["kwh_per_mj"]).sum("carrier")                       # (sample, case, year)
    total = ctx.by_class(e["electricity_use"] + h2)                                          # (sample, vclass, year)
    _, share = share_tables(ctx.reg)
    regions = list(ctx.cat.grid_regions)
    w = xr.DataArray([[share[k].get(r, 0.0) for r in regions] for k in ctx.classes], dims=("vclass", "region"),
                     coords={"vclass": list(ctx.classes), "region": regions})
    return xr.Dataset({"electricity_region": xr.dot(total, w, dim="vclass").transpose(..., "region", "year").assign_attrs(
                           units="kWh/year", long_name="grid electricity for road transport incl. hydrogen production"),
                       "electricity_h2": h2.sum("case").assign_attrs(
                           units="kWh/year", long_name="grid electricity for electrolytic hydrogen")})


@memoize
def _references(reg: Registry) -> tuple[str, ...]:
    from jalur.pathways.context import context

    return tuple(reference_powertrains(context(reg)))


def reference_powertrains(ctx: FleetContext) -> list[str]:
    """Each case's reference ICE: the segment's conventional powertrain on the same carrier, else its first one."""
    out = []
    for seg, pt in zip(ctx.cases["segment"], ctx.cases["powertrain"]):
        conv = [p for p in ctx.cases[ctx.cases["segment"] == seg]["powertrain"] if ctx.cat.powertrain(p).conventional]
        conv.sort(key=list(ctx.cat.powertrains).index)
        same = [p for p in conv if ctx.cat.powertrain(p).carrier == ctx.cat.powertrain(pt).carrier]
        out.append((same or conv or [pt])[0])
    return out


def oil(ctx: FleetContext, lv: Levers, e: xr.Dataset, stock: xr.DataArray, km: xr.DataArray, vi: xr.Dataset,
        final: xr.DataArray) -> xr.Dataset:
    """Oil displaced [kL/year] by product and the imports avoided [kL/year, USD/year].

    Notes
    -----
    The fossil fuel the same vehicle-km would burn in each case's reference ICE of the same vintage, less the
    fossil fuel burnt, per product (the fossil carriers with an import share in ``upstream-parameters``), never
    negative; imports avoided = displaced x import share (x import price).
    """
    reg = ctx.reg
    refs = _references(reg)
    require_same_labels([stock, km, vi["fuel_use"]], ["case", "vintage", "year"])
    j = [ctx.case_ids.index(f"{s}/{r}") for s, r in zip(ctx.cases["segment"], refs)]
    eff = energy_intensity(1.0, vi["improvement"].values[:, j, None], VINTAGES, multiplier=lv.fuel_economy,
                           multiplier_after=HIST_END)                                      # reference ICE, (S, C, V)
    need = np.einsum("cvy,scvy,scv->scy", stock.values, km.values, vi["fuel_use"].values[:, j, None] * eff)
    ref_carrier = np.array([ctx.cat.powertrain(r).carrier for r in refs])
    products = [c for c in ctx.cat.carriers if _has(reg, f"{c}_import_share")]
    carriers = list(final["carrier"].values)
    burnt = final.transpose("sample", "carrier", "year").values
    displaced = np.stack([np.clip(need[:, ref_carrier == p].sum(axis=1) - burnt[:, carriers.index(p)], 0, None)
                          / lhv_volume(reg, p) / 1000 for p in products], axis=1)       # (S, product, Y) kL
    share = np.array([parameter(reg, f"{p}_import_share", "1") for p in products])[None, :, None]
    price = np.array([lv.oil_import_price.get(p, parameter(reg, f"{p}_import_price", "USD/kL")) for p in products])
    dims, coords = ("sample", "product", "year"), {"product": products, "year": YEARS}
    return xr.Dataset({"oil_displaced": (dims, displaced, {"units": "kL/year"}),
                       "oil_imports_avoided": (dims, displaced * share, {"units": "kL/year"}),
                       "oil_import_avoided": (("sample", "year"), (displaced * share * price[None, :, None]).sum(axis=1),
                                              {"units": "USD/year"})}, coords=coords)
