"""Test fixtures' logic for the real Docker daemon, the engine image and PostgreSQL, kept in one place.

Each ``require_*`` function skips the calling test when its part is missing, except under
``CI=true``, where it fails instead: CI installs and starts every part, so a missing one is a
broken CI, not a reason to skip.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import NoReturn

import docker

from lean_runner.runners.errors import BacktestRunError
from lean_runner.runners.image_build import LOCAL_BASE_IMAGE, REPO_ROOT, ensure_engine_image

TEST_ENGINE_IMAGE = "lean-workbench/engine:test"
DEFAULT_TEST_POSTGRES_URL = "postgresql://workbench:workbench@127.0.0.1:5432/workbench_test"
_build_lock = threading.Lock()


def missing(reason: str) -> NoReturn:
    """Fail under CI=true, skip otherwise."""
    import pytest

    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: CI must provide it; see .ci/install-system.sh)")
    pytest.skip(reason)


def require_docker() -> docker.DockerClient:
    from lean_runner.runners.docker_runner import connect_docker

    try:
        return connect_docker(timeout=10)
    except BacktestRunError as error:
        missing(f"no Docker daemon: {error.message}")


def require_engine_image(client: docker.DockerClient, wheel_cache: Path, tag: str = TEST_ENGINE_IMAGE) -> str:
    """Build the engine image from the current sources (layer-cached: seconds when unchanged).

    The base is ``python:3.11-slim`` if present, else the mmdebstrap base, which is built
    with ``scripts/build-base-image.sh`` when it is missing too.
    """
    with _build_lock:
        try:
            client.images.get("python:3.11-slim")
        except docker.errors.ImageNotFound:
            try:
                client.images.get(LOCAL_BASE_IMAGE)
            except docker.errors.ImageNotFound:
                script = REPO_ROOT / "scripts" / "build-base-image.sh"
                completed = subprocess.run(["bash", str(script)], capture_output=True, text=True)
                if completed.returncode != 0:
                    missing(f"cannot build the base image: {completed.stderr.strip()[-1000:]}")
        try:
            ensure_engine_image(client, tag=tag, wheel_cache=wheel_cache)
        except BacktestRunError as error:
            missing(f"cannot build the engine image: {error.message}")
    return tag


def require_postgres(url: str | None = None) -> str:
    """A reachable PostgreSQL URL (``WORKBENCH_TEST_DATABASE_URL`` or the CI default)."""
    from sqlalchemy import create_engine, text

    from lean_runner.store.database import parse_database_url

    url = url or os.environ.get("WORKBENCH_TEST_DATABASE_URL") or DEFAULT_TEST_POSTGRES_URL
    try:
        engine = create_engine(parse_database_url(url), connect_args={"connect_timeout": 5})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure means: no usable server
        missing(f"no PostgreSQL at {url}: {str(error).splitlines()[0]}")
    return url
