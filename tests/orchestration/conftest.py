"""Fixtures of the orchestrator tests: a LEAN project of the runner test algorithms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ALGORITHMS = Path(__file__).parents[1] / "runners" / "algorithms"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A LEAN project folder holding the test algorithms."""
    folder = tmp_path / "project"
    shutil.copytree(ALGORITHMS, folder)
    return folder
