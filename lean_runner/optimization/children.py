"""Child backtests of an optimization and the local executor that runs them, many at once.

A child is a normal backtest whose result folder is ``<optimization>/<backtest-id>/`` (LEAN's
files, its ``lean-config.json``); all children read the one code snapshot in
``<optimization>/code/``. The local executor runs them on a :class:`LocalRunner`: forked from
the warm engine server when it has a warm pool, one new process each otherwise. A child that
fails is reported as failed; one that runs past ``child_timeout`` is stopped and reported as
timed out; either way the others go on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lean_runner.orchestration.planning import judge_outcome
from lean_runner.runners.base import RunHandle
from lean_runner.runners.errors import BacktestRunError
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import RunPlan

_WAIT_SLICE = 0.2


@dataclass(frozen=True)
class ChildJob:
    """One backtest of the sweep: its id (also its folder's name), parameters and optional window."""

    backtest_id: str
    parameters: Mapping[str, str]
    window: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChildOutcome:
    """How a child ended: ``completed``, ``failed`` or ``cancelled``, its statistics and the reason it failed."""

    job: ChildJob
    status: str
    statistics: dict[str, str]
    error: str | None = None


@dataclass(frozen=True)
class SweepContext:
    """What every child shares: the optimization folder, its code snapshot, the data and parse cache."""

    folder: Path
    code_folder: Path
    algorithm: Path
    data_folder: Path
    storage_folder: Path
    cache_folder: Path | None = None
    child_timeout: float | None = None
    stop_timeout: float = 10.0

    def child_folder(self, job: ChildJob) -> Path:
        return self.folder / job.backtest_id


OnChildDone = Callable[[ChildOutcome], None]


class ChildExecutor(Protocol):
    """Runs a batch of children; calls ``on_done`` (from any thread) as each one ends."""

    def run(self, context: SweepContext, jobs: Sequence[ChildJob], on_done: OnChildDone,
            cancel: threading.Event) -> None:
        ...


class LocalChildExecutor:
    """Runs ``max_concurrent`` children at a time on ``runner`` (one per core by default)."""

    def __init__(self, runner: LocalRunner, *, max_concurrent: int) -> None:
        self._runner = runner
        self.max_concurrent = max(1, max_concurrent)

    def run(self, context: SweepContext, jobs: Sequence[ChildJob], on_done: OnChildDone,
            cancel: threading.Event) -> None:
        with ThreadPoolExecutor(max_workers=self.max_concurrent, thread_name_prefix="optimization-child") as pool:
            futures = [pool.submit(self._run_one, context, job, cancel) for job in jobs]
            for future in as_completed(futures):
                on_done(future.result())

    def _run_one(self, context: SweepContext, job: ChildJob, cancel: threading.Event) -> ChildOutcome:
        if cancel.is_set():
            return ChildOutcome(job, "cancelled", {}, "the optimization was cancelled")
        folder = context.child_folder(job)
        folder.mkdir(parents=True, exist_ok=True)
        plan = child_plan(context, job)
        errors: list[str] = []
        try:
            handle = self._runner.start(plan, lambda line: _keep_error(line, errors))
        except BacktestRunError as error:
            return ChildOutcome(job, "failed", {}, error.message)
        exit_, timed_out = _follow(handle, context, cancel)
        handle.cleanup()
        outcome = judge_outcome(exit_, folder, cancelled=cancel.is_set(), timed_out=timed_out,
                                monitor_error=errors[-1] if errors else None, monitor_statistics={})
        return ChildOutcome(job, outcome.status, outcome.statistics, outcome.error)


def child_plan(context: SweepContext, job: ChildJob) -> RunPlan:
    """The run plan of one child (its folder, the shared code snapshot, its parameters and window)."""
    return RunPlan(backtest_id=job.backtest_id, algorithm_id=job.backtest_id, project=context.folder,
                   code_folder=context.code_folder, algorithm=context.algorithm, data_folder=context.data_folder,
                   result_folder=context.child_folder(job), storage_folder=context.storage_folder,
                   cache_folder=context.cache_folder, parameters=dict(job.parameters), window=dict(job.window),
                   progress_interval=5.0)


def _follow(handle: RunHandle, context: SweepContext, cancel: threading.Event) -> tuple[Any, float | None]:
    began = time.monotonic()
    while True:
        exit_ = handle.wait(_WAIT_SLICE)
        if exit_ is not None:
            return exit_, None
        if cancel.is_set():
            return handle.stop(context.stop_timeout), None
        if context.child_timeout is not None and time.monotonic() - began >= context.child_timeout:
            return handle.stop(context.stop_timeout), context.child_timeout


def _keep_error(line: str, errors: list[str]) -> None:
    if " ERROR:: " in line:
        errors.append(line.split(" ERROR:: ", 1)[1])
