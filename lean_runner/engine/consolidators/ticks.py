"""Consolidators over ticks: trade ticks into trade bars, quote ticks into quote bars (LEAN's
``TickConsolidator`` and ``TickQuoteBarConsolidator``).

Each takes only its own kind of tick and ignores the other entirely (it neither starts nor emits a bar).
The engine never hands them suspicious ticks, as LEAN's time-slice factory keeps those out of
consolidators while the slice itself still holds them.
"""

from __future__ import annotations

from typing import Any

from lean_runner.engine.consolidators.period import PeriodCountConsolidatorBase
from lean_runner.engine.market_data import TICK_TYPE_QUOTE, TICK_TYPE_TRADE, Bar, QuoteBar, Tick, TradeBar
from lean_runner.engine.naming import lean_names

__all__ = ["TickConsolidator", "TickQuoteBarConsolidator"]


class _TickConsolidatorBase(PeriodCountConsolidatorBase):
    tick_type = TICK_TYPE_TRADE  # the ticks the engine feeds it

    @property
    def input_type(self) -> type:
        return Tick

    def update(self, data: Any) -> None:
        if getattr(data, "tick_type", self.tick_type) != self.tick_type:
            return  # LEAN's ShouldProcess: the other kind of tick is not this consolidator's input
        super().update(data)


@lean_names
class TickConsolidator(_TickConsolidatorBase):
    """Trade ticks into trade bars: ``TickConsolidator(timedelta(minutes=1))``, ``(100)`` ticks, or a calendar."""

    def _aggregate(self, data: Any) -> None:
        value = float(data.value)
        working = self._working
        if working is None:
            self._working = TradeBar(self._rounded_for(data), data.symbol, value, value, value, value,
                                     float(data.quantity), self._new_bar_period(data))
            return
        working.close = value
        working.volume += float(data.quantity)
        working.low = min(working.low, value)
        working.high = max(working.high, value)


@lean_names
class TickQuoteBarConsolidator(_TickConsolidatorBase):
    """Quote ticks into quote bars; a new bar opens each side at the previous bar's close, as LEAN's does."""

    _output = QuoteBar
    tick_type = TICK_TYPE_QUOTE

    def _aggregate(self, data: Any) -> None:
        working = self._working
        if working is None:
            working = QuoteBar(self._rounded_for(data), data.symbol, None, 0.0, None, 0.0,
                               self._new_bar_period(data))
            previous = self.consolidated
            if isinstance(previous, QuoteBar):
                _update_side(working, "bid", previous.bid.close if previous.bid is not None else 0.0,
                             previous.last_bid_size)
                _update_side(working, "ask", previous.ask.close if previous.ask is not None else 0.0,
                             previous.last_ask_size)
            self._working = working
        _update_side(working, "bid", float(data.bid_price), float(data.bid_size))
        _update_side(working, "ask", float(data.ask_price), float(data.ask_size))


def _update_side(bar: QuoteBar, side: str, price: float, size: float) -> None:
    """LEAN's ``QuoteBar.Update`` for one side: a zero price leaves the side alone."""
    if price == 0:
        return
    current: Bar | None = getattr(bar, side)
    if current is None:
        setattr(bar, side, Bar(price, price, price, price))
    else:
        current.close = price
        current.high = max(current.high, price)
        current.low = min(current.low, price)
    if size != 0:
        setattr(bar, f"last_{side}_size", size)
