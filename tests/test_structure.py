"""The structure the code keeps: names live in the data, size limits, help without data, one memo facility."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import jalur
from jalur.catalog import STAGES, shipped

SRC = Path(jalur.__file__).parent
#: The one module allowed to spell names of the catalogue: it reads them from the data (and fixes the stages).
CATALOGUE = SRC / "catalog.py"


def _literals(path: Path):
    """String constants of a module that are not docstrings, with their line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node.lineno, node.value


def test_no_catalogue_name_is_spelled_in_code(registry):
    """Powertrain, class, region and stage names appear in no string of the code but the catalogue's.

    A string that names a data table (``reg.table("land-use-change")``) is the table's name, not the stage's.
    """
    cat = shipped()
    names = {**{n: "powertrain" for n in cat.powertrains}, **{n: "class" for n in cat.classes},
             **{n: "region" for n in cat.regions}, **{n: "stage" for n in STAGES}}
    tables = set(registry.names())
    found = [f"{p.relative_to(SRC)}:{ln}: {kind} {text!r}" for p in sorted(SRC.rglob("*.py")) if p != CATALOGUE
             for ln, text in _literals(p) if text not in tables for kind in [names.get(text)] if kind]
    assert not found, "names belong in the data (branch on catalogue attributes):\n" + "\n".join(found)


def test_functions_and_modules_stay_small():
    long, big = [], []
    for p in sorted(SRC.rglob("*.py")):
        text = p.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            big.append(f"{p.relative_to(SRC)} ({text.count(chr(10))} lines)")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80:
                long.append(f"{p.relative_to(SRC)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long and not big, "\n".join(long + big)


def test_no_attribute_is_set_on_a_registry(registry):
    with pytest.raises(AttributeError, match="read-only"):
        registry.cache = {}
    with pytest.raises(TypeError):
        registry.tables["x"] = None


@pytest.mark.parametrize("args", [["--help"], ["vehicle", "--help"], ["vehicle", "lca", "--help"], ["tax", "--help"]])
def test_help_loads_no_data_registry(args):
    code = ("import jalur.datasets.registry as r\nfrom jalur.cli import main\nimport contextlib, io\n"
            f"with contextlib.redirect_stdout(io.StringIO()) as f:\n    main({args!r})\n"
            "print(r._shipped.cache_info().currsize, 'powertrains' in f.getvalue() or 'Usage' in f.getvalue())")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert got == ["0", "True"]


def test_a_registry_travels_to_worker_processes_without_its_memo(registry):
    import pickle

    from jalur.catalog import catalog

    catalog(registry)                                   # fills the memo
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.names() == registry.names() and copy.data_version == registry.data_version
    assert copy._memo == {} and catalog(copy).powertrains.keys() == catalog(registry).powertrains.keys()
