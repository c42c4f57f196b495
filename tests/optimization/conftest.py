"""Fixtures of the optimization tests: a project with the EMA crossover and a misbehaving algorithm,
and the warm engine pool."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_runner.runners.warm_pool import WarmEnginePool

REPO = Path(__file__).resolve().parents[2]
ALGORITHMS = Path(__file__).parent / "algorithms"


@pytest.fixture
def sweep_project(tmp_path: Path) -> Path:
    """test-project's EMA crossover and the misbehaving algorithm, with their parameters in config.json."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "test-project" / "ema_crossover.py", project)
    shutil.copy(ALGORITHMS / "misbehaving.py", project)
    (project / "config.json").write_text(json.dumps(
        {"algorithm-language": "Python", "parameters": {"ema-fast": "10", "ema-slow": "50", "mode": "0"}}))
    return project


@pytest.fixture
def warm_pool(lean_data: Path) -> Iterator[WarmEnginePool]:
    pool = WarmEnginePool(data_folder=lean_data)
    yield pool
    pool.close()
