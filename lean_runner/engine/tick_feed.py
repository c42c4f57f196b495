"""Tick subscriptions: a security's trade or quote ticks grouped by instant, stamped in UTC.

LEAN's synchronizer puts every tick whose time has come into the next time slice, so the ticks that
share a timestamp (often several within one millisecond) arrive together. A :class:`TickSubscription`
keeps the ticks as columns and makes :class:`Tick` objects for one instant only when the loop reaches
it. Ticks are not fill-forwarded (LEAN never fills ticks forward).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.tick_files import TickColumns
from lean_runner.engine.data.timeconv import local_ns_to_utc_ns
from lean_runner.engine.feed import ns_to_local_datetime
from lean_runner.engine.market_data import TICK_TYPE_QUOTE, TICK_TYPE_TRADE, Tick
from lean_runner.engine.securities import Security

__all__ = ["TickSubscription", "make_tick_subscription"]


@dataclass
class TickSubscription:
    """The ticks of one kind (``trade`` or ``quote``) feeding one security, one group per instant."""

    security: Security
    kind: str
    columns: TickColumns
    end_utc: npt.NDArray[np.int64]  # one stamp per distinct instant
    group_starts: list[int]  # index of each instant's first tick in ``columns``; one more entry at the end
    cursor: int = 0
    removed: bool = False
    internal: bool = False
    is_trade: bool = False  # not a bar feed: the loop handles ticks on their own
    is_custom: bool = False
    is_tick: bool = True
    consumers: list[Any] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.end_utc)

    def index_at(self, utc_ns: int) -> int:
        return int(self.end_utc.searchsorted(utc_ns, side="right")) - 1

    def ticks(self, group: int) -> list[Tick]:
        """The :class:`Tick` objects of instant ``group``, in file order."""
        columns = self.columns
        first, last = self.group_starts[group], self.group_starts[group + 1]
        time = ns_to_local_datetime(columns.time.item(first))
        symbol = self.security.symbol
        if self.kind == "trade":
            return [Tick(time, symbol, columns.price.item(i), TICK_TYPE_TRADE, columns.quantity.item(i),
                         exchange=columns.exchange[i], sale_condition=columns.condition[i],
                         suspicious=bool(columns.suspicious.item(i))) for i in range(first, last)]
        return [Tick(time, symbol, columns.price.item(i), TICK_TYPE_QUOTE, 0.0, columns.bid_price.item(i),
                     columns.ask_price.item(i), columns.bid_size.item(i), columns.ask_size.item(i),
                     columns.exchange[i], columns.condition[i], bool(columns.suspicious.item(i)))
                for i in range(first, last)]

    def tick_count(self, group: int) -> int:
        return self.group_starts[group + 1] - self.group_starts[group]


def make_tick_subscription(security: Security, columns: TickColumns, hours: ExchangeHours) -> TickSubscription:
    """Group ``columns`` (in time order) by instant and stamp each instant in UTC."""
    times = columns.time
    if len(times):
        starts = np.flatnonzero(np.concatenate(([True], times[1:] != times[:-1])))
        local = times[starts]
        end_utc = np.asarray(local_ns_to_utc_ns(local, hours.time_zone), dtype=np.int64)
        group_starts = [*starts.tolist(), len(times)]
    else:
        end_utc = np.empty(0, dtype=np.int64)
        group_starts = [0]
    return TickSubscription(security, columns.kind, columns, end_utc, group_starts)
