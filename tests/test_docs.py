"""The documentation agrees with the code: the generated reference pages are current and name every lever, table
and command; the site builds strictly; the API example runs; and every command of the README tour and of the
tutorial runs as written."""

from __future__ import annotations

import importlib.util
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from jalur import datasets
from jalur.cli import main
from jalur.pathways.scenario import Levers

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _gen():
    spec = importlib.util.spec_from_file_location("jalur_docs_gen", DOCS / "gen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_generated_reference_pages_are_current(tmp_path):
    gen = _gen()
    gen.main(tmp_path)
    for name in gen.PAGES:
        assert (tmp_path / name).read_text() == (DOCS / "ref" / name).read_text(), \
            f"docs/ref/{name} is stale: run python3 docs/gen.py"


def test_every_lever_table_and_command_is_documented():
    levers = (DOCS / "ref" / "levers.md").read_text()
    for lever in Levers.model_fields:
        assert f"## `{lever}`" in levers, lever
    tables = (DOCS / "ref" / "tables.md").read_text()
    for name in datasets.load().names():
        assert f"## `{name}`" in tables, name
    cli = (DOCS / "ref" / "cli.md").read_text()
    for cmd in ("run", "compare", "calibrate", "tax", "tco", "vehicle", "vehicle compare", "vehicle sensitivity",
                "scenario new", "scenario show", "scenario check", "data show", "data check", "data sources"):
        assert f"## `jalur {cmd}`" in cli, cmd
    assert "`--lang`" in cli and "`--tkdn`" in cli


def test_the_site_builds_strictly(tmp_path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(tmp_path / "site")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    methods = (tmp_path / "site" / "methods" / "index.html").read_text()
    assert "Fuel blends by year of use" in methods  # the README's engine sections are included, not copied
    assert "api_tour" in (tmp_path / "site" / "api-tutorial" / "index.html").read_text()


def test_the_api_example_runs(capsys):
    runpy.run_path(str(DOCS / "examples" / "api_tour.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "BEV lower than the flexy engine on E20: {2030: True, 2045: True}" in out
    assert "art-12-bev-non-lcev" in out and "multiple-pathways 2040: crude palm oil" in out


def _commands(markdown: str) -> list[list[str]]:
    """The jalur commands of a text's bash blocks: comments and [optional parts] dropped, `\\` lines joined, `&&`
    split; lines with a '...' placeholder skipped."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S):
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            line = re.sub(r"\s#.*$", "", line).strip()
            if not line.startswith("jalur") or "..." in line:
                continue
            for part in line.split("&&"):
                part = re.sub(r"\[[^\]]*\]", "", part).strip()
                args = shlex.split(part)
                if args and args[0] == "jalur":
                    out.append(args[1:])
    return out


@pytest.mark.parametrize("page", ["README.md", "docs/tutorial.md"])
def test_every_command_of_the_tour_runs_as_written(page, tmp_path, monkeypatch, capsys):
    commands = _commands((ROOT / page).read_text())
    assert len(commands) >= (25 if page == "README.md" else 10)
    monkeypatch.chdir(tmp_path)
    for args in commands:
        code = main(args)
        captured = capsys.readouterr()
        assert code == 0, (args, captured.err[-2000:])
