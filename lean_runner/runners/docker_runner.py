"""``DockerRunner``: executes a :class:`ContainerSpec` with the docker SDK (local daemon or ``DOCKER_HOST``).

The adapter is thin on purpose: what to run is decided by
:func:`~lean_runner.runners.container_spec.build_container_spec`; this module creates and
starts the container, streams its logs (reading them also after it exits), waits for it,
stops it (the spec's SIGINT, then a kill after a grace period) and removes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests.exceptions
from docker.models.containers import Container
from docker.types import Mount as DockerMount

from lean_runner.runners.base import LineSink, RunExit, RunRef
from lean_runner.runners.container_spec import (
    IMAGE_LABEL_ENGINE,
    LABEL_BACKTEST_ID,
    LABEL_MANAGED,
    LABEL_PROJECT,
    ContainerLimits,
    ContainerSpec,
    EngineFlavor,
    build_container_spec,
)
from lean_runner.runners.errors import EngineUnavailableError
from lean_runner.runners.request import RunPlan

ClientFactory = Callable[[], docker.DockerClient]


def connect_docker(timeout: float = 30) -> docker.DockerClient:
    """A client for the daemon of ``DOCKER_HOST`` (or the local socket); raises EngineUnavailableError."""
    try:
        client = docker.from_env(timeout=int(timeout))
        client.ping()
    except (docker.errors.DockerException, requests.exceptions.RequestException) as error:
        where = os.environ.get("DOCKER_HOST") or "the local socket"
        raise EngineUnavailableError(f"cannot reach the Docker daemon at {where}: {error}. Start dockerd (or "
                                     f"set DOCKER_HOST), or run with engine 'local'.") from error
    return client


def image_flavor(labels: Mapping[str, str] | None) -> EngineFlavor:
    """The workbench's engine image says so in a label; any other image is taken to be LEAN."""
    value = (labels or {}).get(IMAGE_LABEL_ENGINE)
    return EngineFlavor.WORKBENCH if value == EngineFlavor.WORKBENCH.value else EngineFlavor.LEAN


class DockerRun:
    """A started container: its log lines go to ``on_line``; ``wait`` returns after the logs are read."""

    def __init__(self, container: Container, on_line: LineSink) -> None:
        self._container = container
        self._exit: RunExit | None = None
        self._done = threading.Event()
        self._waiter = threading.Thread(target=self._follow, args=(on_line,), daemon=True,
                                        name=f"docker-run-{container.short_id}")
        self._waiter.start()

    @property
    def engine_ref(self) -> str:
        return str(self._container.id)

    def _follow(self, on_line: LineSink) -> None:
        try:
            reader = threading.Thread(target=_stream_logs, args=(self._container, on_line), daemon=True)
            reader.start()
            status = self._container.wait()
            reader.join()
            code = int(status.get("StatusCode", 1))
            oom = False
            with contextlib.suppress(docker.errors.APIError):
                self._container.reload()
                oom = bool(self._container.attrs.get("State", {}).get("OOMKilled"))
            self._exit = RunExit(exit_code=code, signal="SIGKILL" if code == 137 else None, oom_killed=oom)
        except docker.errors.NotFound:
            self._exit = RunExit(exit_code=1, signal="SIGKILL")  # removed from outside while running
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            on_line(f"ERROR:: lost the container's status: {error}")
            self._exit = RunExit(exit_code=1)
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> RunExit | None:
        if not self._done.wait(timeout):
            return None
        return self._exit

    def stop(self, grace: float) -> RunExit:
        # Docker sends the spec's stop signal (SIGINT), waits ``grace`` seconds, then kills.
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError,
                                 requests.exceptions.RequestException):
            self._container.stop(timeout=max(1, round(grace)))
        exit_ = self.wait(grace + 30)
        if exit_ is None:
            with contextlib.suppress(docker.errors.APIError):
                self._container.kill()
            exit_ = self.wait()
        assert exit_ is not None
        return exit_

    def cleanup(self) -> None:
        with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
            self._container.remove(force=True)


def _stream_logs(container: Container, on_line: LineSink) -> None:
    """Split the log stream into lines; ``follow`` ends when the container exits, after its last line."""
    buffer = b""
    try:
        for chunk in container.logs(stream=True, follow=True, stdout=True, stderr=True):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                on_line(line.decode("utf-8", errors="replace").rstrip("\r"))
    except (docker.errors.APIError, requests.exceptions.RequestException):
        pass
    if buffer:
        on_line(buffer.decode("utf-8", errors="replace").rstrip("\r"))


