"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# The registry cache of this test session lives in a folder of its own, never in the user's ~/.cache, and is off
# unless a test turns it on (tests/test_cache.py): a session derives far more than a user's command would keep.
os.environ["JALUR_HOME"] = tempfile.mkdtemp(prefix="jalur-test-home-")
os.environ["JALUR_NO_CACHE"] = "1"


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
