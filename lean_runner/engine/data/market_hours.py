"""Exchange trading hours from LEAN's ``market-hours/market-hours-database.json``.

One :class:`ExchangeHours` holds an entry's weekly segments (pre-market, market,
post-market), holidays, early closes and late opens, and answers LEAN's
questions: is the exchange open at a local time, which days trade, when does a
day open and close. A segment contains ``t`` when ``start <= t < end``, so
``is_open(16:00)`` is False; at or after an early close the exchange is closed
(extended hours too), as in LEAN's ``SecurityExchangeHours.IsOpen``. A late
open moves the day's opening to the late-open time, which itself counts as open
(LEAN treats that exact instant as closed; US equities have no late opens).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .us_calendar import us_equity_early_closes, us_equity_holidays

__all__ = ["ExchangeHours", "MarketHoursDatabase", "MarketHoursSegment", "parse_timespan"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MARKET = "market"
_MAX_SEARCH_DAYS = 3660
MARKET_HOURS_RELATIVE_PATH = Path("market-hours") / "market-hours-database.json"


def parse_timespan(text: str) -> timedelta:
    """Parse a .NET TimeSpan string: ``13:00:00``, ``22:0:00``, ``1.00:00:00``, ``1:00:00:00``."""
    text = text.strip()
    days = 0
    parts = text.split(":")
    if "." in parts[0]:
        day_text, parts[0] = parts[0].split(".", 1)
        days = int(day_text)
    elif len(parts) == 4:
        days = int(parts.pop(0))
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = float(parts[2]) if len(parts) > 2 else 0.0
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _zone(name: str) -> ZoneInfo:
    """A ZoneInfo for an IANA id or NodaTime's fixed ``UTC-05`` style (mapped to ``Etc/GMT+5``)."""
    match = re.fullmatch(r"UTC([+-])(\d{1,2})(?::?00)?", name.strip())
    if match is None:
        return ZoneInfo(name.strip())
    hours = int(match.group(2))
    if hours == 0:
        return ZoneInfo("UTC")
    # POSIX-style Etc zones invert the sign: UTC-05 is Etc/GMT+5.
    return ZoneInfo(f"Etc/GMT{'+' if match.group(1) == '-' else '-'}{hours}")


def _parse_us_date(text: str) -> date:
    """Parse the database's ``M/D/YYYY`` dates."""
    month, day, year = (int(p) for p in text.strip().split("/"))
    return date(year, month, day)


def _to_time(span: timedelta) -> time:
    """A time of day for a span under 24h (24h and beyond clamp to ``time.max``)."""
    if span >= timedelta(days=1):
        return time.max
    seconds = int(span.total_seconds())
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60, span.microseconds)


@dataclass(frozen=True)
class MarketHoursSegment:
    """One ``[start, end)`` stretch of a weekday with its state (premarket/market/postmarket)."""

    start: timedelta
    end: timedelta
    state: str

    def contains(self, offset: timedelta) -> bool:
        """True when ``start <= offset < end``."""
        return self.start <= offset < self.end


@dataclass(frozen=True)
class _DayHours:
    """Pre-computed hours of one calendar day (offsets from local midnight)."""

    trading: bool
    market: tuple[timedelta, timedelta] | None
    extended: tuple[timedelta, timedelta] | None
    regular_windows: tuple[tuple[timedelta, timedelta], ...]
    extended_windows: tuple[tuple[timedelta, timedelta], ...]


