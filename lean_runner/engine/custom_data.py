"""LEAN custom data: ``PythonData`` subclasses read from local files with ``get_source`` and ``reader``.

``self.add_data(MyData, "TICKER", Resolution.DAILY)`` makes the engine ask ``get_source(config, date,
is_live)`` for every date of the backtest, read each distinct local file once, and turn each line into a
point with ``reader(config, line, date, is_live)``. Points arrive in the slice at their ``end_time``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from lean_runner.engine.enums import _lean_enum
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.securities import Security
from lean_runner.engine.symbol import Symbol

SubscriptionTransportMedium = _lean_enum("SubscriptionTransportMedium", [
    ("LocalFile", 0), ("RemoteFile", 1), ("Rest", 2), ("Streaming", 3), ("ObjectStore", 4)])
FileFormat = _lean_enum("FileFormat", [
    ("Csv", 0), ("Binary", 1), ("ZipEntryName", 2), ("UnfoldingCollection", 3), ("Index", 4),
    ("FoldingCollection", 5)])


class Globals:
    """LEAN's static ``Globals``; the engine points ``data_folder`` at the run's data folder.

    LEAN exposes this as process-wide state, and custom data sources rely on it, so it is the one
    piece of class-level state the engine sets (one backtest runs per engine process).
    """

    data_folder: ClassVar[str] = ""
    DataFolder: ClassVar[str] = ""

    @staticmethod
    def get_data_folder_path(relative: str) -> str:
        return str(Path(Globals.data_folder) / relative)

    GetDataFolderPath = get_data_folder_path


@lean_names
class BaseData(PascalCaseAttributes):
    """A data point: ``symbol``, ``time``, ``end_time``, ``value`` (also ``price``), plus any named fields."""

    def __init__(self) -> None:
        self.symbol: Any = None
        self.time = datetime(1, 1, 1)
        self._end_time: datetime | None = None
        self.value = 0.0
        self._fields: dict[str, Any] = {}

    @property
    def end_time(self) -> datetime:
        return self._end_time if self._end_time is not None else self.time

    @end_time.setter
    def end_time(self, value: datetime) -> None:
        self._end_time = value

    @property
    def price(self) -> float:
        return float(self.value)

    @property
    def close(self) -> float:
        return float(self.value)

    def __getitem__(self, key: str) -> Any:
        return self._fields[key.lower()]

    def __setitem__(self, key: str, value: Any) -> None:
        self._fields[key.lower()] = value

    def get_property(self, key: str) -> Any:
        return self._fields.get(key.lower())

    def has_property(self, key: str) -> bool:
        return key.lower() in self._fields


@lean_names
class PythonData(BaseData):
    """Base class for Python custom data: override ``get_source`` and ``reader``."""

    def get_source(self, config: Any, date: datetime, is_live: bool) -> SubscriptionDataSource:
        raise NotImplementedError(f"{type(self).__name__}.get_source(config, date, is_live) must be overridden.")

    def reader(self, config: Any, line: str, date: datetime, is_live: bool) -> BaseData | None:
        raise NotImplementedError(f"{type(self).__name__}.reader(config, line, date, is_live) must be overridden.")

    def requires_mapping(self) -> bool:
        return False

    def is_sparse_data(self) -> bool:
        return True

    def default_resolution(self) -> int:
        return 4


@lean_names
class SubscriptionDataSource(PascalCaseAttributes):
    """Where a custom data point for a date comes from (the embedded engine reads local files)."""

    def __init__(self, source: str, transport_medium: int = 0, format: int = 0) -> None:
        self.source = str(source)
        self.transport_medium = int(transport_medium)
        self.format = int(format)


@lean_names
class SubscriptionDataConfig(PascalCaseAttributes):
    """What ``get_source`` and ``reader`` are told about the subscription."""

    def __init__(self, data_type: type, symbol: Symbol, resolution: int) -> None:
        self.type = data_type
        self.symbol = symbol
        self.resolution = resolution
        self.increment = timedelta(days=1) if resolution == 4 else timedelta(minutes=1)
        self.is_custom_data = True
        self.data_time_zone = "America/New_York"
        self.exchange_time_zone = "America/New_York"
        self.tick_type = 0  # TickType.TRADE
        self.data_normalization_mode = 1  # DataNormalizationMode.ADJUSTED
        self.extended_market_hours = False
        self.fill_data_forward = False
        self.is_internal_feed = False


@dataclass
class CustomSubscription:
    """A custom data stream, shaped like the engine's bar subscriptions where the loop touches it."""

    security: Security
    points: list[Any]
    end_utc: np.ndarray
    cursor: int = 0
    removed: bool = False
    internal: bool = False
    is_trade: bool = False
    is_custom: bool = True

    def __len__(self) -> int:
        return len(self.end_utc)


def read_custom_points(data_type: type, config: SubscriptionDataConfig, days: list[date]) -> list[Any]:
    """Every point ``data_type`` reads for these days, in end-time order; each distinct file is read once."""
    factory = data_type()
    seen_sources: set[str] = set()
    points: list[Any] = []
    for day in days:
        moment = datetime(day.year, day.month, day.day)
        source = factory.get_source(config, moment, False)
        if source is None or source.source in seen_sources:
            continue
        seen_sources.add(source.source)
        if source.transport_medium != 0:
            medium = SubscriptionTransportMedium(source.transport_medium).name
            raise NotImplementedError(f"{data_type.__name__}.get_source returned a {medium} source: the embedded "
                                      f"engine reads LOCAL_FILE custom data only.")
        path = Path(source.source)
        if not path.is_file():
            continue  # LEAN treats a missing daily file as no data for that day
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            point = factory.reader(config, line, moment, False)
            if point is not None:
                points.append(point)
    points.sort(key=lambda point: point.end_time)
    return points
