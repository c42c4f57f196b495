"""Period/count consolidators (LEAN's ``PeriodCountConsolidatorBase``) for trade, quote and value data.

* time period (``timedelta``/``Resolution``): a bar covers ``[start, start + period)`` with ``start`` the
  input time rounded down (:func:`round_down`, optionally shifted by ``start_time``); periods over one
  day are not rounded (the first input starts the cycle). The bar is emitted by ``update`` when an
  input starts at/after its end, or by ``scan(now)`` once ``now`` reaches its end.
* count (``int``): every N inputs; the bar spans the first input's start to the last one's end.
* mixed (``int, timedelta``): N inputs or the period, whichever comes first (no rounding).
* calendar (a function ``time -> CalendarInfo``): start and period per bar, e.g. ``Calendar.WEEKLY``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from lean_runner.engine.consolidators.base import DataConsolidator, clone_bar, copy_side
from lean_runner.engine.consolidators.calendar import ONE_DAY, ONE_HOUR, ZERO, round_down, to_period
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.naming import lean_names

__all__ = ["BaseDataConsolidator", "PeriodCountConsolidatorBase", "QuoteBarConsolidator", "TradeBarConsolidator"]

_ONE_SECOND = timedelta(seconds=1)


class PeriodCountConsolidatorBase(DataConsolidator):
    """Shared period/count logic; subclasses build the bar in ``_aggregate``."""

    _output: type = TradeBar

    def __init__(self, period: Any, start_time: Any = None) -> None:
        super().__init__()
        self._kind = "span"
        self._max_count: int | None = None
        self._spec_period: timedelta | None = None
        self._func: Callable[[datetime], Any] | None = None
        self._offset = ZERO
        if isinstance(period, int) and not isinstance(period, (bool, Resolution)):
            if period < 1:
                raise ValueError(f"{type(self).__name__}: the bar count must be at least 1, got {period}")
            self._kind, self._max_count = "count", int(period)
            if start_time is not None:  # LEAN's (max_count, period) overload
                self._kind, self._spec_period = "mixed", to_period(start_time)
        elif isinstance(period, (timedelta, Resolution)):
            self._spec_period = to_period(period)
            self._offset = to_period(start_time) if start_time is not None else ZERO
        elif callable(period):
            self._kind, self._func = "func", period
        else:
            raise TypeError(f"{type(self).__name__}: period must be a timedelta, a Resolution, a bar count or a "
                            f"calendar function, got {period!r}")
        self._init_state()

    def _init_state(self) -> None:
        self._symbol: Any = None
        self._symbol_set = False
        self._count = 0
        self._working: Any = None
        self._last_emit: datetime | None = None
        self._validated = False
        self._period: timedelta | None = _ONE_SECOND if self._kind == "func" else self._spec_period

    @classmethod
    def from_resolution(cls, resolution: Any) -> PeriodCountConsolidatorBase:
        return cls(to_period(resolution))

    @property
    def output_type(self) -> type:
        return self._output

    @property
    def working_data(self) -> Any:
        return clone_bar(self._working)

    @property
    def next_scan_time(self) -> datetime | None:
        if self._working is None or self._period is None or self._period == ZERO:
            return None
        return self._working.time + self._period

    @property
    def _time_based(self) -> bool:
        return self._max_count is None

    @property
    def is_time_based(self) -> bool:
        """True for period and calendar consolidators; False when a bar count closes bars."""
        return self._max_count is None

    @property
    def period(self) -> timedelta | None:
        return self._spec_period

    @property
    def working_bar(self) -> Any:
        """The bar being built (the object itself; ``working_data`` is a copy)."""
        return self._working

    def _rounded(self, time: datetime) -> datetime:
        """LEAN's ``GetRoundedBarTime(DateTime)``; a calendar also sets the period of a new bar."""
        if self._func is not None:
            info = self._func(time)
            start, self._spec_period = (info.start, info.period) if hasattr(info, "start") else info
        elif self._kind == "span" and self._spec_period is not None and self._spec_period <= ONE_DAY:
            start = round_down(time, self._spec_period, self._offset)
        else:
            start = time
        if self._working is None:
            self._period = self._spec_period
        return start

    def _rounded_for(self, data: Any) -> datetime:
        """LEAN's ``GetRoundedBarTime(IBaseData)``: never a bar that would end before its input does."""
        start = self._rounded(data.time)
        if self._period is not None and start + self._period < data.end_time:
            if data.end_time - data.time == ONE_HOUR and start.date() < data.time.date():
                start = self._rounded(data.end_time)  # 09:00-10:00 hour bars against a 09:30 session
            else:
                start = data.time
        return start

    def update(self, data: Any) -> None:
        """Fold in one bar (of this consolidator's input type); may emit the previous bar first."""
        symbol = getattr(data, "symbol", None)
        if not self._symbol_set:
            self._symbol, self._symbol_set = symbol, True
        elif symbol != self._symbol:
            raise ValueError(f"Consolidators can only be used with a single symbol. The previous consolidated "
                             f"symbol ({self._symbol}) is not the same as in the current data ({symbol}).")
        if not self._validated and self._kind == "span" and self._period is not None:
            self._validated = True
            if data.end_time - data.time > self._period:
                raise ValueError(f"For Symbol {symbol} can not consolidate bars of period: {self._period}, using "
                                 f"data of the same or higher period: {data.end_time - data.time}")
        fire = False
        before = self._max_count is not None  # count mode folds the input in before emitting
        if self._max_count is not None:
            self._count += 1
            if self._count >= self._max_count:
                self._count, fire = 0, True
        if self._last_emit is None:
            self._last_emit = datetime.min if self._time_based else data.time
        if self._period is not None:
            if (self._working is not None and data.time - self._working.time >= self._period
                    and self._rounded_for(data) > self._last_emit):
                fire = True
            if self._period == ZERO:
                fire = before = True
        if before and data.time >= self._last_emit:
            self._aggregate(data)
            if self._max_count is not None:
                _set_end(self._working, data.end_time)
        if fire:
            working = self._working
            if isinstance(working, TradeBar) and self._period is not None:
                _set_end(working, working.time + self._period)
            self._last_emit = working.end_time if self._time_based and working is not None else data.time
            self._emit_working()
        if not before and data.time >= self._last_emit:
            self._aggregate(data)

    def scan(self, current_local_time: datetime) -> None:
        """Emit the working bar once ``current_local_time`` reaches its end (time-based modes only)."""
        working, period = self._working, self._period
        if (working is not None and period is not None and period != ZERO and self._last_emit is not None
                and current_local_time - working.time >= period
                and self._rounded(current_local_time) > self._last_emit):
            self._last_emit = working.end_time
            self._emit_working()

    def reset(self) -> None:
        super().reset()
        self._init_state()

    def _emit_working(self) -> None:
        try:
            self._emit(self._working)
        finally:
            self._working = None

    def _new_bar_period(self, data: Any) -> timedelta:
        return self._period if self._time_based and self._period is not None else data.end_time - data.time

    def _aggregate(self, data: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__}._aggregate")


