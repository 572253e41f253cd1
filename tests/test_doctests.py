"""Run the Examples sections of the docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["jalur.units", "jalur.datasets", "jalur.uncertainty", "jalur.vehicle.fuels", "jalur.vehicle.grid",
           "jalur.vehicle.compare", "jalur.vehicle.lifecycle"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    failures, tried = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried > 0, f"{name} has no examples"
    assert failures == 0
