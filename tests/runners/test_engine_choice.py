"""Choosing the engine: the auto/local/docker table, and the Docker check against the real daemon."""

from __future__ import annotations

import gc
import socket
import time
import warnings
from functools import partial
from pathlib import Path

import docker
import pytest

from lean_runner.runners.docker_runner import connect_docker
from lean_runner.runners.engine_choice import EngineChoice, choose_engine, docker_status
from lean_runner.runners.errors import EngineUnavailableError, InvalidRequestError

NO_DAEMON = "cannot reach the Docker daemon at the local socket"


def _drop_sockets_left_by_the_docker_sdk() -> None:
    """The docker SDK leaves a socket that failed to connect to the garbage collector; collect it quietly now."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


class DockerAvailability:
    """A ``docker_available`` that answers ``reason`` and counts its calls."""

    def __init__(self, reason: str | None) -> None:
        self.reason = reason
        self.calls = 0

    def __call__(self) -> str | None:
        self.calls += 1
        return self.reason


@pytest.mark.parametrize(("requested", "docker_reason", "expected", "asks_docker"), [
    ("auto", None, EngineChoice("docker"), True),
    ("auto", NO_DAEMON, EngineChoice("local", NO_DAEMON), True),
    ("local", None, EngineChoice("local"), False),
    ("local", NO_DAEMON, EngineChoice("local"), False),
    ("docker", None, EngineChoice("docker"), True),
])
def test_choose_engine(requested: str, docker_reason: str | None, expected: EngineChoice, asks_docker: bool) -> None:
    availability = DockerAvailability(docker_reason)
    assert choose_engine(requested, docker_available=availability) == expected
    assert availability.calls == (1 if asks_docker else 0)


def test_docker_requested_without_docker_raises_the_reason() -> None:
    with pytest.raises(EngineUnavailableError, match=NO_DAEMON) as raised:
        choose_engine("docker", docker_available=DockerAvailability(NO_DAEMON))
    assert (raised.value.code, raised.value.http_status) == ("engine_unavailable", 503)


@pytest.mark.parametrize("requested", ["Docker", "container", "", " auto"])
def test_unknown_engine_is_a_validation_error_naming_the_choices(requested: str) -> None:
    availability = DockerAvailability(None)
    with pytest.raises(InvalidRequestError, match="'auto', 'local', 'docker'") as raised:
        choose_engine(requested, docker_available=availability)
    assert raised.value.details[0]["path"] == "engine"
    assert availability.calls == 0


def test_engine_choice_is_frozen() -> None:
    choice = EngineChoice("local", "why")
    with pytest.raises(AttributeError):
        choice.engine = "docker"  # type: ignore[misc]


def test_docker_status_is_none_for_a_reachable_daemon_with_the_image(docker_client: docker.DockerClient,
                                                                     engine_image: str) -> None:
    assert docker_status(partial(connect_docker, timeout=10), engine_image) is None


def test_docker_status_names_a_missing_image(docker_client: docker.DockerClient) -> None:
    reason = docker_status(partial(connect_docker, timeout=10), "lean-workbench/engine:no-such-tag")
    assert reason is not None
    assert "'lean-workbench/engine:no-such-tag' is not on this Docker host" in reason
    assert "workbench image build" in reason


def test_docker_status_fails_fast_without_a_daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-daemon.sock'}")
    started = time.monotonic()
    reason = docker_status(partial(connect_docker, timeout=10), "lean-workbench/engine:latest")
    elapsed = time.monotonic() - started
    _drop_sockets_left_by_the_docker_sdk()
    assert elapsed < 2
    assert reason is not None and "cannot reach the Docker daemon" in reason and "no-daemon.sock" in reason


def test_docker_status_of_a_daemon_that_never_answers_takes_no_longer_than_the_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never replies
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        monkeypatch.setenv("DOCKER_HOST", address)
        started = time.monotonic()
        reason = docker_status(partial(connect_docker, timeout=1), "lean-workbench/engine:latest")
        elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 4
    assert reason is not None and f"cannot reach the Docker daemon at {address}" in reason


def test_docker_status_reports_a_factory_that_is_not_the_workbenchs(tmp_path: Path) -> None:
    def plain_client() -> docker.DockerClient:
        return docker.DockerClient(base_url=f"unix://{tmp_path / 'no-daemon.sock'}", timeout=2)

    reason = docker_status(plain_client, "lean-workbench/engine:latest")
    _drop_sockets_left_by_the_docker_sdk()
    assert reason is not None and reason.startswith("cannot reach the Docker daemon:")
