"""LEAN's ``DateRules``: which days a scheduled event fires on, generated lazily day by day.

A :class:`DateRule` yields ascending dates from a start to an end date. Rules with a symbol use
that symbol's exchange hours (trading days); rules without one use calendar days, as in LEAN:

* ``every_day()`` every calendar day; ``every_day(symbol)`` every trading day;
* ``week_start(symbol=None, days_offset=0)``: without a symbol Monday + offset days; with one the
  week's first trading day + offset trading days, kept inside the week's trading weekdays;
* ``week_end`` likewise from Friday / the last trading day backwards; ``month_start``/``month_end``
  and ``year_start``/``year_end`` the same per month / year;
* ``every(*days_of_week)``, ``on(year, month, day)`` / ``on(*dates)``, ``today``, ``tomorrow``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.naming import lean_names

__all__ = ["END_OF_TIME", "DateRule", "DateRules", "DayOfWeek", "as_zone"]

END_OF_TIME = date(2050, 12, 31)  # LEAN's Time.EndOfTime: the last date a rule is asked for
_ONE_DAY = timedelta(days=1)
_REFERENCE_MONDAY = date(2001, 1, 1)

DateSource = Callable[[date, date, datetime], Iterable[date]]


class DayOfWeek(IntEnum):
    """.NET's ``DayOfWeek`` (Sunday = 0 ... Saturday = 6), in both naming styles."""

    SUNDAY = 0
    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    Sunday = 0
    Monday = 1
    Tuesday = 2
    Wednesday = 3
    Thursday = 4
    Friday = 5
    Saturday = 6


def as_zone(time_zone: Any) -> tzinfo:
    """A ``tzinfo`` from a ``tzinfo`` or an IANA name such as ``"America/New_York"``."""
    if isinstance(time_zone, tzinfo):
        return time_zone
    return ZoneInfo(str(time_zone))


def _dotnet_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += _ONE_DAY


@lean_names
class DateRule:
    """A named, lazily evaluated sequence of dates (LEAN's ``IDateRule``)."""

    def __init__(self, name: str, source: DateSource) -> None:
        self._name = name
        self._source = source

    @property
    def name(self) -> str:
        return self._name

    def get_dates(self, start: date, end: date = END_OF_TIME, now: datetime | None = None) -> Iterator[date]:
        """Dates from ``start`` to ``end`` inclusive; ``now`` (algorithm time) anchors today/tomorrow."""
        start, end = _as_date(start), _as_date(end)
        current = now if now is not None else datetime(start.year, start.month, start.day)
        return iter(self._source(start, end, current))

    def __repr__(self) -> str:
        return self._name


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


class _Schedule:
    """Open/closed days and stepping between them: an exchange's trading days or every calendar day."""

    def __init__(self, hours: ExchangeHours | None) -> None:
        self.hours = hours

    def is_open(self, day: date) -> bool:
        return True if self.hours is None else self.hours.is_trading_day(day)

    def step(self, day: date, forward: bool) -> date:
        if self.hours is None:
            return day + _ONE_DAY if forward else day - _ONE_DAY
        return self.hours.next_trading_day(day) if forward else self.hours.previous_trading_day(day)

    def scheduled_day(self, base: date, offset: int, forward: bool, boundary: date | None) -> date:
        """LEAN's ``GetScheduledDay``: first open day from ``base``, ``offset`` open days on, kept in bounds."""
        day = base if self.is_open(base) else self.step(base, forward)
        for _ in range(offset):
            day = self.step(day, forward)
        if boundary is not None:
            if forward and day > boundary:
                day = self.scheduled_day(boundary, 0, False, None)
            elif not forward and day < boundary:
                day = self.scheduled_day(boundary, 0, True, None)
        return day

    def trading_weekdays(self) -> list[int]:
        """.NET weekday numbers that have market hours, ascending (Monday..Friday for US equities)."""
        if self.hours is None:
            return list(range(7))
        found = []
        for offset in range(7):
            day = _REFERENCE_MONDAY + timedelta(days=offset)
            if self.hours.segments(day):
                found.append(_dotnet_weekday(day))
        return sorted(found)


