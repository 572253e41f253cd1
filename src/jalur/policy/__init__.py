"""LCEV policy engine: PPnBM classification and tax, incentives, total cost of ownership."""

from jalur.policy.ppnbm import TaxResult, VehicleSpec, assess

__all__ = ["VehicleSpec", "TaxResult", "assess"]
