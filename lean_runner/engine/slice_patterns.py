"""Which subscriptions have a bar in each time slice, worked out for all slices at once.

Most slices of a backtest look alike (the same securities tick, minute after
minute), so the loop looks the slice's *pattern* up instead of asking every
subscription whether its next bar ends now. A pattern lists its subscriptions in
the engine's subscription order, tagged with what the loop does with them, and
the securities the slice shows the algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lean_runner.engine.feed import sorted_union

ALGORITHM_TRADES, INTERNAL_TRADES, QUOTES, CUSTOM = 0, 1, 2, 3
_BITS_PER_WORD = 62


@dataclass(frozen=True)
class SlicePattern:
    feeds: tuple[tuple[Any, int], ...]  # (subscription, one of the kinds above), in subscription order
    trades: list[Any]  # securities whose algorithm trade bar is in the slice
    quotes: list[Any]  # securities whose algorithm quote bar is in the slice
    has_custom: bool
    data_points: int  # bars in the slice (read once per slice, so a field rather than len(feeds))


def feed_kind(subscription: Any) -> int:
    if subscription.is_custom:
        return CUSTOM
    if subscription.is_trade:
        return INTERNAL_TRADES if subscription.internal else ALGORITHM_TRADES
    return QUOTES


def slice_patterns(stamps: list[tuple[Any, np.ndarray]],
                   extra_times: np.ndarray | None = None) -> tuple[np.ndarray, list[Any], dict[Any, SlicePattern]]:
    """The merged slice times, each slice's pattern key, and the patterns.

    ``stamps`` pairs each subscription with the end stamps it contributes (already cut to the range);
    ``extra_times`` are slices without bars of their own (corporate actions).
    """
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
        feeds = tuple((subscription, feed_kind(subscription)) for subscription in members)
        patterns[key] = SlicePattern(
            feeds=feeds,
            trades=[s.security for s, kind in feeds if kind == ALGORITHM_TRADES],
            quotes=[s.security for s, kind in feeds if kind == QUOTES and not s.internal],
            has_custom=any(kind == CUSTOM for _, kind in feeds),
            data_points=len(feeds))
    return times, keys, patterns
