"""Fixtures of the runner tests: a throwaway LEAN project (Docker fixtures are in tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ALGORITHMS = Path(__file__).parent / "algorithms"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A LEAN project folder holding the test algorithms."""
    folder = tmp_path / "project"
    shutil.copytree(ALGORITHMS, folder)
    return folder
