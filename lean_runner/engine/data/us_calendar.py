"""A short, rule-based US equity holiday calendar used when no market-hours file is at hand.

The rules cover the regular NYSE holidays and the usual 13:00 early closes. They
do NOT know one-off closures (9/11, Hurricane Sandy, state funerals) or the odd
historical early close, so prefer the real ``market-hours-database.json`` when
it is available; this calendar exists so that synthetic data and a data folder
without the database still get sensible trading days.
"""

from __future__ import annotations

from datetime import date, time, timedelta

__all__ = ["easter_sunday", "us_equity_early_closes", "us_equity_holidays"]

EARLY_CLOSE_TIME = time(13, 0)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday (Mon=0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    """The last given weekday (Mon=0) of a month."""
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """Saturday holidays are observed on Friday, Sunday holidays on Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_equity_holidays(year: int) -> set[date]:
    """Regular NYSE full-day holidays of one year."""
    days: set[date] = set()
    new_year = date(year, 1, 1)
    if new_year.weekday() != 5:  # NYSE does not close on Friday Dec 31 for a Saturday New Year
        days.add(_observed(new_year))
    days.add(_nth_weekday(year, 1, 0, 3))  # Martin Luther King Jr. Day
    days.add(_nth_weekday(year, 2, 0, 3))  # Washington's Birthday
    days.add(easter_sunday(year) - timedelta(days=2))  # Good Friday
    days.add(_last_weekday(year, 5, 0))  # Memorial Day
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))  # Juneteenth
    days.add(_observed(date(year, 7, 4)))  # Independence Day
    days.add(_nth_weekday(year, 9, 0, 1))  # Labor Day
    days.add(_nth_weekday(year, 11, 3, 4))  # Thanksgiving
    days.add(_observed(date(year, 12, 25)))  # Christmas
    return days


def us_equity_early_closes(year: int) -> dict[date, time]:
    """Usual 13:00 early closes: July 3, the day after Thanksgiving, Christmas Eve."""
    holidays = us_equity_holidays(year)
    closes: dict[date, time] = {}
    candidates = [
        date(year, 7, 3),
        _nth_weekday(year, 11, 3, 4) + timedelta(days=1),
        date(year, 12, 24),
    ]
    for day in candidates:
        if day.weekday() < 5 and day not in holidays:
            closes[day] = EARLY_CLOSE_TIME
    return closes
