"""LEAN's "Estimated Strategy Capacity" (``CapacityEstimate`` + ``SymbolCapacity``).

For every traded symbol, the market dollar volume of the bars right after each fill
is accumulated, discounted for fast trading and scaled by the bar resolution. At
periodic snapshots, the symbol with the least such volume caps the strategy: its
volume per trade divided by the larger of its share of the traded volume and its
share of the portfolio. Snapshots are smoothed (0.33 new + 0.66 old) and the result
is rounded to the nearest 1,000.

How the engine drives it (the same points at which LEAN calls it):

1. ``CapacityEstimator(start_date=..., end_date=...)`` once, with the algorithm's
   start and end *dates* (local calendar dates, as given to ``set_start_date`` /
   ``set_end_date``).
2. :meth:`CapacityEstimator.on_order_fill` for every order event with status Filled
   or PartiallyFilled, at the moment it happens (during the slice).
3. :meth:`CapacityEstimator.update` once per time slice (every non-time-pulse slice,
   also those carrying only the benchmark's hourly data: snapshot timing depends on
   them), after the slice's fills and ``on_data``, with the slice's UTC time and its
   **non-fill-forward** trade bars keyed by SID (LEAN's ``Slice.Bars``: user
   subscriptions only, never the internal benchmark feed; a fill-forward bar has
   volume 0 and may be left out). ``close × volume`` must be the market's dollar
   volume: with adjusted prices, LEAN divides the volume by the price factor, so
   pass the adjusted close with ``volume / factor``. ``period_seconds`` is the bar's
   end minus its start (a daily equity bar 09:30→16:00 is 23,400 s, which LEAN
   treats as *Hour* data). The portfolio is read only when a snapshot is taken.
4. ``update(..., force=True)`` once after the data loop ends (LEAN's final
   ``ProcessSynchronousEvents(true)``), with the last slice's time and bars again.

Example::

    >>> from datetime import date
    >>> estimator = CapacityEstimator(start_date=date(2013, 10, 7), end_date=date(2013, 10, 11))
    >>> estimator.capacity, estimator.lowest_capacity_asset
    (Decimal('0.00'), '')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple, Protocol

from lean_runner.engine.dotnet_format import to_decimal
from lean_runner.engine.statistics.decimal_casts import DECIMAL_CONTEXT, net_decimal

__all__ = ["CapacityBar", "CapacityEstimator", "CapacityPortfolio", "resolution_of_period", "round_capacity"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_DAY = 86400.0
_HOUR = 3600.0
_MINUTE = 60.0
_TICK_SECONDS = 1e-7
_ROUNDING_QUANTUM = Decimal("1000.00")
_EFFECT_PERIOD_SECONDS = 30 * _DAY  # a trade keeps its symbol in the estimate this long
_MAX_SNAPSHOT_DAYS = 7.0
_FAST_TRADING_SCALE = Decimal(2)
_MINUTES_PER_SESSION = Decimal(390)
_MIN_FAST_TRADING_DISCOUNT = Decimal("0.20")
_NEW_WEIGHT, _OLD_WEIGHT = Decimal("0.33"), Decimal("0.66")
_DOLLAR_VOLUME_SCALE = 6_000_000
_MINUTE_DOLLAR_VOLUME_SCALE = Decimal(_DOLLAR_VOLUME_SCALE)
_SECOND_DOLLAR_VOLUME_SCALE = Decimal(_DOLLAR_VOLUME_SCALE // 60)
_TEN = Decimal(10)
# The share of the market's volume a strategy can take, by bar resolution.
_RESOLUTION_SCALE = {
    "daily": Decimal("0.02"),
    "hour": Decimal("0.05"),
    "minute": Decimal("0.20"),
    "second": Decimal("0.50"),
    "tick": Decimal("0.50"),
}


class CapacityBar(NamedTuple):
    """One trade bar of the current slice: close, volume and bar length in seconds (a tuple: one per slice)."""

    close: float
    volume: float
    period_seconds: float
    conversion_rate: float = 1.0


class CapacityPortfolio(Protocol):
    """Portfolio state read at snapshot times only."""

    def total_portfolio_value(self) -> float:
        """``Portfolio.TotalPortfolioValue`` in account currency."""

    def position_value(self, sid: str) -> float:
        """Buying power used by the holding times leverage: for equities |qty × price × multiplier|."""

    def is_invested(self, sid: str) -> bool:
        """Whether the symbol currently has a non-zero holding."""


def resolution_of_period(period_seconds: float) -> str:
    """LEAN's ``ToHigherResolutionEquivalent(requireExactMatch: false)`` of a bar period."""
    if period_seconds >= _DAY:
        return "daily"
    if period_seconds >= _HOUR:
        return "hour"
    if period_seconds >= _MINUTE:
        return "minute"
    if period_seconds >= 1.0:
        return "second"
    return "tick"


