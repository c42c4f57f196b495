"""Which subscriptions have a bar in each time slice, worked out for all slices at once.

Most slices of a backtest look alike (the same securities tick, minute after
minute), so the loop looks the slice's *pattern* up instead of asking every
subscription whether its next bar ends now. A pattern lists its subscriptions
grouped by what the loop does with them (each group in the engine's subscription
order), and the securities the slice shows the algorithm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lean_runner.engine.feed import sorted_union

ALGORITHM_TRADES, INTERNAL_TRADES, QUOTES, CUSTOM, TICKS = 0, 1, 2, 3, 4
_BITS_PER_WORD = 62


@dataclass(frozen=True, slots=True)
class SlicePattern:
    # The slice's subscriptions by what the loop does with them, each in subscription order.
    trade_feeds: tuple[Any, ...]  # the algorithm's trade bars: they price their securities
    internal_feeds: tuple[Any, ...]  # internal trade bars (the benchmark)
    quote_feeds: tuple[Any, ...]
    custom_feeds: tuple[Any, ...]
    tick_feeds: tuple[Any, ...]  # trade and quote ticks, in subscription order
    trades: list[Any]  # securities whose algorithm trade bar is in the slice
    quotes: list[Any]  # securities whose algorithm quote bar is in the slice
    data_points: int  # bars in the slice (read once per slice, so a field rather than a sum of lengths)


def feed_kind(subscription: Any) -> int:
    if getattr(subscription, "is_tick", False):
        return TICKS
    if subscription.is_custom:
        return CUSTOM
    if subscription.is_trade:
        return INTERNAL_TRADES if subscription.internal else ALGORITHM_TRADES
    return QUOTES


def slice_patterns(stamps: list[tuple[Any, np.ndarray]], extra_times: np.ndarray | None = None,
                   unfed: Sequence[Any] = ()) -> tuple[np.ndarray, list[Any], dict[Any, SlicePattern]]:
    """The merged slice times, each slice's pattern key, and the patterns.

    ``stamps`` pairs each subscription with the end stamps it contributes (already cut to the range);
    ``extra_times`` are slices without bars of their own (corporate actions); ``unfed`` subscriptions
    count in their slices (data points, the slice's quote bars) but the loop does not move them.
    """
    unfed_ids = {id(subscription) for subscription in unfed}
    parts = [ends for _, ends in stamps]
    if extra_times is not None and len(extra_times):
        parts.append(extra_times)
    if not parts:
        return np.empty(0, dtype=np.int64), [], {}
    times = sorted_union(*parts)
    words = [np.zeros(len(times), dtype=np.int64) for _ in range(max(1, -(-len(stamps) // _BITS_PER_WORD)))]
    for index, (_, ends) in enumerate(stamps):
        word, bit = divmod(index, _BITS_PER_WORD)
        words[word][np.searchsorted(times, ends)] |= np.int64(1) << np.int64(bit)
    keys: list[Any] = words[0].tolist() if len(words) == 1 else list(zip(*(w.tolist() for w in words), strict=True))
    patterns: dict[Any, SlicePattern] = {}
    for key in set(keys):
        key_words = (key,) if len(words) == 1 else key
        members = [stamps[word * _BITS_PER_WORD + bit][0]
                   for word, value in enumerate(key_words) for bit in range(_BITS_PER_WORD) if value >> bit & 1]
        by_kind: dict[int, tuple[Any, ...]] = {
            kind: tuple(s for s in members if feed_kind(s) == kind)
            for kind in (ALGORITHM_TRADES, INTERNAL_TRADES, QUOTES, CUSTOM, TICKS)}
        patterns[key] = SlicePattern(
            trade_feeds=by_kind[ALGORITHM_TRADES],
            internal_feeds=by_kind[INTERNAL_TRADES],
            quote_feeds=tuple(s for s in by_kind[QUOTES] if id(s) not in unfed_ids),
            custom_feeds=by_kind[CUSTOM],
            tick_feeds=by_kind[TICKS],
            trades=[s.security for s in by_kind[ALGORITHM_TRADES]],
            quotes=[s.security for s in by_kind[QUOTES] if not s.internal],
            data_points=len(members))
    return times, keys, patterns


def quotes_that_can_follow_the_clock(stamps: list[tuple[Any, np.ndarray]]) -> list[Any]:
    """Quote subscriptions the loop need not move bar by bar: their security is priced by trades.

    Quotes price an equity only until its first trade; once the security has a price, or its trades
    start no later than its quotes, the latest quote bar is simply the source's bar at the clock's time.
    """
    first_trade = {subscription.security: ends[0] for subscription, ends in stamps
                   if subscription.is_trade and not subscription.internal and not subscription.is_custom}
    following = []
    for subscription, ends in stamps:
        if subscription.is_trade or subscription.is_custom or subscription.internal or \
                getattr(subscription, "is_tick", False):
            continue
        security = subscription.security
        trades_from = first_trade.get(security)
        if security.price or (trades_from is not None and trades_from <= ends[0]):
            following.append(subscription)
    return following
