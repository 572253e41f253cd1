"""The data registry: shipped data are valid and cited; every kind of bad file gives a clear DataError."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from jalur import datasets
from jalur.errors import DataError, UnknownKeyError
from jalur.units import conversion_factor, parse_unit

FIXTURES = Path(__file__).parent / "fixtures"


def load_mini(d: Path):
    return datasets.load_from(d / "tables", d / "schema", d / "sources.csv", "test")


# ---------------------------------------------------------------------------------------------------
# the shipped data
# ---------------------------------------------------------------------------------------------------


def test_shipped_data_loads_with_version(registry):
    import re

    text = (datasets.DATA_DIR / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"\d{4}\.\d{2}", text) and registry.data_version == text
    assert registry.names() == sorted(p.stem for p in datasets.TABLE_DIR.glob("*.csv"))


@pytest.mark.parametrize("name", [
    "grid-intensity", "grid-mix", "grid-losses", "fuel-properties", "fuel-pathways", "land-use-change",
    "blend-mandates", "segments", "vehicle-parameters", "manufacturing", "battery-production",
    "vehicle-population", "vehicle-sales", "ppnbm-rates", "gwp",
])
def test_required_tables_exist(registry, name):
    assert len(registry.table(name)) > 0


def test_every_row_cites_a_known_source(registry):
    ids = set(registry.sources.index)
    for name in registry.names():
        for cell in registry.table(name).frame["source_id"]:
            cited = str(cell).replace(";", " ").split()
            assert cited, f"{name}: empty source_id"
            assert set(cited) <= ids, f"{name}: {set(cited) - ids}"


def test_every_source_is_used(registry):
    from jalur.pathways.scenario import builtin_names, load_scenario

    used = {s for n in registry.names() for c in registry.table(n).frame["source_id"]
            for s in str(c).replace(";", " ").split()}
    used |= {s for n in builtin_names() for s in load_scenario(n).sources}
    assert set(registry.sources.index) - used == set()


def test_estimates_are_labelled(registry):
    src = registry.sources
    est = src[src["id"].str.startswith("est-")]
    assert (est["type"] == "estimate").all(), est[est["type"] != "estimate"]["id"].tolist()
    assert (est["derivation"].str.len() > 20).all(), "an estimate must give its reasoning"


def test_units_parse_with_schema_dimensionality_and_bounds(registry):
    for name in registry.names():
        t = registry.table(name)
        if not t.schema.has_values:
            continue
        for _, row in t.frame.iterrows():
            rule = t.schema.rule_for(row)
            like = rule.matching_unit(row["unit"])
            assert like is not None, (name, row["unit"])
            assert parse_unit(row["unit"]).dimensionality == parse_unit(like).dimensionality
            v = row["value"] * conversion_factor(row["unit"], like)
            assert np.isfinite(v)
            if rule.min is not None:
                assert v >= rule.min - 1e-9, (name, dict(row))
            if rule.max is not None:
                assert v <= rule.max + 1e-9, (name, dict(row))
            if np.isfinite(row["low"]):
                assert row["low"] <= row["value"] <= row["high"], (name, dict(row))


def test_schema_descriptions_present(registry):
    for name in registry.names():
        s = registry.table(name).schema
        assert s.title and len(s.description) > 20, name


# ---------------------------------------------------------------------------------------------------
# the mini registry and the bad files
# ---------------------------------------------------------------------------------------------------


def test_mini_registry_converts_units(mini_dir):
    reg = load_mini(mini_dir)
    t = reg.table("demo-intensity")
    assert t.get(region="jamali", year=2023) == pytest.approx(870.0)
    assert t.get("kg CO2e/kWh", region="sumatera", year=2023) == pytest.approx(0.761)


BAD = {
    "missing-source.csv": "column 'source_id': empty",
    "unknown-source.csv": "unknown source 'nowhere-2020'",
    "unparseable-unit.csv": "cannot parse unit 'g CO2e/kWhh'",
    "wrong-dimensionality.csv": "wrong dimensionality",
    "outside-range.csv": "outside its range",
    "outside-bounds.csv": "above the physical bound 1500",
    "duplicate-key.csv": "duplicate key",
    "nan-value.csv": "empty or NaN",
    "unknown-dimension.csv": "'jawa' is not allowed; allowed: jamali, sumatera",
    "unparseable-number.csv": "is not a number",
    "missing-column.csv": "missing column(s) ['unit']",
    "half-range.csv": "give both or neither",
    "bad-year.csv": "'20x3' is not an integer",
}


@pytest.mark.parametrize("fixture,message", sorted(BAD.items()))
def test_bad_file_gives_documented_error(mini_dir, fixture, message):
    shutil.copy(FIXTURES / "bad" / fixture, mini_dir / "tables" / "demo-intensity.csv")
    with pytest.raises(DataError) as info:
        load_mini(mini_dir)
    text = str(info.value)
    assert message in text
    assert "demo-intensity.csv" in text  # names the file
    assert isinstance(info.value, ValueError)


def test_bad_file_error_names_line(mini_dir):
    shutil.copy(FIXTURES / "bad" / "duplicate-key.csv", mini_dir / "tables" / "demo-intensity.csv")
    with pytest.raises(DataError, match=r"demo-intensity.csv:3: duplicate key"):
        load_mini(mini_dir)


def test_table_without_schema_is_rejected(mini_dir):
    (mini_dir / "tables" / "orphan.csv").write_text("a,source_id\n1,demo-src\n")
    with pytest.raises(DataError, match="without a schema: orphan.csv"):
        load_mini(mini_dir)


def test_duplicate_source_id_rejected(mini_dir):
    with open(mini_dir / "sources.csv", "a") as fh:
        fh.write('demo-src,"Again",,2024,2026-11-27,report,x\n')
    with pytest.raises(DataError, match="'demo-src' duplicates line 2"):
        load_mini(mini_dir)


def test_bad_schema_yaml(mini_dir):
    (mini_dir / "schema" / "demo-intensity.yaml").write_text("name: demo-intensity\nkey: [region\n")
    with pytest.raises(DataError, match="not valid YAML"):
        load_mini(mini_dir)


def test_unknown_table_names_the_ones_that_exist(mini_dir):
    reg = load_mini(mini_dir)
    with pytest.raises(UnknownKeyError, match="tables: demo-intensity"):
        reg.table("nope")


# ---------------------------------------------------------------------------------------------------
# overrides
# ---------------------------------------------------------------------------------------------------


def test_yaml_override_replaces_and_records(mini_dir, tmp_path):
    reg = load_mini(mini_dir)
    ov = tmp_path / "mine.yaml"
    ov.write_text(
        "sources:\n  - {id: my-study, citation: 'Me (2026), my grid study'}\n"
        "tables:\n  demo-intensity:\n"
        "    - {region: jamali, year: 2023, value: 500, unit: g CO2e/kWh, source_id: my-study}\n"
        "    - {region: jamali, year: 2030, value: 400, unit: g CO2e/kWh, source_id: my-study}\n"
    )
    new = reg.with_overrides([ov])
    t = new.table("demo-intensity")
    assert t.get(region="jamali", year=2023) == 500
    assert t.get(region="jamali", year=2030) == 400
    assert reg.table("demo-intensity").get(region="jamali", year=2023) == pytest.approx(870)  # untouched
    prov = new.provenance()["overrides"][0]
    assert prov["tables"] == {"demo-intensity": {"replaced": 1, "added": 1}}
    assert prov["sources"] == ["my-study"] and len(prov["sha256"]) == 64


def test_csv_override_with_inline_citation(mini_dir, tmp_path):
    reg = load_mini(mini_dir)
    ov = tmp_path / "mine.csv"
    ov.write_text("table,region,year,value,unit,source_id,citation\n"
                  "demo-intensity,sumatera,2023,700,g CO2e/kWh,my-csv,My CSV source (2026)\n")
    new = reg.with_overrides([ov])
    assert new.table("demo-intensity").get(region="sumatera", year=2023) == 700
    assert new.source("my-csv")["type"] == "user"


@pytest.mark.parametrize("content,message", [
    ("tables:\n  nope: [{a: 1}]\n", "no data table 'nope'"),
    ("tables:\n  demo-intensity:\n    - {region: jawa, year: 2023, value: 1, unit: g CO2e/kWh, source_id: demo-src}\n",
     "'jawa' is not allowed"),
    ("tables:\n  demo-intensity:\n    - {region: jamali, year: 2023, value: 1, unit: g CO2e/kWh, source_id: who}\n",
     "unknown source 'who'"),
    ("foo: 1\n", "needs a 'tables' mapping"),
])
def test_bad_override_names_file(mini_dir, tmp_path, content, message):
    reg = load_mini(mini_dir)
    ov = tmp_path / "bad.yaml"
    ov.write_text(content)
    with pytest.raises(DataError) as info:
        reg.with_overrides([ov])
    assert message in str(info.value) and "bad.yaml" in str(info.value)


def test_missing_override_file(registry, tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        registry.with_overrides([tmp_path / "nope.yaml"])
