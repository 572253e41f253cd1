"""Electricity: life-cycle intensity of grid electricity delivered at the charger, by region and calendar year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from jalur.catalog import catalog
from jalur.errors import InputError
from jalur.physics.sampled import SampledTables
from jalur.physics.series import SERIES, interpolate
from jalur.units import conversion_factor


def _points(st: SampledTables, table: str, rows: pd.DataFrame, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and sampled values (S, points) of some rows of a table, in *unit*."""
    rows = rows.sort_values("year")
    frame = st.reg.table(table).frame
    pos = frame.index.get_indexer(rows.index)
    factor = np.array([conversion_factor(u, unit) for u in rows["unit"]])
    return rows["year"].to_numpy(float), st.values(table)[:, pos] * factor


def generation_intensity(st: SampledTables, region: str, scenario: str) -> np.ndarray:
    """Life-cycle intensity of generation in *region* [g CO2e/kWh], shape (samples, calendar years).

    History (scenario ``historical``) up to its last year, then the power scenario; linear between data years,
    held before the first and after the last.
    """
    gi = st.reg.table("grid-intensity").frame
    m = (gi["region"] == region) & (gi["basis"] == "life-cycle")
    hist = gi[m & (gi["scenario"] == "historical")]
    last = hist["year"].max() if len(hist) else -1
    rows = pd.concat([hist, gi[m & (gi["scenario"] == scenario) & (gi["year"] > last)]])
    if rows.empty:
        raise InputError(f"grid-intensity has no life-cycle rows for region {region!r} and scenario {scenario!r}")
    years, values = _points(st, "grid-intensity", rows, "g CO2e/kWh")
    return interpolate(years, values, SERIES)


def network_losses(st: SampledTables, region: str) -> np.ndarray:
    """Transmission and distribution losses [1] of *region* (else the national row), (samples, calendar years)."""
    gl = st.reg.table("grid-losses").frame
    rows = gl[gl["region"] == region]
    if rows.empty:
        rows = gl[gl["region"] == catalog(st.reg).national.id]
    years, values = _points(st, "grid-losses", rows, "1")
    return interpolate(years, values, SERIES)


def grid_at_plug(st: SampledTables, regions: list[str], scenario: str) -> xr.DataArray:
    """Life-cycle intensity of electricity delivered at the charger [g CO2e/kWh]: (sample, region, calendar).

    Notes
    -----
    :math:`g_{plug} = g_{gen} / (1 - \\lambda)`, with :math:`\\lambda` the T&D losses; charger losses are in
    the vehicles' at-the-plug energy use.
    """
    out = np.stack([generation_intensity(st, r, scenario) / (1.0 - network_losses(st, r)) for r in regions], axis=1)
    return xr.DataArray(out, dims=("sample", "region", "calendar"), coords={"region": list(regions), "calendar": SERIES},
                        attrs={"units": "g CO2e/kWh"})
