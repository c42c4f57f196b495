"""LEAN's ``TimeRules``: the times of day a scheduled event fires on each date of its date rule.

A :class:`TimeRule` maps one date to time-zone-aware datetimes:

* ``at(hour, minute, second=0[, time_zone])`` / ``at(timedelta[, time_zone])``: that wall time in the
  algorithm's (or the given) time zone; a wall time skipped by a DST change moves forward, as
  NodaTime's lenient conversion does;
* ``every(timedelta)``: from 00:00 in steps while before 24:00 (algorithm time zone), on every date;
* ``after_market_open(symbol, minutes=0, extended_market_open=False)``,
  ``before_market_close(symbol, minutes=0, extended_market_close=False)`` (and ``before_market_open``,
  ``after_market_close``): only on the symbol's trading days, early closes and late opens included;
* ``midnight``, ``noon`` (midnight + 12 hours of elapsed time) and ``now`` (the time of scheduling).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from lean_runner.engine.naming import lean_names
from lean_runner.engine.scheduling.date_rules import RuleFactory, as_zone

__all__ = ["TimeRule", "TimeRules"]

TimeSource = Callable[[date, datetime], Iterable[datetime]]
_ONE_DAY = timedelta(days=1)


@lean_names
class TimeRule:
    """A named map from a date to the (aware) event times on it (LEAN's ``ITimeRule``)."""

    def __init__(self, name: str, source: TimeSource, fires_at_scheduling_time: bool = False) -> None:
        self._name = name
        self._source = source
        self.fires_at_scheduling_time = fires_at_scheduling_time

    @property
    def name(self) -> str:
        return self._name

    def times(self, day: date, now: datetime) -> list[datetime]:
        """The aware event times on ``day``, ascending; ``now`` is the aware time of scheduling."""
        return sorted(self._source(day, now))

    def create_utc_event_times(self, dates: Iterable[date], now: datetime | None = None) -> list[datetime]:
        """LEAN's ``CreateUtcEventTimes``: naive UTC times for the given dates."""
        anchor = now if now is not None else datetime.now(UTC)
        return [t.astimezone(UTC).replace(tzinfo=None) for day in dates for t in self.times(day, anchor)]

    def __repr__(self) -> str:
        return self._name


def _wall(day: date, offset: timedelta, zone: tzinfo) -> datetime:
    """``day`` 00:00 + ``offset`` as wall time in ``zone``; gap times shift forward (fold=0 semantics)."""
    naive = datetime(day.year, day.month, day.day) + offset
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _minutes(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@lean_names
class TimeRules(RuleFactory):
    """``self.time_rules``: builds :class:`TimeRule` objects; ``hours_for(symbol)`` gives exchange hours."""

    @property
    def now(self) -> TimeRule:
        """The time the event is scheduled at, on each date (use with ``date_rules.today``)."""
        return TimeRule("Now", lambda day, now: [now], fires_at_scheduling_time=True)

    @property
    def midnight(self) -> TimeRule:
        zone = self._time_zone
        return TimeRule("Midnight", lambda day, now: [_wall(day, timedelta(0), zone)])

    @property
    def noon(self) -> TimeRule:
        zone = self._time_zone
        return TimeRule("Noon", lambda day, now: [
            (_wall(day, timedelta(0), zone).astimezone(UTC) + timedelta(hours=12)).astimezone(zone)])

    def at(self, *args: Any, **kwargs: Any) -> TimeRule:
        """``at(hour, minute[, second][, time_zone])``, ``at(timedelta[, time_zone])`` or ``at(time[, tz])``."""
        values = list(args)
        zone_arg = next((kwargs[k] for k in ("time_zone", "tz", "timeZone") if kwargs.get(k) is not None), None)
        if values and not isinstance(values[-1], (int, timedelta, time)):
            zone_arg = values.pop()  # trailing time zone: at(10, 0, "America/Chicago")
        zone = self._time_zone if zone_arg is None else as_zone(zone_arg)
        if values and isinstance(values[0], timedelta):
            offset = values[0]
        elif values and isinstance(values[0], time):
            t = values[0]
            offset = timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)
        else:
            parts = values + [kwargs.get(key, 0) for key in ("hour", "minute", "second")[len(values):]]
            hour, minute, second = (int(part) for part in parts[:3])
            offset = timedelta(hours=hour, minutes=minute, seconds=second)
        if not timedelta(0) <= offset < _ONE_DAY:
            raise ValueError(f"TimeRules.at(): the time of day must be within a day, got {offset}")
        name = _minutes(offset.total_seconds() / 3600)
        return TimeRule(name, lambda day, now: [_wall(day, offset, zone)])

    def every(self, interval: timedelta) -> TimeRule:
        """Every ``interval`` from midnight (algorithm time zone) while before the next midnight."""
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            raise ValueError("TimeRules.every(): time span interval can not be zero or less")
        zone = self._time_zone
        count = -(-_ONE_DAY // interval)  # ceil

        def times(day: date, now: datetime) -> list[datetime]:
            return [_wall(day, interval * i, zone) for i in range(count)]

        return TimeRule(f"Every {_minutes(interval.total_seconds() / 60)} min", times)

    def after_market_open(self, symbol: Any, minutes_after_open: float = 0.0,
                          extended_market_open: bool = False) -> TimeRule:
        """The symbol's market open (pre-market open when extended) + minutes, on its trading days."""
        kind = "ExtendedMarketOpen" if extended_market_open else "MarketOpen"
        name = f"{symbol}: {_minutes(minutes_after_open)} min after {kind}"
        return self._session(symbol, name, True, extended_market_open, timedelta(minutes=minutes_after_open))

    def before_market_open(self, symbol: Any, minutes_before_open: float = 0.0,
                           extended_market_open: bool = False) -> TimeRule:
        kind = "ExtendedMarketOpen" if extended_market_open else "MarketOpen"
        name = f"{symbol}: {_minutes(minutes_before_open)} min before {kind}"
        return self._session(symbol, name, True, extended_market_open, -timedelta(minutes=minutes_before_open))

    def before_market_close(self, symbol: Any, minutes_before_close: float = 0.0,
                            extended_market_close: bool = False) -> TimeRule:
        """The symbol's market close (post-market close when extended) - minutes; early closes respected."""
        kind = "ExtendedMarketClose" if extended_market_close else "MarketClose"
        name = f"{symbol}: {_minutes(minutes_before_close)} min before {kind}"
        return self._session(symbol, name, False, extended_market_close, -timedelta(minutes=minutes_before_close))

    def after_market_close(self, symbol: Any, minutes_after_close: float = 0.0,
                           extended_market_close: bool = False) -> TimeRule:
        kind = "ExtendedMarketClose" if extended_market_close else "MarketClose"
        name = f"{symbol}: {_minutes(minutes_after_close)} min after {kind}"
        return self._session(symbol, name, False, extended_market_close, timedelta(minutes=minutes_after_close))

    def _session(self, symbol: Any, name: str, at_open: bool, extended: bool, delta: timedelta) -> TimeRule:
        hours = self._hours_for(symbol)
        zone = hours.time_zone

        def times(day: date, now: datetime) -> list[datetime]:
            if not hours.is_trading_day(day):
                return []
            if at_open:
                anchor = hours.extended_open(day) if extended else hours.market_open(day)
            else:
                anchor = hours.extended_close(day) if extended else hours.market_close(day)
            if anchor is None or anchor.date() != day:
                return []
            return [_wall(day, anchor + delta - datetime(day.year, day.month, day.day), zone)]

        return TimeRule(name, times)
