"""The one function that turns energy use into emissions by stage, for both the vehicle engine and the fleet."""

from __future__ import annotations

import xarray as xr

from jalur.catalog import Stage
from jalur.labelled import concat, einsum

#: Stages of the use phase, in reporting order (the carriers' stages with electricity supply second).
USE_STAGES = (Stage.FUEL_SUPPLY, Stage.ELECTRICITY_SUPPLY, Stage.TAILPIPE_CO2, Stage.TAILPIPE_NON_CO2,
              Stage.LAND_USE_CHANGE)


def use_emissions(fuel: xr.DataArray, electricity: xr.DataArray, grid: xr.DataArray, factors: xr.Dataset) -> xr.Dataset:
    """Emissions of using energy, by stage, and the biogenic CO2 set apart.

    Parameters
    ----------
    fuel : xarray.DataArray [MJ], dims (..., carrier)
        Fuel energy by carrier (a fuel's energy times the carriers' shares of it); per km (vehicle engine) or
        per year (fleet).
    electricity : xarray.DataArray [kWh], dims (...)
        Grid electricity drawn at the plug, in the same basis.
    grid : xarray.DataArray [g CO2e/kWh]
        Life-cycle intensity of electricity at the plug, broadcastable against *electricity*.
    factors : xarray.Dataset
        From :func:`jalur.physics.fuels.carrier_factors`: ``per_mj`` (..., carrier, stage), ``biogenic`` and
        ``kwh_per_mj`` (..., carrier).

    Returns
    -------
    xarray.Dataset
        ``stages`` (..., stage) [g CO2e] over :data:`USE_STAGES` and ``biogenic_co2`` (...) [g CO2].

    Notes
    -----
    :math:`E_s = \\sum_k F_k f_{k,s}` for the fuel stages;
    :math:`E_{elec} = (W + \\sum_k F_k\\,w_k)\\,g`, with :math:`w_k` the grid electricity a carrier draws per MJ
    (hydrogen compression and electrolysis).
    """
    dims = lambda *arrays: [d for d in dict.fromkeys(d for a in arrays for d in a.dims) if d not in ("carrier", "stage")]
    by_carrier = einsum(dims(fuel, factors["per_mj"]) + ["stage"], fuel, factors["per_mj"])
    kwh = electricity + einsum(dims(fuel, factors["kwh_per_mj"]), fuel, factors["kwh_per_mj"])
    elec = einsum(dims(kwh, grid), kwh, grid).expand_dims(stage=[Stage.ELECTRICITY_SUPPLY.value])
    out = (*dims(by_carrier, elec), "stage")
    stages = concat([by_carrier.isel(stage=[0]), elec, by_carrier.isel(stage=[1, 2, 3])], "stage", out)
    biogenic = einsum(dims(fuel, factors["biogenic"]), fuel, factors["biogenic"])
    return xr.Dataset({"stages": stages, "biogenic_co2": biogenic})
