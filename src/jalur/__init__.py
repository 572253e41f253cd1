"""jalur — multiple pathways to low-carbon road transport in Indonesia.

Cited Indonesian data (:mod:`jalur.datasets`), one unit registry (:mod:`jalur.units`) and a vehicle
life-cycle engine (:mod:`jalur.vehicle`).
"""

from jalur._version import __version__
from jalur.datasets import data_version, load
from jalur.errors import DataError, InputError, JalurError, UnitError, UnknownKeyError
from jalur.units import ureg

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
