"""Golden results of the built-in scenarios: any change in results is a visible, reviewed change.

To accept a deliberate change, regenerate with ``python3 tests/golden/regenerate.py`` and commit the diff.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jalur.pathways.iamc import to_iamc
from jalur.pathways.model import run
from jalur.pathways.scenario import builtin_names

GOLDEN = Path(__file__).parent / "golden"
YEARS = ["2024", "2030", "2040", "2050", "2060"]


@pytest.mark.parametrize("name", builtin_names())
def test_scenario_matches_golden(registry, name):
    want = pd.read_csv(GOLDEN / f"{name}.csv")
    got = to_iamc(run(name, registry=registry))
    got = got[got["region"] == "Indonesia"].set_index("variable")
    for _, row in want.iterrows():
        for y in YEARS:
            assert got.loc[row["variable"], int(y)] == pytest.approx(row[y], rel=1e-6, abs=1e-9), (row["variable"], y)
