"""Indicators registered on a symbol's own data, and how the engine keeps them current.

Where it can, the engine column-feeds them (``indicators/column_feed``): the whole
price column is computed once and the loop does nothing per bar. The others, and
every indicator of a symbol as soon as one of them needs it, are updated bar by bar
from ``eager``, in registration order, as LEAN does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from lean_runner.engine.indicators.column_feed import LocalEndTimes, feed_column, settle, supports_column_feed


@dataclass
class Registration:
    indicator: Any
    selector: Any
    symbol: Any
    fast_update: Any = field(default=None, init=False)  # the indicator's engine_update when it takes plain closes

    def __post_init__(self) -> None:
        if self.selector is None and not getattr(self.indicator, "takes_bars", False) \
                and getattr(self.indicator, "engine_fast_path", False):
            self.fast_update = self.indicator.engine_update


class IndicatorRegistrations:
    """Every ``register_indicator`` on a symbol's own resolution; ``eager`` holds the ones updated per bar."""

    def __init__(self, local_end_times: LocalEndTimes) -> None:
        self._local_end_times = local_end_times
        self._by_symbol: dict[Any, list[Registration]] = {}
        # The loop reads this dict every trade bar; it is changed in place, never replaced.
        self.eager: dict[Any, list[Registration]] = {}

    def add(self, indicator: Any, selector: Any, symbol: Any) -> None:
        registrations = self._by_symbol.setdefault(symbol, [])
        self._make_eager(symbol)  # from now on until the next column feed, keep the registration order exact
        registrations.append(Registration(indicator, selector, symbol))
        self.eager[symbol] = registrations

    def remove(self, indicator: Any) -> None:
        settle(indicator)
        for symbol, registrations in self._by_symbol.items():
            registrations[:] = [r for r in registrations if r.indicator is not indicator]
            if symbol in self.eager and not registrations:
                del self.eager[symbol]

    def column_feed(self, subscriptions: list[Any], end_utc_ns: int) -> None:
        """Before streaming: column-feed the indicators of each symbol whose registrations all allow it."""
        trade_feeds = Counter(s.security.symbol for s in subscriptions if s.is_trade and not s.internal
                              and not s.is_custom and not s.removed)
        uses = Counter(id(r.indicator) for registrations in self._by_symbol.values() for r in registrations)
        for symbol, registrations in self._by_symbol.items():
            if not registrations:
                continue
            subscription = next((s for s in subscriptions if s.security.symbol == symbol and s.is_trade
                                 and not s.internal and not s.is_custom and not s.removed), None)
            if subscription is None or trade_feeds[symbol] != 1 or not all(
                    r.selector is None and uses[id(r.indicator)] == 1
                    and (_fed_from(r.indicator) is subscription or supports_column_feed(r.indicator))
                    for r in registrations):
                self._make_eager(symbol)
                continue
            local_ns = self._local_end_times.of(subscription)
            end_index = int(np.searchsorted(subscription.end_utc, end_utc_ns, side="right"))
            for registration in registrations:
                if _fed_from(registration.indicator) is not subscription:
                    feed_column(registration.indicator, subscription, local_ns, end_index, self._on_settle)
            self.eager.pop(symbol, None)

    def update(self, security: Any, time: datetime) -> None:
        """The security's new trade bar into its eager indicators (the bar object only if one needs it)."""
        price = security.price
        for registration in self.eager[security.symbol]:
            if registration.fast_update is not None:
                registration.fast_update(time, price)
                continue
            indicator = registration.indicator
            if registration.selector is None and not getattr(indicator, "takes_bars", False):
                indicator.update(time, price)
            else:
                feed_indicator(indicator, registration.selector, time, security.last_trade_bar)

    def _make_eager(self, symbol: Any) -> None:
        registrations = self._by_symbol.get(symbol, [])
        for registration in registrations:
            settle(registration.indicator)
        if registrations:
            self.eager[symbol] = registrations

    def _on_settle(self, indicator: Any) -> None:
        """A column-fed indicator was touched: its symbol's indicators all go back to per-bar updates."""
        for symbol, registrations in self._by_symbol.items():
            if any(r.indicator is indicator for r in registrations):
                self._make_eager(symbol)


def _fed_from(indicator: Any) -> Any:
    feed = getattr(indicator, "__dict__", {}).get("_column_feed")
    return feed.subscription if feed is not None else None


def feed_indicator(indicator: Any, selector: Any, time: datetime, bar: Any) -> None:
    """One bar into an indicator: through the selector (a number or a bar), whole, or as its close."""
    if selector is not None:
        selected = selector(bar)
        # LEAN selectors return a number for value indicators and a bar for bar indicators.
        if isinstance(selected, int | float):
            indicator.update(time, float(selected))
        else:
            indicator.update(selected)
    elif getattr(indicator, "takes_bars", False):
        indicator.update(bar)
    else:
        indicator.update(time, bar.close)
