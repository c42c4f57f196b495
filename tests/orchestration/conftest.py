"""Fixtures of the orchestrator tests, as in tests/runners: a LEAN project, the Docker daemon, the engine image."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from lean_runner.runners.fixtures import require_docker, require_engine_image

ALGORITHMS = Path(__file__).parents[1] / "runners" / "algorithms"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A LEAN project folder holding the test algorithms."""
    folder = tmp_path / "project"
    shutil.copytree(ALGORITHMS, folder)
    return folder


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """The real Docker daemon (fails under CI=true when unreachable, skips otherwise)."""
    client = require_docker()
    yield client
    client.close()


@pytest.fixture(scope="session")
def engine_image(docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The workbench engine image built from the current sources, once per session."""
    cache = Path.home() / ".cache" / "lean-workbench" / "wheels"
    return require_engine_image(docker_client, cache)
