"""The consolidator ``QCAlgorithm.consolidate`` and ``resolve_consolidator`` pick (LEAN's ``CreateConsolidator``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from lean_runner.engine.consolidators.base import DataConsolidator
from lean_runner.engine.consolidators.calendar import to_period
from lean_runner.engine.consolidators.market_hours import IdentityDataConsolidator, MarketHourAwareConsolidator
from lean_runner.engine.consolidators.period import (
    PeriodCountConsolidatorBase,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_runner.engine.consolidators.ticks import TickConsolidator, TickQuoteBarConsolidator
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import QuoteBar, Tick, TradeBar

__all__ = ["create_consolidator"]


def create_consolidator(period: Any, input_type: type = TradeBar, subscription_increment: timedelta | None = None,
                        exchange_hours: ExchangeHours | None = None, daily_precise_end_time: bool = True,
                        extended_market_hours: bool = False,
                        handler: Callable[[Any], Any] | None = None, *,
                        quote_ticks: bool = False) -> DataConsolidator:
    """Build the consolidator LEAN's ``consolidate(symbol, period, handler)`` would register.

    ``period``: a ``timedelta``, a ``Resolution``, a calendar function (``Calendar.WEEKLY``...) or None
    (the subscription's own period). ``input_type``: the subscription's data type (``TradeBar`` or
    ``QuoteBar``); ``subscription_increment``: its bar span (one minute for minute data).

    * shorter than the subscription: ``ValueError`` (as LEAN);
    * equal to the subscription: :class:`IdentityDataConsolidator`;
    * ``Resolution.DAILY``: :class:`MarketHourAwareConsolidator` session bars; pass
      ``daily_precise_end_time`` = ``settings.daily_precise_end_time`` and ``extended_market_hours`` =
      ``settings.daily_consolidation_use_extended_market_hours and subscription.extended_market_hours``;
    * anything else (``timedelta(days=1)`` included): a period consolidator (midnight-to-midnight days).

    With ``input_type`` ``Tick`` it is a tick consolidator: trade ticks into trade bars, or with
    ``quote_ticks`` quote ticks into quote bars.

    ``handler(bar)`` is attached when given: the ``consolidate`` helper's handlers take only the bar.
    """
    quote = isinstance(input_type, type) and issubclass(input_type, QuoteBar)
    kind: type[PeriodCountConsolidatorBase] = QuoteBarConsolidator if quote else TradeBarConsolidator
    if isinstance(input_type, type) and issubclass(input_type, Tick):
        # Tick data: trade ticks into trade bars, or (tick_type=QUOTE) quote ticks into quote bars.
        kind = TickQuoteBarConsolidator if quote_ticks else TickConsolidator
        subscription_increment = None
        if isinstance(period, Resolution) and int(period) == int(Resolution.TICK):
            identity = IdentityDataConsolidator(Tick)  # every tick of the kind, as it comes
            identity.tick_type = int(quote_ticks)  # TickType.QUOTE or TRADE
            if handler is not None:
                tick_handler = handler
                identity.data_consolidated += lambda sender, tick: tick_handler(tick)
            return identity
    consolidator: DataConsolidator
    if period is not None and callable(period) and not isinstance(period, (timedelta, int)):
        consolidator = kind(period)
    elif isinstance(period, int) and not isinstance(period, (bool, Resolution)):
        consolidator = kind(period)  # every N bars (or ticks)
    else:
        span = subscription_increment if period is None else to_period(period)
        if span is None:
            raise ValueError("create_consolidator: give a period or the subscription increment")
        if subscription_increment is not None and span < subscription_increment:
            raise ValueError(f"Unable to create a {span} consolidator on data of period {subscription_increment}: "
                             f"consolidators require higher resolution data to produce lower resolution data.")
        if subscription_increment is not None and span == subscription_increment:
            consolidator = IdentityDataConsolidator(input_type)
        elif isinstance(period, Resolution) and int(period) == int(Resolution.DAILY):
            consolidator = MarketHourAwareConsolidator(daily_precise_end_time, Resolution.DAILY, input_type, None,
                                                       extended_market_hours, exchange_hours)
        else:
            consolidator = kind(span)
    if handler is not None:
        bar_handler = handler
        consolidator.data_consolidated += lambda sender, bar: bar_handler(bar)
    return consolidator
