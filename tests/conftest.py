"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny registry under tests/fixtures/mini."""
    dst = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dst)
    return dst


@pytest.fixture(scope="session")
def registry():
    """The shipped data, loaded and validated once."""
    from jalur import datasets

    return datasets.load()
