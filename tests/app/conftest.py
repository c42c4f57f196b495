"""A real :class:`Workbench` (store, orchestrator, local engine) over a copy of test-project and the real data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_server import make_project

from lean_runner.services import Workbench
from lean_runner.settings import Settings


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
