"""Consolidators whose bars close on price or volume, not time: Renko (LEAN's "wicked" kind), classic Renko,
volume Renko, range and classic range bars.

* ``RenkoConsolidator(bar_size)``: the first price is rounded to the nearest multiple of the brick size; a
  brick closes each time the price has moved a whole brick beyond the open in the running direction, or two
  bricks against it (a reversal starts from the last brick's open); a brick keeps the wick the price drew.
* ``ClassicRenkoConsolidator(bar_size, selector=None, volume_selector=None, even_bars=True)``: one bar at a
  time, closing when the value reaches ``open +/- bar_size``; the next bar opens at the last close (the first
  at the brick multiple above the first value with ``even_bars``).
* ``VolumeRenkoConsolidator(bar_size)``: a bar closes every ``bar_size`` traded shares; the surplus starts the
  next bar at the previous close.
* ``RangeConsolidator(range, selector=None, volume_selector=None)``: bars ``range`` minimum price variations
  high (0.01 for US equities); when a move overshoots, intermediate bars fill the gap.
  ``ClassicRangeConsolidator`` starts the next bar from the next value instead.

Values are read with ``selector(data)`` (default ``data.value``, a trade bar's close) and volumes with
``volume_selector(data)`` (default: a trade bar's volume or a trade tick's quantity).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from lean_runner.engine.consolidators.base import DataConsolidator
from lean_runner.engine.market_data import TICK_TYPE_TRADE, MarketDataDefaults, Tick, TradeBar
from lean_runner.engine.naming import lean_names

__all__ = ["BarDirection", "ClassicRangeConsolidator", "ClassicRenkoConsolidator", "RangeBar", "RangeConsolidator",
           "RenkoBar", "RenkoConsolidator", "RenkoType", "VolumeRenkoBar", "VolumeRenkoConsolidator"]

US_EQUITY_PRICE_VARIATION = 0.01  # symbol-properties default for US equities


class BarDirection:
    RISING, NO_DELTA, FALLING = 0, 1, 2


class RenkoType:
    CLASSIC, WICKED = 0, 1


def _default_value(data: Any) -> float:
    return float(data.value)


def _default_volume(data: Any) -> float:
    if isinstance(data, TradeBar):
        return float(data.volume)
    if isinstance(data, Tick):
        return float(data.quantity)
    return 0.0


def closest_multiple(price: float, size: float) -> float:
    """``price`` rounded to the nearest multiple of ``size`` (LEAN's ``GetClosestMultiple``)."""
    if size <= 0:
        raise ValueError("Renko bar size must be strictly greater than zero")
    floor = math.floor(price / size)
    return size * (floor + round((price - size * floor) / size))


@lean_names
class RenkoBar(MarketDataDefaults):
    """A Renko brick: ``open``, ``high``, ``low``, ``close``, ``brick_size``, ``start`` to ``end_time``."""

    def __init__(self, symbol: Any = None, start: datetime | None = None, end_time: datetime | None = None,
                 brick_size: float = 0.0, open: float = 0.0, high: float | None = None, low: float | None = None,
                 close: float | None = None, volume: float = 0.0, renko_type: int = RenkoType.CLASSIC) -> None:
        self.symbol = symbol
        self.start = start or datetime(1998, 1, 1)
        self.end_time = end_time or self.start
        self.brick_size = float(brick_size)
        self.open = float(open)
        self.high = float(open if high is None else high)
        self.low = float(open if low is None else low)
        self.close = float(open if close is None else close)
        self.volume = float(volume)
        self.type = renko_type
        self.is_closed = renko_type == RenkoType.WICKED
        self.is_fill_forward = False

    @property
    def time(self) -> datetime:
        return self.start

    @property
    def value(self) -> float:
        return self.close

    @property
    def price(self) -> float:
        return self.close

    @property
    def period(self) -> Any:
        return self.end_time - self.start

    @property
    def direction(self) -> int:
        if self.open < self.close:
            return BarDirection.RISING
        return BarDirection.FALLING if self.open > self.close else BarDirection.NO_DELTA

    @property
    def spread(self) -> float:
        return abs(self.close - self.open)

    def update(self, time: datetime, current_value: float, volume_since_last_update: float = 0.0) -> bool:
        """A classic brick takes a value: its close is held within one brick of the open; True once closed."""
        if self.type == RenkoType.WICKED:
            raise ValueError('A "Wicked" RenkoBar cannot be updated!')
        if self.is_closed:
            return True
        self.end_time = time
        low_close, high_close = self.open - self.brick_size, self.open + self.brick_size
        self.close = min(high_close, max(low_close, current_value))
        self.volume += volume_since_last_update
        self.is_closed = current_value <= low_close or current_value >= high_close
        self.high, self.low = max(self.high, self.close), min(self.low, self.close)
        return self.is_closed

    def clone(self) -> RenkoBar:
        bar = RenkoBar(self.symbol, self.start, self.end_time, self.brick_size, self.open, self.high, self.low,
                       self.close, self.volume, self.type)
        bar.is_closed = self.is_closed
        return bar

    def __repr__(self) -> str:
        return f"{self.symbol}: O: {self.open} H: {self.high} L: {self.low} C: {self.close} V: {self.volume}"


@lean_names
class VolumeRenkoBar(RenkoBar):
    """A bar of ``brick_size`` traded shares."""

    @property
    def is_closed(self) -> bool:
        return self.volume >= self.brick_size

    @is_closed.setter
    def is_closed(self, value: bool) -> None:
        pass  # closed by volume alone

    def add(self, time: datetime, high: float, low: float, close: float, volume: float) -> float:
        """Fold in a bar's prices and volume; returns the volume beyond the brick (negative: room left)."""
        if self.is_closed:
            return 0.0
        self.end_time = time
        surplus = self.volume + volume - self.brick_size
        self.volume = self.brick_size if surplus > 0 else self.volume + volume
        self.close = close
        self.high, self.low = max(self.high, high), min(self.low, low)
        return surplus

    def rollover(self) -> VolumeRenkoBar:
        """The next bar: it opens at this one's close, when this one ended."""
        return VolumeRenkoBar(self.symbol, self.end_time, self.end_time, self.brick_size, self.close)


@lean_names
class RangeBar(MarketDataDefaults):
    """A bar ``range_size`` high: it closes when a value would stretch it further."""

    def __init__(self, symbol: Any = None, end_time: datetime | None = None, range_size: float = 0.0,
                 open: float = 0.0, high: float | None = None, low: float | None = None, close: float | None = None,
                 volume: float = 0.0) -> None:
        self.symbol = symbol
        self.end_time = end_time or datetime(1998, 1, 1)
        self.time = self.end_time
        self.range_size = float(range_size)
        self.open = float(open)
        self.high = float(open if high is None else high)
        self.low = float(open if low is None else low)
        self.close = float(open if close is None else close)
        self.volume = float(volume)
        self.is_closed = False
        self.is_fill_forward = False

    @property
    def value(self) -> float:
        return self.close

    @property
    def price(self) -> float:
        return self.close

    @property
    def period(self) -> Any:
        return self.end_time - self.time

    def update(self, time: datetime, current_value: float, volume_since_last_update: float = 0.0) -> None:
        self.end_time = time
        if current_value < self.low and self.high - current_value > self.range_size:
            self.is_closed, self.low = True, self.high - self.range_size
            self.close = self.low
            return
        if current_value > self.high and current_value - self.low > self.range_size:
            self.is_closed, self.high = True, self.low + self.range_size
            self.close = self.high
            return
        # The close moves only when the bar closes, as LEAN's RangeBar.
        self.low, self.high = min(self.low, current_value), max(self.high, current_value)
        self.volume += volume_since_last_update

    def clone(self) -> RangeBar:
        bar = RangeBar(self.symbol, self.end_time, self.range_size, self.open, self.high, self.low, self.close,
                       self.volume)
        bar.time, bar.is_closed = self.time, self.is_closed
        return bar

    def __repr__(self) -> str:
        return f"{self.symbol}: O: {self.open} H: {self.high} L: {self.low} C: {self.close} V: {self.volume}"


class _TimelessConsolidator(DataConsolidator):
    """Shared parts: the selectors, the bar being built, no scan (time never closes a bar)."""

    def __init__(self, selector: Callable[[Any], float] | None = None,
                 volume_selector: Callable[[Any], float] | None = None) -> None:
        super().__init__()
        self.selector = selector or _default_value
        self.volume_selector = volume_selector or _default_volume
        self.current_bar: Any = None

    @property
    def input_type(self) -> type:
        return object

    @property
    def working_data(self) -> Any:
        return self.current_bar.clone() if self.current_bar is not None else None

    def scan(self, current_local_time: datetime) -> None:
        return None

    def reset(self) -> None:
        super().reset()
        self.current_bar = None


@lean_names
class RenkoConsolidator(_TimelessConsolidator):
    """Wicked Renko bricks of ``bar_size`` over each data point's price."""

    def __init__(self, bar_size: float) -> None:
        if bar_size <= 0:
            raise ValueError("Renko consolidator BarSize must be strictly greater than zero")
        super().__init__()
        self.bar_size = float(bar_size)
        self.type = RenkoType.WICKED
        self._reset_state()

    def _reset_state(self) -> None:
        self._started = False
        self._last_brick: RenkoBar | None = None
        self.open_on = self.close_on = datetime(1998, 1, 1)
        self.open_rate = self.high_rate = self.low_rate = self.close_rate = 0.0

    @property
    def output_type(self) -> type:
        return RenkoBar

    @staticmethod
    def get_closest_multiple(price: float, bar_size: float) -> float:
        return closest_multiple(price, bar_size)

    def update(self, data: Any) -> None:
        rate = float(data.price)
        if not self._started:
            self._started = True
            rate = closest_multiple(rate, self.bar_size)
            self.open_on = self.close_on = data.time
            self.open_rate = self.high_rate = self.low_rate = self.close_rate = rate
            return
        self.close_on = data.time
        self.high_rate, self.low_rate = max(self.high_rate, rate), min(self.low_rate, rate)
        self.close_rate = rate
        last = self._last_brick
        if rate > self.open_rate:
            if last is not None and last.direction != BarDirection.RISING:
                reversal = last.open + self.bar_size  # against a falling run: from the last brick's open
                if rate <= reversal:
                    return
                self._brick(data, last.open, reversal, self.low_rate, reversal, rising=True)
            self._run(data, rising=True)
        elif rate < self.open_rate:
            if last is not None and last.direction != BarDirection.FALLING:
                reversal = last.open - self.bar_size
                if rate >= reversal:
                    return
                self._brick(data, last.open, self.high_rate, reversal, reversal, rising=False)
            self._run(data, rising=False)

    def _run(self, data: Any, rising: bool) -> None:
        while True:
            limit = self.open_rate + self.bar_size if rising else self.open_rate - self.bar_size
            if (rising and self.close_rate <= limit) or (not rising and self.close_rate >= limit):
                return
            high, low = (limit, self.low_rate) if rising else (self.high_rate, limit)
            self._brick(data, self.open_rate, high, low, limit, rising)

    def _brick(self, data: Any, open_rate: float, high: float, low: float, close: float, rising: bool) -> None:
        brick = RenkoBar(data.symbol, self.open_on, self.close_on, self.bar_size, open_rate, high, low, close,
                         renko_type=RenkoType.WICKED)
        self._last_brick = brick
        self.current_bar = brick
        self._emit(brick)
        self.open_on, self.open_rate = self.close_on, close
        if rising:
            self.low_rate = close
        else:
            self.high_rate = close

    def reset(self) -> None:
        super().reset()
        self._reset_state()


@lean_names
class ClassicRenkoConsolidator(_TimelessConsolidator):
    """Classic Renko bars of ``bar_size`` over ``selector(data)``."""

    def __init__(self, bar_size: float, selector: Any = None, volume_selector: Any = None,
                 even_bars: bool = True) -> None:
        if isinstance(selector, bool):  # (bar_size, even_bars)
            selector, even_bars = None, selector
        if bar_size < 1e-28:
            raise ValueError("RenkoConsolidator bar size must be positive and greater than 1e-28")
        super().__init__(selector, volume_selector)
        self.bar_size = float(bar_size)
        self.even_bars = even_bars
        self.type = RenkoType.CLASSIC
        self._last_close: float | None = None

    @property
    def output_type(self) -> type:
        return RenkoBar

    def update(self, data: Any) -> None:
        value, volume = float(self.selector(data)), float(self.volume_selector(data))
        if self.current_bar is not None:
            self.update_bar(data.time, value, volume)
        if self.current_bar is None:
            self.create_new_bar(data, value, volume)

    def update_bar(self, time: datetime, value: float, volume: float) -> None:
        bar = self.current_bar
        if bar.update(time, value, volume):
            self._last_close = bar.close
            self.current_bar = None
            self._emit(bar)

    def create_new_bar(self, data: Any, value: float, volume: float) -> None:
        open_ = self._last_close if self._last_close is not None else value
        if self.even_bars and self._last_close is None:
            open_ = math.ceil(open_ / self.bar_size) * self.bar_size
        self.current_bar = RenkoBar(data.symbol, data.time, data.time, self.bar_size, open_, volume=volume)

    def reset(self) -> None:
        super().reset()
        self._last_close = None


@lean_names
class VolumeRenkoConsolidator(_TimelessConsolidator):
    """Bars of ``bar_size`` traded shares, from trade bars or trade ticks."""

    def __init__(self, bar_size: float) -> None:
        super().__init__()
        self.bar_size = float(bar_size)

    @property
    def output_type(self) -> type:
        return VolumeRenkoBar

    def update(self, data: Any) -> None:
        close = float(data.price)
        if isinstance(data, TradeBar):
            volume, open_, high, low = float(data.volume), float(data.open), float(data.high), float(data.low)
        elif isinstance(data, Tick):
            if data.tick_type != TICK_TYPE_TRADE:
                return  # only trades carry volume
            volume, open_, high, low = float(data.quantity), close, close, close
        else:
            raise ValueError(f"{type(self).__name__} must be used with TradeBar or Tick data.")
        if self.current_bar is None:
            self.current_bar = VolumeRenkoBar(data.symbol, data.time, data.end_time, self.bar_size, open_, high, low,
                                              close)
        left = self.current_bar.add(data.end_time, high, low, close, volume)
        while left >= 0:
            finished = self.current_bar
            self._emit(finished)
            self.current_bar = finished.rollover()
            left = self.current_bar.add(data.end_time, high, low, close, left)


@lean_names
class RangeConsolidator(_TimelessConsolidator):
    """Range bars ``range`` price variations high; gaps are filled with intermediate bars."""

    def __init__(self, range: int, selector: Any = None, volume_selector: Any = None) -> None:
        super().__init__(selector, volume_selector)
        self.range = int(range)
        self.range_size = 0.0
        self._price_variation = 0.0

    @property
    def output_type(self) -> type:
        return RangeBar

    def update(self, data: Any) -> None:
        value, volume = float(self.selector(data)), float(self.volume_selector(data))
        if self.current_bar is not None:
            self.update_bar(data.time, value, volume)
        if self.current_bar is None:
            self.create_new_bar(data, value, volume)

    def update_bar(self, time: datetime, value: float, volume: float) -> None:
        bar = self.current_bar
        rising = value > bar.high
        bar.update(time, value, volume)
        while bar.is_closed:
            self._emit(bar)
            open_ = bar.high + self._price_variation if rising else bar.low - self._price_variation
            bar = RangeBar(bar.symbol, bar.end_time, self.range_size, open_)
            # an intermediate bar in a gap carries no volume
            bar.update(time, value, 0.0 if abs(bar.low - value) > self.range_size else volume)
        self.current_bar = bar

    def create_new_bar(self, data: Any, value: float, volume: float) -> None:
        open_ = value
        if not self.range_size:
            properties = getattr(getattr(data, "symbol", None), "symbol_properties", None)
            self._price_variation = float(getattr(properties, "minimum_price_variation", US_EQUITY_PRICE_VARIATION))
            self.range_size = self._price_variation * self.range
            open_ = math.ceil(open_ / self.range_size) * self.range_size
        self.current_bar = RangeBar(data.symbol, data.time, self.range_size, open_, volume=volume)

    def reset(self) -> None:
        super().reset()
        self.range_size = self._price_variation = 0.0


@lean_names
class ClassicRangeConsolidator(RangeConsolidator):
    """Range bars without intermediate bars: after a bar closes, the next value opens the next one."""

    def update_bar(self, time: datetime, value: float, volume: float) -> None:
        bar = self.current_bar
        bar.update(time, value, volume)
        if bar.is_closed:
            self.current_bar = None
            self._emit(bar)
