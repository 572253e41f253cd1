"""`jalur run --store` and `jalur runs list|show|export|delete`: the run store from the command line."""

from __future__ import annotations

import json

from jalur.cli import main
from jalur.store import RunRequest, RunStore


def test_a_cli_run_kept_in_the_store(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JALUR_HOME", str(tmp_path / "home"))
    scen = tmp_path / "mine.yaml"
    scen.write_text("name: mine\nextends: bau\nlevers:\n  fuel_economy: 1.2\n")
    assert main(["run", str(scen), "--store"]) == 0
    run_id = RunRequest.from_cli(str(scen)).id
    assert run_id in capsys.readouterr().err
    store = RunStore()
    assert store.status(run_id)["status"] == "done"
    assert main(["runs", "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == run_id
    assert main(["runs", "show", run_id]) == 0
    assert '"scenario": "mine"' in capsys.readouterr().out
    assert main(["runs", "export", run_id, "--out", str(tmp_path / "exported")]) == 0
    assert (tmp_path / "exported" / "workbook.xlsx").exists() and (tmp_path / "exported" / "iamc.csv").exists()
    assert main(["runs", "export", run_id, "--out", str(tmp_path / "exported")]) == 2   # not empty: refused
    assert main(["runs", "delete", run_id]) == 0
    assert store.status(run_id) is None
    for bad in (["runs", "show", "../etc"], ["runs", "delete", "0123456789abcdef"]):
        assert main(bad) == 2
        assert "Traceback" not in capsys.readouterr().err


def test_the_same_request_from_the_cli_and_the_api_has_one_id(tmp_path):
    scen = tmp_path / "b.yaml"
    scen.write_text("name: bau-copy\nextends: bau\n")
    assert RunRequest.from_cli("bau").id == RunRequest("bau").id
    assert RunRequest.from_cli(str(scen)).id != RunRequest("bau").id          # another name, another scenario


def test_serve_refuses_a_public_address_without_a_token(capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "give --token" in capsys.readouterr().err
