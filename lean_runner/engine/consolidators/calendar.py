"""Consolidation periods: spans, LEAN's ``RoundDown``, ``CalendarInfo``/``Calendar`` and the daily session."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.enums import Resolution
from lean_runner.engine.naming import PascalCaseAttributes, lean_names

__all__ = ["ONE_DAY", "ONE_HOUR", "ZERO", "Calendar", "CalendarInfo", "daily_calendar", "round_down", "to_period"]

ZERO = timedelta(0)
ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
_RESOLUTION_PERIODS = {0: ZERO, 1: timedelta(seconds=1), 2: timedelta(minutes=1), 3: ONE_HOUR, 4: ONE_DAY}


def to_period(value: Any) -> timedelta:
    """A ``timedelta`` or a ``Resolution`` as a span (``Resolution.DAILY`` is one day, ``TICK`` zero)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, Resolution):
        return _RESOLUTION_PERIODS[int(value)]
    raise TypeError(f"expected a timedelta or a Resolution, got {value!r}")


def round_down(time: datetime, period: timedelta, offset: timedelta = ZERO) -> datetime:
    """LEAN's ``RoundDown``: the multiple of ``period`` counted from 0001-01-01 (+ ``offset``) at or before.

    For periods dividing a day this is "from midnight": 30 minutes gives :00/:30; a 7-minute grid
    is not reset at midnight (.NET counts ticks from year 1).
    """
    if period <= ZERO:
        return time
    return time - (time - datetime.min - offset) % period


@lean_names
class CalendarInfo(PascalCaseAttributes):
    """A bar's ``start`` and ``period``, as a calendar function returns them."""

    def __init__(self, start: datetime, period: timedelta) -> None:
        self.start = start
        self.period = period

    @property
    def end(self) -> datetime:
        return self.start + self.period

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CalendarInfo) and (self.start, self.period) == (other.start, other.period)

    def __hash__(self) -> int:
        return hash((self.start, self.period))

    def __repr__(self) -> str:
        return f"{self.start} {self.period}"


def _weekly(time: datetime) -> CalendarInfo:
    start = datetime.combine(time.date() - timedelta(days=time.weekday()), datetime.min.time())
    return CalendarInfo(start, timedelta(days=7))


def _months(time: datetime, months: int) -> CalendarInfo:
    first = (time.month - 1) // months * months
    start = datetime(time.year, first + 1, 1)
    end = datetime(time.year + (first + months) // 12, (first + months) % 12 + 1, 1)
    return CalendarInfo(start, end - start)


def _monthly(time: datetime) -> CalendarInfo:
    return _months(time, 1)


def _quarterly(time: datetime) -> CalendarInfo:
    return _months(time, 3)


def _yearly(time: datetime) -> CalendarInfo:
    return _months(time, 12)


class Calendar:
    """Calendar functions for consolidators: ``TradeBarConsolidator(Calendar.WEEKLY)``.

    Weeks start on Monday 00:00, months/quarters/years on their first day at 00:00.
    """

    WEEKLY = Weekly = staticmethod(_weekly)
    MONTHLY = Monthly = staticmethod(_monthly)
    QUARTERLY = Quarterly = staticmethod(_quarterly)
    YEARLY = Yearly = staticmethod(_yearly)


def daily_calendar(time: datetime, hours: ExchangeHours, extended: bool = False) -> CalendarInfo:
    """LEAN's ``GetDailyCalendar``: the session from the last open at or before ``time`` to that day's close.

    Regular hours give 09:30-16:00 for US equities (13:00 on early closes); ``extended`` uses the
    pre/post-market bounds (04:00-20:00).
    """
    day: date = time.date()
    for _ in range(3660):
        opened = hours.extended_open(day) if extended else hours.market_open(day)
        if opened is not None and opened <= time:
            closed = hours.extended_close(day) if extended else hours.market_close(day)
            assert closed is not None
            return CalendarInfo(opened, closed - opened)
        day -= ONE_DAY
    raise ValueError(f"no market open within ten years before {time}")