def _set_end(bar: Any, end_time: datetime) -> None:
    bar.end_time = end_time
    bar.period = end_time - bar.time


@lean_names
class TradeBarConsolidator(PeriodCountConsolidatorBase):
    """Trade bars into bigger trade bars.

    ``TradeBarConsolidator(timedelta(minutes=30))``, ``(5)`` bars, ``(Resolution.HOUR)``,
    ``(Calendar.WEEKLY)``, ``(10, timedelta(days=1))`` or ``(timedelta(minutes=4), timedelta(hours=9,
    minutes=30))`` (bars from 09:30: 09:30-09:34, 09:34-09:38...).
    """

    @property
    def input_type(self) -> type:
        return TradeBar

    def _aggregate(self, data: Any) -> None:
        working = self._working
        if working is None:
            start = self._rounded_for(data)  # first: a calendar sets the period here
            self._working = TradeBar(start, data.symbol, data.open, data.high, data.low, data.close,
                                     data.volume, self._new_bar_period(data))
            return
        working.close = data.close
        working.volume += data.volume
        if not self._time_based:
            _set_end(working, working.end_time + (data.end_time - data.time))
        working.low = min(working.low, data.low)
        working.high = max(working.high, data.high)


@lean_names
class BaseDataConsolidator(TradeBarConsolidator):
    """Any time-stamped value (``value``, else ``price``) into trade bars with zero volume."""

    @property
    def input_type(self) -> type:
        return object

    def _aggregate(self, data: Any) -> None:
        value = float(getattr(data, "value", getattr(data, "price", 0.0)))
        working = self._working
        if working is None:
            start = self._rounded_for(data)
            self._working = TradeBar(start, getattr(data, "symbol", None), value, value, value, value, 0.0,
                                     self._new_bar_period(data))
            return
        working.close = value
        working.low = min(working.low, value)
        working.high = max(working.high, value)


@lean_names
class QuoteBarConsolidator(PeriodCountConsolidatorBase):
    """Quote bars into bigger quote bars: each side's OHLC aggregated, sizes the last seen."""

    _output = QuoteBar

    @property
    def input_type(self) -> type:
        return QuoteBar

    def _aggregate(self, data: Any) -> None:
        if self._working is None:
            start = self._rounded_for(data)
            self._working = QuoteBar(start, data.symbol, copy_side(data.bid), 0.0, copy_side(data.ask), 0.0,
                                     self._new_bar_period(data))
        working = self._working
        if data.bid is not None:
            working.last_bid_size = data.last_bid_size
            working.bid = _merge_side(working.bid, data.bid)
        if data.ask is not None:
            working.last_ask_size = data.last_ask_size
            working.ask = _merge_side(working.ask, data.ask)


def _merge_side(side: Bar | None, new: Bar) -> Bar:
    if side is None:
        return Bar(new.open, new.high, new.low, new.close)
    side.close = new.close
    side.high = max(side.high, new.high)
    side.low = min(side.low, new.low)
    return side
