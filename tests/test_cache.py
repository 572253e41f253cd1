"""The registry cache under $JALUR_HOME: keyed on the files' bytes, never stale, never required."""

from __future__ import annotations

import pandas as pd
import pytest

from jalur import datasets
from jalur.datasets import cache


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("JALUR_HOME", str(h))
    monkeypatch.delenv("JALUR_NO_CACHE", raising=False)
    return h


def _load(d, only=None):
    return datasets.load_from(d / "tables", d / "schema", d / "sources.csv", "test", only, cache=True)


def _value(reg):
    return float(reg.table("demo-intensity").frame.set_index("region").loc["sumatera", "value"])


def test_a_cached_registry_equals_a_fresh_one_and_is_read_from_disk(mini_dir, home):
    first = _load(mini_dir)
    entries = list((home / "cache").glob("registry-*.pkl"))
    assert len(entries) == 1
    second = _load(mini_dir)
    fresh = datasets.load_from(mini_dir / "tables", mini_dir / "schema", mini_dir / "sources.csv", "test")
    for reg in (first, second):
        pd.testing.assert_frame_equal(reg.table("demo-intensity").frame, fresh.table("demo-intensity").frame)
        pd.testing.assert_frame_equal(reg.sources, fresh.sources)
    assert second is not first  # unpickled, not the object in memory


def test_a_changed_table_is_never_read_from_a_stale_entry(mini_dir, home):
    assert _value(_load(mini_dir)) == 761
    t = mini_dir / "tables" / "demo-intensity.csv"
    t.write_text(t.read_text().replace("sumatera,2023,761,", "sumatera,2023,700,"))
    assert _value(_load(mini_dir)) == 700
    assert len(list((home / "cache").glob("registry-*.pkl"))) == 2


def test_a_damaged_entry_is_rebuilt(mini_dir, home):
    _load(mini_dir)
    (entry,) = (home / "cache").glob("registry-*.pkl")
    entry.write_bytes(b"not a pickle")
    assert _value(_load(mini_dir)) == 761
    assert entry.read_bytes() != b"not a pickle"


def test_an_unwritable_home_runs_without_the_cache(mini_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("JALUR_HOME", str(blocker / "home"))
    monkeypatch.delenv("JALUR_NO_CACHE", raising=False)
    assert _value(_load(mini_dir)) == 761


def test_no_cache_when_switched_off(mini_dir, home, monkeypatch):
    monkeypatch.setenv("JALUR_NO_CACHE", "1")
    assert _value(_load(mini_dir)) == 761
    assert not (home / "cache").exists()


def test_the_key_covers_versions_tables_and_overrides(mini_dir, tmp_path):
    files = sorted((mini_dir / "tables").glob("*.csv"))
    a = cache.registry_key(files, "test")
    assert a == cache.registry_key(files, "test") and a != cache.registry_key(files, "other")
    assert a != cache.registry_key(files, "test", "overrides", "x.yaml\0abc")


def test_an_override_is_cached_with_its_content(registry, home, tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("table,region,year,value,unit,source_id,citation\ngrid-losses,jamali,2025,9.5,%,my-src,Mine 2025\n")
    one = datasets.load([p]).table("grid-losses").where(region="jamali", year=2025).values("%").tolist()
    p.write_text(p.read_text().replace("9.5", "8.5"))
    two = datasets.load([p]).table("grid-losses").where(region="jamali", year=2025).values("%").tolist()
    assert (one, two) == ([9.5], [8.5])


def test_unit_factors_are_remembered(home):
    from jalur import units

    units.known_factors.cache_clear()
    units.conversion_factor.cache_clear()
    units._dirty.clear()
    assert units.conversion_factor("t CO2e/MWh", "kg CO2e/kWh") == pytest.approx(1.0)
    units._save_factors()
    (f,) = (home / "cache").glob("unit-factors-*.json")
    assert "t CO2e/MWh -> kg CO2e/kWh" in f.read_text()
    units.known_factors.cache_clear()
    assert units.known_factors()["t CO2e/MWh -> kg CO2e/kWh"] == pytest.approx(1.0)


MEMO_SCRIPT = """
import json, sys
from jalur import datasets
from jalur.pathways.context import context
from jalur.policy.lcev import tkdn_minimum
reg = datasets.load()
value = tkdn_minimum(reg, "passenger-lt10", 2027)[0]
ctx = context(reg)
print(json.dumps({"value": value, "from_disk": len(reg._disk.known), "same_registry": ctx.reg is reg}))
"""


def test_what_models_derived_is_kept_for_the_next_command(home, tmp_path):
    """A second process reads the memo the first one wrote; a value holding the registry gets the live one."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, JALUR_HOME=str(home))
    env.pop("JALUR_NO_CACHE", None)
    runs = [json.loads(subprocess.run([sys.executable, "-c", MEMO_SCRIPT], env=env, capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    assert runs[0] == {"value": 60.0, "from_disk": 0, "same_registry": True}
    assert runs[1]["value"] == 60.0 and runs[1]["from_disk"] > 0 and runs[1]["same_registry"] is True
    assert list((home / "cache").glob("memo-*-jalur.pathways.context.pkl"))


def test_an_entry_of_the_wrong_kind_is_rebuilt(mini_dir, home):
    import pickle

    _load(mini_dir)
    (entry,) = (home / "cache").glob("registry-*.pkl")
    entry.write_bytes(pickle.dumps({"not": "a registry"}))
    assert _value(_load(mini_dir)) == 761
