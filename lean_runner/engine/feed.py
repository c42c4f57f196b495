"""Subscriptions: a security's bars as arrays, adjusted, fill-forwarded and stamped in UTC.

The engine merges the ``end_utc`` stamps of all subscriptions into time slices
and walks each subscription with a cursor, so no bar object is made until the
algorithm needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_runner.engine.data.bars import QuoteBars, TradeBars, adjust_quote_bars, adjust_trade_bars
from lean_runner.engine.data.factor_files import FactorFile
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.tick_files import TickColumns
from lean_runner.engine.data.timeconv import NS_PER_DAY, date_to_ns, local_ns_to_utc_ns
from lean_runner.engine.enums import DataNormalizationMode, Resolution
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.securities import Security

I64 = npt.NDArray[np.int64]
RESOLUTION_PERIOD_NS = {Resolution.SECOND: 1_000_000_000, Resolution.MINUTE: 60_000_000_000,
                        Resolution.HOUR: 3_600_000_000_000, Resolution.DAILY: NS_PER_DAY}
RESOLUTION_FOLDER = {Resolution.SECOND: "second", Resolution.MINUTE: "minute", Resolution.HOUR: "hour",
                     Resolution.DAILY: "daily", Resolution.TICK: "tick"}
_EPOCH = datetime(1970, 1, 1)


def ns_to_local_datetime(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(ns) // 1000)


@dataclass
class Subscription:
    """One data stream (trade or quote bars) feeding one security."""

    security: Security
    kind: str  # "trade" or "quote"
    resolution: int
    internal: bool
    bars: TradeBars | QuoteBars
    end_utc: I64
    fill_forward: npt.NDArray[np.bool_]
    period: timedelta
    cursor: int = 0
    removed: bool = False
    consumers: list[Any] = field(default_factory=list)
    # Hot columns as Python lists: indexing a list is several times faster than a numpy scalar read.
    price_list: list[float] = field(default_factory=list)
    # Bid and ask closes with a missing side (NaN) carried from the previous bar: the security's bid and ask.
    # Arrays, not lists: they are read when an order or the algorithm asks, not on every bar.
    bid_closes: npt.NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    ask_closes: npt.NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    is_trade: bool = True
    is_custom: bool = False

    def __post_init__(self) -> None:
        self.is_trade = isinstance(self.bars, TradeBars)
        if isinstance(self.bars, TradeBars):
            self.price_list = self.bars.close.tolist()
        else:
            self.bid_closes = _carry_forward(self.bars.bid_close)
            self.ask_closes = _carry_forward(self.bars.ask_close)

    def __len__(self) -> int:
        return len(self.end_utc)

    def index_at(self, utc_ns: int) -> int:
        """The index of the last bar that ended at or before ``utc_ns`` (-1 before the first)."""
        return int(self.end_utc.searchsorted(utc_ns, side="right")) - 1

    def trade_values(self, index: int) -> tuple[float, float, float, bool]:
        """(close, volume, bar seconds, is fill-forward) of trade bar ``index``, as its TradeBar would say."""
        bars = self.bars
        assert isinstance(bars, TradeBars)
        seconds = (bars.end_time.item(index) // 1000 - bars.time.item(index) // 1000) / 1e6
        return self.price_list[index], bars.volume.item(index), seconds, bool(self.fill_forward.item(index))

    def bar(self, index: int) -> TradeBar | QuoteBar:
        """Materialise bar ``index`` as LEAN's object (the only place bar objects are made)."""
        bars = self.bars
        start = ns_to_local_datetime(bars.time.item(index))
        ff = bool(self.fill_forward.item(index))
        symbol = self.security.symbol
        if isinstance(bars, TradeBars):
            trade = TradeBar(start, symbol, bars.open.item(index), bars.high.item(index), bars.low.item(index),
                             bars.close.item(index), bars.volume.item(index), self.period, ff)
            trade.end_time = ns_to_local_datetime(bars.end_time.item(index))
            return trade
        bid_close, ask_close = bars.bid_close.item(index), bars.ask_close.item(index)
        bid = None if bid_close != bid_close else Bar(  # NaN: no bid in this bar
            bars.bid_open.item(index), bars.bid_high.item(index), bars.bid_low.item(index), bid_close)
        ask = None if ask_close != ask_close else Bar(
            bars.ask_open.item(index), bars.ask_high.item(index), bars.ask_low.item(index), ask_close)
        quote = QuoteBar(start, symbol, bid, bars.bid_size.item(index), ask, bars.ask_size.item(index),
                         self.period, ff)
        quote.end_time = ns_to_local_datetime(bars.end_time.item(index))
        return quote


