"""The one pint unit registry of jalur.

Quantities are converted at the edges (when data are loaded and results are written); the model
kernels compute on plain floats in the canonical units documented in each function.

Units added to pint's defaults:

- ``CO2e`` — a mass of CO2-equivalent is written ``g CO2e``, ``kg CO2e`` or ``t CO2e``; ``CO2`` is the
  same unit (GWP = 1).
- ``CH4``, ``N2O`` — masses of those gases (``g CH4``); converted to CO2e only with an explicit GWP.
- ``IDR`` (alias ``Rp``) and ``USD`` — currencies, each its own dimension (no implicit exchange rate).
- ``vehicle`` and ``passenger`` — counts.
- ``thousand``, ``million``, ``billion`` — plain multipliers, as in IAMC units (``million vehicles``,
  ``billion USD/yr``); ``kt`` is a kilotonne (pint's default reads it as a knot); ``vkm`` (vehicle-km) is a km.
"""

from __future__ import annotations

from functools import lru_cache

import pint

from jalur.errors import UnitError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
ureg.define("CO2e = [co2e] = CO2eq")
ureg.define("CO2 = CO2e")
ureg.define("CH4 = [ch4]")
ureg.define("N2O = [n2o]")
ureg.define("IDR = [currency_idr] = Rp")
ureg.define("USD = [currency_usd]")
ureg.define("vehicle = [vehicle] = veh")
ureg.define("passenger = [passenger] = pax")
ureg.define("thousand = 1e3")
ureg.define("million = 1e6")
ureg.define("billion = 1e9")
ureg.define("kt = 1e3 * t")
ureg.define("vkm = km")

Quantity = ureg.Quantity


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string with jalur's registry.

    Parameters
    ----------
    text : str
        A unit such as ``"g CO2e/kWh"`` or ``"%"``. ``"1"`` and ``""`` mean dimensionless.

    Raises
    ------
    UnitError
        If pint cannot parse the string.

    Examples
    --------
    >>> str(parse_unit("g CO2e/kWh").dimensionality)
    '[co2e] * [time] ** 2 / [length] ** 2'
    """
    t = (text or "").strip()
    if t in ("", "1", "-"):
        return ureg.dimensionless
    try:
        return ureg.parse_units(t)
    except Exception as exc:  # pint raises several unrelated types
        raise UnitError(f"cannot parse unit {text!r}: {exc}") from None


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Return the factor *f* such that ``x [from_unit] == x * f [to_unit]``.

    Examples
    --------
    >>> conversion_factor("t CO2e/MWh", "g CO2e/kWh")
    1000.0
    >>> conversion_factor("%", "1")
    0.01
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        return float(ureg.Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError:
        raise UnitError(
            f"unit {from_unit!r} ({src.dimensionality}) cannot be converted to {to_unit!r} "
            f"({dst.dimensionality})"
        ) from None
