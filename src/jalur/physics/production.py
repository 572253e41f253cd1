"""Production emissions by year of manufacture: what a battery pack and a vehicle's materials emit when they are
made, from the drivers the literature separates (``production-drivers``, ``battery-chemistry-mix``,
``cell-origins``, ``nickel-routes``).

A pack's footprint per kWh, for chemistry *c*, cell origin *o*, nickel route *r* and year *y*:

.. math::

    f(c, o, r, y) = R_c\\,m(y) + E(y)\\,g_o(y) + n_c\\,N_r(y), \\qquad
    R_c = A_c - E(y_0)\\,g_{o_0}(y_0) - n_c\\,N_{r_0}(y_0)

with :math:`A_c` the ``battery-production`` anchor of the anchor origin :math:`o_0` in :data:`REFERENCE_YEAR`
:math:`y_0` (its nickel on the anchor route :math:`r_0`), :math:`E` the electricity of cell manufacture per kWh
of cells, :math:`g_o` the grid of the origin (an Indonesian origin takes the model's own grid of its region and
power scenario), :math:`n_c` the nickel per kWh (``battery-parameters``), :math:`N_r` the footprint of the
nickel route and :math:`m` the materials index of the remainder (cathode, anode, electrolyte, casing).
"""

from __future__ import annotations

import numpy as np

from jalur.datasets import Registry, memoize
from jalur.errors import DataError
from jalur.physics.sampled import SampledTables
from jalur.physics.series import SERIES, interpolate
from jalur.units import conversion_factor

#: Model year of the ``battery-production`` anchors and of the ``manufacturing`` factors (index 100 %).
REFERENCE_YEAR = 2024
TABLE = "production-drivers"


def series(st: SampledTables, driver: str, key: str, unit: str, years=SERIES) -> np.ndarray:
    """A driver's sampled trajectory [*unit*], linear between its data years, held outside: (samples, years)."""
    frame = st.reg.table(TABLE).frame
    rows = frame[(frame["driver"] == driver) & (frame["key"] == key)].sort_values("year")
    if rows.empty:
        have = sorted(set(frame.loc[frame["driver"] == driver, "key"]))
        raise DataError(f"{TABLE} has no {driver} rows for {key!r}; it has: {', '.join(have) or 'none'}")
    pos = frame.index.get_indexer(rows.index)
    factor = np.array([conversion_factor(u, unit) for u in rows["unit"]])
    return interpolate(rows["year"].to_numpy(float), st.values(TABLE)[:, pos] * factor, np.asarray(years))


def _anchor(reg: Registry, table: str, key: str) -> str:
    rows = reg.table(table).public()
    anchors = list(rows.loc[rows["anchor"] == "yes", key])
    if len(anchors) != 1:
        raise DataError(f"{table} must mark exactly one row anchor=yes (the one the battery-production anchors are "
                        f"measured on); it marks {anchors or 'none'}")
    return str(anchors[0])


def anchor_origin(reg: Registry) -> str:
    """The cell origin of the ``battery-production`` anchors (``cell-origins.anchor``)."""
    return _anchor(reg, "cell-origins", "origin")


def anchor_route(reg: Registry) -> str:
    """The nickel route embedded in the ``battery-production`` anchors (``nickel-routes.anchor``); the default."""
    return _anchor(reg, "nickel-routes", "route")


def cell_grid(st: SampledTables, origin: str, power_scenario: str, years=SERIES) -> np.ndarray:
    """Grid intensity of cell manufacture in *origin* [g CO2e/kWh]: (samples, years).

    An origin with a ``grid_region`` (Indonesia: its factories' grid) takes the model's generation intensity of
    that region under *power_scenario*; the others their ``cell_grid`` trajectory.
    """
    from jalur.physics.grid import generation_intensity

    row = st.reg.table("cell-origins").where(origin=origin).public()
    region = row["grid_region"].iloc[0] if len(row) else None
    if isinstance(region, str) and region:
        return interpolate(SERIES.astype(float), generation_intensity(st, region, power_scenario), np.asarray(years))
    return series(st, "cell_grid", origin, "g CO2e/kWh", years)


def battery_per_kwh(st: SampledTables, chemistry: str, origin: str, route: str, power_scenario: str,
                    years=SERIES) -> np.ndarray:
    """Production of a pack made in each year [kg CO2e/kWh]: (samples, years) (see the module docstring)."""
    reg = st.reg
    o0, r0 = anchor_origin(reg), anchor_route(reg)
    y0 = [REFERENCE_YEAR]
    anchor = st.gather("battery-production", [(chemistry, o0)], "kg CO2e/kWh", what="battery production anchor")[:, 0]
    nickel = st.gather("battery-parameters", [(chemistry, "nickel_content")], "kg/kWh")[:, 0]
    energy = lambda ys: series(st, "cell_energy", chemistry, "kWh/kWh", ys)
    rest = (anchor - (energy(y0) * cell_grid(st, o0, power_scenario, y0))[:, 0] / 1000.0
            - nickel * series(st, "nickel", r0, "kg CO2e/kg", y0)[:, 0])
    if (rest < 0).any():
        raise DataError(f"battery-production anchor of {chemistry} ({float(anchor.min()):.0f} kg CO2e/kWh) is below "
                        "its cell energy and nickel alone: check production-drivers")
    return (rest[:, None] * series(st, "materials_index", "battery-materials", "1", years)
            + energy(years) * cell_grid(st, origin, power_scenario, years) / 1000.0
            + nickel[:, None] * series(st, "nickel", route, "kg CO2e/kg", years))


@memoize
def chemistry_shares(reg: Registry, pairs: tuple[tuple[str, str], ...], years: tuple[int, ...],
                     forced: str | None = None) -> tuple[tuple[str, ...], np.ndarray]:
    """Share of each chemistry in the packs of each (segment, powertrain) made in each year [1]:
    (chemistries, array (case, year, chemistry)); from ``battery-chemistry-mix`` (linear between its years,
    held outside), or all *forced*. A pair without a mix takes the first chemistry (it has no battery)."""
    chems = tuple(sorted(set(reg.table("battery-production").frame["chemistry"].astype(str))))
    out = np.zeros((len(pairs), len(years), len(chems)))
    if forced is not None:
        out[..., chems.index(forced)] = 1.0
        return chems, out
    mix = reg.table("battery-chemistry-mix").public()
    for i, (s, p) in enumerate(pairs):
        sub = mix[(mix["segment"] == s) & (mix["powertrain"] == p)]
        if sub.empty:
            out[i, :, 0] = 1.0
            continue
        table = sub.pivot_table(index="year", columns="chemistry", values="value", aggfunc="sum").fillna(0.0)
        pts = table.index.to_numpy(float)
        for c in table.columns:
            out[i, :, chems.index(str(c))] = interpolate(pts, table[c].to_numpy(float), np.asarray(years, float))
        out[i] /= out[i].sum(axis=1, keepdims=True)
    return chems, out
