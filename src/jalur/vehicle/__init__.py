"""Vehicle life-cycle engine: GHG emissions of each segment, powertrain and fuel, by stage."""

from jalur.vehicle.catalog import DEFAULT_FUEL, FUELS, VALID_FUELS
from jalur.vehicle.lifecycle import ALL_STAGES, STAGES, Options, lifecycle, to_records

__all__ = ["lifecycle", "to_records", "Options", "STAGES", "ALL_STAGES", "FUELS", "VALID_FUELS", "DEFAULT_FUEL"]
