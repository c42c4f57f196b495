"""The docker run of one backtest as a plain value, built by a pure function from a run plan.

The LEAN container contract: the config at ``/Lean/Launcher/bin/Debug/config.json``,
data at ``/Lean/Data``, the project at ``/LeanCLI``, results at ``/Results``, the object
store at ``/Storage``. The real ``quantconnect/lean`` image and the workbench's own engine
image both honour it; they differ only in the entrypoint and a few extras
(:class:`EngineFlavor`). :class:`~lean_runner.runners.docker_runner.DockerRunner` executes
the value; tests assert on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from lean_runner.runners.lean_config import CONFIG_FILE_NAME, ConfigPaths, build_lean_config
from lean_runner.runners.request import RunPlan

LEAN_LAUNCHER_FOLDER = "/Lean/Launcher/bin/Debug"
CONTAINER_CONFIG = f"{LEAN_LAUNCHER_FOLDER}/config.json"
CONTAINER_DATA = "/Lean/Data"
CONTAINER_PROJECT = "/LeanCLI"
CONTAINER_RESULTS = "/Results"
CONTAINER_STORAGE = "/Storage"
CONTAINER_CACHE = "/Cache"

LABEL_PREFIX = "org.lean-workbench"
LABEL_MANAGED = f"{LABEL_PREFIX}.managed"
LABEL_BACKTEST_ID = f"{LABEL_PREFIX}.backtest-id"
LABEL_ALGORITHM_ID = f"{LABEL_PREFIX}.algorithm-id"
LABEL_PROJECT = f"{LABEL_PREFIX}.project"
LABEL_RESULT_FOLDER = f"{LABEL_PREFIX}.result-folder"
LABEL_STRATEGY = f"{LABEL_PREFIX}.strategy"
# Set on the workbench's engine image; an image without it is taken to be LEAN.
IMAGE_LABEL_ENGINE = f"{LABEL_PREFIX}.engine"
CONTAINER_NAME_PREFIX = "lean_workbench_"


class EngineFlavor(StrEnum):
    """Which engine an image holds."""

    LEAN = "lean"            # quantconnect/lean or an image built from it: dotnet QuantConnect.Lean.Launcher.dll
    WORKBENCH = "workbench"  # this project's engine image: python -m lean_runner.engine


@dataclass(frozen=True)
class Mount:
    """A bind mount: ``source`` on the Docker host, ``target`` in the container."""

    source: str
    target: str
    read_only: bool


@dataclass(frozen=True)
class ContainerLimits:
    """CPU (in cores, fractions allowed) and memory (Docker's ``"4g"``/``"512m"``) per container; None = no limit."""

    cpus: float | None = None
    memory: str | None = None


@dataclass(frozen=True)
class ContainerSpec:
    """Everything ``docker run`` needs, plus the config file the adapter writes before it."""

    image: str
    name: str
    entrypoint: tuple[str, ...]
    command: tuple[str, ...]
    working_dir: str
    mounts: tuple[Mount, ...]
    environment: Mapping[str, str]
    labels: Mapping[str, str]
    stop_signal: str
    nano_cpus: int | None
    mem_limit: str | None
    user: str | None
    network_mode: str | None
    config: Mapping[str, Any] = field(default_factory=dict)
    config_file: Path = Path()

    def create_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for docker SDK ``containers.create`` (mounts as plain mount dicts)."""
        kwargs: dict[str, Any] = {
            "image": self.image, "name": self.name, "entrypoint": list(self.entrypoint),
            "command": list(self.command) or None, "working_dir": self.working_dir,
            "environment": dict(self.environment), "labels": dict(self.labels), "stop_signal": self.stop_signal,
            "detach": True, "tty": False, "stdin_open": False,
            "mounts": [{"Target": m.target, "Source": m.source, "Type": "bind", "ReadOnly": m.read_only}
                       for m in self.mounts],
        }
        for key, value in (("nano_cpus", self.nano_cpus), ("mem_limit", self.mem_limit), ("user", self.user),
                           ("network_mode", self.network_mode)):
            if value is not None:
                kwargs[key] = value
        return kwargs


def container_name(backtest_id: str) -> str:
    return f"{CONTAINER_NAME_PREFIX}{backtest_id.replace('-', '')}"


def build_container_spec(plan: RunPlan, *, image: str, flavor: EngineFlavor, limits: ContainerLimits,
                         user: str | None = None, lean_base_config: Mapping[str, Any] | None = None) -> ContainerSpec:
    """The container that runs ``plan`` on ``image``.

    Example::

        spec = build_container_spec(plan, image="lean-workbench/engine:latest", flavor=EngineFlavor.WORKBENCH,
                                    limits=ContainerLimits(cpus=1.0, memory="4g"))
        [m.target for m in spec.mounts]   # ['/LeanCLI', '/Lean/Data', '/Results', '/Storage', ...]

    ``user`` (``"uid:gid"``) only applies to the workbench image; LEAN runs as its image's root.
    """
    workbench = flavor is EngineFlavor.WORKBENCH
    paths = ConfigPaths(algorithm_location=f"{CONTAINER_PROJECT}/{plan.algorithm_relative}",
                        data_folder=CONTAINER_DATA, results_folder=CONTAINER_RESULTS,
                        storage_folder=CONTAINER_STORAGE,
                        cache_folder=CONTAINER_CACHE if workbench and plan.cache_folder else None)
    config = build_lean_config(plan, paths, base=lean_base_config, workbench_keys=workbench)
    config_file = plan.result_folder / CONFIG_FILE_NAME
    mounts = [
        Mount(str(plan.code_folder), CONTAINER_PROJECT, read_only=True),
        Mount(str(plan.data_folder), CONTAINER_DATA, read_only=True),
        Mount(str(plan.result_folder), CONTAINER_RESULTS, read_only=False),
        Mount(str(plan.storage_folder), CONTAINER_STORAGE, read_only=False),
        Mount(str(config_file), CONTAINER_CONFIG, read_only=True),
    ]
    if workbench and plan.cache_folder:
        mounts.append(Mount(str(plan.cache_folder), CONTAINER_CACHE, read_only=False))
    if workbench:
        entrypoint: tuple[str, ...] = ("python", "-m", "lean_runner.engine", "--config", CONTAINER_CONFIG)
        environment = {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/tmp"}
    else:
        # dotnet is PID 1, so the stop signal (SIGINT) reaches LEAN's CancelKeyPress handler directly.
        entrypoint = ("dotnet", "QuantConnect.Lean.Launcher.dll")
        environment = {}
    labels = {
        LABEL_MANAGED: "true",
        LABEL_BACKTEST_ID: plan.backtest_id,
        LABEL_ALGORITHM_ID: plan.algorithm_id,
        LABEL_PROJECT: str(plan.project),
        LABEL_RESULT_FOLDER: str(plan.result_folder),
        LABEL_STRATEGY: plan.algorithm.stem,
    }
    return ContainerSpec(
        image=image, name=container_name(plan.backtest_id), entrypoint=entrypoint,
        command=("--config", CONTAINER_CONFIG) if not workbench else (),
        working_dir=LEAN_LAUNCHER_FOLDER, mounts=tuple(mounts), environment=environment, labels=labels,
        stop_signal="SIGINT",
        nano_cpus=int(limits.cpus * 1_000_000_000) if limits.cpus else None,
        mem_limit=limits.memory or None,
        user=user if workbench else None,
        # The embedded engine needs no network; LEAN keeps Docker's default bridge.
        network_mode="none" if workbench else None,
        config=config, config_file=config_file,
    )
