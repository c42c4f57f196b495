"""LEAN's data consolidators: build bigger bars (or calendar bars) out of the subscription's bars.

Behaviour follows LEAN's ``PeriodCountConsolidatorBase``: a time-period bar covers
``[start, start + period)`` where ``start`` is the input time rounded down to the
period counted from ``0001-01-01`` (.NET ``RoundDown``; for periods that divide a
day this is "from midnight"), optionally shifted by ``start_time``; periods over a
day are not rounded. A bar is emitted by ``update`` when data at or past its end
arrives, or by ``scan(now)`` once ``now`` reaches its end. Count consolidators
emit every N inputs (``end_time`` = the last input's end). ``consolidated`` is set
after the handlers ran, so a handler still sees the previous one.

Engine contract (what the engine calls, per time slice at local time ``t``):

* registration: ``subscription_manager.add_consolidator(symbol, c)`` keeps ``c`` on
  the symbol's subscription; if ``c`` has ``set_exchange_hours`` (market-hour aware)
  the engine passes the symbol's ``ExchangeHours``. ``create_consolidator`` picks the
  consolidator ``self.consolidate(symbol, period, handler)`` uses.
* before the slice (after past scheduled events): every registered consolidator whose
  ``next_scan_time`` is not None and ``< t`` gets ``scan(next_scan_time)`` with the
  algorithm clock at that time (LEAN's ``ScanPastConsolidators``), in time order.
* after securities are updated and scheduled events at ``t`` fired, for each symbol
  with data in the slice: ``c.update(bar)`` for its native-resolution bars (trade bars
  to trade-bar consolidators, quote bars to quote-bar ones), then ``c.scan(t)``; then
  ``on_data``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.enums import Resolution
from lean_runner.engine.indicators.base import RollingWindow
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.naming import PascalCaseAttributes, lean_names

__all__ = ["BaseDataConsolidator", "Calendar", "CalendarInfo", "DataConsolidatedEvent", "DataConsolidator",
           "IdentityDataConsolidator", "MarketHourAwareConsolidator", "PeriodCountConsolidatorBase",
           "QuoteBarConsolidator", "TradeBarConsolidator", "create_consolidator", "daily_calendar", "round_down",
           "to_period"]

ZERO = timedelta(0)
ONE_HOUR = timedelta(hours=1)
ONE_DAY = timedelta(days=1)
_RESOLUTION_PERIODS = {0: ZERO, 1: timedelta(seconds=1), 2: timedelta(minutes=1), 3: ONE_HOUR, 4: ONE_DAY}


def to_period(value: Any) -> timedelta:
    """A ``timedelta`` or a ``Resolution`` as a span (``Resolution.DAILY`` is one day, ``TICK`` zero)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, Resolution):
        return _RESOLUTION_PERIODS[int(value)]
    raise TypeError(f"expected a timedelta or a Resolution, got {value!r}")


def round_down(time: datetime, period: timedelta, offset: timedelta = ZERO) -> datetime:
    """LEAN's ``RoundDown``: the multiple of ``period`` (counted from 0001-01-01 + ``offset``) at or before."""
    if period <= ZERO:
        return time
    return time - (time - datetime.min - offset) % period


@lean_names
class CalendarInfo(PascalCaseAttributes):
    """A bar's ``start`` and ``period`` as produced by a calendar function."""

    def __init__(self, start: datetime, period: timedelta) -> None:
        self.start = start
        self.period = period

    @property
    def end(self) -> datetime:
        return self.start + self.period

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CalendarInfo) and (self.start, self.period) == (other.start, other.period)

    def __hash__(self) -> int:
        return hash((self.start, self.period))

    def __repr__(self) -> str:
        return f"{self.start} {self.period}"


def _weekly(time: datetime) -> CalendarInfo:
    start = datetime.combine(time.date() - timedelta(days=time.weekday()), datetime.min.time())
    return CalendarInfo(start, timedelta(days=7))


