"""``BacktestOrchestrator``: a FIFO queue of backtests, at most N running at once, cancel, timeouts, events."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lean_runner.engine.results.reader import ResultFolderError, read_result_folder
from lean_runner.orchestration.events import (
    BacktestEvent,
    CancelledEvent,
    CompletedEvent,
    EventBus,
    FailedEvent,
    QueuedEvent,
    StartedEvent,
    Subscription,
)
from lean_runner.orchestration.monitor import ResultFilePoller, RunMonitor, RunSnapshot
from lean_runner.orchestration.planning import (
    Outcome,
    PlanningContext,
    judge_outcome,
    prepare_run,
    record_engine_ref,
)
from lean_runner.orchestration.status import BacktestStatus, check_transition
from lean_runner.results_index.index import ResultIndex
from lean_runner.runners.base import RunExit, RunHandle, Runner
from lean_runner.runners.errors import BacktestRunError, InvalidRequestError
from lean_runner.runners.lean_progress import EquityPoint
from lean_runner.runners.request import BacktestRequest
from lean_runner.store.database import BacktestStore
from lean_runner.store.ids import new_id
from lean_runner.store.models import BacktestRecord

log = logging.getLogger(__name__)
_WAIT_SLICE = 0.25


@dataclass(frozen=True)
class OrchestratorOptions:
    """``max_concurrent`` runs at once; ``run_timeout`` (s, None = none) per run unless the request sets one;
    ``stop_timeout`` (s) between the stop signal and the kill; ``result_poll_interval`` (s) for LEAN's result file."""

    project: Path
    data_folder: Path
    cache_folder: Path | None = None
    max_concurrent: int = 1
    run_timeout: float | None = None
    stop_timeout: float = 30.0
    progress_interval: float = 0.25  # live charts update up to 4 times a second
    result_poll_interval: float = 2.0