class DockerRunner:
    """Runs backtests in LEAN-contract containers.

    ``image`` is the default image (a run's request may name another); ``limits`` are per
    container; ``lean_base_config`` is the handler block mounted for the real LEAN image
    (:func:`~lean_runner.runners.lean_config.default_lean_base_config` when None);
    ``run_as_host_user`` runs the workbench image as this machine's uid:gid so result files
    stay yours (LEAN's image always runs as root).
    """

    engine = "docker"

    def __init__(self, *, image: str, limits: ContainerLimits, client_factory: ClientFactory = connect_docker,
                 lean_base_config: Mapping[str, Any] | None = None, run_as_host_user: bool = True) -> None:
        self.image = image
        self._limits = limits
        self._client_factory = client_factory
        self._client: docker.DockerClient | None = None
        self._lock = threading.Lock()
        self._lean_base_config = lean_base_config
        self._user = f"{os.getuid()}:{os.getgid()}" if run_as_host_user else None

    @property
    def client(self) -> docker.DockerClient:
        with self._lock:
            if self._client is None:
                self._client = self._client_factory()
            return self._client

    def image_for(self, plan_image: str | None) -> str:
        return plan_image or self.image

    def image_id(self, image: str) -> str | None:
        with contextlib.suppress(docker.errors.DockerException, requests.exceptions.RequestException,
                                 EngineUnavailableError):
            return str(self.client.images.get(image).id)
        return None

    def flavor(self, image: str) -> EngineFlavor:
        try:
            found = self.client.images.get(image)
        except docker.errors.ImageNotFound as error:
            raise EngineUnavailableError(
                f"the image '{image}' is not on this Docker host. Build the workbench engine image with "
                f"`workbench image build`, or load a LEAN image, then run again.") from error
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            raise EngineUnavailableError(f"cannot inspect the image '{image}': {error}") from error
        return image_flavor(found.labels)

    def spec_for(self, plan: RunPlan) -> ContainerSpec:
        image = self.image_for(plan.image)
        from lean_runner.runners.lean_config import default_lean_base_config

        base = self._lean_base_config if self._lean_base_config is not None else default_lean_base_config()
        return build_container_spec(plan, image=image, flavor=self.flavor(image), limits=self._limits,
                                    user=self._user, lean_base_config=base)

    def start(self, plan: RunPlan, on_line: LineSink) -> DockerRun:
        spec = self.spec_for(plan)
        spec.config_file.write_text(json.dumps(spec.config, indent=4) + "\n", encoding="utf-8")
        for mount in spec.mounts:  # a missing bind source would be created by the daemon, owned by root
            if not Path(mount.source).exists():
                raise EngineUnavailableError(f"cannot mount {mount.source} at {mount.target}: it does not exist")
        kwargs = spec.create_kwargs()
        kwargs["mounts"] = [DockerMount(m["Target"], m["Source"], type="bind", read_only=m["ReadOnly"])
                            for m in kwargs["mounts"]]
        try:
            self._remove_stale(spec.name)
            container = self.client.containers.create(**kwargs)
        except docker.errors.ImageNotFound as error:
            raise EngineUnavailableError(f"the image '{spec.image}' is not on this Docker host") from error
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            raise EngineUnavailableError(f"Docker could not create the container: {error}") from error
        try:
            container.start()
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
            raise EngineUnavailableError(f"Docker could not start the container: {error}") from error
        return DockerRun(container, on_line)

    def _remove_stale(self, name: str) -> None:
        """A container left with this name by an earlier attempt would block the create."""
        with contextlib.suppress(docker.errors.NotFound):
            stale = self.client.containers.get(name)
            stale.remove(force=True)

    def reattach(self, ref: RunRef, on_line: LineSink) -> DockerRun | None:
        """Follow the container labelled with ``ref.backtest_id`` again (its logs replay from the start)."""
        try:
            found = self.client.containers.list(all=True,
                                                filters={"label": f"{LABEL_BACKTEST_ID}={ref.backtest_id}"})
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            raise EngineUnavailableError(f"cannot list containers: {error}") from error
        if not found:
            return None
        return DockerRun(found[0], on_line)

    def sweep_orphans(self, project: Path, keep: set[str]) -> list[str]:
        """Stop and remove this project's containers whose backtest id is not in ``keep``."""
        removed: list[str] = []
        for container in self.managed_containers(project):
            backtest_id = container.labels.get(LABEL_BACKTEST_ID, "")
            if backtest_id in keep:
                continue
            with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
                container.stop(timeout=10)
                container.remove(force=True)
                removed.append(backtest_id)
        return removed

    def managed_containers(self, project: Path) -> list[Container]:
        """This project's workbench containers, running or not."""
        filters: dict[str, str | list[str] | bool] = {"label": [f"{LABEL_MANAGED}=true", f"{LABEL_PROJECT}={project}"]}
        try:
            return list(self.client.containers.list(all=True, filters=filters))
        except (docker.errors.APIError, requests.exceptions.RequestException) as error:
            raise EngineUnavailableError(f"cannot list containers: {error}") from error

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
