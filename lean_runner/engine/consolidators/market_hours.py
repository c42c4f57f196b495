"""Consolidators that know the exchange: identity (native resolution) and market-hour aware (daily sessions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lean_runner.engine.consolidators.base import DataConsolidator, clone_bar
from lean_runner.engine.consolidators.calendar import (
    ONE_DAY,
    ONE_HOUR,
    CalendarInfo,
    daily_calendar,
    round_down,
    to_period,
)
from lean_runner.engine.consolidators.period import QuoteBarConsolidator, TradeBarConsolidator
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import QuoteBar, TradeBar
from lean_runner.engine.naming import lean_names

__all__ = ["IdentityDataConsolidator", "MarketHourAwareConsolidator"]


@lean_names
class IdentityDataConsolidator(DataConsolidator):
    """Emits each input as it comes (skipping a repeat of the same end time): consolidation at the native period."""

    def __init__(self, input_type: type = object) -> None:
        super().__init__()
        self._input_type = input_type
        self._last: Any = None
        self.tick_type = 0  # on tick data: the kind of tick it takes (TickType.TRADE, or QUOTE)

    @property
    def input_type(self) -> type:
        return self._input_type

    @property
    def output_type(self) -> type:
        return self._input_type

    @property
    def working_data(self) -> Any:
        return clone_bar(self._last)

    def update(self, data: Any) -> None:
        # Ticks share timestamps (several a millisecond): each one passes, as in LEAN.
        if self._last is None or self._last.end_time != data.end_time or getattr(data, "tick_type", None) is not None:
            self._emit(data)
            self._last = data

    def reset(self) -> None:
        super().reset()
        self._last = None


@lean_names
class MarketHourAwareConsolidator(DataConsolidator):
    """Consolidates only data inside market hours; daily bars span the session (09:30-16:00, or the early close).

    ``MarketHourAwareConsolidator(daily_strict_end_time_enabled, period, data_type, tick_type,
    extended_market_hours)`` as in LEAN. A daily bar has ``time`` = the session open and ``end_time`` =
    its close (with ``daily_strict_end_time_enabled``; otherwise midnight to midnight) and is emitted by
    ``scan`` at the close. Input outside regular hours is ignored unless ``extended_market_hours``.
    Intraday periods use plain period bars on the in-hours data. The exchange hours come from
    ``set_exchange_hours`` (the engine calls it when the consolidator is registered) or ``exchange_hours``.
    """

    def __init__(self, daily_strict_end_time_enabled: bool = True, period: Any = Resolution.DAILY,
                 data_type: type = TradeBar, tick_type: Any = None, extended_market_hours: bool = False,
                 exchange_hours: ExchangeHours | None = None) -> None:
        super().__init__()
        self._strict = bool(daily_strict_end_time_enabled)
        self._span = to_period(period)
        self._extended = bool(extended_market_hours)
        self._hours = exchange_hours
        kind = QuoteBarConsolidator if isinstance(data_type, type) and issubclass(data_type, QuoteBar) \
            else TradeBarConsolidator
        self._inner = kind(self._session) if self._span == ONE_DAY else kind(self._span)
        self._inner.data_consolidated += self._forward

    def set_exchange_hours(self, exchange_hours: ExchangeHours) -> None:
        """Give the consolidator its symbol's exchange hours (done by ``add_consolidator``)."""
        self._hours = exchange_hours

    @property
    def exchange_hours(self) -> ExchangeHours | None:
        return self._hours

    def _forward(self, sender: Any, bar: Any) -> None:
        self._emit(bar)

    def _session(self, time: datetime) -> CalendarInfo:
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
                               "subscription_manager.add_consolidator(...) or pass exchange_hours=...")
        if (self._extended or hours.is_open(data.time)
                or (self._span == ONE_DAY and data.end_time - data.time >= ONE_HOUR
                    and _open_between(hours, data.time, data.end_time))):
            self._inner.update(data)

    def scan(self, current_local_time: datetime) -> None:
        self._inner.scan(current_local_time)

    def reset(self) -> None:
        super().reset()
        self._inner.reset()


def _open_between(hours: ExchangeHours, start: datetime, end: datetime) -> bool:
    """True if the regular session overlaps ``[start, end)`` (a bar that straddles the open)."""
    midnight = datetime(start.year, start.month, start.day)
    return any(midnight + low < end and start < midnight + high for low, high in hours.open_windows(start.date()))