def _carry_forward(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``values`` with each NaN replaced by the last number before it (leading NaNs stay)."""
    positions = np.where(np.isnan(values), 0, np.arange(len(values)))
    np.maximum.accumulate(positions, out=positions)
    return values[positions]


def bar_day_array(local_ns: I64) -> npt.NDArray[np.datetime64]:
    return (local_ns // NS_PER_DAY).astype("datetime64[D]")


def normalization_mode_name(mode: int) -> str:
    """The factor-file name of a ``DataNormalizationMode`` the engine reads equities in."""
    name = {DataNormalizationMode.RAW: "Raw", DataNormalizationMode.ADJUSTED: "Adjusted",
            DataNormalizationMode.SPLIT_ADJUSTED: "SplitAdjusted",
            DataNormalizationMode.TOTAL_RETURN: "TotalReturn"}.get(int(mode))
    if name is None:
        raise NotImplementedError(f"DataNormalizationMode.{DataNormalizationMode(int(mode)).name}: the embedded "
                                  f"engine reads equities in RAW, ADJUSTED, SPLIT_ADJUSTED or TOTAL_RETURN "
                                  f"(the others are for futures, or run the LEAN image).")
    return name


def _price_factors(local_ns: I64, factor_file: FactorFile, mode: str,
                   dividends: list[tuple[date, float]]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per bar: the factor of its date, and (TotalReturn) the dividends paid since the stream started up to and
    including its date, which LEAN adds to the split-adjusted price (``SumOfDividends``)."""
    days = bar_day_array(local_ns)
    factors = factor_file.factors(days, mode)
    added = np.zeros(len(local_ns))
    if mode == "TotalReturn":
        for effective, distribution in dividends:
            added += np.where(days >= np.datetime64(effective, "D"), distribution, 0.0)
    return factors, added


def adjust(bars: TradeBars | QuoteBars, factor_file: FactorFile, mode: str,
           dividends: list[tuple[date, float]] | None = None) -> TradeBars | QuoteBars:
    """Scale prices by the factor of each bar's date (LEAN re-reads the factor once per date); in TotalReturn the
    ``dividends`` (effective date, distribution) paid so far are added."""
    if len(bars) == 0 or mode == "Raw":
        return bars
    factors, added = _price_factors(bars.time, factor_file, mode, dividends or [])
    if np.all(factors == 1.0) and not added.any():
        return bars
    if isinstance(bars, TradeBars):
        return adjust_trade_bars(bars, factors, added)
    return adjust_quote_bars(bars, factors, added)


def adjust_scaled_raw(bars: TradeBars | QuoteBars, factor_file: FactorFile, end_day: date) -> TradeBars | QuoteBars:
    """LEAN's ScaledRaw (history only): prices adjusted relative to ``end_day``, so they join up with the raw
    prices of that day (``factor(day) / factor(end_day)``)."""
    if len(bars) == 0:
        return bars
    factors = factor_file.factors(bar_day_array(bars.time), "Adjusted") / factor_file.factor(end_day, "Adjusted")
    if np.all(factors == 1.0):
        return bars
    if isinstance(bars, TradeBars):
        return adjust_trade_bars(bars, factors)
    return adjust_quote_bars(bars, factors)


def adjust_ticks(columns: TickColumns, factor_file: FactorFile, mode: str,
                 dividends: list[tuple[date, float]] | None = None) -> TickColumns:
    """Tick prices scaled like bars: by the factor of each tick's date (LEAN adjusts tick and quote prices)."""
    if len(columns) == 0 or mode == "Raw":
        return columns
    factors, added = _price_factors(columns.time, factor_file, mode, dividends or [])
    if np.all(factors == 1.0) and not added.any():
        return columns
    # A quote side that is absent (0) stays absent; quantities and sizes scale inversely, rounded (as bars).
    return replace(columns, price=columns.price * factors + added, quantity=np.round(columns.quantity / factors),
                   bid_price=np.where(columns.bid_price != 0, columns.bid_price * factors + added, 0.0),
                   bid_size=np.round(columns.bid_size / factors),
                   ask_price=np.where(columns.ask_price != 0, columns.ask_price * factors + added, 0.0),
                   ask_size=np.round(columns.ask_size / factors))


def expected_end_times(hours: ExchangeHours, resolution: int, start: date, end: date, extended: bool) -> I64:
    """Local end stamps of every bar the exchange could produce in [start, end] at this resolution."""
    ends: list[I64] = []
    if resolution == Resolution.DAILY:
        closes = [hours.market_close(day) for day in hours.trading_days(start, end)]
        values = [_local_ns(c) for c in closes if c is not None]
        return np.asarray(values, dtype=np.int64)
    period = RESOLUTION_PERIOD_NS[resolution]
    for day in hours.trading_days(start, end):
        base = date_to_ns(day)
        for window_start, window_end in hours.open_windows(day, extended):
            first = base + int(window_start.total_seconds() * 1e9)
            last = base + int(window_end.total_seconds() * 1e9)
            first_end = (first // period) * period + period
            ends.append(np.arange(first_end, last + 1, period, dtype=np.int64))
    return np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)


def _local_ns(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def fill_forward(bars: TradeBars | QuoteBars, expected_ends: I64, period_ns: int,
                 until_ns: int) -> tuple[TradeBars | QuoteBars, npt.NDArray[np.bool_]]:
    """Insert copies of the last bar where the exchange was open but no bar arrived.

    A fill-forward trade bar carries the previous close as open, high, low and close
    with zero volume, as LEAN's fill-forward clone does; quote sides likewise.
    """
    if len(bars) == 0:
        return bars, np.zeros(0, dtype=bool)
    actual = bars.end_time
    grid = expected_ends[(expected_ends > actual[0]) & (expected_ends <= until_ns)]
    if _all_present(grid, actual):  # nothing missing (a complete file): no sort of both stamp sets
        return bars, np.zeros(len(actual), dtype=bool)
    merged = sorted_union(actual, grid)
    if len(merged) == len(actual):
        return bars, np.zeros(len(actual), dtype=bool)
    source = np.searchsorted(actual, merged, side="right") - 1
    is_ff = actual[source] != merged
    columns = bars.columns()
    out: dict[str, Any] = {}
    for name, values in columns.items():
        taken = values[source]
        if name == "end_time":
            taken = merged
        elif name == "time":
            taken = np.where(is_ff, merged - min(period_ns, NS_PER_DAY), values[source])
            if period_ns >= NS_PER_DAY:
                taken = np.where(is_ff, values[source] + (merged - actual[source]), values[source])
        out[name] = taken
    result = type(bars)(**out)
    if isinstance(result, TradeBars):
        close = result.close
        result = TradeBars(time=result.time, end_time=result.end_time,
                           open=np.where(is_ff, close, result.open), high=np.where(is_ff, close, result.high),
                           low=np.where(is_ff, close, result.low), close=close,
                           volume=np.where(is_ff, 0.0, result.volume))
    else:
        q = result
        result = QuoteBars(time=q.time, end_time=q.end_time,
                           bid_open=np.where(is_ff, q.bid_close, q.bid_open),
                           bid_high=np.where(is_ff, q.bid_close, q.bid_high),
                           bid_low=np.where(is_ff, q.bid_close, q.bid_low), bid_close=q.bid_close,
                           bid_size=q.bid_size,
                           ask_open=np.where(is_ff, q.ask_close, q.ask_open),
                           ask_high=np.where(is_ff, q.ask_close, q.ask_high),
                           ask_low=np.where(is_ff, q.ask_close, q.ask_low), ask_close=q.ask_close,
                           ask_size=q.ask_size)
    return result, is_ff


def _all_present(wanted: I64, sorted_values: I64) -> bool:
    """True when every stamp of ``wanted`` is in ``sorted_values`` (sorted ascending)."""
    if len(wanted) == 0:
        return True
    if len(sorted_values) == 0:
        return False
    tail = sorted_values[len(sorted_values) - len(wanted):]
    if len(tail) == len(wanted) and (tail == wanted).all():  # the usual case: the data has every stamp
        return True
    at = np.minimum(np.searchsorted(sorted_values, wanted), len(sorted_values) - 1)
    return bool((sorted_values[at] == wanted).all())


def sorted_union(*arrays: I64) -> I64:
    """The sorted distinct values of several int64 arrays (cheaper than np.unique's hashing on millions)."""
    if len(arrays) > 1:
        # Usually one array already holds every stamp (quotes on the trades' grid, hourly within minutes).
        widest = max(arrays, key=len)
        if len(widest) > 1 and (widest[1:] > widest[:-1]).all() and \
                all(array is widest or _all_present(array, widest) for array in arrays):
            return widest
    merged = np.sort(np.concatenate(arrays), kind="stable") if len(arrays) != 1 else np.sort(arrays[0])
    if len(merged) == 0:
        return merged
    keep = np.empty(len(merged), dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]


def make_subscription(security: Security, kind: str, resolution: int, internal: bool, bars: TradeBars | QuoteBars,
                      fill_forward_flags: npt.NDArray[np.bool_], hours: ExchangeHours,
                      same_grid: Subscription | None = None) -> Subscription:
    """A subscription over ``bars``; ``same_grid``, a subscription that may end its bars at the same local
    times (a security's trades for its quotes), lends its UTC stamps when they are the same."""
    period_ns = RESOLUTION_PERIOD_NS.get(resolution, NS_PER_DAY)
    if same_grid is not None and np.array_equal(same_grid.bars.end_time, bars.end_time):
        end_utc = same_grid.end_utc
    elif len(bars):
        end_utc = local_ns_to_utc_ns(bars.end_time, hours.time_zone)
    else:
        end_utc = np.empty(0, dtype=np.int64)
    return Subscription(security, kind, resolution, internal, bars, np.asarray(end_utc, dtype=np.int64),
                        fill_forward_flags, timedelta(microseconds=period_ns // 1000))


def corporate_action_times(factor_file: FactorFile, hours: ExchangeHours, start: date,
                           end: date) -> list[tuple[int, Any]]:
    """Splits and dividends at 00:00 local of their effective dates, as UTC ns (LEAN emits them there)."""
    events = factor_file.corporate_actions(start, end, hours)
    if not events:
        return []
    days = np.asarray([date_to_ns(event.date) for event in events], dtype=np.int64)
    utc = local_ns_to_utc_ns(days, hours.time_zone).tolist()
    return list(zip(utc, events, strict=True))
