"""Fixtures for the indicator tests: real SPY daily bars as ``TradeBar`` objects and numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from lean_runner.engine.data.reader import LeanDataReader
from lean_runner.engine.market_data import TradeBar
from lean_runner.engine.symbol import Symbol

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class BarSeries:
    """Bars plus their columns."""

    bars: list[TradeBar]
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray

    @property
    def times(self) -> list[datetime]:
        return [bar.end_time for bar in self.bars]


def make_series(high: np.ndarray, low: np.ndarray, close: np.ndarray, start: datetime | None = None,
                symbol: Symbol | None = None) -> BarSeries:
    """Daily ``TradeBar`` objects from columns (open = close)."""
    start = start or datetime(2020, 1, 1)
    bars = [TradeBar(start + timedelta(days=i), symbol, float(c), float(h), float(lo), float(c), 1000.0,
                     timedelta(days=1)) for i, (h, lo, c) in enumerate(zip(high, low, close, strict=True))]
    return BarSeries(bars, np.asarray(high, float), np.asarray(low, float), np.asarray(close, float))


@pytest.fixture(scope="session")
def spy_daily(lean_data: Path, tmp_path_factory: pytest.TempPathFactory) -> BarSeries:
    """SPY daily trade bars 2010-2015 from the shared LEAN data (raw prices)."""
    reader = LeanDataReader(lean_data, cache_folder=tmp_path_factory.mktemp("indicator-cache"))
    data = reader.trade_bars("SPY", "daily", date(2010, 1, 1), date(2015, 12, 31))
    symbol = Symbol.create("SPY")
    bars = []
    for i in range(len(data.close)):
        start = EPOCH + timedelta(microseconds=int(data.time[i]) // 1000)
        end = EPOCH + timedelta(microseconds=int(data.end_time[i]) // 1000)
        bars.append(TradeBar(start, symbol, float(data.open[i]), float(data.high[i]), float(data.low[i]),
                             float(data.close[i]), float(data.volume[i]), end - start))
    assert len(bars) > 1000
    return BarSeries(bars, np.asarray(data.high, float), np.asarray(data.low, float), np.asarray(data.close, float))
