"""jalur — multiple pathways to low-carbon road transport in Indonesia.

Cited Indonesian data (:mod:`jalur.datasets`), one unit registry (:mod:`jalur.units`) and a vehicle
life-cycle engine (:mod:`jalur.vehicle`).
"""

from typing import Any

from jalur._version import __version__
from jalur.errors import DataError, InputError, JalurError, UnitError, UnknownKeyError

__all__ = [
    "__version__",
    "data_version",
    "load",
    "ureg",
    "JalurError",
    "DataError",
    "InputError",
    "UnitError",
    "UnknownKeyError",
]


def __getattr__(name: str) -> Any:
    """``load``, ``data_version`` and ``ureg``, imported on first use (``import jalur`` stays light)."""
    if name in ("load", "data_version"):
        from jalur import datasets

        return getattr(datasets, name)
    if name == "ureg":
        from jalur.units import registry

        return registry()
    raise AttributeError(f"module 'jalur' has no attribute {name!r}")