class RuleFactory:
    """What the date and time rule factories share: exchange hours per symbol and the default time zone."""

    def __init__(self, hours_for: Callable[[Any], ExchangeHours], time_zone: Any = "America/New_York") -> None:
        self._hours_for = hours_for
        self._time_zone = as_zone(time_zone)

    def set_default_time_zone(self, time_zone: Any) -> None:
        self._time_zone = as_zone(time_zone)

    @property
    def time_zone(self) -> tzinfo:
        return self._time_zone

    @property
    def market_hours_database(self) -> Any:
        """Exchange hours by symbol: ``market_hours_database.get_exchange_hours(market, symbol, type)``."""
        return _HoursLookup(self._hours_for)


class _HoursLookup:
    def __init__(self, hours_for: Callable[[Any], ExchangeHours]) -> None:
        self._hours_for = hours_for

    def get_exchange_hours(self, market: Any = "usa", symbol: Any = None, security_type: Any = None) -> Any:
        return self._hours_for(symbol)


@lean_names
class DateRules(RuleFactory):
    """``self.date_rules``: builds :class:`DateRule` objects; ``hours_for(symbol)`` gives exchange hours."""

    def _schedule(self, symbol: Any) -> _Schedule:
        return _Schedule(None if symbol is None else self._hours_for(symbol))

    # ------------------------------------------------------------------ fixed days
    def on(self, *args: Any) -> DateRule:
        """``on(year, month, day)`` or ``on(date1, date2, ...)`` (dates or datetimes, or one list of them)."""
        if len(args) == 3 and all(isinstance(a, int) for a in args):
            dates = [date(args[0], args[1], args[2])]
        else:
            items = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple, set)) else args
            dates = [_as_date(item) for item in items]
        name = ",".join(f"{d.month}/{d.day}/{d.year}" for d in dates)
        return DateRule(name, lambda start, end, now: (d for d in dates if start <= d <= end))

    @property
    def today(self) -> DateRule:
        """The algorithm's current date (when the event is scheduled)."""
        return DateRule("TodayOnly", lambda start, end, now: [now.date()])

    @property
    def tomorrow(self) -> DateRule:
        return DateRule("TomorrowOnly", lambda start, end, now: [now.date() + _ONE_DAY])

    # ------------------------------------------------------------------ repeating days
    def every(self, *days: Any) -> DateRule:
        """Each of the given weekdays (``DayOfWeek.MONDAY``..., .NET numbering for plain ints)."""
        items = days[0] if len(days) == 1 and isinstance(days[0], (list, tuple, set)) else days
        wanted = [DayOfWeek[d.upper()] if isinstance(d, str) else DayOfWeek(int(d)) for d in items]
        numbers = {int(d) for d in wanted}
        name = ",".join(d.name.capitalize() for d in wanted)
        return DateRule(name, lambda start, end, now: (
            d for d in _days(start, end) if _dotnet_weekday(d) in numbers))

    def every_day(self, symbol: Any = None, extended_market_hours: bool = False) -> DateRule:
        """Every calendar day, or every trading day of ``symbol``'s exchange."""
        if symbol is None:
            return DateRule("EveryDay", lambda start, end, now: _days(start, end))
        schedule = self._schedule(symbol)
        return DateRule(f"{symbol}: EveryDay", lambda start, end, now: (
            d for d in _days(start, end) if schedule.is_open(d)))

    def week_start(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        """Monday + offset days; with a symbol the week's first trading day + offset trading days."""
        return self._weekly(symbol, days_offset, True)

    def week_end(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        """Friday - offset days; with a symbol the week's last trading day - offset trading days."""
        return self._weekly(symbol, days_offset, False)

    def month_start(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        """The 1st + offset days; with a symbol the month's first trading day + offset trading days."""
        return self._periodic(symbol, days_offset, True, "Month", 30)

    def month_end(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        """The month's last day - offset; with a symbol its last trading day - offset trading days."""
        return self._periodic(symbol, days_offset, False, "Month", 30)

    def quarter_start(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        """The quarter's first day (January, April, July, October) + offset; with a symbol its first trading
        day + offset trading days."""
        return self._periodic(symbol, days_offset, True, "Quarter", 91)

    def quarter_end(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        return self._periodic(symbol, days_offset, False, "Quarter", 91)

    def year_start(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        return self._periodic(symbol, days_offset, True, "Year", 365)

    def year_end(self, symbol: Any = None, days_offset: int = 0) -> DateRule:
        return self._periodic(symbol, days_offset, False, "Year", 365)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _split(symbol: Any, days_offset: int) -> tuple[Any, int]:
        """LEAN overloads ``(days_offset)`` and ``(symbol, days_offset)``."""
        if isinstance(symbol, int) and not isinstance(symbol, bool):
            return None, int(symbol)
        return symbol, int(days_offset)

    @staticmethod
    def _name(symbol: Any, rule: str, offset: int) -> str:
        text = f"{rule}{offset:+d}" if offset else rule
        return text if symbol is None else f"{symbol}: {text}"

    def _weekly(self, symbol: Any, days_offset: int, forward: bool) -> DateRule:
        symbol, offset = self._split(symbol, days_offset)
        schedule = self._schedule(symbol)
        rule = "WeekStart" if forward else "WeekEnd"
        if symbol is None:
            if not 0 <= offset <= 6:
                raise ValueError(f"DateRules.{rule}(): offset must be between 0 and 6")
            base, boundary = (1, 7) if forward else (5, -1)  # Monday..Sunday; Friday..previous Saturday
        else:
            weekdays = schedule.trading_weekdays()
            if not 0 <= offset <= len(weekdays) - 1:
                raise ValueError(f"DateRules.{rule}(): offset {offset} is out of range for {symbol}'s schedule; "
                                 f"use an offset between 0 and {len(weekdays) - 1}")
            base, boundary = (weekdays[0], weekdays[-1]) if forward else (weekdays[-1], weekdays[0])

        def dates(start: date, end: date, now: datetime) -> Iterator[date]:
            monday = start - timedelta(days=start.weekday())
            last = end + timedelta(days=6 - end.weekday())
            for day in _days(monday, last):
                if _dotnet_weekday(day) == base:
                    found = schedule.scheduled_day(day, offset, forward, day + timedelta(days=boundary - base))
                    if start <= found <= end:
                        yield found

        return DateRule(self._name(symbol, rule, offset if forward else -offset), dates)

    def _periodic(self, symbol: Any, days_offset: int, forward: bool, unit: str, limit: int) -> DateRule:
        symbol, offset = self._split(symbol, days_offset)
        rule = f"{unit}{'Start' if forward else 'End'}"
        if not 0 <= offset <= limit:
            raise ValueError(f"DateRules.{rule}(): offset must be between 0 and {limit}")
        schedule = self._schedule(symbol)
        months = {"Month": 1, "Quarter": 3, "Year": 12}[unit]

        def dates(start: date, end: date, now: datetime) -> Iterator[date]:
            period = (start.year * 12 + start.month - 1) // months * months  # months since year 0
            while True:
                first = date(period // 12, period % 12 + 1, 1)
                if first > end:
                    return
                following = date((period + months) // 12, (period + months) % 12 + 1, 1)
                last = following - _ONE_DAY
                base, boundary = (first, last) if forward else (last, first)
                found = schedule.scheduled_day(base, offset, forward, boundary)
                if start <= found <= end:
                    yield found
                period += months

        return DateRule(self._name(symbol, rule, offset if forward else -offset), dates)
