"""``self.schedule``: scheduled events and the queue the engine drains before each time slice.

Each :class:`ScheduledEvent` walks its date rule day by day and asks its time rule for that day's
times, so a schedule over decades costs only what the clock has passed. Occurrences are ordered by
their UTC instant. Ties follow LEAN's real-time handler: adding or removing an event re-sorts by
(time, creation order); an event that just fired goes behind the events already waiting at its next
time (so events recurring at the same times keep firing in creation order).

When an event is scheduled (at ``start`` for events made in ``initialize``, else at the algorithm's
current time ``now``) its dates start the day before ``now`` and occurrences before ``now`` are
skipped, as is the first one exactly at ``now`` (LEAN's ``SkipEventsUntil``) except for
``time_rules.now``, which fires at the next drain.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.scheduling.date_rules import END_OF_TIME, DateRule, DateRules, as_zone
from lean_runner.engine.scheduling.time_rules import TimeRule, TimeRules

__all__ = ["ScheduleManager", "ScheduledEvent"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _utc_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


@lean_names
class ScheduledEvent(PascalCaseAttributes):
    """One scheduled callback and its remaining occurrences; ``enabled = False`` mutes it."""

    def __init__(self, name: str, date_rule: DateRule, time_rule: TimeRule, callback: Callable[[], Any]) -> None:
        self.name = name
        self.date_rule = date_rule
        self.time_rule = time_rule
        self.callback = callback
        self._enabled = True
        self._times: Iterator[datetime] | None = None
        self._next: datetime | None = None  # aware
        self._seq: int | None = None  # creation number while scheduled, None once removed

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = bool(value)

    @property
    def next_event_utc_time(self) -> datetime | None:
        """The next occurrence in UTC (naive), None when exhausted or not yet scheduled."""
        return None if self._next is None else self._next.astimezone(UTC).replace(tzinfo=None)

    def fire(self) -> None:
        """Run the callback (no arguments, as LEAN's Python actions) unless disabled."""
        if self.enabled:
            self.callback()

    def _activate(self, now: datetime, end: date) -> None:
        """Start the occurrence stream at ``now`` (aware), skipping the past (see the module doc)."""
        start = now.date() - timedelta(days=1)
        rule = self.time_rule
        days = self.date_rule.get_dates(start, end, now.replace(tzinfo=None))
        self._times = (moment for day in days for moment in rule.times(day, now))
        self._advance()
        while self._next is not None and self._next < now:
            self._advance()
        if self._next is not None and self._next == now and not rule.fires_at_scheduling_time:
            self._advance()

    def _advance(self) -> None:
        assert self._times is not None
        self._next = next(self._times, None)

    def __repr__(self) -> str:
        return self.name


@lean_names
class ScheduleManager(PascalCaseAttributes):
    """``self.schedule``: ``on(date_rule, time_rule, callback)`` plus the engine's ``start``/``pop_due``.

    Build it with :meth:`create` (or from existing :class:`DateRules`/:class:`TimeRules`); ``now`` returns
    the algorithm's current local (naive) time and is read when events are scheduled after ``start``.
    """

    def __init__(self, date_rules: DateRules, time_rules: TimeRules, time_zone: Any = "America/New_York",
                 now: Callable[[], datetime] | None = None, end: date = END_OF_TIME) -> None:
        self.date_rules = date_rules
        self.time_rules = time_rules
        self._time_zone: tzinfo = as_zone(time_zone)
        self._now = now
        self._end = end
        self._ids = itertools.count()
        self._events: list[ScheduledEvent] = []
        self._pending: list[ScheduledEvent] = []
        self._queue: list[tuple[int, int, int, ScheduledEvent]] = []  # (utc µs, phase, tie, event)
        self._pushes = itertools.count()
        self._started = False
        self._last_time: datetime | None = None
        self.version = 0  # bumped whenever events are added or removed, so the engine can re-read next_event_time

    @classmethod
    def create(cls, hours_for: Callable[[Any], ExchangeHours], time_zone: Any = "America/New_York",
               now: Callable[[], datetime] | None = None) -> ScheduleManager:
        """A manager with its own ``DateRules``/``TimeRules`` over ``hours_for(symbol) -> ExchangeHours``."""
        return cls(DateRules(hours_for, time_zone), TimeRules(hours_for, time_zone), time_zone, now)

    @property
    def time_zone(self) -> tzinfo:
        return self._time_zone

    @property
    def events(self) -> list[ScheduledEvent]:
        """The scheduled (not removed) events, in creation order."""
        return list(self._events)

    # ------------------------------------------------------------------ the algorithm's API
    def on(self, *args: Any, **kwargs: Any) -> ScheduledEvent:
        """``on(date_rule, time_rule, callback[, name])`` or ``on(name, date_rule, time_rule, callback)``."""
        values = list(args)
        name = kwargs.get("name")
        if values and isinstance(values[0], str):
            name = values.pop(0)
        keys = ("date_rule", "time_rule", "callback")
        values += [kwargs[key] for key in keys[len(values):] if key in kwargs]
        if len(values) == 4 and name is None:
            name = values.pop()
        if len(values) != 3:
            raise TypeError("schedule.on(date_rule, time_rule, callback) takes a date rule, a time rule and a "
                            "callable")
        date_rule, time_rule, callback = values
        if not isinstance(date_rule, DateRule) or not isinstance(time_rule, TimeRule) or not callable(callback):
            raise TypeError(f"schedule.on(date_rule, time_rule, callback): got ({date_rule!r}, {time_rule!r}, "
                            f"{callback!r})")
        event = ScheduledEvent(str(name) if name is not None else f"{date_rule.name}: {time_rule.name}",
                               date_rule, time_rule, callback)
        return self.add(event)

    def training(self, date_rule: DateRule, time_rule: TimeRule, callback: Callable[[], Any]) -> ScheduledEvent:
        return self.on(date_rule, time_rule, callback)

    def training_now(self, callback: Callable[[], Any]) -> ScheduledEvent:
        return self.on(self.date_rules.today, self.time_rules.now, callback)

    def add(self, event: ScheduledEvent) -> ScheduledEvent:
        """Schedule an event built elsewhere (LEAN's ``Add``)."""
        if event._seq is not None:
            raise ValueError(f"scheduled event '{event.name}' is already scheduled")
        event._seq = next(self._ids)
        self._events.append(event)
        if self._started:
            event._activate(self._aware(self._current_time()), self._end)
            self._resort()
        else:
            self._pending.append(event)
        return event

    def remove(self, event: ScheduledEvent) -> None:
        """Unschedule ``event``; its remaining occurrences never fire."""
        event._seq = None
        if event in self._events:
            self._events.remove(event)
        if event in self._pending:
            self._pending.remove(event)
        self._resort()

    # ------------------------------------------------------------------ the engine's API
    def start(self, local_time: datetime) -> None:
        """Begin scheduling at the algorithm's start time; events made so far skip what is before it.

        Call once after ``initialize`` with the start (local, naive) time, before the first ``pop_due``.
        """
        self._started = True
        self._last_time = local_time
        pending, self._pending = self._pending, []
        for event in pending:
            event._activate(self._aware(local_time), self._end)
        self._resort()

    @property
    def next_event_time(self) -> datetime | None:
        """The local time of the next occurrence of any event (None when there is none)."""
        if not self._queue:
            return None
        return self._local(self._queue[0][3])

    def pop_due(self, up_to: datetime, inclusive: bool = True) -> tuple[datetime, ScheduledEvent] | None:
        """The earliest occurrence at or before ``up_to`` (strictly before when not ``inclusive``), or None.

        ``up_to`` is the algorithm's local (naive) time or an aware datetime. The occurrence is consumed:
        the engine sets the clock to the returned local time and calls ``event.fire()``. Disabled events'
        occurrences are consumed silently. Events scheduled by a callback are seen by the next call.
        """
        if not self._started:
            raise RuntimeError("ScheduleManager.start(start_time) must be called before draining events")
        limit = _utc_us(self._aware(up_to))
        while self._queue:
            when, _, _, event = self._queue[0]
            if when > limit or (when == limit and not inclusive):
                return None
            heapq.heappop(self._queue)
            local = self._local(event)
            event._advance()
            self._push(event)
            self._last_time = local
            if event.enabled:
                return local, event
        return None

    def due_events(self, up_to: datetime, inclusive: bool = True) -> list[tuple[datetime, ScheduledEvent]]:
        """Every occurrence up to ``up_to`` in time order (ties: creation order), each consumed once.

        Convenience over :meth:`pop_due`; prefer a ``pop_due`` loop when callbacks may schedule or remove
        events that are due in the same window.
        """
        due = []
        while (item := self.pop_due(up_to, inclusive)) is not None:
            due.append(item)
        return due

    # ------------------------------------------------------------------ internals
    def _current_time(self) -> datetime:
        if self._now is not None:
            return self._now()
        assert self._last_time is not None
        return self._last_time

    def _aware(self, moment: datetime) -> datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self._time_zone)

    def _local(self, event: ScheduledEvent) -> datetime:
        assert event._next is not None
        return event._next.astimezone(self._time_zone).replace(tzinfo=None)

    def _resort(self) -> None:
        """Order every waiting occurrence by (time, creation order), as LEAN does on add/remove."""
        self.version += 1
        self._queue = [(_utc_us(e._next), 0, e._seq, e) for e in self._events
                       if e._next is not None and e._seq is not None and e._times is not None]
        heapq.heapify(self._queue)

    def _push(self, event: ScheduledEvent) -> None:
        """Queue an event's next occurrence behind those already waiting at the same time."""
        if event._next is not None and event._seq is not None:
            heapq.heappush(self._queue, (_utc_us(event._next), 1, next(self._pushes), event))