def round_capacity(value: Decimal) -> Decimal:
    """``DiscretelyRoundBy(1000.00m)``: nearest 1,000, midpoints away from zero, scale 2."""
    with localcontext(DECIMAL_CONTEXT):
        multiple = (value / _ROUNDING_QUANTUM).quantize(_ONE, rounding=ROUND_HALF_UP)
        return _ROUNDING_QUANTUM * multiple


def _round_up(seconds: float, interval: float) -> float:
    return math.ceil(seconds / interval) * interval


def _utc_midnight(seconds: float) -> float:
    return math.floor(seconds / _DAY) * _DAY


class _SymbolCapacity:
    """Market volume captured after one symbol's fills, between snapshots."""

    def __init__(self, sid: str, multiplier: Decimal) -> None:
        self.sid = sid
        self.multiplier = multiplier
        self.trades = 0
        self.sale_volume = _ZERO
        self.market_dollar_volume = _ZERO
        self.resolution_scale = _ZERO
        self.average_dollar_volume = _ZERO
        self.previous_volume = _ZERO
        self.previous_bar_time: float | None = None
        self.previous_fill_time: float | None = None
        self.fast_trading_discount = _ZERO
        self.reset_pending = False

    @property
    def market_capacity_dollar_volume(self) -> Decimal:
        return self.market_dollar_volume * self.resolution_scale

    def on_fill(self, time_utc: float, value: Decimal) -> None:
        self.sale_volume += value
        # Volume after a fill counts less the sooner it follows the previous fill;
        # the first fill is treated as if the previous one were a day earlier.
        previous = self.previous_fill_time if self.previous_fill_time is not None else time_utc - _DAY
        minutes = net_decimal((time_utc - previous) / _MINUTE)
        discount = _FAST_TRADING_SCALE * (minutes / _MINUTES_PER_SESSION)
        self.fast_trading_discount = _ONE if discount > 1 else max(_MIN_FAST_TRADING_DISCOUNT, discount)
        if self.reset_pending:
            self.market_dollar_volume = _ZERO
            self.trades = 0
            self.reset_pending = False
        self.trades += 1
        self.previous_fill_time = time_utc

    def _timeout_minutes(self, minimum: int, scale: Decimal) -> int:
        k = scale / self.average_dollar_volume if self.average_dollar_volume != 0 else _TEN
        return 120 if k > 120 else int(max(float(minimum), float(k)))

    def _includes_volume(self, resolution: str, time_utc: float) -> bool:
        fill_time = self.previous_fill_time
        if fill_time is None:
            return False
        if resolution == "hour":
            return time_utc == _round_up(fill_time, _HOUR)
        if resolution == "daily":
            return time_utc == fill_time or _utc_midnight(time_utc) == _round_up(fill_time, _DAY)
        if resolution in ("second", "tick"):
            timeout = fill_time + self._timeout_minutes(5, _SECOND_DOLLAR_VOLUME_SCALE) * _MINUTE
        else:
            timeout = fill_time + self._timeout_minutes(1, _MINUTE_DOLLAR_VOLUME_SCALE) * _MINUTE
        return time_utc <= timeout

    def on_bar(self, time_utc: float, bar: CapacityBar | None) -> bool:
        """Accumulate the bar if still inside the window after the last fill.

        Returns True once the window has passed (the symbol stops being monitored).
        """
        if bar is None or bar.volume == 0:
            return False
        close, volume = to_decimal(bar.close), to_decimal(bar.volume)
        rate = to_decimal(bar.conversion_rate)
        previous = self.previous_bar_time if self.previous_bar_time is not None else time_utc
        minutes = net_decimal((time_utc - previous) / _MINUTE)
        if self.previous_bar_time is None or minutes == 0:
            self.average_dollar_volume = rate * close * volume
        else:
            self.average_dollar_volume = close * rate * (volume + self.previous_volume) / minutes
        self.previous_bar_time = time_utc
        self.previous_volume = volume
        resolution = resolution_of_period(bar.period_seconds)
        if not self._includes_volume(resolution, time_utc):
            return True
        self.resolution_scale = _RESOLUTION_SCALE[resolution]
        self.market_dollar_volume += close * self.fast_trading_discount * volume * rate * self.multiplier
        return False

    def should_remove(self, time_utc: float, invested: bool) -> bool:
        last_fill = self.previous_fill_time if self.previous_fill_time is not None else time_utc
        return not invested and time_utc >= last_fill + _EFFECT_PERIOD_SECONDS


