"""Fixtures shared by the whole suite: the real LEAN sample data and an isolated parse cache."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from lean_runner.runners.fixtures import require_docker, require_engine_image

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
RUNNER_ALGORITHMS = Path(__file__).parent / "runners" / "algorithms"
ENGINE_ALGORITHMS = Path(__file__).parent / "engine" / "algorithms"
# The server helpers (tests/api/api_server.py) serve the API tests, the dashboard's browser tests and bench/api.py.
sys.path.insert(0, str(Path(__file__).parent / "api"))


@pytest.fixture(scope="session")
def lean_data() -> Path:
    """``../shared/lean-data``: real market data in LEAN's format (never copied into the project)."""
    folder = SHARED / "lean-data"
    if not folder.is_dir():
        pytest.fail(f"LEAN sample data not found at {folder}; the suite needs ../shared beside the project.")
    return folder


@pytest.fixture(scope="session")
def conformance_cases() -> list[dict]:
    import json

    return json.loads((SHARED / "conformance" / "lean-cases.json").read_text())


@pytest.fixture(scope="session")
def parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A parse cache private to this test session."""
    return tmp_path_factory.mktemp("parse-cache")


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """The real Docker daemon (fails under CI=true when unreachable, skips otherwise)."""
    client = require_docker()
    yield client
    client.close()


@pytest.fixture(scope="session")
def engine_image(docker_client: docker.DockerClient) -> str:
    """The workbench engine image built from the current sources, once per session."""
    cache = Path.home() / ".cache" / "lean-workbench" / "wheels"
    return require_engine_image(docker_client, cache)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway LEAN project holding the runner test algorithms (and the engine's raising one)."""
    folder = tmp_path / "project"
    shutil.copytree(RUNNER_ALGORITHMS, folder)
    shutil.copy(ENGINE_ALGORITHMS / "raises_in_on_data.py", folder)
    return folder
