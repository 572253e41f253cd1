"""Vehicle life-cycle engine: GHG emissions of each segment, powertrain and fuel, by stage."""

from jalur.vehicle.cases import Case, build_cases, valid_combinations
from jalur.vehicle.lifecycle import ALL_STAGES, lifecycle, to_records
from jalur.vehicle.options import Options

__all__ = ["lifecycle", "to_records", "Options", "ALL_STAGES", "Case", "build_cases", "valid_combinations"]
