"""Scenario files: schema errors name the key path and allowed values; extends; built-ins are valid."""

from __future__ import annotations

import pytest

from jalur.pathways.scenario import ScenarioError, builtin_names, load_scenario, new_scenario_text


def test_builtins_exist_and_validate(registry):
    assert set(builtin_names()) >= {"bau", "electrification", "biofuel", "multiple-pathways", "nze-2060"}
    for n in builtin_names():
        sc = load_scenario(n, known_sources=set(registry.sources.index))
        assert sc.title and sc.sources, n


def test_extends_merges_levers():
    sc = load_scenario("nze-2060")
    assert sc.extends == "bau"
    assert sc.levers.power_scenario == "jetp-cipp"
    assert sc.levers.ice_phaseout["motorcycle"] == 2035


@pytest.mark.parametrize("body,message", [
    ("levers:\n  sales_shares:\n    car:\n      targets: {bevv: {2030: 20}}\n", "levers.sales_shares.car.targets"),
    ("levers:\n  sales_shares:\n    car:\n      targets: {bevv: {2030: 20}}\n", "unknown powertrain 'bevv'; allowed: ice-gasoline"),
    ("levers:\n  sales_shares:\n    lorry: {targets: {}}\n", "unknown class 'lorry'; allowed: motorcycle, car, bus, truck"),
    ("levers:\n  biodiesel_blend: {2030: 150}\n", "levers.biodiesel_blend"),
    ("levers:\n  biodiesel_blend: {2090: 50}\n", "year 2090 outside 2010..2060"),
    ("levers:\n  luc: sometimes\n", "levers.luc"),
    ("levers:\n  colour: blue\n", "levers.colour: unknown key; allowed here: biodiesel_blend"),
    ("levers:\n  ethanol_feedstock: {molasses: 50}\n", "must sum to 100"),
    ("levers:\n  scrappage:\n    car: {start: 2035, end: 2030, rate: 10}\n", "end 2030 is before start 2035"),
    ("extends: nowhere\nlevers: {}\n", "unknown scenario 'nowhere'; built-in scenarios: bau"),
    ("levers: [1, 2\n", "not valid YAML"),
])
def test_bad_scenario_errors(tmp_path, body, message):
    p = tmp_path / "bad.yaml"
    p.write_text("name: bad\n" + body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value) or "nowhere" in str(info.value)


def test_unknown_source_in_scenario(tmp_path, registry):
    p = tmp_path / "s.yaml"
    p.write_text("name: s\nsources: [who-knows]\nlevers: {}\n")
    with pytest.raises(ScenarioError, match="unknown source id"):
        load_scenario(p, known_sources=set(registry.sources.index))


def test_extends_loop(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nextends: b.yaml\nlevers: {}\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\nlevers: {}\n")
    with pytest.raises(ScenarioError, match="loop"):
        load_scenario(tmp_path / "a.yaml")


def test_new_scenario_text_is_valid(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text(new_scenario_text("mine", "electrification"))
    sc = load_scenario(p)
    assert sc.name == "mine" and sc.levers.ice_phaseout == {"motorcycle": 2040, "car": 2040}


def test_unknown_scenario_name():
    with pytest.raises(ScenarioError, match="unknown scenario 'green'"):
        load_scenario("green")
