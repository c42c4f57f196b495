"""A real :class:`Workbench` (store, orchestrator, local engine) over a copy of test-project and the real data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_runner.services import Workbench
from lean_runner.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SLOW_ALGORITHM = REPO / "tests" / "runners" / "algorithms" / "slow_minute.py"


def make_project(folder: Path) -> Path:
    """A copy of test-project (no results) with the slow test algorithm beside its strategies."""
    shutil.copytree(REPO / "test-project", folder, ignore=shutil.ignore_patterns("backtests", "compiled"))
    shutil.copy(SLOW_ALGORITHM, folder / "slow_minute.py")
    return folder


def open_workbench(project: Path, lean_data: Path, cache: Path) -> Workbench:
    settings = Settings.from_env({"WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
                                  "WORKBENCH_CACHE_FOLDER": str(cache), "WORKBENCH_ENGINE": "local",
                                  "WORKBENCH_MAX_CONCURRENT": "2", "WORKBENCH_STOP_TIMEOUT": "5"})
    workbench = Workbench.from_settings(settings)
    workbench.start()
    return workbench


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path) -> Iterator[Workbench]:
    project = make_project(tmp_path_factory.mktemp("app") / "project")
    opened = open_workbench(project, lean_data, parse_cache)
    yield opened
    opened.close()
