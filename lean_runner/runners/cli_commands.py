"""Bodies of ``workbench backtest --engine docker`` and ``workbench image build`` (the lead wires the flags).

    workbench backtest ALGORITHM.py --engine docker [--image IMAGE] [--output DIR] [--parameter NAME VALUE]...
    workbench image build [--base IMAGE] [--tag TAG]
"""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path
from typing import TextIO

from lean_runner.orchestration.monitor import RunMonitor
from lean_runner.orchestration.orchestrator import new_algorithm_id
from lean_runner.orchestration.planning import PlanningContext, judge_outcome, prepare_run, record_engine_ref
from lean_runner.progress_bar import BacktestProgressBar
from lean_runner.results_index.names import new_result_folder
from lean_runner.runners.container_spec import ContainerLimits
from lean_runner.runners.docker_runner import DockerRunner, connect_docker
from lean_runner.runners.errors import BacktestRunError
from lean_runner.runners.image_build import DEFAULT_ENGINE_IMAGE, ensure_engine_image
from lean_runner.runners.request import BacktestRequest
from lean_runner.store.models import BacktestRecord


def run_docker_backtest(algorithm: Path, *, data_folder: Path, image: str | None = None,
                        default_image: str = DEFAULT_ENGINE_IMAGE, output: Path | None = None,
                        parameters: dict[str, str] | None = None, cache_folder: Path | None = None,
                        limits: ContainerLimits | None = None, stop_timeout: float = 30.0,
                        out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one backtest of ``algorithm`` (its folder is the project) in a container; returns an exit code.

    0 completed, 1 failed, 2 unusable input or no Docker, 130 interrupted with Ctrl+C (the
    container is stopped with SIGINT, so results are still written, then removed).
    """
    algorithm = algorithm.expanduser().resolve()
    if not algorithm.is_file():
        err.write(f"error: algorithm file not found: {algorithm}\n")
        return 2
    project = algorithm.parent
    folder = output.expanduser().resolve() if output else new_result_folder(project / "backtests")
    folder.mkdir(parents=True, exist_ok=True)
    runner = DockerRunner(image=default_image, limits=limits or ContainerLimits())
    request = BacktestRequest(algorithm=algorithm.name, parameters=dict(parameters or {}), engine="docker",
                              image=image)
    record = BacktestRecord(id=str(uuid.uuid4()), algorithm_id=new_algorithm_id(), status="running",
                            strategy=request.strategy, request=request.to_dict(), engine="docker",
                            image=runner.image_for(image))
    context = PlanningContext(project=project, data_folder=data_folder.expanduser().resolve(),
                              cache_folder=cache_folder, progress_interval=0.5)
    progress = _ProgressPrinter(err)
    monitor = RunMonitor(record.id, progress.on_event)
    try:
        plan = prepare_run(record, folder, runner, context)
        handle = runner.start(plan, monitor.feed)
    except BacktestRunError as error:
        progress.finish()
        err.write(f"error: {error.message}\n")
        return 2
    record_engine_ref(folder, handle.engine_ref, "docker")
    err.write(f"Running {algorithm.name} in {plan.image} (container {handle.engine_ref[:12]})\n")
    interrupted = False
    try:
        exit_ = handle.wait()
    except KeyboardInterrupt:
        interrupted = True
        err.write(f"\nStopping the container (SIGINT, kill after {stop_timeout:g} s)...\n")
        exit_ = handle.stop(stop_timeout)
    finally:
        handle.cleanup()
    assert exit_ is not None
    progress.finish()
    outcome = judge_outcome(exit_, folder, cancelled=interrupted, timed_out=None,
                            monitor_error=monitor.last_error(), monitor_statistics=dict(monitor.final_statistics))
    if outcome.statistics and outcome.status == "completed":
        width = max(len(name) for name in outcome.statistics)
        out.write("\nSTATISTICS\n")
        for name, value in outcome.statistics.items():
            out.write(f"  {name.ljust(width)}  {value}\n")
    out.write(f"\nResults: {folder}\n")
    if outcome.status == "failed":
        err.write(f"Backtest failed: {outcome.error}. See {folder / 'log.txt'}\n")
    return {"completed": 0, "cancelled": 130}.get(outcome.status, 1)


class _ProgressPrinter:
    """The run's events on the command line's progress bar; algorithm messages and errors as lines."""

    def __init__(self, err: TextIO) -> None:
        self._bar = BacktestProgressBar(err).__enter__()
        self._lock = threading.Lock()

    def on_event(self, event: object) -> None:
        from lean_runner.orchestration.events import LogEvent, ProgressEvent

        with self._lock:
            if isinstance(event, ProgressEvent):
                self._bar.show(event.progress, event.current_date or "",
                               event.equity.equity if event.equity else None)
            elif isinstance(event, LogEvent) and (event.level == "ERROR" or
                                                  event.message.startswith(("Debug:", "Log:", "Error:"))):
                self._bar.message(event.message)

    def finish(self) -> None:
        self._bar.__exit__(None, None, None)


def build_image_command(*, tag: str = DEFAULT_ENGINE_IMAGE, base: str | None = None, wheel_cache: Path,
                        out: TextIO = sys.stdout, err: TextIO = sys.stderr, verbose: bool = False) -> int:
    """Build the engine image; ``base`` defaults to python:3.11-slim, else the local mmdebstrap base."""
    def show(line: str) -> None:
        err.write(line + "\n")

    try:
        client = connect_docker()
        result = ensure_engine_image(client, tag=tag, base=base, wheel_cache=wheel_cache,
                                     on_output=show if verbose else None)
    except BacktestRunError as error:
        err.write(f"error: {error.message}\n")
        return 2
    out.write(f"Built {result.tag} ({result.image_id[:19]}) from {result.base} in {result.seconds:.1f} s\n")
    return 0
