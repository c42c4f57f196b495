"""The composition root of the runner side: store, result index, runners, event bus and orchestrator, built once.

The lead's ``Settings`` map onto :class:`RunnerSettings` one field per setting; the API, the
dashboard and notebooks receive the built :class:`BacktestOrchestrator` (never a global).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lean_runner.orchestration.events import EventBus
from lean_runner.orchestration.orchestrator import BacktestOrchestrator, OrchestratorOptions
from lean_runner.results_index.index import ResultIndex
from lean_runner.runners.base import Runner
from lean_runner.runners.container_spec import ContainerLimits
from lean_runner.runners.docker_runner import DockerRunner
from lean_runner.runners.image_build import DEFAULT_ENGINE_IMAGE
from lean_runner.runners.lean_config import load_lean_base_config
from lean_runner.runners.local import LocalRunner
from lean_runner.store.database import BacktestStore


@dataclass(frozen=True)
class RunnerSettings:
    """The runner-side settings; see ``docs/runner.md`` for each one's environment variable.

    ``max_concurrent`` 0 means the CPU count; ``run_timeout`` None or 0 means none;
    ``docker_cpus`` 0/None and ``docker_memory`` ""/None mean no limit.
    """

    project: Path
    data_folder: Path
    cache_folder: Path | None = None
    database_url: str | None = None
    max_concurrent: int = 0
    run_timeout: float | None = None
    stop_timeout: float = 30.0
    docker_image: str = DEFAULT_ENGINE_IMAGE
    docker_cpus: float | None = 1.0
    docker_memory: str | None = "4g"
    lean_config_file: Path | None = None
    progress_interval: float = 0.25  # live charts update up to 4 times a second
    result_poll_interval: float = 2.0
    docker: bool = True


def concurrency(value: int) -> int:
    """``value``, or the CPU count when it is 0 or less."""
    return value if value > 0 else (os.cpu_count() or 1)


def build_runners(settings: RunnerSettings) -> dict[str, Runner]:
    """The local runner always; the docker runner when enabled (it connects lazily, on first use)."""
    runners: dict[str, Runner] = {"local": LocalRunner()}
    if settings.docker:
        base = load_lean_base_config(settings.lean_config_file) if settings.lean_config_file else None
        runners["docker"] = DockerRunner(image=settings.docker_image,
                                         limits=ContainerLimits(cpus=settings.docker_cpus or None,
                                                                memory=settings.docker_memory or None),
                                         lean_base_config=base)
    return runners


def build_orchestrator(settings: RunnerSettings, *, events: EventBus | None = None,
                       runners: dict[str, Runner] | None = None) -> BacktestOrchestrator:
    """Open the store and assemble the orchestrator (call ``start()`` on it to recover and run).

    Raises StoreConfigurationError / StoreUnavailableError for a bad or unreachable database.
    """
    project = settings.project.resolve()
    store = BacktestStore.open(settings.database_url, project=project)
    options = OrchestratorOptions(project=project, data_folder=settings.data_folder.resolve(),
                                  cache_folder=settings.cache_folder, max_concurrent=concurrency(
                                      settings.max_concurrent),
                                  run_timeout=settings.run_timeout or None, stop_timeout=settings.stop_timeout,
                                  progress_interval=settings.progress_interval,
                                  result_poll_interval=settings.result_poll_interval)
    return BacktestOrchestrator(options=options, store=store, index=ResultIndex(project),
                                runners=runners if runners is not None else build_runners(settings),
                                events=events)