@dataclass
class _ActiveRun:
    record_id: str
    engine: str
    monitor: RunMonitor | None = None
    handle: RunHandle | None = None
    result_folder: Path | None = None
    cancel_requested: bool = False
    detach: bool = False
    shutdown_reason: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class BacktestOrchestrator:
    """Queues backtests and runs them on the configured runners; the one owner of run state.

    Example::

        orchestrator = BacktestOrchestrator(options=..., store=store, index=ResultIndex(project),
                                            runners={"local": LocalRunner()})
        orchestrator.start()                       # recovers what an earlier process left running
        record = orchestrator.submit(BacktestRequest(algorithm="main.py"))
        orchestrator.wait(record.id).status        # 'completed'
    """

    def __init__(self, *, options: OrchestratorOptions, store: BacktestStore, index: ResultIndex,
                 runners: Mapping[str, Runner], events: EventBus | None = None) -> None:
        self.options = options
        self.store = store
        self.index = index
        self.runners = dict(runners)
        self.events = events or EventBus()
        self._queue: deque[tuple[str, RunHandle | None]] = deque()
        self._active: dict[str, _ActiveRun] = {}
        self._lock = threading.Condition()
        self._workers: list[threading.Thread] = []
        self._closing = False
        self._planning = PlanningContext(project=options.project, data_folder=options.data_folder,
                                         cache_folder=options.cache_folder,
                                         progress_interval=options.progress_interval)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> object:
        """Reconcile what an earlier process left (see :mod:`.recovery`), then start the workers."""
        from lean_runner.orchestration.recovery import recover

        report = recover(self)
        for number in range(max(1, self.options.max_concurrent)):
            worker = threading.Thread(target=self._work, name=f"backtest-worker-{number}", daemon=True)
            worker.start()
            self._workers.append(worker)
        return report

    def close(self, *, stop_running: bool = True, timeout: float | None = None) -> None:
        """Stop the workers. Queued backtests stay queued for the next start.

        ``stop_running``: running backtests are stopped and marked cancelled. Otherwise container
        runs are left running for the next start to re-attach, and local runs (which cannot be
        followed again) are stopped and marked failed as interrupted.
        """
        with self._lock:
            if self._closing:
                return
            self._closing = True
            runs = list(self._active.values())
            self._lock.notify_all()
        for run in runs:
            if run.handle is None:
                # Still queued (it stays queued for the next start) or being launched right now: a launch
                # that finishes after this sees the request and stops its run at once (see _launch).
                if run.engine == "docker" and not stop_running:
                    run.detach = True
                else:
                    run.shutdown_reason = "stopped: the workbench shut down"
                    run.cancel_requested = True
                continue
            if stop_running:
                run.shutdown_reason = "stopped: the workbench shut down"
                run.cancel_requested = True
                run.handle.stop(self.options.stop_timeout)
            elif run.engine == "docker":
                run.detach = True
            else:
                run.shutdown_reason = "interrupted: the workbench shut down while it ran"
                run.handle.stop(self.options.stop_timeout)
        for worker in self._workers:
            worker.join(timeout)
        self._workers.clear()

    # -- requests ------------------------------------------------------------------------------------------
    def submit(self, request: BacktestRequest, *, record_fields: Mapping[str, Any] | None = None) -> BacktestRecord:
        """Queue ``request``; raises InvalidRequestError listing what is wrong with it.

        ``record_fields`` are stored on the record as given (``user_id``, ``strategy_version_id``, ``config``,
        ``tags``, ``conversation_id``).
        """
        request.validate(self.options.project)
        if request.engine not in self.runners:
            raise InvalidRequestError(f"engine '{request.engine}' is not available here; use one of "
                                      f"{', '.join(sorted(self.runners))}",
                                      details=[{"path": "engine", "message": "not available"}])
        runner = self.runners[request.engine]
        record = BacktestRecord(id=new_id("bt"), algorithm_id=new_algorithm_id(),
                                status=BacktestStatus.QUEUED.value, strategy=request.strategy,
                                request=request.to_dict(), engine=request.engine,
                                image=runner.image_for(request.image), **dict(record_fields or {}))
        with self._lock:
            self.store.add(record)
            self._active[record.id] = _ActiveRun(record.id, record.engine)
            self._queue.append((record.id, None))
            position = len(self._queue)
            self._lock.notify()
        self._publish(QueuedEvent(backtest_id=record.id, position=position))
        return record

    def cancel(self, backtest_id: str) -> BacktestRecord:
        """Cancel a queued or running backtest; returns once it has stopped. Finished ones are a conflict."""
        with self._lock:
            record = self.store.get(backtest_id)
            check_transition(backtest_id, record.status, BacktestStatus.CANCELLED)
            run = self._active.get(backtest_id)
            if (backtest_id, None) in self._queue:
                self._queue.remove((backtest_id, None))
                record = self._set_status(backtest_id, BacktestStatus.CANCELLED, finished_at=_now())
                self._active.pop(backtest_id, None)
                self._publish(CancelledEvent(backtest_id=backtest_id, result_folder=None))
                return record
            if run is None:  # running, but not in this process (another orchestrator owns it)
                return record
            run.cancel_requested = True
            handle = run.handle
        if handle is not None:
            handle.stop(self.options.stop_timeout)
        run.finished.wait()
        return self.store.get(backtest_id)

    def get(self, backtest_id: str) -> BacktestRecord:
        return self.store.get(backtest_id)

    def wait(self, backtest_id: str, timeout: float | None = None) -> BacktestRecord:
        """Block until the backtest has finished (or ``timeout`` passed); returns its record."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                run = self._active.get(backtest_id)
            if run is None:
                return self.store.get(backtest_id)
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return self.store.get(backtest_id)
            run.finished.wait(remaining if remaining is not None else 1.0)

    def snapshot(self, backtest_id: str) -> RunSnapshot:
        """The backtest's current state: status, progress, equity so far, statistics, recent log lines."""
        record = self.store.get(backtest_id)
        with self._lock:
            run = self._active.get(backtest_id)
        if run is not None and run.monitor is not None:
            return run.monitor.snapshot(record.status, error=record.error, result_folder=record.result_folder)
        equity: list[EquityPoint] = []
        if record.result_folder and record.status == BacktestStatus.COMPLETED:
            try:
                curve = read_result_folder(self.index.backtests / record.result_folder).equity_curve()
                equity = [EquityPoint(t, v) for t, v in curve]
            except ResultFolderError:
                equity = []
        done = record.status == BacktestStatus.COMPLETED
        return RunSnapshot(backtest_id=record.id, status=record.status, progress=1.0 if done else 0.0,
                           percent=100.0 if done else 0.0, equity=equity, statistics=dict(record.statistics),
                           error=record.error, result_folder=record.result_folder)

    def watch(self, backtest_id: str) -> tuple[RunSnapshot, Subscription]:
        """Subscribe to a backtest's events and take its snapshot (events may repeat what the snapshot shows)."""
        subscription = self.events.subscribe(backtest_id)
        return self.snapshot(backtest_id), subscription

    def delete_result(self, name: str) -> None:
        """Delete a result folder and its record; refused while its backtest runs."""
        self.index.delete(name)
        record = self.store.find_by_result_folder(name)
        if record is not None:
            self.store.delete(record.id)

    def is_active(self, backtest_id: str) -> bool:
        with self._lock:
            return backtest_id in self._active

    # -- workers -----------------------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closing:
                    self._lock.wait()
                if self._closing:
                    return
                backtest_id, handle = self._queue.popleft()
                run = self._active[backtest_id]
            try:
                self._execute(run, handle)
            except Exception:  # a bug must not kill the worker or leave the run "running"
                log.exception("backtest %s: unexpected error", backtest_id)
                self._finish(run, Outcome("failed", "internal error in the orchestrator (see its log)", {}))

    def _execute(self, run: _ActiveRun, attached: RunHandle | None) -> None:
        record = self.store.get(run.record_id)
        runner = self.runners.get(record.engine)
        if runner is None:
            self._finish(run, Outcome("failed", f"engine '{record.engine}' is not available here", {}))
            return
        handle = attached
        try:
            if handle is None:
                handle = self._launch(run, record, runner)
                if handle is None:  # cancelled before it started
                    self._finish(run, Outcome("cancelled", run.shutdown_reason, {}))
                    return
            timeout = BacktestRequest.from_dict(record.request).timeout or self.options.run_timeout
            exit_, timed_out = self._follow(run, handle, timeout, record.started_at)
            if exit_ is None:  # detached on shutdown: the container runs on, a later start re-attaches it
                return
            assert run.monitor is not None
            outcome = judge_outcome(exit_, run.result_folder, cancelled=run.cancel_requested,
                                    timed_out=timeout if timed_out else None,
                                    monitor_error=run.monitor.last_error(),
                                    monitor_statistics=dict(run.monitor.final_statistics))
            if run.shutdown_reason and outcome.status != "completed":
                outcome = Outcome("cancelled" if run.cancel_requested else "failed", run.shutdown_reason,
                                  outcome.statistics)
            handle.cleanup()
            self._finish(run, outcome)
        except BacktestRunError as error:
            if handle is not None:
                handle.cleanup()
            self._finish(run, Outcome("failed", error.message, {}))

    def _launch(self, run: _ActiveRun, record: BacktestRecord, runner: Runner) -> RunHandle | None:
        with self._lock:
            if run.cancel_requested:
                return None
            folder = self.index.new_folder()
            run.result_folder = folder
        started = _now()
        self._set_status(record.id, BacktestStatus.RUNNING, started_at=started, result_folder=folder.name)
        plan = prepare_run(record, folder, runner, self._planning)
        monitor = RunMonitor(record.id, self._publish, result_file=folder / f"{record.algorithm_id}.json")
        run.monitor = monitor
        self._publish(StartedEvent(backtest_id=record.id, engine=record.engine, image=plan.image,
                                   result_folder=folder.name))
        handle = runner.start(plan, monitor.feed)
        self.store.update(record.id, engine_ref=handle.engine_ref)
        record_engine_ref(folder, handle.engine_ref, record.engine)
        with self._lock:
            run.handle = handle
            cancel_now = run.cancel_requested
        if cancel_now:
            handle.stop(self.options.stop_timeout)
        return handle

    def _follow(self, run: _ActiveRun, handle: RunHandle, timeout: float | None,
                started_at: datetime | None) -> tuple[RunExit | None, bool]:
        """Wait for the run's end; stop it at its timeout. ``(None, False)`` when detached."""
        assert run.monitor is not None
        poller = ResultFilePoller(run.monitor, self.options.result_poll_interval).start()
        began = (started_at or _now()).astimezone(UTC)
        try:
            while True:
                exit_ = handle.wait(_WAIT_SLICE)
                if exit_ is not None:
                    return exit_, False
                if run.detach:
                    return None, False
                if timeout is not None and (_now() - began).total_seconds() > timeout:
                    return handle.stop(self.options.stop_timeout), True
        finally:
            poller.stop()

    def _finish(self, run: _ActiveRun, outcome: Outcome) -> None:
        backtest_id = run.record_id
        try:
            self._set_status(backtest_id, BacktestStatus(outcome.status), finished_at=_now(), error=outcome.error,
                             statistics=outcome.statistics)
        except BacktestRunError:
            log.exception("backtest %s: could not record its end", backtest_id)
        folder = run.result_folder.name if run.result_folder else None
        event: BacktestEvent
        if outcome.status == BacktestStatus.COMPLETED:
            event = CompletedEvent(backtest_id=backtest_id, result_folder=folder or "",
                                   statistics=outcome.statistics)
        elif outcome.status == BacktestStatus.CANCELLED:
            event = CancelledEvent(backtest_id=backtest_id, result_folder=folder)
        else:
            event = FailedEvent(backtest_id=backtest_id, error=outcome.error or "failed", result_folder=folder)
        with self._lock:
            self._active.pop(backtest_id, None)
            if folder:
                self.index.release(folder)
        self._publish(event)
        run.finished.set()

    # -- helpers -----------------------------------------------------------------------------------------
    def _set_status(self, backtest_id: str, status: BacktestStatus, **fields: object) -> BacktestRecord:
        current = self.store.get(backtest_id).status
        check_transition(backtest_id, current, status)
        return self.store.update(backtest_id, expect_status=current, status=status.value, **fields)

    def _publish(self, event: BacktestEvent) -> None:
        self.events.publish(event)

    # used by recovery
    def _adopt(self, record: BacktestRecord, handle: RunHandle | None, monitor: RunMonitor | None,
               folder: Path | None) -> None:
        with self._lock:
            run = _ActiveRun(record.id, record.engine, monitor=monitor, handle=handle, result_folder=folder)
            self._active[record.id] = run
            if handle is not None:
                self._queue.appendleft((record.id, handle))
            else:
                self._queue.append((record.id, None))
            if folder is not None:
                self.index.claim(folder.name)


def new_algorithm_id() -> str:
    """A 10-digit LEAN algorithm id starting with 1, like lean-cli's backtest ids."""
    return "1" + "".join(random.choice("0123456789") for _ in range(9))


def _now() -> datetime:
    return datetime.now(UTC)
