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
    ("levers:\n  biodiesel_blend: {2090: 50}\n", "year 2090 outside 2026..2060"),
    ("levers:\n  biodiesel_blend: {2012: 100}\n", "2010-2025 is history and comes from the data"),
    ("levers:\n  scrappage:\n    car: {start: 2020, end: 2030, rate: 10}\n", "levers.scrappage.car.start"),
    ("levers:\n  luc: sometimes\n", "levers.luc"),
    ("levers:\n  colour: blue\n", "levers.colour: unknown key; allowed here: battery_origin, biodiesel_blend"),
    ("levers:\n  ethanol_feedstock: {molasses: 50}\n", "must sum to 100"),
    ("levers:\n  scrappage:\n    car: {start: 2035, end: 2030, rate: 10}\n", "end 2030 is before start 2035"),
    ("extends: nowhere\nlevers: {}\n", "extends: unknown scenario 'nowhere'; built-in scenarios: bau"),
    ("levers: [1, 2\n", "not valid YAML"),
])
def test_bad_scenario_errors(tmp_path, body, message):
    p = tmp_path / "bad.yaml"
    p.write_text("name: bad\n" + body)
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value)


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


def test_child_replaces_year_maps_and_can_drop_inherited_targets(tmp_path):
    p = tmp_path / "child.yaml"
    p.write_text("name: child\nextends: multiple-pathways\nlevers:\n  sales_shares:\n"
                 "    car: {targets: {bev: {2030: 20, 2040: 60}, hev: null}}\n"
                 "  ethanol_feedstock: {sugarcane: 100}\n  biodiesel_blend: {2035: 60}\n")
    sc = load_scenario(p)
    car = sc.levers.sales_shares["car"].targets
    assert car["bev"] == {2030: 20.0, 2040: 60.0} and "hev" not in car and "phev" in car
    assert sc.levers.ethanol_feedstock == {"sugarcane": 100.0}
    assert sc.levers.biodiesel_blend == {2035: 60.0}


def test_levers_naming_missing_data_and_overshooting_targets(tmp_path, registry):
    from jalur.pathways.model import run

    p = tmp_path / "s.yaml"
    p.write_text("name: s\nlevers:\n  power_scenario: jetp\n")
    with pytest.raises(ScenarioError, match=r"s.yaml: levers.power_scenario: 'jetp' is not allowed; allowed: coal-lock"):
        run(p, registry=registry)
    p.write_text("name: s\nlevers:\n  sales_shares:\n    car: {targets: {bev: {2030: 70}, hev: {2030: 40}}}\n")
    with pytest.raises(ScenarioError, match=r"levers.sales_shares.car: the targets add up to 110.0 % in 2030"):
        run(p, registry=registry)
    p.write_text("name: s\nlevers:\n  sales_shares:\n    motorcycle: {targets: {hev: {2030: 10}}}\n")
    with pytest.raises(ScenarioError, match=r"'hev' is not sold in class motorcycle"):
        run(p, registry=registry)


def test_new_scenario_names_are_checked(tmp_path):
    from jalur.errors import InputError
    from jalur.pathways.scenario import write_new_scenario

    with pytest.raises(InputError, match="not allowed"):
        write_new_scenario(tmp_path / "x.yaml", "bad name/x", "bau")
    with pytest.raises(InputError, match="built-in scenario"):
        write_new_scenario(tmp_path / "bau.yaml", "bau", "bau")
    assert write_new_scenario(tmp_path / "my-plan.yaml", "my-plan", "bau").exists()
