"""Scheduled events and consolidators, driven by the slice loop in LEAN's order.

Per slice at local time ``t``:
1. ``before(t)``: scheduled events due strictly before ``t`` fire with the clock at their own time and the
   previous slice's prices; consolidators whose bar ended before ``t`` emit it (LEAN's scan);
2. the slice's data updates prices, then ``at(t)`` fires events due exactly at ``t``;
3. ``consolidate(security, trade_bar, quote_bar)`` feeds the slice's bars to that security's consolidators
   (``consolidate_ticks(security, ticks)`` its ticks, for tick subscriptions).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from lean_runner.engine.clock import AlgorithmClock, ns_to_naive
from lean_runner.engine.consolidators import create_consolidator
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import TICK_TYPE_QUOTE, TICK_TYPE_TRADE, QuoteBar, Tick, TradeBar
from lean_runner.engine.scheduling import ScheduleManager
from lean_runner.engine.securities import Security

_FAR_FUTURE = 2**62


class TimedEvents:
    """Owns the algorithm's consolidators and drains its schedule at the right moments."""

    def __init__(self, schedule: ScheduleManager, clock: AlgorithmClock) -> None:
        self._schedule = schedule
        self._clock = clock
        # Every attached consolidator by security; the loop keeps a reference, so it is only changed in place.
        self.consolidators: dict[Security, list[Any]] = {}
        self.started = False

    # --- consolidators ----------------------------------------------------------------------------
    def add_consolidator(self, security: Security, consolidator: Any) -> None:
        if hasattr(consolidator, "set_exchange_hours"):
            consolidator.set_exchange_hours(security.exchange.hours)
        self.consolidators.setdefault(security, []).append(consolidator)

    def remove_consolidator(self, security: Security, consolidator: Any) -> None:
        attached = self.consolidators.get(security, [])
        if consolidator in attached:
            attached.remove(consolidator)
            if hasattr(consolidator, "dispose"):
                consolidator.dispose()
        if not attached:
            self.consolidators.pop(security, None)

    def remove_security(self, security: Security) -> None:
        for consolidator in list(self.consolidators.get(security, [])):
            self.remove_consolidator(security, consolidator)

    def consolidator_for(self, security: Security, period: Any, handler: Callable[[Any], Any] | None,
                         quote: bool = False, daily_precise_end_time: bool = True) -> Any:
        """The consolidator ``self.consolidate(symbol, period, handler)`` registers, attached to ``security``."""
        if security.resolution == Resolution.TICK:
            consolidator = create_consolidator(period, Tick, None, security.exchange.hours, daily_precise_end_time,
                                               security.extended_market_hours, handler=handler, quote_ticks=quote)
            self.add_consolidator(security, consolidator)
            return consolidator
        increment = {1: timedelta(seconds=1), 2: timedelta(minutes=1), 3: timedelta(hours=1)}.get(
            security.resolution, timedelta(days=1))
        consolidator = create_consolidator(period, QuoteBar if quote else TradeBar, increment,
                                           security.exchange.hours, daily_precise_end_time,
                                           security.extended_market_hours, handler=handler)
        self.add_consolidator(security, consolidator)
        return consolidator

    def consolidate(self, security: Security, trade: bool, quote: bool) -> None:
        """Feed this slice's bars of ``security`` to its consolidators, then let time-based ones emit."""
        consolidators = self.consolidators.get(security)
        if not consolidators:
            return
        now = self._clock.local_time
        for consolidator in list(consolidators):
            wants_quotes = issubclass(consolidator.input_type, QuoteBar)
            if wants_quotes and quote:
                consolidator.update(security.last_quote_bar)
            elif not wants_quotes and trade:
                consolidator.update(security.last_trade_bar)
            consolidator.scan(now)

    def consolidate_ticks(self, security: Security, ticks: list[Any], quotes: bool) -> None:
        """Feed one instant's trade (or quote) ticks of ``security`` to the tick consolidators of that kind
        (``tick_type``; trades when it has none), suspicious ticks excepted as in LEAN, then let time-based
        ones emit."""
        consolidators = self.consolidators.get(security)
        if not consolidators:
            return
        eligible = [tick for tick in ticks if not tick.suspicious]
        now = self._clock.local_time
        wanted = TICK_TYPE_QUOTE if quotes else TICK_TYPE_TRADE
        for consolidator in list(consolidators):
            if issubclass(consolidator.input_type, Tick) and getattr(consolidator, "tick_type",
                                                                     TICK_TYPE_TRADE) == wanted:
                for tick in eligible:
                    consolidator.update(tick)
            consolidator.scan(now)

    def _scan_past(self, local: datetime) -> None:
        due: list[tuple[datetime, Any]] = []
        for consolidators in self.consolidators.values():
            for consolidator in consolidators:
                when = consolidator.next_scan_time
                if when is not None and when < local:
                    due.append((when, consolidator))
        for when, consolidator in sorted(due, key=lambda item: item[0]):
            self._clock.set_local(when)
            consolidator.scan(when)

    # --- scheduled events -------------------------------------------------------------------------
    def start(self, start_local: datetime) -> None:
        self._schedule.start(start_local)
        self.started = True

    def next_event_local_ns(self) -> int:
        """Local nanoseconds of the next scheduled occurrence (a far-future number when none)."""
        upcoming = self._schedule.next_event_time
        if upcoming is None:
            return _FAR_FUTURE
        delta = upcoming - datetime(1970, 1, 1)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000

    def before(self, local_ns: int) -> None:
        """Events due strictly before the slice, and consolidator bars that ended before it."""
        local = ns_to_naive(local_ns)
        if self.consolidators:
            self._scan_past(local)
        while (item := self._schedule.pop_due(local, inclusive=False)) is not None:
            when, event = item
            self._clock.set_local(when)
            event.fire()

    def at(self, local_ns: int) -> None:
        """Events due exactly at the slice time (after its prices are applied)."""
        local = ns_to_naive(local_ns)
        while (item := self._schedule.pop_due(local, inclusive=True)) is not None:
            _, event = item
            event.fire()