class CapacityEstimator:
    """Estimated strategy capacity in account currency, as LEAN computes it."""

    def __init__(self, *, start_date: date, end_date: date) -> None:
        # LEAN's end date is the last day at 23:59:59.9999999, so a 5-day backtest
        # spans 4.9999999 days and snapshots every 3.9999999 days (at most 7, at least 1).
        span_days = (end_date - start_date).days + 1 - _TICK_SECONDS / _DAY
        self._period = max(min(span_days - 1, _MAX_SNAPSHOT_DAYS), 1.0) * _DAY
        start = datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC).timestamp()
        # LEAN compares UTC dates with the local start date + period, as naive times.
        self._next_snapshot = start + self._period
        self._by_symbol: dict[str, _SymbolCapacity] = {}
        self._monitored: dict[str, _SymbolCapacity] = {}
        self._capacity = _ZERO
        self._lowest: str = ""

    @property
    def capacity(self) -> Decimal:
        """The capacity rounded to the nearest 1,000 (midpoints away from zero), scale 2."""
        return round_capacity(self._capacity)

    @property
    def unrounded_capacity(self) -> Decimal:
        """The smoothed estimate before rounding (what the snapshots compute)."""
        return self._capacity

    @property
    def lowest_capacity_asset(self) -> str:
        """SID string of the asset that limited the last snapshot, or ``""``."""
        return self._lowest

    def on_order_fill(
        self,
        sid: str,
        time_utc: float,
        fill_price: float,
        fill_quantity: float,
        *,
        conversion_rate: float = 1.0,
        contract_multiplier: float = 1.0,
    ) -> None:
        """Record a (partial) fill of ``sid`` at UTC unix time ``time_utc``."""
        with localcontext(DECIMAL_CONTEXT):
            symbol = self._by_symbol.get(sid)
            if symbol is None:
                symbol = _SymbolCapacity(sid, to_decimal(contract_multiplier))
                self._by_symbol[sid] = symbol
            value = (
                to_decimal(conversion_rate)
                * to_decimal(fill_price)
                * abs(to_decimal(fill_quantity))
                * symbol.multiplier
            )
            symbol.on_fill(time_utc, value)
            self._monitored.setdefault(sid, symbol)

    def wants_update(self, time_utc: float) -> bool:
        """Whether ``update`` at this time would do anything (lets the engine skip building bars)."""
        return time_utc >= self.next_update_utc

    @property
    def next_update_utc(self) -> float:
        """The earliest time ``update`` has work: now while fills are monitored, else the next snapshot."""
        if self._monitored:
            return -math.inf
        return self._next_snapshot if self._by_symbol else math.inf

    def update(
        self,
        time_utc: float,
        bars: Mapping[str, CapacityBar],
        portfolio: CapacityPortfolio,
        *,
        force: bool = False,
    ) -> None:
        """Process one time slice: capture market volume, and snapshot when due."""
        if not self._monitored and not force and (not self._by_symbol or time_utc < self._next_snapshot):
            return
        with localcontext(DECIMAL_CONTEXT):
            for sid in reversed(list(self._monitored)):
                if self._monitored[sid].on_bar(time_utc, bars.get(sid)):
                    del self._monitored[sid]
            utc_date = _utc_midnight(time_utc)
            if force or (utc_date >= self._next_snapshot and self._by_symbol):
                self._snapshot(time_utc, utc_date, portfolio)

    def _snapshot(self, time_utc: float, utc_date: float, portfolio: CapacityPortfolio) -> None:
        total_value = net_decimal(portfolio.total_portfolio_value())
        if total_value == 0 or not self._by_symbol:
            return
        total_sales = sum((s.sale_volume for s in self._by_symbol.values()), _ZERO)
        candidates = [
            s for s in self._by_symbol.values() if s.trades > 0 and s.market_capacity_dollar_volume > 0
        ]
        if candidates:
            smallest = min(candidates, key=lambda s: s.market_capacity_dollar_volume)
            self._lowest = smallest.sid
            share_of_sales = smallest.sale_volume / total_sales if total_sales != 0 else _ZERO
            share_of_holdings = net_decimal(portfolio.position_value(smallest.sid)) / total_value
            scaling = max(share_of_sales, share_of_holdings)
            per_trade = smallest.market_capacity_dollar_volume / smallest.trades
            estimate = self._capacity if scaling == 0 else per_trade / scaling
            if self._capacity != 0:
                estimate = _NEW_WEIGHT * estimate + self._capacity * _OLD_WEIGHT
            self._capacity = estimate
        for sid, symbol in list(self._by_symbol.items()):
            if symbol.should_remove(time_utc, portfolio.is_invested(sid)):
                # Forget symbols no longer held nor recently traded.
                del self._by_symbol[sid]
                self._monitored.pop(sid, None)
            else:
                symbol.reset_pending = True
                symbol.sale_volume = _ZERO
        self._next_snapshot = utc_date + self._period
