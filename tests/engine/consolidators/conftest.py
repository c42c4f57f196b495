"""Fixtures for the consolidator tests: real SPY minute bars (2013-10-07..11) and US equity hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lean_runner.engine.data.market_hours import ExchangeHours, MarketHoursDatabase
from lean_runner.engine.data.reader import LeanDataReader
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.symbol import Symbol

FIRST, LAST = date(2013, 10, 7), date(2013, 10, 11)
_EPOCH = datetime(1970, 1, 1)


def _when(ns: np.int64) -> datetime:
    return _EPOCH + timedelta(microseconds=int(ns) // 1000)


@pytest.fixture(scope="session")
def spy() -> Symbol:
    return Symbol.create("SPY")


@pytest.fixture(scope="session")
def equity_hours(lean_data: Path) -> ExchangeHours:
    return MarketHoursDatabase.load(lean_data).exchange_hours("Equity", "usa")


@pytest.fixture(scope="session")
def reader(lean_data: Path, parse_cache: Path) -> LeanDataReader:
    return LeanDataReader(lean_data, cache_folder=parse_cache)


@pytest.fixture(scope="session")
def spy_minute(reader: LeanDataReader, spy: Symbol) -> list[TradeBar]:
    """SPY minute trade bars as ``TradeBar`` objects (1950 bars, 09:30-16:00 each day)."""
    arrays = reader.trade_bars("SPY", "minute", FIRST, LAST)
    bars = []
    for i in range(len(arrays)):
        start, end = _when(arrays.time[i]), _when(arrays.end_time[i])
        bars.append(TradeBar(start, spy, float(arrays.open[i]), float(arrays.high[i]), float(arrays.low[i]),
                             float(arrays.close[i]), float(arrays.volume[i]), end - start))
    return bars


@pytest.fixture(scope="session")
def spy_hour(reader: LeanDataReader, spy: Symbol) -> list[TradeBar]:
    """SPY hour trade bars (the first of each day is 09:00-10:00, as in LEAN's hour files)."""
    arrays = reader.trade_bars("SPY", "hour", FIRST, LAST)
    return [TradeBar(_when(arrays.time[i]), spy, float(arrays.open[i]), float(arrays.high[i]),
                     float(arrays.low[i]), float(arrays.close[i]), float(arrays.volume[i]),
                     _when(arrays.end_time[i]) - _when(arrays.time[i])) for i in range(len(arrays))]


@pytest.fixture(scope="session")
def spy_quotes(reader: LeanDataReader, spy: Symbol) -> list[QuoteBar]:
    """SPY minute quote bars as ``QuoteBar`` objects."""
    a = reader.quote_bars("SPY", "minute", FIRST, LAST)
    bars = []
    for i in range(len(a)):
        start, end = _when(a.time[i]), _when(a.end_time[i])
        bid = Bar(float(a.bid_open[i]), float(a.bid_high[i]), float(a.bid_low[i]), float(a.bid_close[i]))
        ask = Bar(float(a.ask_open[i]), float(a.ask_high[i]), float(a.ask_low[i]), float(a.ask_close[i]))
        bars.append(QuoteBar(start, spy, bid, float(a.bid_size[i]), ask, float(a.ask_size[i]), end - start))
    return bars


@pytest.fixture(scope="session")
def spy_frame(spy_minute: list[TradeBar]) -> pd.DataFrame:
    """The minute bars as a DataFrame indexed by bar start (the pandas reference's input)."""
    return pd.DataFrame(
        {"open": [b.open for b in spy_minute], "high": [b.high for b in spy_minute],
         "low": [b.low for b in spy_minute], "close": [b.close for b in spy_minute],
         "volume": [b.volume for b in spy_minute]},
        index=pd.DatetimeIndex([b.time for b in spy_minute]))


Emission = tuple[datetime, object]


@pytest.fixture(scope="session")
def drive():
    """Feed bars the way the engine does and record ``(clock time, bar)`` for each emitted bar.

    Per slice at ``t`` (= the bar's end): past scans (``next_scan_time < t``) with the clock at the scan
    time, then ``update(bar)`` and ``scan(t)``; ``until`` runs the past scans up to a final time.
    """

    def run(consolidator, bars, until: datetime | None = None) -> list[Emission]:
        emitted: list[Emission] = []
        clock: list[datetime] = [datetime.min]

        def record(sender, bar) -> None:
            emitted.append((clock[0], bar))

        def scan_past(t: datetime) -> None:
            while (due := consolidator.next_scan_time) is not None and due < t:
                clock[0] = due
                consolidator.scan(due)
                if consolidator.next_scan_time == due:
                    break

        consolidator.data_consolidated += record
        for bar in bars:
            scan_past(bar.end_time)
            clock[0] = bar.end_time
            consolidator.update(bar)
            consolidator.scan(bar.end_time)
        if until is not None:
            scan_past(until)
        consolidator.data_consolidated -= record
        return emitted

    return run
