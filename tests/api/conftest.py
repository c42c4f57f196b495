"""Fixtures of the API tests: one real server per module (see ``api_server.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_server import ServerProcess, make_project, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path) -> Iterator[ServerProcess]:
    project = make_project(tmp_path_factory.mktemp("served") / "project")
    running = start_server(project, lean_data, parse_cache)
    yield running
    assert running.stop() == 0, running.log_text()
