"""Live backtests of one browser session: every active run's progress, and the one the charts follow.

One subscription to the orchestrator's event bus per session (all backtests). Events arrive on
worker threads; the subscription's ``wakeup`` asks ``schedule`` (the view passes the session
document's thread-safe ``add_next_tick_callback``) to call :meth:`LiveRunsModel.pump` on the
session's own thread, once per burst. Tests pass nothing and call ``pump`` themselves.

Example::

    live = LiveRunsModel(workbench=workbench)
    live.attach(backtest_id)          # snapshot first (a reload re-attaches), then events
    live.pump()                       # apply what arrived: percent, date, equity, statistics, logs
    live.followed.percent
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import param

from app.models.messages import message_of
from lean_runner.orchestration.events import (
    BacktestEvent,
    CancelledEvent,
    CompletedEvent,
    FailedEvent,
    LogEvent,
    ProgressEvent,
    QueuedEvent,
    StartedEvent,
    Subscription,
)
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services.access import ANYONE, Caller

LOG_TAIL = 200
ACTIVE = ("queued", "running")


@dataclass
class RunState:
    """What a session knows of one backtest: status, progress, the equity so far, running statistics, a log tail."""

    backtest_id: str
    name: str = ""
    status: str = "queued"
    percent: float = 0.0
    current_date: str = ""
    equity: list[tuple[float, float]] = field(default_factory=list)
    statistics: dict[str, str] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    error: str | None = None
    result_folder: str | None = None
    # When this session first saw it progress, for the ETA (wall clock, monotonic).
    first_seen: float = field(default_factory=time.monotonic)
    first_percent: float = 0.0

    @property
    def finished(self) -> bool:
        return self.status not in ACTIVE

    def eta_seconds(self, now: float | None = None) -> float | None:
        """Seconds left at the rate seen so far; None before any measurable progress or once finished."""
        if self.finished or self.percent <= self.first_percent or self.percent <= 0:
            return None
        elapsed = (time.monotonic() if now is None else now) - self.first_seen
        rate = (self.percent - self.first_percent) / max(elapsed, 1e-6)
        return max(0.0, (100.0 - self.percent) / rate)

    def add_equity(self, point_time: float, value: float) -> bool:
        """Append a point unless it is not newer than the last (a snapshot and events may overlap)."""
        if self.equity and point_time <= self.equity[-1][0]:
            return False
        self.equity.append((point_time, value))
        return True


def format_eta(seconds: float | None) -> str:
    """``75`` → ``"1 min 15 s"``; ``None`` → ``"—"``."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class LiveRunsModel(param.Parameterized):
    """Active backtests and the followed one, kept current from the event bus."""

    followed_id = param.String(default=None, allow_None=True,
                               doc="The backtest the progress bar, charts, statistics and log follow.")
    percent = param.Number(default=0.0, bounds=(0, 100), doc="The followed run's progress in percent.")
    current_date = param.String(default="", doc="The followed run's current algorithm date.")
    eta = param.String(default="—", doc="Time left for the followed run, at the rate seen so far.")
    status = param.String(default="", doc="The followed run's status (queued, running, completed, ...).")
    statistics = param.Dict(default={}, doc="The followed run's running statistics, as LEAN prints them.")
    log_tail = param.List(default=[], item_type=str, doc="The followed run's last log lines.")
    error = param.String(default="", doc="Why the followed run failed, or why an action failed.")
    new_points = param.List(default=[], doc="Equity points (unix seconds, value) that arrived in the last pump; "
                                            "charts append them (only new points travel).")
    reset_points = param.Event(doc="Fired when the followed run changes: charts start over from `followed.equity`.")
    active = param.List(default=[], doc="Rows of every run this session tracks: id, name, status, percent, date.")
    version = param.Integer(default=0, doc="Bumped after every pump that changed anything.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE,
                 schedule: Callable[[Callable[[], None]], None] | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self.runs: dict[str, RunState] = {}
        self._schedule = schedule
        self._pending = threading.Event()
        self._lock = threading.Lock()
        self._subscription: Subscription | None = workbench.orchestrator.events.subscribe(
            None, maxsize=50_000, wakeup=self._wake if schedule is not None else None)

    # -- threads → session ----------------------------------------------------------------------------------
    def _wake(self) -> None:
        # Called on the publisher's thread: schedule one pump per burst, never block the run.
        if self._schedule is None or self._pending.is_set():
            return
        self._pending.set()
        self._schedule(self._pump_scheduled)

    def _pump_scheduled(self) -> None:
        self.pump()

    def close(self) -> None:
        """Stop listening (the session ended)."""
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None
        self._schedule = None

    # -- attaching -------------------------------------------------------------------------------------------
    def attach(self, backtest_id: str) -> RunState:
        """Track ``backtest_id`` from its current state on (as a late joiner) and follow it."""
        snapshot = self.workbench.backtests.snapshot(backtest_id, self.caller)
        record = self.workbench.orchestrator.store.find(backtest_id)
        state = self.runs.get(backtest_id) or RunState(backtest_id=backtest_id,
                                                       name=getattr(record, "strategy", "") or "")
        state.status = snapshot.status
        state.percent = float(snapshot.percent)
        state.first_percent = state.percent
        state.first_seen = time.monotonic()
        state.current_date = snapshot.current_date or ""
        state.statistics = dict(snapshot.statistics)
        state.logs = list(snapshot.logs)[-LOG_TAIL:]
        state.error = snapshot.error
        state.result_folder = snapshot.result_folder
        for point in snapshot.equity:
            state.add_equity(float(point.time), float(point.equity))
        self.runs[backtest_id] = state
        self.follow(backtest_id)
        return state

    def attach_running(self) -> str | None:
        """After a page load: track every queued or running backtest and follow the newest; its id or None."""
        records = self.workbench.orchestrator.store.with_status(*ACTIVE)
        newest = None
        for record in sorted(records, key=lambda r: (r.created_at, r.id)):
            try:
                self.attach(record.id)
                newest = record.id
            except BacktestRunError:  # finished between the query and the snapshot
                continue
        self._publish_rows()
        return newest

    def follow(self, backtest_id: str) -> None:
        """Point the progress bar, charts, statistics and log at a tracked run."""
        if backtest_id not in self.runs:
            self.attach(backtest_id)
            return
        self.followed_id = backtest_id
        self._publish_followed()
        self.param.trigger("reset_points")
        self._publish_rows()

    @property
    def followed(self) -> RunState | None:
        return self.runs.get(self.followed_id) if self.followed_id else None

    # -- events ----------------------------------------------------------------------------------------------
    def pump(self) -> int:
        """Apply every event that arrived since the last pump; returns how many were applied."""
        self._pending.clear()
        subscription = self._subscription
        if subscription is None:
            return 0
        events = subscription.drain()
        if not events:
            return 0
        followed_points: list[tuple[float, float]] = []
        with self._lock:
            for event in events:
                point = self._apply(event)
                if point is not None and event.backtest_id == self.followed_id:
                    followed_points.append(point)
        self._publish_followed()
        if followed_points:
            self.new_points = followed_points
        self._publish_rows()
        self.version += 1
        return len(events)

    def _apply(self, event: BacktestEvent) -> tuple[float, float] | None:
        state = self.runs.get(event.backtest_id)
        if state is None:
            if not isinstance(event, QueuedEvent | StartedEvent):
                return None  # a run that started before this session and that nobody follows
            state = self.runs[event.backtest_id] = RunState(backtest_id=event.backtest_id, name=self._name_of(event))
        if isinstance(event, StartedEvent):
            state.status = "running"
            state.result_folder = event.result_folder
        elif isinstance(event, ProgressEvent):
            state.status = "running"
            state.percent = float(event.percent)
            state.current_date = event.current_date or state.current_date
            state.statistics = dict(event.statistics)
            if event.equity is not None and state.add_equity(float(event.equity.time), float(event.equity.equity)):
                return state.equity[-1]
        elif isinstance(event, LogEvent):
            state.logs.append(event.message)
            del state.logs[:-LOG_TAIL]
        elif isinstance(event, CompletedEvent):
            state.status, state.percent = "completed", 100.0
            state.result_folder = event.result_folder
            state.statistics = dict(event.statistics) or state.statistics
        elif isinstance(event, FailedEvent):
            state.status, state.error = "failed", event.error
        elif isinstance(event, CancelledEvent):
            state.status = "cancelled"
        return None

    def _name_of(self, event: BacktestEvent) -> str:
        record = self.workbench.orchestrator.store.find(event.backtest_id)
        return getattr(record, "strategy", "") or ""

    # -- actions ---------------------------------------------------------------------------------------------
    def cancel(self, backtest_id: str | None = None) -> bool:
        """Cancel the followed run (or ``backtest_id``); False with ``error`` set when it cannot be."""
        target = backtest_id or self.followed_id
        if not target:
            self.error = "no backtest to cancel"
            return False
        try:
            self.workbench.backtests.cancel(target, self.caller)
        except BacktestRunError as error:
            self.error = f"Cannot cancel: {message_of(error)}"
            return False
        return True

    # -- publishing ------------------------------------------------------------------------------------------
    def _publish_followed(self) -> None:
        state = self.followed
        if state is None:
            return
        self.param.update(percent=min(100.0, max(0.0, state.percent)), current_date=state.current_date,
                          eta=format_eta(state.eta_seconds()), status=state.status,
                          statistics=dict(state.statistics), log_tail=list(state.logs[-50:]),
                          error=state.error or "")

    def _publish_rows(self) -> None:
        self.active = [{"backtest_id": s.backtest_id, "strategy": s.name, "status": s.status,
                        "percent": round(s.percent, 1), "current_date": s.current_date}
                       for s in sorted(self.runs.values(), key=lambda s: s.first_seen, reverse=True)]
