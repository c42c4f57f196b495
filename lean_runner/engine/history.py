"""History requests: past bars as LEAN's pandas DataFrame, or as bars for indicator warm-up.

LEAN's Python ``history`` returns a DataFrame indexed by ``(symbol, time)`` where
``time`` is each bar's end time, with lower-case columns (``open``, ``high``,
``low``, ``close``, ``volume``; quote columns ``askopen`` ... ``bidsize`` where
the resolution has quotes). Only bars that ended at or before the algorithm's
current time are returned: history never looks ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from lean_runner.engine.clock import ns_to_naive
from lean_runner.engine.data.bars import QuoteBars, TradeBars
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.timeconv import datetime_to_ns
from lean_runner.engine.data_services import DataServices
from lean_runner.engine.enums import DataNormalizationMode, Resolution
from lean_runner.engine.feed import RESOLUTION_FOLDER, adjust, adjust_scaled_raw, normalization_mode_name
from lean_runner.engine.market_data import TradeBar

_TRADE_COLUMNS = ("open", "high", "low", "close", "volume")
_QUOTE_COLUMNS = {"askopen": "ask_open", "askhigh": "ask_high", "asklow": "ask_low", "askclose": "ask_close",
                  "asksize": "ask_size", "bidopen": "bid_open", "bidhigh": "bid_high", "bidlow": "bid_low",
                  "bidclose": "bid_close", "bidsize": "bid_size"}
# How far back to read for N bars before giving up: trading days per resolution step.
_DAYS_PER_READ = {Resolution.SECOND: 2, Resolution.MINUTE: 5, Resolution.HOUR: 30, Resolution.DAILY: 400}


class HistoryProvider:
    """Answers history requests from the data folder, up to the clock's current time."""

    def __init__(self, data: DataServices, hours: ExchangeHours, now: Callable[[], datetime],
                 resolution_of: Callable[[str], int], count_points: Callable[[int], None],
                 mode_of: Callable[[str], int] = lambda ticker: DataNormalizationMode.ADJUSTED) -> None:
        self._data = data
        self._hours = hours
        self._now = now
        self._resolution_of = resolution_of
        self._count_points = count_points
        self._mode_of = mode_of  # a security's own normalization mode: history defaults to it, as in LEAN

    # --- the pieces --------------------------------------------------------------------------
    def _read(self, ticker: str, resolution: int, kind: str, first: date, last: date,
              mode: Any = None) -> TradeBars | QuoteBars:
        reader = self._data.reader
        if resolution == Resolution.TICK:
            raise NotImplementedError(f"history(...) at Resolution.TICK for {ticker.upper()}: the embedded engine "
                                      f"reads tick history only as the backtest's own data; ask for SECOND, "
                                      f"MINUTE, HOUR or DAILY bars, or run the LEAN image.")
        folder = RESOLUTION_FOLDER[resolution]
        if kind == "trade":
            bars: TradeBars | QuoteBars = reader.trade_bars(ticker, folder, first, last)
        else:
            bars = reader.quote_bars(ticker, folder, first, last)
        factor_file = self._data.factor_files.get(ticker)
        if mode is not None and int(mode) == DataNormalizationMode.SCALED_RAW:
            return adjust_scaled_raw(bars, factor_file, min(last, self._now().date()))
        name = normalization_mode_name(int(mode) if mode is not None else self._mode_of(ticker))
        dividends = [(event.date, event.distribution) for event in factor_file.corporate_actions(
            first, last, self._hours) if hasattr(event, "distribution")] if name == "TotalReturn" else None
        return adjust(bars, factor_file, name, dividends)

    def _bars_between(self, ticker: str, resolution: int, kind: str, start: datetime,
                      end: datetime, mode: Any = None) -> TradeBars | QuoteBars:
        bars = self._read(ticker, resolution, kind, start.date(), end.date(), mode)
        if len(bars) == 0:
            return bars
        keep = (bars.end_time > datetime_to_ns(start)) & (bars.end_time <= datetime_to_ns(end))
        return bars.take(np.flatnonzero(keep))

    def _last_bars(self, ticker: str, resolution: int, kind: str, count: int,
                   end: datetime, mode: Any = None) -> TradeBars | QuoteBars:
        """The last ``count`` bars ending at or before ``end``, reading further back until there are enough."""
        span = _DAYS_PER_READ.get(resolution, 5)
        first = end.date()
        bars: TradeBars | QuoteBars = TradeBars.empty() if kind == "trade" else QuoteBars.empty()
        for _ in range(60):
            first = first - timedelta(days=span)
            bars = self._bars_between(ticker, resolution, kind, datetime.combine(first, datetime.min.time()), end,
                                      mode)
            if len(bars) >= count:
                break
            span *= 2
        return bars.take(np.arange(max(len(bars) - count, 0), len(bars)))

    def _window(self, periods: Any, start: Any, end: Any) -> tuple[int | None, datetime, datetime]:
        now = self._now()
        if isinstance(periods, datetime | date) and not isinstance(periods, bool):
            start, end, periods = periods, start if isinstance(start, datetime | date) else end, None
        end_time = _as_datetime(end) if end is not None else now
        end_time = min(end_time, now)
        if isinstance(periods, timedelta):
            return None, end_time - periods, end_time
        if periods is not None:
            return int(periods), end_time, end_time
        if start is None:
            raise ValueError("history needs a bar count, a timedelta, or a start (and end) time.")
        return None, _as_datetime(start), end_time

    # --- public -------------------------------------------------------------------------------
    def trade_bars(self, symbol: Any, count: int, resolution: Any = None, mode: Any = None) -> list[TradeBar]:
        """The last ``count`` trade bars of ``symbol`` as TradeBar objects, oldest first (in ``mode``, a
        ``DataNormalizationMode``; the security's own by default)."""
        ticker = str(symbol)
        res = int(resolution) if resolution is not None else self._resolution_of(ticker)
        bars = self._last_bars(ticker, res, "trade", count, self._now(), mode)
        assert isinstance(bars, TradeBars)
        self._count_points(len(bars))
        period = timedelta(microseconds=int((bars.end_time[0] - bars.time[0]) // 1000)) if len(bars) else None
        result = []
        for i in range(len(bars)):
            bar = TradeBar(ns_to_naive(int(bars.time[i])), None, float(bars.open[i]), float(bars.high[i]),
                           float(bars.low[i]), float(bars.close[i]), float(bars.volume[i]), period or timedelta(0))
            bar.end_time = ns_to_naive(int(bars.end_time[i]))
            result.append(bar)
        return result

    def data_frame(self, symbols: Any, periods: Any = None, resolution: Any = None, start: Any = None,
                   end: Any = None, mode: Any = None) -> pd.DataFrame:
        """``self.history(...)``: a DataFrame indexed by (symbol, time) with LEAN's column names."""
        if isinstance(symbols, type):  # history(TradeBar, symbol, ...) overloads
            raise NotImplementedError("history(type, ...): pass the symbols first; the embedded engine returns "
                                      "a DataFrame of trade (and quote) bars.")
        tickers = [str(s) for s in (symbols if _is_many(symbols) else [symbols])]
        count, window_start, window_end = self._window(periods, start, end)
        frames = []
        for ticker in tickers:
            res = int(resolution) if resolution is not None else self._resolution_of(ticker)
            frames.append(self._frame(ticker, res, count, window_start, window_end, mode))
        frames = [f for f in frames if not f.empty]
        if not frames:
            index = pd.MultiIndex.from_arrays([[], []], names=["symbol", "time"])
            return pd.DataFrame(columns=list(_TRADE_COLUMNS), index=index)
        return pd.concat(frames).sort_index()

    def _frame(self, ticker: str, resolution: int, count: int | None, start: datetime,
               end: datetime, mode: Any = None) -> pd.DataFrame:
        def fetch(kind: str) -> TradeBars | QuoteBars:
            if count is not None:
                return self._last_bars(ticker, resolution, kind, count, end, mode)
            return self._bars_between(ticker, resolution, kind, start, end, mode)

        trades = fetch("trade")
        columns: dict[str, Any] = {}
        times = trades.end_time
        if len(trades):
            for name in _TRADE_COLUMNS:
                columns[name] = getattr(trades, name)
        if resolution in (Resolution.SECOND, Resolution.MINUTE):
            quotes = fetch("quote")
            if len(quotes):
                if len(trades) == 0:
                    times = quotes.end_time
                aligned = np.searchsorted(quotes.end_time, times)
                found = (aligned < len(quotes)) & (quotes.end_time[np.minimum(aligned, len(quotes) - 1)] == times)
                for name, field in _QUOTE_COLUMNS.items():
                    values = getattr(quotes, field)
                    columns[name] = np.where(found, values[np.minimum(aligned, len(quotes) - 1)], np.nan)
                self._count_points(int(found.sum()))
        self._count_points(len(trades))
        if len(times) == 0:
            return pd.DataFrame()
        index = pd.MultiIndex.from_arrays(
            [[ticker.upper()] * len(times), pd.to_datetime(np.asarray(times, dtype="datetime64[ns]"))],
            names=["symbol", "time"])
        return pd.DataFrame(columns, index=index)


def _is_many(symbols: Any) -> bool:
    return isinstance(symbols, Iterable) and not isinstance(symbols, str | bytes) and not hasattr(symbols, "value")


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"Expected a date or datetime, got {value!r}")
