"""LEAN's data consolidators: bigger bars (or calendar/session bars) out of a subscription's bars.

Engine contract, per time slice at algorithm-local time ``t`` (LEAN's ``AlgorithmManager`` order):

1. past scheduled events fire (see :mod:`lean_runner.engine.scheduling`);
2. past consolidator scans: every registered consolidator whose ``next_scan_time`` is not None and
   ``< t`` gets ``scan(next_scan_time)`` with the algorithm clock set to that time, in time order
   (ties: registration order); this emits bars whose end passed while their symbol had no data;
3. securities take the slice's prices; scheduled events due at ``t`` fire;
4. for each symbol with data in the slice, for each of its consolidators: ``update(bar)`` with the
   native-resolution bar of the consolidator's ``input_type`` (``TradeBar`` or ``QuoteBar``; fill-forward
   bars included, as in LEAN), then ``scan(t)``;
5. ``on_data``.

Registration: ``subscription_manager.add_consolidator(symbol, consolidator)`` attaches the consolidator
to the symbol's subscription whose data type matches ``input_type`` and, when the consolidator has
``set_exchange_hours``, gives it the symbol's ``ExchangeHours``; ``remove_consolidator`` detaches it and
calls ``dispose()``. ``self.consolidate(symbol, period, handler)`` is
``create_consolidator(period, subscription_type, subscription_increment, hours, ..., handler=handler)``
followed by ``add_consolidator``, returning the consolidator.
"""

from lean_runner.engine.consolidators.base import DataConsolidatedEvent, DataConsolidator
from lean_runner.engine.consolidators.calendar import Calendar, CalendarInfo, daily_calendar, round_down, to_period
from lean_runner.engine.consolidators.factory import create_consolidator
from lean_runner.engine.consolidators.market_hours import IdentityDataConsolidator, MarketHourAwareConsolidator
from lean_runner.engine.consolidators.period import (
    BaseDataConsolidator,
    PeriodCountConsolidatorBase,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_runner.engine.consolidators.ticks import TickConsolidator, TickQuoteBarConsolidator
from lean_runner.engine.consolidators.timeless import (
    BarDirection,
    ClassicRangeConsolidator,
    ClassicRenkoConsolidator,
    RangeBar,
    RangeConsolidator,
    RenkoBar,
    RenkoConsolidator,
    RenkoType,
    VolumeRenkoBar,
    VolumeRenkoConsolidator,
)

__all__ = [
    "BarDirection",
    "BaseDataConsolidator",
    "Calendar",
    "CalendarInfo",
    "ClassicRangeConsolidator",
    "ClassicRenkoConsolidator",
    "DataConsolidatedEvent",
    "DataConsolidator",
    "IdentityDataConsolidator",
    "MarketHourAwareConsolidator",
    "PeriodCountConsolidatorBase",
    "QuoteBarConsolidator",
    "RangeBar",
    "RangeConsolidator",
    "RenkoBar",
    "RenkoConsolidator",
    "RenkoType",
    "TickConsolidator",
    "TickQuoteBarConsolidator",
    "TradeBarConsolidator",
    "VolumeRenkoBar",
    "VolumeRenkoConsolidator",
    "create_consolidator",
    "daily_calendar",
    "round_down",
    "to_period",
]
