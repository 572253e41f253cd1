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

import atexit
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jalur.errors import UnitError

if TYPE_CHECKING:
    import pint

#: Units jalur adds to pint's defaults (see the module docstring).
DEFINITIONS = ("CO2e = [co2e] = CO2eq", "CO2 = CO2e", "CH4 = [ch4]", "N2O = [n2o]", "IDR = [currency_idr] = Rp",
               "USD = [currency_usd]", "vehicle = [vehicle] = veh", "passenger = [passenger] = pax",
               "thousand = 1e3", "million = 1e6", "billion = 1e9", "kt = 1e3 * t", "vkm = km")


@lru_cache(maxsize=1)
def registry() -> "pint.UnitRegistry":
    """The one unit registry, built on first use (a command that converts no unit never imports pint).

    pint's parsed definitions are cached under ``$JALUR_HOME/pint`` (see :func:`jalur.datasets.cache.home`);
    where that cannot be written, the registry is built without the cache.
    """
    import pint

    from jalur.home import caching, home

    kw: dict[str, Any] = dict(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
    reg = None
    if caching():
        try:
            folder = home() / "pint"
            folder.mkdir(parents=True, exist_ok=True)
            reg = pint.UnitRegistry(cache_folder=folder, **kw)
        except Exception:  # an unwritable or damaged cache: build without it
            reg = None
    if reg is None:
        reg = pint.UnitRegistry(**kw)
    for d in DEFINITIONS:
        reg.define(d)
    return reg


def __getattr__(name: str) -> Any:
    """``ureg`` and ``Quantity``, built on first access."""
    if name == "ureg":
        return registry()
    if name == "Quantity":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> "pint.Unit":
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
        return registry().dimensionless
    try:
        return registry().parse_units(t)
    except Exception as exc:  # pint raises several unrelated types
        raise UnitError(f"cannot parse unit {text!r}: {exc}") from None


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Return the factor *f* such that ``x [from_unit] == x * f [to_unit]``.

    Factors pint computed once are kept on disk (:func:`known_factors`), so that a command whose conversions are
    all known does not build the registry.

    Examples
    --------
    >>> conversion_factor("t CO2e/MWh", "g CO2e/kWh")
    1000.0
    >>> conversion_factor("%", "1")
    0.01
    """
    known = known_factors()
    key = f"{from_unit} -> {to_unit}"
    if key in known:
        return known[key]
    import pint

    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    try:
        f = float(registry().Quantity(1.0, src).to(dst).magnitude)
    except pint.DimensionalityError:
        raise UnitError(
            f"unit {from_unit!r} ({src.dimensionality}) cannot be converted to {to_unit!r} "
            f"({dst.dimensionality})"
        ) from None
    known[key] = f
    _dirty.append(key)
    return f


_dirty: list[str] = []


def _factors_file() -> Path:
    from importlib.metadata import version

    from jalur._version import __version__
    from jalur.home import home

    tag = hashlib.sha256("\n".join((__version__, version("pint"), *DEFINITIONS)).encode()).hexdigest()[:16]
    return home() / "cache" / f"unit-factors-{tag}.json"


@lru_cache(maxsize=1)
def known_factors() -> dict[str, float]:
    """Conversion factors computed before, read from ``$JALUR_HOME/cache`` (named by a hash of jalur's and pint's
    versions and jalur's unit definitions); new ones are written back when the process ends."""
    from jalur.home import caching

    if not caching():
        return {}
    atexit.register(_save_factors)
    try:
        doc = json.loads(_factors_file().read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in doc.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _save_factors() -> None:
    if not _dirty:
        return
    try:
        from jalur.io.files import atomic_write_text

        atomic_write_text(_factors_file(), json.dumps(known_factors(), sort_keys=True))
        _dirty.clear()
    except Exception:  # a cache that cannot be written is no fault of the run
        pass
