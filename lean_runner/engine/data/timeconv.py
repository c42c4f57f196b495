"""Conversions between dates, naive exchange-local datetimes and int64 nanosecond stamps.

The data layer represents every bar time as ``int64`` nanoseconds since the Unix
epoch of the *exchange-local naive wall time* (the clock on the exchange wall,
not UTC). That keeps LEAN's local-time rules (09:30 open, 16:00 close) trivially
comparable; :func:`local_ns_to_utc_ns` converts to real instants when needed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

__all__ = [
    "NS_PER_DAY",
    "NS_PER_HOUR",
    "NS_PER_MINUTE",
    "NS_PER_MS",
    "NS_PER_SECOND",
    "date_to_ns",
    "dates_to_datetime64",
    "datetime_to_ns",
    "local_ns_to_utc_ns",
    "ns_to_date",
    "ns_to_datetime",
    "timedelta_to_ns",
    "utc_ns_to_local_ns",
]

NS_PER_MS = 1_000_000
NS_PER_SECOND = 1_000_000_000
NS_PER_MINUTE = 60 * NS_PER_SECOND
NS_PER_HOUR = 60 * NS_PER_MINUTE
NS_PER_DAY = 24 * NS_PER_HOUR

_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_LAST_SECOND_OF_DAY = timedelta(hours=23, minutes=59, seconds=59)


def date_to_ns(day: date) -> int:
    """Nanoseconds of local midnight at the start of ``day``."""
    return (day.toordinal() - _EPOCH_ORDINAL) * NS_PER_DAY


def datetime_to_ns(moment: datetime) -> int:
    """Nanoseconds of a naive local datetime (tzinfo, if any, is ignored)."""
    delta = moment.replace(tzinfo=None) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1000


def timedelta_to_ns(span: timedelta) -> int:
    """Nanoseconds in a timedelta (exact, microsecond resolution)."""
    return (span.days * 86_400 + span.seconds) * NS_PER_SECOND + span.microseconds * 1000


def ns_to_datetime(ns: int) -> datetime:
    """Naive local datetime of a nanosecond stamp (truncated to microseconds)."""
    return _EPOCH + timedelta(microseconds=int(ns) // 1000)


def ns_to_date(ns: int) -> date:
    """Calendar date of a nanosecond stamp."""
    return date.fromordinal(int(ns) // NS_PER_DAY + _EPOCH_ORDINAL)


def dates_to_datetime64(days: list[date] | tuple[date, ...]) -> npt.NDArray[np.datetime64]:
    """Convert a sequence of dates to a ``datetime64[D]`` array."""
    return np.array([d.toordinal() - _EPOCH_ORDINAL for d in days], dtype=np.int64).astype("datetime64[D]")


def _offset_ns_local(local_midnight: datetime, extra: timedelta, tz: ZoneInfo) -> int:
    """UTC offset (ns) in force at a naive local time; fold=0 picks the earlier reading.

    For an ambiguous local time (clocks go back) fold=0 gives the first (daylight)
    instant; for a skipped time (clocks go forward) it gives the pre-transition
    offset, which shifts the instant forward, like NodaTime's lenient resolver.
    """
    offset = (local_midnight + extra).replace(tzinfo=tz).utcoffset()
    return 0 if offset is None else timedelta_to_ns(offset)


def _offset_ns_utc(utc_midnight: datetime, extra: timedelta, tz: ZoneInfo) -> int:
    """UTC offset (ns) of ``tz`` at a UTC instant."""
    offset = (utc_midnight + extra).astimezone(tz).utcoffset()
    return 0 if offset is None else timedelta_to_ns(offset)


def distinct_with_inverse(values: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """``np.unique(values, return_inverse=True)``; one pass without sorting when ``values`` is sorted (bars are)."""
    if values.size < 2 or not (values[1:] >= values[:-1]).all():
        return np.unique(values, return_inverse=True)
    starts = np.empty(values.size, dtype=bool)
    starts[0] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return values[starts], np.cumsum(starts, dtype=np.intp) - 1


def _per_day_offsets(stamps: npt.NDArray[np.int64], tz: ZoneInfo, from_local: bool) -> npt.NDArray[np.int64]:
    """Offset for each stamp, computed once per day and per minute only on transition days."""
    days = stamps // NS_PER_DAY
    unique_days, inverse = distinct_with_inverse(days)
    start = np.empty(unique_days.size, dtype=np.int64)
    end = np.empty(unique_days.size, dtype=np.int64)
    offset_at = _offset_ns_local if from_local else _offset_ns_utc
    epoch = _EPOCH if from_local else _EPOCH_UTC
    for i, day in enumerate(unique_days.tolist()):
        midnight = epoch + timedelta(days=day)
        start[i] = offset_at(midnight, timedelta(0), tz)
        end[i] = offset_at(midnight, _LAST_SECOND_OF_DAY, tz)
    offsets = start[inverse]
    transition_rows = np.flatnonzero((start != end)[inverse])
    if transition_rows.size:
        minutes = stamps[transition_rows] // NS_PER_MINUTE
        unique_minutes, minute_inverse = np.unique(minutes, return_inverse=True)
        minute_offsets = np.array(
            [offset_at(epoch, timedelta(minutes=m), tz) for m in unique_minutes.tolist()], dtype=np.int64
        )
        offsets[transition_rows] = minute_offsets[minute_inverse]
    return offsets


def local_ns_to_utc_ns(local_ns: npt.ArrayLike, tz: ZoneInfo) -> npt.NDArray[np.int64]:
    """Convert exchange-local naive nanosecond stamps to UTC nanoseconds (DST-correct).

    Offsets are looked up once per calendar day; only days containing a DST
    transition are resolved minute by minute, so this stays vectorised for
    millions of bars.
    """
    stamps = np.asarray(local_ns, dtype=np.int64)
    if stamps.size == 0:
        return stamps.copy()
    return stamps - _per_day_offsets(stamps, tz, from_local=True)


def utc_ns_to_local_ns(utc_ns: npt.ArrayLike, tz: ZoneInfo) -> npt.NDArray[np.int64]:
    """Convert UTC nanosecond stamps to exchange-local naive nanoseconds."""
    stamps = np.asarray(utc_ns, dtype=np.int64)
    if stamps.size == 0:
        return stamps.copy()
    return stamps + _per_day_offsets(stamps, tz, from_local=False)
