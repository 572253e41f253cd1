"""The lever reference (lever-reference.yaml) agrees with the scenario schema, and every example in it is a valid
lever; `scenario show` explains each lever and `scenario new` lists them all."""

from __future__ import annotations

import pytest
import yaml

from jalur.cli import main
from jalur.pathways.scenario import Levers, lever_reference, load_scenario, new_scenario_text


def test_every_lever_has_a_reference_entry_and_no_more():
    ref = lever_reference()
    assert list(ref) == list(Levers.model_fields)
    for lever, entry in ref.items():
        assert {"unit", "allowed", "example", "en", "id"} <= set(entry), lever
        assert entry["en"] != entry["id"], lever


@pytest.mark.parametrize("lever", list(Levers.model_fields))
def test_each_example_is_a_valid_lever(tmp_path, lever):
    example = yaml.safe_load(lever_reference()[lever]["example"])
    assert list(example) == [lever]
    p = tmp_path / "ex.yaml"
    p.write_text(yaml.safe_dump({"name": "ex", "title": "example", "extends": "bau", "levers": example}))
    sc = load_scenario(str(p))
    assert sc.levers.model_dump(mode="json")[lever] != Levers().model_dump(mode="json")[lever] or lever in (
        "population", "gdp")  # the example changes something (these two have one choice in the data)


def test_the_new_scenario_template_lists_every_lever_and_is_valid(tmp_path):
    text = new_scenario_text("mine", "bau")
    for lever in Levers.model_fields:
        assert f"  # {lever}: " in text, lever
    p = tmp_path / "mine.yaml"
    p.write_text(text)
    assert load_scenario(str(p)).name == "mine"


def test_scenario_show_explains_each_lever(capsys):
    assert main(["scenario", "show", "nze-2060", "--lang", "id"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for lever in Levers.model_fields:
        assert lever in text, lever
    assert "Campuran biodiesel sawit" in text and "% FAME by volume" in text
    assert main(["scenario", "show", "bau", "--yaml"]) == 0
    assert "levers:" in capsys.readouterr().out
