"""``OptimizationService``: create, list, read, cancel and delete optimizations of the project; follow their progress.

The API, the CLI and the dashboard call this one service. An optimization runs on a thread of
its own; its child backtests run on the warm engine pool (one per core), or on the Dask
cluster when a scheduler is configured. Results live in ``<project>/optimizations/<name>/``
(see :mod:`lean_runner.optimization.optimizer`), so a list survives restarts.

Example::

    service = workbench.optimizations
    summary = service.create(CreateOptimizationRequest(algorithm="ema_crossover.py",
                             parameters=[ParameterRangeModel(name="ema-fast", min=5, max=20, step=5)]))
    events = service.subscribe(summary.name)          # OptimizationEvent objects, then None at the end
    service.wait(summary.name).best.parameters
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lean_runner.optimization import (
    Constraint,
    LocalChildExecutor,
    OptimizationConflictError,
    OptimizationEvent,
    OptimizationNotFoundError,
    OptimizationSpec,
    ParameterOptimizer,
    ParameterRange,
    Target,
)
from lean_runner.optimization.children import ChildExecutor
from lean_runner.optimization.optimizer import SUMMARY_FILE, TERMINAL_STATUSES
from lean_runner.optimization.walk_forward import WALK_FORWARD_FILE, run_walk_forward
from lean_runner.orchestration.runtime import concurrency
from lean_runner.results_index.names import new_result_folder
from lean_runner.runners.local import LocalRunner
from lean_runner.services import models

OPTIMIZATIONS_FOLDER = "optimizations"
_NAME_CHARACTERS = set("0123456789-_")


@dataclass
class _Running:
    name: str
    kind: str
    spec: OptimizationSpec
    cancel: threading.Event = field(default_factory=threading.Event)
    subscribers: list[queue.SimpleQueue[OptimizationEvent | None]] = field(default_factory=list)
    last: OptimizationEvent | None = None
    thread: threading.Thread | None = None
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class OptimizationService:
    """The optimizations of one project."""

    def __init__(self, *, project: Path, data_folder: Path, cache_folder: Path | None, runner: LocalRunner,
                 max_concurrent: int = 0, dask_scheduler: str = "", dask_data_folder: str = "",
                 child_timeout: float | None = None, stop_timeout: float = 10.0) -> None:
        self.project = project.resolve()
        self.folder = self.project / OPTIMIZATIONS_FOLDER
        self._data_folder = data_folder
        self._cache_folder = cache_folder
        self._runner = runner
        self._max_concurrent = max_concurrent
        self._dask_scheduler = dask_scheduler
        self._dask_data_folder = dask_data_folder
        self._child_timeout = child_timeout
        self._stop_timeout = stop_timeout
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()

    # -- building ------------------------------------------------------------------------------------------
    def spec_of(self, request: models.CreateOptimizationRequest) -> OptimizationSpec:
        """The optimization a request describes; raises OptimizationSpecError listing its problems."""
        window: dict[str, Any] = {}
        if request.start_date:
            window["start-date"] = request.start_date.isoformat()
        if request.end_date:
            window["end-date"] = request.end_date.isoformat()
        if request.cash:
            window["cash"] = request.cash
        return OptimizationSpec(
            algorithm=request.algorithm, strategy=request.strategy,
            target=Target(request.target, request.target_direction),
            parameters=[ParameterRange(p.name, p.min, p.max, p.step) for p in request.parameters],
            constraints=[Constraint.parse(text) for text in request.constraints],
            fixed_parameters=dict(request.fixed_parameters), window=window, max_concurrent=request.max_concurrent,
            child_timeout=request.child_timeout)

    def optimizer(self, max_concurrent: int = 0) -> ParameterOptimizer:
        """An optimizer on the configured executor: the Dask cluster when one is set, else this machine's cores."""
        executor: ChildExecutor
        if self._dask_scheduler:
            from lean_runner.optimization.dask_cluster import DaskChildExecutor

            executor = DaskChildExecutor(self._dask_scheduler, data_folder=self._dask_data_folder or None)
        else:
            executor = LocalChildExecutor(self._runner, max_concurrent=concurrency(max_concurrent or
                                                                                   self._max_concurrent))
        return ParameterOptimizer(executor=executor, data_folder=self._data_folder, cache_folder=self._cache_folder,
                                  child_timeout=self._child_timeout, stop_timeout=self._stop_timeout)

    # -- use cases -----------------------------------------------------------------------------------------
    def create(self, request: models.CreateOptimizationRequest) -> models.OptimizationSummary:
        """Check the request, then start the optimization on a thread of its own; returns its summary."""
        spec = self.spec_of(request)
        optimizer = self.optimizer(request.max_concurrent)
        optimizer.check(spec, self.project)
        walk = request.walk_forward
        if walk is not None:
            from lean_runner.optimization.walk_forward import split_walk_forward

            split_walk_forward(walk.start_date, walk.end_date, folds=walk.folds,
                               in_sample_segments=walk.in_sample_segments)  # refuses a bad plan now, not later
        folder = new_result_folder(self.folder)
        running = _Running(folder.name, "walk-forward" if walk else "optimization", spec)

        def publish(event: OptimizationEvent) -> None:
            self._publish(running, event)

        def work() -> None:
            try:
                if walk is None:
                    optimizer.run(spec, project=self.project, folder=folder, on_event=publish, cancel=running.cancel)
                else:
                    run_walk_forward(optimizer, spec, project=self.project, folder=folder, start=walk.start_date,
                                     end=walk.end_date, folds=walk.folds, in_sample_segments=walk.in_sample_segments,
                                     on_event=publish, cancel=running.cancel)
            except Exception as error:  # recorded on the summary; the thread must not die silently
                running.error = f"{type(error).__name__}: {error}"
            finally:
                close = getattr(optimizer.executor, "close", None)
                if close is not None:
                    close()
                self._end(running)

        running.thread = threading.Thread(target=work, name=f"optimization-{folder.name}", daemon=True)
        with self._lock:
            self._running[folder.name] = running
        running.thread.start()
        return self.summary(folder.name)

    def run(self, request: models.CreateOptimizationRequest,
            on_event: Callable[[OptimizationEvent], None] | None = None,
            cancel: threading.Event | None = None, folder: Path | None = None) -> models.OptimizationDetail:
        """Run an optimization to its end on this thread (the CLI) in ``folder`` (default: a new
        ``optimizations/<timestamp>``); returns its detail."""
        spec = self.spec_of(request)
        optimizer = self.optimizer(request.max_concurrent)
        optimizer.check(spec, self.project)
        folder = folder.resolve() if folder is not None else new_result_folder(self.folder)
        try:
            optimizer.run(spec, project=self.project, folder=folder, on_event=on_event, cancel=cancel)
        finally:
            close = getattr(optimizer.executor, "close", None)
            if close is not None:
                close()
        return self.get(folder.name) if folder.parent == self.folder else self._detail_at(folder, None)

    def list(self) -> models.OptimizationList:
        names = sorted((p.name for p in self.folder.iterdir() if p.is_dir()), reverse=True) \
            if self.folder.is_dir() else []
        summaries = []
        for name in names:
            with contextlib.suppress(OptimizationNotFoundError):
                summaries.append(self.summary(name))
        return models.OptimizationList(optimizations=summaries)

    def summary(self, name: str) -> models.OptimizationSummary:
        detail = self.get(name)
        return models.OptimizationSummary(**detail.model_dump(exclude={"children", "stability", "walk_forward"}))

    def get(self, name: str) -> models.OptimizationDetail:
        """An optimization's detail: every child, the best, stability, warnings (and the walk-forward view)."""
        folder = self._folder_of(name)
        with self._lock:
            running = self._running.get(name)
        return self._detail_at(folder, running)

    def _detail_at(self, folder: Path, running: _Running | None) -> models.OptimizationDetail:
        name = folder.name
        if (folder / WALK_FORWARD_FILE).is_file() or (running is not None and running.kind == "walk-forward"):
            return self._walk_forward_detail(folder, running)
        summary = _read_json(folder / SUMMARY_FILE)
        if summary is None:
            if running is None:
                raise OptimizationNotFoundError(f"no optimization '{name}' in {self.folder}")
            return _starting_detail(name, running)
        status = summary["status"]
        if running is None and status not in TERMINAL_STATUSES:
            status = "failed"  # a workbench that stopped mid-run left it so
        spec = summary["spec"]
        return models.OptimizationDetail(
            name=name, status=status, algorithm=spec["algorithm"], strategy=spec["strategy"], target=spec["target"],
            target_direction=spec["target_direction"], kind="optimization", done=summary["total"],
            failed=summary["failed"], best=summary["best"], warnings=summary["warnings"],
            started_at=summary["started_at"], finished_at=summary["finished_at"],
            error=summary["error"] or (running.error if running else None), children=summary["children"],
            stability=summary["stability"])

    def cancel(self, name: str) -> models.OptimizationSummary:
        """Stop a running optimization (every child is stopped); 409 when it has finished."""
        self._folder_of(name)
        with self._lock:
            running = self._running.get(name)
        if running is None:
            raise OptimizationConflictError(f"optimization '{name}' is not running")
        running.cancel.set()
        running.finished.wait(self._stop_timeout + 60)
        return self.summary(name)

    def delete(self, name: str) -> None:
        """Delete an optimization's folder; 409 while it runs."""
        folder = self._folder_of(name)
        with self._lock:
            if name in self._running:
                raise OptimizationConflictError(f"optimization '{name}' is running; cancel it first")
        shutil.rmtree(folder)

    def wait(self, name: str, timeout: float | None = None) -> models.OptimizationDetail:
        with self._lock:
            running = self._running.get(name)
        if running is not None:
            running.finished.wait(timeout)
        return self.get(name)

    def subscribe(self, name: str) -> queue.SimpleQueue[OptimizationEvent | None]:
        """A queue of the optimization's events from now on, ending with None (at once when it has finished)."""
        self._folder_of(name)
        events: queue.SimpleQueue[OptimizationEvent | None] = queue.SimpleQueue()
        with self._lock:
            running = self._running.get(name)
            if running is None:
                events.put(None)
            else:
                if running.last is not None:
                    events.put(running.last)
                running.subscribers.append(events)
        return events

    def unsubscribe(self, name: str, events: queue.SimpleQueue[OptimizationEvent | None]) -> None:
        with self._lock:
            running = self._running.get(name)
            if running is not None and events in running.subscribers:
                running.subscribers.remove(events)

    def close(self) -> None:
        """Cancel running optimizations and wait for them."""
        with self._lock:
            running = list(self._running.values())
        for item in running:
            item.cancel.set()
        for item in running:
            item.finished.wait(self._stop_timeout + 60)

    # -- helpers -------------------------------------------------------------------------------------------
    def _publish(self, running: _Running, event: OptimizationEvent) -> None:
        with self._lock:
            running.last = event
            subscribers = list(running.subscribers)
        for subscriber in subscribers:
            subscriber.put(event)

    def _end(self, running: _Running) -> None:
        with self._lock:
            self._running.pop(running.name, None)
            subscribers = list(running.subscribers)
            running.subscribers.clear()
        for subscriber in subscribers:
            subscriber.put(None)
        running.finished.set()

    def _folder_of(self, name: str) -> Path:
        if not name or not set(name) <= _NAME_CHARACTERS or not (self.folder / name).is_dir():
            raise OptimizationNotFoundError(f"no optimization '{name}' in {self.folder}")
        return self.folder / name

    def _walk_forward_detail(self, folder: Path, running: _Running | None) -> models.OptimizationDetail:
        data = _read_json(folder / WALK_FORWARD_FILE)
        spec = running.spec.to_dict() if running else (_read_json(folder / "fold-1" / SUMMARY_FILE) or {}).get(
            "spec", {})
        status: Any = "running" if running else (data or {}).get("status", "failed")
        folds = (data or {}).get("folds", [])
        done = sum(1 for f in folds if f.get("out_of_sample_status"))
        return models.OptimizationDetail(
            name=folder.name, status=status, algorithm=spec.get("algorithm", ""),
            strategy=spec.get("strategy", ""), target=spec.get("target", ""),
            target_direction=spec.get("target_direction", "max"), kind="walk-forward", done=done,
            failed=sum(1 for f in folds if f.get("out_of_sample_status") not in (None, "completed")), best=None,
            warnings=(data or {}).get("warnings", []), started_at=None, finished_at=None,
            error=running.error if running else None, children=[], stability=None, walk_forward=data)


def _starting_detail(name: str, running: _Running) -> models.OptimizationDetail:
    spec = running.spec.to_dict()
    return models.OptimizationDetail(name=name, status="running", algorithm=spec["algorithm"],
                                     strategy=spec["strategy"], target=spec["target"],
                                     target_direction=spec["target_direction"], kind="optimization", done=0,
                                     failed=0, best=None, warnings=[], started_at=None, finished_at=None,
                                     error=running.error, children=[], stability=None)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