def _merge(windows: list[tuple[timedelta, timedelta]]) -> tuple[tuple[timedelta, timedelta], ...]:
    """Merge touching/overlapping windows, dropping empty ones."""
    merged: list[tuple[timedelta, timedelta]] = []
    for start, end in sorted(w for w in windows if w[1] > w[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


class ExchangeHours:
    """Weekly segments plus holidays, early closes and late opens of one exchange entry."""

    def __init__(
        self,
        time_zone: ZoneInfo,
        data_time_zone: ZoneInfo,
        weekly_segments: Mapping[int, tuple[MarketHoursSegment, ...]],
        holidays: frozenset[date],
        early_closes: Mapping[date, timedelta],
        late_opens: Mapping[date, timedelta],
        bank_holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.time_zone = time_zone
        self.data_time_zone = data_time_zone
        self.holidays = holidays
        self.bank_holidays = bank_holidays
        self._weekly = {wd: tuple(weekly_segments.get(wd, ())) for wd in range(7)}
        self._early_spans = dict(early_closes)
        self._late_spans = dict(late_opens)
        self.early_closes: dict[date, time] = {d: _to_time(s) for d, s in early_closes.items()}
        self.late_opens: dict[date, time] = {d: _to_time(s) for d, s in late_opens.items()}
        self._days: dict[date, _DayHours] = {}

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> ExchangeHours:
        """Build from one entry of the JSON database (e.g. ``entries["Equity-usa-[*]"]``)."""
        weekly: dict[int, tuple[MarketHoursSegment, ...]] = {}
        for weekday, name in enumerate(_WEEKDAYS):
            segments = [
                MarketHoursSegment(
                    parse_timespan(s["start"]), parse_timespan(s["end"]), str(s["state"]).lower()
                )
                for s in entry.get(name) or []
            ]
            weekly[weekday] = tuple(s for s in segments if s.state != "closed" and s.end > s.start)
        return cls(
            time_zone=_zone(entry["exchangeTimeZone"]),
            data_time_zone=_zone(entry.get("dataTimeZone") or entry["exchangeTimeZone"]),
            weekly_segments=weekly,
            holidays=frozenset(_parse_us_date(d) for d in entry.get("holidays") or []),
            early_closes={
                _parse_us_date(d): parse_timespan(t) for d, t in (entry.get("earlyCloses") or {}).items()
            },
            late_opens={
                _parse_us_date(d): parse_timespan(t) for d, t in (entry.get("lateOpens") or {}).items()
            },
            bank_holidays=frozenset(_parse_us_date(d) for d in entry.get("bankHolidays") or []),
        )

    @classmethod
    def us_equity_default(cls, first_year: int = 1998, last_year: int = 2050) -> ExchangeHours:
        """US equity hours (04:00/09:30/16:00/20:00 New York) with the built-in holiday rules.

        A fallback for folders without ``market-hours-database.json``; see
        :mod:`lean_runner.engine.data.us_calendar` for what the rules omit.
        """
        day_segments = (
            MarketHoursSegment(timedelta(hours=4), timedelta(hours=9, minutes=30), "premarket"),
            MarketHoursSegment(timedelta(hours=9, minutes=30), timedelta(hours=16), _MARKET),
            MarketHoursSegment(timedelta(hours=16), timedelta(hours=20), "postmarket"),
        )
        holidays: set[date] = set()
        early: dict[date, timedelta] = {}
        for year in range(first_year, last_year + 1):
            holidays |= us_equity_holidays(year)
            for day, at in us_equity_early_closes(year).items():
                early[day] = timedelta(hours=at.hour, minutes=at.minute)
        tz = ZoneInfo("America/New_York")
        return cls(tz, tz, {wd: day_segments for wd in range(5)}, frozenset(holidays), early, {})

    # ----------------------------------------------------------------- per-day facts
    def segments(self, day: date) -> tuple[MarketHoursSegment, ...]:
        """The weekly segments that apply to ``day`` (before holidays/early closes)."""
        return self._weekly[day.weekday()]

    def _day(self, day: date) -> _DayHours:
        cached = self._days.get(day)
        if cached is not None:
            return cached
        segments = self._weekly[day.weekday()]
        trading = bool(segments) and day not in self.holidays
        if not trading:
            info = _DayHours(False, None, None, (), ())
        else:
            low = self._late_spans.get(day)
            high = self._early_spans.get(day)

            def clip(start: timedelta, end: timedelta) -> tuple[timedelta, timedelta]:
                return (
                    max(start, low) if low is not None else start,
                    min(end, high) if high is not None else end,
                )

            market = [clip(s.start, s.end) for s in segments if s.state == _MARKET]
            every = [clip(s.start, s.end) for s in segments]
            regular_windows = _merge(market)
            extended_windows = _merge(every)
            info = _DayHours(
                True,
                (regular_windows[0][0], regular_windows[-1][1]) if regular_windows else None,
                (extended_windows[0][0], extended_windows[-1][1]) if extended_windows else None,
                regular_windows,
                extended_windows,
            )
        self._days[day] = info
        return info

    def is_trading_day(self, day: date) -> bool:
        """True when the weekday has any segment and ``day`` is not a holiday (LEAN ``IsDateOpen``)."""
        return self._day(day).trading

    def is_open(self, local: datetime, extended: bool = False) -> bool:
        """True if the exchange is open at the naive local time ``local``."""
        day = local.date()
        info = self._day(day)
        if not info.trading:
            return False
        offset = local - datetime(day.year, day.month, day.day)
        for start, end in info.extended_windows if extended else info.regular_windows:
            if start <= offset < end:
                return True
        return False

    def open_windows(self, day: date, extended: bool = False) -> tuple[tuple[timedelta, timedelta], ...]:
        """Open ``[start, end)`` stretches of ``day`` (offsets from midnight), early closes applied."""
        info = self._day(day)
        return info.extended_windows if extended else info.regular_windows

    @staticmethod
    def _at(day: date, offset: timedelta) -> datetime:
        return datetime(day.year, day.month, day.day) + offset

    def market_open(self, day: date) -> datetime | None:
        """Regular-session open of ``day`` (late open respected), or None on a closed day."""
        market = self._day(day).market
        return None if market is None else self._at(day, market[0])

    def market_close(self, day: date) -> datetime | None:
        """Regular-session close of ``day`` (early close respected), or None on a closed day."""
        market = self._day(day).market
        return None if market is None else self._at(day, market[1])

    def extended_open(self, day: date) -> datetime | None:
        """Start of the first (pre-market) segment of ``day``, or None on a closed day."""
        extended = self._day(day).extended
        return None if extended is None else self._at(day, extended[0])

    def extended_close(self, day: date) -> datetime | None:
        """End of the last (post-market) segment of ``day``, or None on a closed day."""
        extended = self._day(day).extended
        return None if extended is None else self._at(day, extended[1])

    # ----------------------------------------------------------------- day arithmetic
    def next_trading_day(self, day: date) -> date:
        """The first trading day strictly after ``day`` (LEAN ``GetNextTradingDay``)."""
        for offset in range(1, _MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_trading_day(candidate):
                return candidate
        raise ValueError(f"no trading day within {_MAX_SEARCH_DAYS} days after {day}")

    def previous_trading_day(self, day: date) -> date:
        """The last trading day strictly before ``day`` (LEAN ``GetPreviousTradingDay``)."""
        for offset in range(1, _MAX_SEARCH_DAYS):
            candidate = day - timedelta(days=offset)
            if self.is_trading_day(candidate):
                return candidate
        raise ValueError(f"no trading day within {_MAX_SEARCH_DAYS} days before {day}")

    def trading_days(self, start: date, end: date) -> list[date]:
        """All trading days from ``start`` to ``end`` inclusive."""
        count = (end - start).days + 1
        days = (start + timedelta(days=i) for i in range(max(count, 0)))
        return [d for d in days if self.is_trading_day(d)]


class MarketHoursDatabase:
    """The parsed JSON database; :meth:`exchange_hours` builds and caches entries on demand."""

    def __init__(self, entries: Mapping[str, Mapping[str, Any]], source: Path | None = None) -> None:
        self.source = source
        self._entries = dict(entries)
        self._by_lower = {key.lower(): key for key in self._entries}
        self._parsed: dict[str, ExchangeHours] = {}

    @classmethod
    def load(cls, data_folder: Path) -> MarketHoursDatabase:
        """Load ``<data_folder>/market-hours/market-hours-database.json``."""
        return cls.from_file(Path(data_folder) / MARKET_HOURS_RELATIVE_PATH)

    @classmethod
    def from_file(cls, path: Path) -> MarketHoursDatabase:
        """Load a market-hours JSON file from an explicit path."""
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        entries = document.get("entries", document)
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: expected an 'entries' object")
        return cls(entries, Path(path))

    def entry_keys(self) -> list[str]:
        """All entry keys, e.g. ``Equity-usa-[*]``."""
        return list(self._entries)

    def exchange_hours(
        self, security_type: str = "Equity", market: str = "usa", symbol: str = "[*]"
    ) -> ExchangeHours:
        """Hours for ``{security_type}-{market}-{symbol}``, falling back to the ``[*]`` entry.

        Matching is case-insensitive, so ``equity`` and ``Equity`` both work.
        """
        candidates = [f"{security_type}-{market}-{symbol}", f"{security_type}-{market}-[*]"]
        for candidate in candidates:
            key = self._by_lower.get(candidate.lower())
            if key is None:
                continue
            parsed = self._parsed.get(key)
            if parsed is None:
                parsed = ExchangeHours.from_entry(self._entries[key])
                self._parsed[key] = parsed
            return parsed
        raise KeyError(f"no market-hours entry for {candidates[0]} (nor {candidates[1]})")
