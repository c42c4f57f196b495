"""The algorithm's clock: one shared object so securities and models read the same 'now'."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


class AlgorithmClock:
    """Current algorithm time, local (exchange/algorithm time zone, naive) and UTC."""

    __slots__ = ("local_time", "time_zone", "utc_ns", "utc_time")

    def __init__(self, time_zone: ZoneInfo) -> None:
        self.time_zone = time_zone
        self.local_time = datetime(1998, 1, 1)
        self.utc_time = datetime(1998, 1, 1, 5)
        self.utc_ns = 0

    def set_utc_ns(self, utc_ns: int) -> None:
        """Move the clock to a UTC instant given in nanoseconds since the epoch."""
        self.utc_ns = utc_ns
        aware = datetime.fromtimestamp(utc_ns / 1e9, tz=UTC)
        self.utc_time = aware.replace(tzinfo=None)
        self.local_time = aware.astimezone(self.time_zone).replace(tzinfo=None)

    def set_local(self, local: datetime) -> None:
        """Move the clock to a local wall time (used for scheduled events such as midnight samples)."""
        aware = local.replace(tzinfo=self.time_zone)
        self.local_time = local
        self.utc_time = aware.astimezone(UTC).replace(tzinfo=None)
        self.utc_ns = int(aware.timestamp() * 1_000_000) * 1000

    def to_utc_seconds(self, local: datetime) -> float:
        return local.replace(tzinfo=self.time_zone).timestamp()