def _months(time: datetime, months: int) -> CalendarInfo:
    first = (time.month - 1) // months * months
    start = datetime(time.year, first + 1, 1)
    end = datetime(time.year + (first + months) // 12, (first + months) % 12 + 1, 1)
    return CalendarInfo(start, end - start)


class Calendar:
    """Calendar functions for consolidators: ``TradeBarConsolidator(Calendar.WEEKLY)``."""

    WEEKLY = Weekly = staticmethod(_weekly)
    MONTHLY = Monthly = staticmethod(lambda time: _months(time, 1))
    QUARTERLY = Quarterly = staticmethod(lambda time: _months(time, 3))
    YEARLY = Yearly = staticmethod(lambda time: _months(time, 12))


def _takes_sender(handler: Callable[..., Any]) -> bool:
    """True for ``handler(sender, bar)``; False for a one-argument ``handler(bar)``."""
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


class DataConsolidatedEvent:
    """``consolidator.data_consolidated += handler``; handlers get ``(sender, bar)`` (or just ``(bar)``)."""

    def __init__(self) -> None:
        self._handlers: list[tuple[Callable[..., Any], bool]] = []

    def __iadd__(self, handler: Callable[..., Any]) -> DataConsolidatedEvent:
        self._handlers.append((handler, _takes_sender(handler)))
        return self

    def __isub__(self, handler: Callable[..., Any]) -> DataConsolidatedEvent:
        for index, (known, _) in enumerate(self._handlers):
            if known == handler:
                del self._handlers[index]
                break
        return self

    def fire(self, sender: Any, bar: Any) -> None:
        for handler, with_sender in list(self._handlers):
            if with_sender:
                handler(sender, bar)
            else:
                handler(bar)

    def clear(self) -> None:
        self._handlers.clear()

    def __len__(self) -> int:
        return len(self._handlers)

    def __bool__(self) -> bool:
        return bool(self._handlers)


@lean_names
class DataConsolidator(PascalCaseAttributes):
    """Base of every consolidator: the event, ``consolidated``, a window of the last bars, ``reset``."""

    def __init__(self) -> None:
        self._event = DataConsolidatedEvent()
        self._consolidated: Any = None
        self._window: RollingWindow[Any] = RollingWindow(2)

    @property
    def data_consolidated(self) -> DataConsolidatedEvent:
        return self._event

    @data_consolidated.setter
    def data_consolidated(self, value: DataConsolidatedEvent) -> None:
        if value is not self._event:  # `+=` rebinds the attribute to the same event object
            raise AttributeError("data_consolidated can only be changed with += and -=")

    @property
    def consolidated(self) -> Any:
        """The last emitted bar (None before the first)."""
        return self._consolidated

    @property
    def window(self) -> RollingWindow[Any]:
        """The most recent consolidated bars, newest first (``consolidator[0]``)."""
        return self._window

    def __getitem__(self, index: int) -> Any:
        return self._window[index]

    @property
    def input_type(self) -> type:
        return object

    @property
    def output_type(self) -> type:
        return object

    @property
    def working_data(self) -> Any:
        return None

    @property
    def next_scan_time(self) -> datetime | None:
        """When ``scan`` could next emit: the working bar's end (None for count or idle consolidators)."""
        return None

    def update(self, data: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__}.update")

    def scan(self, current_local_time: datetime) -> None:
        """Emit a time-based bar whose end has passed even without new data."""

    def reset(self) -> None:
        self._consolidated = None
        self._window.reset()

    def dispose(self) -> None:
        self._event.clear()

    def _emit(self, bar: Any) -> None:
        if bar is None:
            return
        self._window.add(bar)
        self._event.fire(self, bar)
        self._consolidated = bar


class PeriodCountConsolidatorBase(DataConsolidator):
    """Time-period, count, mixed (count or period) and calendar consolidation; subclasses aggregate."""

    _output: type = TradeBar

    def __init__(self, period: Any, start_time: Any = None) -> None:
        super().__init__()
        self._kind = "span"
        self._max_count: int | None = None
        self._spec_period: timedelta | None = None
        self._func: Callable[[datetime], Any] | None = None
        self._offset = ZERO
        if isinstance(period, int) and not isinstance(period, (bool, Resolution)):
            self._max_count = int(period)
            self._kind = "count"
            if start_time is not None:  # LEAN's (max_count, period) overload
                self._kind, self._spec_period = "mixed", to_period(start_time)
        elif isinstance(period, (timedelta, Resolution)):
            self._spec_period = to_period(period)
            self._offset = to_period(start_time) if start_time is not None else ZERO
        elif callable(period):
            self._kind, self._func, self._spec_period = "func", period, timedelta(seconds=1)
        else:
            raise TypeError(f"{type(self).__name__}: period must be a timedelta, Resolution, count or calendar "
                            f"function, got {period!r}")
        self._period = self._spec_period
        self._init_state()

    def _init_state(self) -> None:
        self._symbol: Any = None
        self._symbol_set = False
        self._count = 0
        self._working: Any = None
        self._last_emit: datetime | None = None
        self._validated = False
        self._period = self._spec_period if self._kind != "func" else timedelta(seconds=1)

    @classmethod
    def from_resolution(cls, resolution: Any) -> PeriodCountConsolidatorBase:
        return cls(to_period(resolution))

    @property
    def output_type(self) -> type:
        return self._output

    @property
    def working_data(self) -> Any:
        return _clone(self._working)

    @property
    def next_scan_time(self) -> datetime | None:
        if self._working is None or self._period is None or self._period == ZERO:
            return None
        return self._working.time + self._period

    @property
    def _time_based(self) -> bool:
        return self._max_count is None

    def _rounded(self, time: datetime) -> datetime:
        """LEAN's ``GetRoundedBarTime(DateTime)``; a calendar also sets the period of a new bar."""
        if self._kind == "func":
            assert self._func is not None
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
        """LEAN's ``GetRoundedBarTime(IBaseData)``: never a bar that would end before the input does."""
        start = self._rounded(data.time)
        if self._period is not None and start + self._period < data.end_time:
            if data.end_time - data.time == ONE_HOUR and start.date() < data.time.date():
                start = self._rounded(data.end_time)  # hour bars from 09:00 vs a 09:30 daily calendar
            else:
                start = data.time
        return start

    def update(self, data: Any) -> None:
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
        before = self._max_count is not None
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
                self._set_end(self._working, data.end_time)
        if fire:
            working = self._working
            if isinstance(working, TradeBar) and self._period is not None:
                self._set_end(working, working.time + self._period)
            self._last_emit = working.end_time if self._time_based and working is not None else data.time
            self._emit_working()
        if not before and data.time >= self._last_emit:
            self._aggregate(data)

    def scan(self, current_local_time: datetime) -> None:
        working, period = self._working, self._period
        if (working is not None and period is not None and period != ZERO
                and current_local_time - working.time >= period and self._last_emit is not None
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

    @staticmethod
    def _set_end(bar: Any, end_time: datetime) -> None:
        bar.end_time = end_time
        bar.period = end_time - bar.time

    def _new_bar_period(self, data: Any) -> timedelta:
        return self._period if self._time_based and self._period is not None else data.end_time - data.time

    def _aggregate(self, data: Any) -> None:
        raise NotImplementedError


@lean_names
class TradeBarConsolidator(PeriodCountConsolidatorBase):
    """``TradeBarConsolidator(timedelta(minutes=30))``, ``(5)`` bars, ``(Resolution.HOUR)``,
    ``(Calendar.WEEKLY)``, ``(10, timedelta(days=1))`` or ``(timedelta(minutes=4), start_time=timedelta(hours=9,
    minutes=30))``."""

    @property
    def input_type(self) -> type:
        return TradeBar

    def _aggregate(self, data: Any) -> None:
        working = self._working
        if working is None:
            start = self._rounded_for(data)
            self._working = TradeBar(start, data.symbol, data.open, data.high, data.low, data.close,
                                     data.volume, self._new_bar_period(data))
            return
        working.close = data.close
        working.volume += data.volume
        if not self._time_based:
            self._set_end(working, working.end_time + (data.end_time - data.time))
        working.low = min(working.low, data.low)
        working.high = max(working.high, data.high)


@lean_names
class BaseDataConsolidator(TradeBarConsolidator):
    """Consolidates any time-stamped value (``value``/``price``) into trade bars with zero volume."""

    @property
    def input_type(self) -> type:
        return object

    def _aggregate(self, data: Any) -> None:
        value = float(getattr(data, "value", getattr(data, "price", 0.0)))
        working = self._working
        if working is None:
            start = self._rounded_for(data)
            self._working = TradeBar(start, data.symbol, value, value, value, value, 0.0,
                                     self._new_bar_period(data))
            return
        working.close = value
        working.low = min(working.low, value)
        working.high = max(working.high, value)


@lean_names
class QuoteBarConsolidator(PeriodCountConsolidatorBase):
    """Quote-bar consolidation: each side's OHLC aggregated; sizes are the last seen."""

    _output = QuoteBar

    @property
    def input_type(self) -> type:
        return QuoteBar

    def _aggregate(self, data: Any) -> None:
        if self._working is None:
            start = self._rounded_for(data)
            self._working = QuoteBar(start, data.symbol, _copy_bar(data.bid), 0.0, _copy_bar(data.ask), 0.0,
                                     self._new_bar_period(data))
        working = self._working
        if data.bid is not None:
            working.last_bid_size = data.last_bid_size
            working.bid = _merge_side(working.bid, data.bid)
        if data.ask is not None:
            working.last_ask_size = data.last_ask_size
            working.ask = _merge_side(working.ask, data.ask)


@lean_names
class IdentityDataConsolidator(DataConsolidator):
    """Passes each input through (skipping a repeat of the same end time); used at the native resolution."""

    def __init__(self, input_type: type = object) -> None:
        super().__init__()
        self._input_type = input_type
        self._last: Any = None

    @property
    def input_type(self) -> type:
        return self._input_type

    @property
    def output_type(self) -> type:
        return self._input_type

    @property
    def working_data(self) -> Any:
        return _clone(self._last)

    def update(self, data: Any) -> None:
        if self._last is None or self._last.end_time != data.end_time:
            self._emit(data)
            self._last = data

    def reset(self) -> None:
        super().reset()
        self._last = None


@lean_names
class MarketHourAwareConsolidator(DataConsolidator):
    """Consolidates only data inside market hours; daily bars span the session (09:30-16:00, or the early close).

    ``MarketHourAwareConsolidator(daily_strict_end_time_enabled, period, data_type, tick_type, extended_hours)``;
    the exchange hours come from ``set_exchange_hours`` (the engine calls it when the consolidator is
    registered) or the ``exchange_hours`` argument. Intraday periods use plain period bars.
    """

    def __init__(self, daily_strict_end_time_enabled: bool = True, period: Any = Resolution.DAILY,
                 data_type: type = TradeBar, tick_type: Any = None, extended_market_hours: bool = False,
                 exchange_hours: ExchangeHours | None = None) -> None:
        super().__init__()
        self._strict = bool(daily_strict_end_time_enabled)
        self._span = to_period(period)
        self._extended = bool(extended_market_hours)
        self._hours = exchange_hours
        kind = QuoteBarConsolidator if data_type is QuoteBar else TradeBarConsolidator
        self._inner = kind(self._daily_calendar) if self._span == ONE_DAY else kind(self._span)
        self._inner.data_consolidated += self._forward

    def set_exchange_hours(self, exchange_hours: ExchangeHours) -> None:
        self._hours = exchange_hours

    def _forward(self, sender: Any, bar: Any) -> None:
        self._emit(bar)

    def _daily_calendar(self, time: datetime) -> CalendarInfo:
        if not self._strict or self._hours is None:
            return CalendarInfo(round_down(time, self._span), self._span)
        return daily_calendar(time, self._hours, self._extended)

    @property
    def input_type(self) -> type:
        return self._inner.input_type

    @property
    def output_type(self) -> type:
        return self._inner.output_type

    @property
    def working_data(self) -> Any:
        return self._inner.working_data

    @property
    def next_scan_time(self) -> datetime | None:
        return self._inner.next_scan_time

    def update(self, data: Any) -> None:
        hours = self._hours
        if hours is None:
            raise RuntimeError("MarketHourAwareConsolidator needs exchange hours: register it with "
                               "subscription_manager.add_consolidator or pass exchange_hours=...")
        if (self._extended or hours.is_open(data.time)
                or (self._span == ONE_DAY and data.end_time - data.time >= ONE_HOUR
                    and _open_between(hours, data.time, data.end_time))):
            self._inner.update(data)

    def scan(self, current_local_time: datetime) -> None:
        self._inner.scan(current_local_time)

    def reset(self) -> None:
        super().reset()
        self._inner.reset()


def daily_calendar(time: datetime, hours: ExchangeHours, extended: bool = False) -> CalendarInfo:
    """LEAN's ``GetDailyCalendar``: the session (first open at or before ``time`` to that day's close)."""
    day: date = time.date()
    for _ in range(3660):
        opened = hours.extended_open(day) if extended else hours.market_open(day)
        if opened is not None and opened <= time:
            closed = hours.extended_close(day) if extended else hours.market_close(day)
            assert closed is not None
            return CalendarInfo(opened, closed - opened)
        day -= ONE_DAY
    raise ValueError(f"no market open before {time}")


def _open_between(hours: ExchangeHours, start: datetime, end: datetime) -> bool:
    midnight = datetime(start.year, start.month, start.day)
    return any(midnight + lo < end and start < midnight + hi for lo, hi in hours.open_windows(start.date()))


def _copy_bar(bar: Bar | None) -> Bar | None:
    return None if bar is None else Bar(bar.open, bar.high, bar.low, bar.close)


def _merge_side(side: Bar | None, new: Bar) -> Bar:
    if side is None:
        return Bar(new.open, new.high, new.low, new.close)
    side.close = new.close
    side.high = max(side.high, new.high)
    side.low = min(side.low, new.low)
    return side


def _clone(bar: Any) -> Any:
    if isinstance(bar, QuoteBar):
        copy = QuoteBar(bar.time, bar.symbol, _copy_bar(bar.bid), bar.last_bid_size, _copy_bar(bar.ask),
                        bar.last_ask_size, bar.period, bar.is_fill_forward)
        copy.end_time = bar.end_time
        return copy
    if isinstance(bar, TradeBar):
        copy_ = bar.clone()
        copy_.end_time = bar.end_time
        return copy_
    return bar


def create_consolidator(period: Any, input_type: type = TradeBar, subscription_increment: timedelta | None = None,
                        exchange_hours: ExchangeHours | None = None, daily_precise_end_time: bool = True,
                        extended_market_hours: bool = False,
                        handler: Callable[[Any], Any] | None = None) -> DataConsolidator:
    """The consolidator ``QCAlgorithm.consolidate`` / ``resolve_consolidator`` would build (LEAN's choice).

    ``period``: a ``timedelta``, a ``Resolution``, a calendar function or None (the subscription's own
    period). Same as the subscription -> identity; ``Resolution.DAILY`` -> market-hour aware session bars
    (pass ``extended_market_hours`` = settings.daily_consolidation_use_extended_market_hours and the
    subscription's flag); otherwise a period consolidator. ``handler(bar)`` is attached when given (the
    ``consolidate`` helper's handlers take only the bar).
    """
    quote = isinstance(input_type, type) and issubclass(input_type, QuoteBar)
    kind: type[PeriodCountConsolidatorBase] = QuoteBarConsolidator if quote else TradeBarConsolidator
    consolidator: DataConsolidator
    if period is not None and callable(period) and not isinstance(period, (timedelta, int)):
        consolidator = kind(period)
    else:
        span = subscription_increment if period is None else to_period(period)
        if span is None:
            raise ValueError("create_consolidator: give a period or the subscription increment")
        if subscription_increment is not None and span < subscription_increment:
            raise ValueError(f"Unable to create a {span} consolidator on {subscription_increment} data. "
                             f"Consolidators require higher resolution data to produce lower resolution data.")
        if subscription_increment is not None and span == subscription_increment:
            consolidator = IdentityDataConsolidator(input_type)
        elif isinstance(period, Resolution) and int(period) == int(Resolution.DAILY):
            consolidator = MarketHourAwareConsolidator(daily_precise_end_time, Resolution.DAILY, input_type, None,
                                                       extended_market_hours, exchange_hours)
        else:
            consolidator = kind(span)
    if handler is not None:
        consolidator.data_consolidated += lambda sender, bar: handler(bar)
    return consolidator
