"""Published constants (IPCC AR6/AR5/AR4 GWP-100, RED Annex III heating values, IPCC 2006 combustion factors).

Citations and tolerances are in ``published_constants.yaml`` next to this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REF = yaml.safe_load((Path(__file__).parent / "published_constants.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", REF["gwp"]["values"], ids=lambda r: f"{r['gas']}-{r['basis']}")
def test_gwp100(registry, row):
    assert registry.table("gwp").get("1", gas=row["gas"], basis=row["basis"]) == row["value"]


@pytest.mark.parametrize("row", REF["lower_heating_values"]["values"], ids=lambda r: f"{r['fuel']}-{r['property']}")
def test_lower_heating_values(registry, row):
    got = registry.table("fuel-properties").get(row["unit"], fuel=row["fuel"], property=row["property"])
    assert got == pytest.approx(row["value"], rel=REF["lower_heating_values"]["rel"])


@pytest.mark.parametrize("row", REF["combustion_co2"]["values"], ids=lambda r: r["fuel"])
def test_combustion_co2(registry, row):
    got = registry.table("fuel-properties").get(row["unit"], fuel=row["fuel"], property="combustion_co2")
    assert got == pytest.approx(row["value"], rel=1e-12)
