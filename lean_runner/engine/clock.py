"""The algorithm's clock: one shared object so securities and models read the same 'now'.

The loop moves it once per slice with integer nanoseconds; the ``datetime`` views
are built only when something reads them, since most slices never ask.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1)


def ns_to_naive(ns: int) -> datetime:
    """Nanoseconds since the epoch as a naive datetime (microsecond precision)."""
    return _EPOCH + timedelta(microseconds=ns // 1000)


class AlgorithmClock:
    """Current algorithm time, local (New York, naive) and UTC, set in nanoseconds."""

    __slots__ = ("_local", "_local_at", "_utc", "_utc_at", "local_ns", "time_zone", "utc_ns")

    def __init__(self, time_zone: ZoneInfo) -> None:
        self.time_zone = time_zone
        self.utc_ns = 0
        self.local_ns = 0
        self._local = _EPOCH
        self._local_at = 0
        self._utc = _EPOCH
        self._utc_at = 0

    def set_ns(self, utc_ns: int, local_ns: int) -> None:
        """Move the clock; both stamps are already known (the hot path)."""
        self.utc_ns = utc_ns
        self.local_ns = local_ns

    def set_utc_ns(self, utc_ns: int) -> None:
        """Move the clock to a UTC instant, working out the local time."""
        aware = datetime.fromtimestamp(utc_ns / 1e9, tz=UTC).astimezone(self.time_zone)
        local = aware.replace(tzinfo=None)
        self.set_ns(utc_ns, _naive_ns(local) + (utc_ns % 1000))

    def set_local(self, local: datetime) -> None:
        """Move the clock to a local wall time (scheduled events such as the midnight sample)."""
        aware = local.replace(tzinfo=self.time_zone)
        utc = aware.astimezone(UTC).replace(tzinfo=None)
        self.set_ns(_naive_ns(utc), _naive_ns(local))

    @property
    def local_time(self) -> datetime:
        if self._local_at != self.local_ns or self.local_ns == 0:
            self._local = ns_to_naive(self.local_ns)
            self._local_at = self.local_ns
        return self._local

    @property
    def utc_time(self) -> datetime:
        if self._utc_at != self.utc_ns or self.utc_ns == 0:
            self._utc = ns_to_naive(self.utc_ns)
            self._utc_at = self.utc_ns
        return self._utc

    def to_utc_seconds(self, local: datetime) -> float:
        return local.replace(tzinfo=self.time_zone).timestamp()


def _naive_ns(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
