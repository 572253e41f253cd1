"""Per-MJ emission factors of each energy carrier, by stage: fuel supply (well-to-tank), tailpipe CO2, tailpipe
CH4 and N2O, land-use change; biogenic CO2 (reported apart); and the grid electricity a carrier draws per MJ
(hydrogen's compression and electrolysis).

Which fuel pathway describes a bio carrier is a choice (ethanol feedstock mix, palm-oil mill practice): the
carrier's ``variant_option`` names it and :class:`FactorChoices` holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import xarray as xr

from jalur.catalog import Carrier, Stage, catalog
from jalur.datasets import Registry, memoize
from jalur.errors import InputError
from jalur.physics.sampled import SampledTables

#: Stages a carrier's per-MJ factors feed (electricity supply comes from kWh and the grid).
CARRIER_STAGES = (Stage.FUEL_SUPPLY, Stage.TAILPIPE_CO2, Stage.TAILPIPE_NON_CO2, Stage.LAND_USE_CHANGE)
LUC_MODES = ("none", "direct", "indirect")
#: Land-use-change types counted by each mode.
LUC_TYPES = {"none": (), "direct": ("direct",), "indirect": ("direct", "indirect")}


@dataclass(frozen=True)
class FactorChoices:
    """Choices behind the per-MJ factors.

    Attributes
    ----------
    luc : str
        ``none``, ``direct`` or ``indirect`` (direct + indirect land-use change).
    gwp : str
        GWP basis of the ``gwp`` table (``ar6-gwp100`` ...).
    variants : tuple of (option, ((variant, share), ...))
        For each carrier option (``ethanol_feedstock``, ``fame_pathway``) the mix of pathway variants [1].
    """

    luc: str = "direct"
    gwp: str = "ar6-gwp100"
    variants: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    def mix(self, option: str) -> Mapping[str, float]:
        return dict(dict(self.variants).get(option, ()))


@memoize
def pathway_index(reg: Registry) -> dict[tuple[str, str], list[str]]:
    """Pathway ids of ``fuel-pathways`` by (fuel, variant)."""
    fp = reg.table("fuel-pathways").frame
    out: dict[tuple[str, str], list[str]] = {}
    for pw, fuel, variant in zip(fp["pathway"], fp["fuel"], fp["variant"].fillna("").astype(str)):
        out.setdefault((str(fuel), variant), []).append(str(pw))
    return out


def _pathway(st: SampledTables, carrier: Carrier, variant: str) -> str:
    index = pathway_index(st.reg)
    rows = index.get((carrier.properties, variant), [])
    if len(rows) != 1:
        have = sorted(v for (f, v) in index if f == carrier.properties)
        raise InputError(f"fuel-pathways has {len(rows)} rows for {carrier.id} ({carrier.properties}) variant "
                         f"{variant!r}; variants: {', '.join(v or '(none)' for v in have)}")
    return rows[0]


def _pathway_mix(st: SampledTables, carrier: Carrier, ch: FactorChoices) -> dict[str, float]:
    """Pathway ids of a carrier with their shares (one pathway unless an option mixes variants)."""
    if not carrier.variant_option:
        return {_pathway(st, carrier, ""): 1.0}
    mix = ch.mix(carrier.variant_option)
    if not mix:
        raise InputError(f"no {carrier.variant_option} chosen for {carrier.id}")
    return {_pathway(st, carrier, v): s for v, s in mix.items() if s > 0}


def _non_co2(st: SampledTables, fuel: str, technology: str, gwp_ch4: np.ndarray, gwp_n2o: np.ndarray) -> np.ndarray:
    """Tailpipe CH4 and N2O of a fuel [g CO2e/MJ]: the class's technology where the table has it, else 'all'."""
    tech = technology if st.has("tailpipe-non-co2", (fuel, "ch4", technology)) else "all"
    ch4 = st.scalar("tailpipe-non-co2", (fuel, "ch4", tech), "g CH4/MJ", default=0.0)
    n2o = st.scalar("tailpipe-non-co2", (fuel, "n2o", tech), "g N2O/MJ", default=0.0)
    return ch4 * gwp_ch4 + n2o * gwp_n2o


def _luc(st: SampledTables, pathways: Mapping[str, float], mode: str) -> np.ndarray:
    total = np.zeros(st.n)
    for pw, share in pathways.items():
        for typ in LUC_TYPES[mode]:
            total = total + share * st.scalar("land-use-change", (pw, typ), "g CO2e/MJ", default=0.0)
    return total


