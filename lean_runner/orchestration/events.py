"""Typed backtest events and the bus that hands them to any number of subscribers.

Publishing never blocks: each subscriber has a bounded buffer, and when a slow subscriber's
buffer is full its oldest event is dropped (counted in ``dropped``), so the newest state
(and every terminal event) still arrives. A subscriber that joins late, or fell behind,
asks the orchestrator for a snapshot of the run.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from lean_runner.runners.lean_progress import EquityPoint

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class BacktestEvent:
    """Base of every event: which backtest and when (UTC)."""

    type: ClassVar[str] = "event"
    backtest_id: str
    at: datetime = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with ``type`` first; datetimes as ISO-8601."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return {"type": self.type, **data}


@dataclass(frozen=True, kw_only=True)
class QueuedEvent(BacktestEvent):
    type: ClassVar[str] = "queued"
    position: int


@dataclass(frozen=True, kw_only=True)
class StartedEvent(BacktestEvent):
    type: ClassVar[str] = "started"
    engine: str
    image: str | None
    result_folder: str


@dataclass(frozen=True, kw_only=True)
class ProgressEvent(BacktestEvent):
    """``progress`` is LEAN's fraction (0..1), ``percent`` the same in percent; ``statistics`` are running values."""

    type: ClassVar[str] = "progress"
    progress: float
    percent: float
    current_date: str
    equity: EquityPoint | None
    statistics: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class LogEvent(BacktestEvent):
    type: ClassVar[str] = "log"
    level: str
    message: str


@dataclass(frozen=True, kw_only=True)
class CompletedEvent(BacktestEvent):
    type: ClassVar[str] = "completed"
    result_folder: str
    statistics: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class FailedEvent(BacktestEvent):
    type: ClassVar[str] = "failed"
    error: str
    result_folder: str | None


@dataclass(frozen=True, kw_only=True)
class CancelledEvent(BacktestEvent):
    type: ClassVar[str] = "cancelled"
    result_folder: str | None


TERMINAL_EVENTS = (CompletedEvent, FailedEvent, CancelledEvent)


class Subscription:
    """Events for one subscriber, buffered; ``get`` waits for the next one.

    ``wakeup`` (optional) is called after each delivered event on the publisher's thread; it
    must not block (for asyncio: ``lambda: loop.call_soon_threadsafe(flag.set)``).
    """

    def __init__(self, bus: EventBus, backtest_id: str | None, maxsize: int,
                 wakeup: Callable[[], None] | None) -> None:
        self.backtest_id = backtest_id
        self.dropped = 0
        self._bus = bus
        self._events: deque[BacktestEvent] = deque()
        self._maxsize = maxsize
        self._wakeup = wakeup
        self._ready = threading.Condition()
        self._closed = False

    def _deliver(self, event: BacktestEvent) -> None:
        with self._ready:
            if self._closed:
                return
            if len(self._events) >= self._maxsize:
                self._events.popleft()
                self.dropped += 1
            self._events.append(event)
            self._ready.notify_all()
        if self._wakeup is not None:
            try:
                self._wakeup()
            except Exception:  # a subscriber's bug must not reach the run that published
                log.exception("event subscriber's wakeup failed")

    def get(self, timeout: float | None = None) -> BacktestEvent | None:
        """The next event, or None after ``timeout`` seconds or once closed and drained."""
        with self._ready:
            if not self._events and not self._closed:
                self._ready.wait(timeout)
            return self._events.popleft() if self._events else None

    def drain(self) -> list[BacktestEvent]:
        """Every buffered event, without waiting."""
        with self._ready:
            events = list(self._events)
            self._events.clear()
            return events

    def __iter__(self) -> Iterator[BacktestEvent]:
        """Events until the subscription is closed."""
        while True:
            event = self.get()
            if event is None:
                return
            yield event

    def close(self) -> None:
        self._bus._remove(self)
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """Fan-out of backtest events to subscribers of one backtest or of all."""

    def __init__(self) -> None:
        self._subscriptions: list[Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, backtest_id: str | None = None, *, maxsize: int = 10_000,
                  wakeup: Callable[[], None] | None = None) -> Subscription:
        """Events of ``backtest_id`` (all backtests when None) from now on."""
        subscription = Subscription(self, backtest_id, maxsize, wakeup)
        with self._lock:
            self._subscriptions.append(subscription)
        return subscription

    def publish(self, event: BacktestEvent) -> None:
        with self._lock:
            targets = [s for s in self._subscriptions if s.backtest_id in (None, event.backtest_id)]
        for subscription in targets:
            subscription._deliver(event)

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscriptions)
