"""Run the Examples sections of the docstrings of every module of the package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import jalur

MODULES = sorted(m.name for m in pkgutil.walk_packages(jalur.__path__, "jalur."))
#: Modules whose model functions must show what a call returns.
WITH_EXAMPLES = ["jalur.units", "jalur.datasets", "jalur.uncertainty", "jalur.fleet.survival", "jalur.fleet.ownership",
                 "jalur.policy.ppnbm", "jalur.policy.tco", "jalur.vehicle.compare", "jalur.vehicle.lifecycle"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    if name in WITH_EXAMPLES:
        assert tried > 0, f"{name} has no examples"