def _hydrogen(st: SampledTables, carrier: Carrier, route: str) -> tuple[np.ndarray, np.ndarray]:
    """Well-to-tank [g CO2e/MJ] and grid electricity [kWh/MJ] of hydrogen dispensed by *route*.

    Notes
    -----
    Per MJ dispensed: production / (1 - supply-chain loss), plus compression electricity; electrolysis draws
    its electricity from the grid: :math:`(e_{elec} / (1 - l) + e_{comp}) / LHV`.
    """
    loss = st.scalar("hydrogen-supply", ("supply_chain_loss",), "1", default=0.0)
    kwh_kg = st.scalar("hydrogen-supply", ("compression_electricity",), "kWh/kg")
    wtt = np.zeros(st.n)
    if route == "electrolysis":
        kwh_kg = kwh_kg + st.scalar("hydrogen-supply", ("electrolysis_electricity",), "kWh/kg") / (1 - loss)
    else:
        wtt = st.scalar("fuel-pathways", (_pathway(st, carrier, route),), "g CO2e/MJ") / (1 - loss)
    lhv = st.scalar("fuel-properties", (carrier.properties, "lhv_mass"), "MJ/kg")
    return wtt, kwh_kg / lhv


def _profile(st: SampledTables, technology: str, route: str, ch: FactorChoices) -> tuple[np.ndarray, ...]:
    """Factors of every carrier for one tailpipe technology and hydrogen route: (S, K, stage), (S, K), (S, K)."""
    cat = catalog(st.reg)
    gwp = {g: st.scalar("gwp", (g, ch.gwp), "1") for g in ("ch4-fossil", "ch4-biogenic", "n2o")}
    per_mj = np.zeros((st.n, len(cat.carriers), len(CARRIER_STAGES)))
    biogenic, kwh = np.zeros((st.n, len(cat.carriers))), np.zeros((st.n, len(cat.carriers)))
    for k, c in enumerate(cat.carriers.values()):
        if not c.properties:           # electricity: emissions through the grid
            continue
        if c.is_blend_component:
            pool = cat.carriers[c.blends_into]
            pws = _pathway_mix(st, c, ch)
            per_mj[:, k, 0] = sum(s * st.scalar("fuel-pathways", (pw,), "g CO2e/MJ") for pw, s in pws.items())
            per_mj[:, k, 2] = _non_co2(st, pool.properties, technology, gwp["ch4-biogenic"], gwp["n2o"])
            per_mj[:, k, 3] = _luc(st, pws, ch.luc)
            biogenic[:, k] = st.scalar("fuel-properties", (c.properties, "combustion_co2"), "g CO2/MJ")
        elif any(f.route for f in cat.fuels.values() if f.carrier == c.id):    # made by a route (hydrogen)
            if route:                  # only a fuel of this carrier has a route; other cases burn none of it
                per_mj[:, k, 0], kwh[:, k] = _hydrogen(st, c, route)
        else:
            per_mj[:, k, 0] = st.scalar("fuel-pathways", (_pathway(st, c, ""),), "g CO2e/MJ")
            per_mj[:, k, 1] = st.scalar("fuel-properties", (c.properties, "combustion_co2"), "g CO2/MJ")
            per_mj[:, k, 2] = _non_co2(st, c.properties, technology, gwp["ch4-fossil"], gwp["n2o"])
    return per_mj, biogenic, kwh


def carrier_factors(st: SampledTables, technologies: list[str], routes: list[str], ch: FactorChoices) -> xr.Dataset:
    """Per-MJ factors of each carrier for each case (cases differ by tailpipe technology and hydrogen route).

    Parameters
    ----------
    st : SampledTables
        The engine tables under a design (samples).
    technologies, routes : list of str
        For each case: the IPCC control technology of its class's spark-ignition engines, and the hydrogen
        route of its fuel (``''`` if none).
    ch : FactorChoices

    Returns
    -------
    xarray.Dataset
        ``per_mj`` (sample, case, carrier, stage) [g CO2e/MJ], ``biogenic`` (sample, case, carrier) [g CO2/MJ],
        ``kwh_per_mj`` (sample, case, carrier) [kWh/MJ].

    References
    ----------
    IPCC (2006), Guidelines for National GHG Inventories, Vol. 2 Ch. 3, Tables 3.2.1-3.2.2 (combustion CO2, CH4,
    N2O); Directive (EU) 2018/2001 Annex V (biofuel pathways); the ``land-use-change`` table's sources.
    """
    if ch.luc not in LUC_MODES:
        raise InputError(f"luc={ch.luc!r} is not allowed; allowed: {', '.join(LUC_MODES)}")
    keys = list(dict.fromkeys(zip(technologies, routes)))
    prof = {k: _profile(st, k[0], k[1], ch) for k in keys}
    idx = [keys.index(k) for k in zip(technologies, routes)]
    stack = lambda i: np.stack([prof[k][i] for k in keys], axis=1)[:, idx]       # (S, C, ...)
    cat = catalog(st.reg)
    coords = {"carrier": list(cat.carriers), "stage": [s.value for s in CARRIER_STAGES]}
    return xr.Dataset({
        "per_mj": (("sample", "case", "carrier", "stage"), stack(0), {"units": "g CO2e/MJ"}),
        "biogenic": (("sample", "case", "carrier"), stack(1), {"units": "g CO2/MJ"}),
        "kwh_per_mj": (("sample", "case", "carrier"), stack(2), {"units": "kWh/MJ"}),
    }, coords=coords)
