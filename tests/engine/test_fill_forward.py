"""Fill-forward and stamp unions: missing minutes get the previous close; complete data passes untouched."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lean_runner.engine.data.bars import TradeBars
from lean_runner.engine.feed import fill_forward, sorted_union

MINUTE = 60_000_000_000


def _bars(minutes: list[int], closes: list[float]) -> TradeBars:
    ends = np.asarray(minutes, dtype=np.int64) * MINUTE
    close = np.asarray(closes)
    return TradeBars(time=ends - MINUTE, end_time=ends, open=close - 1, high=close + 1, low=close - 2, close=close,
                     volume=np.full(len(ends), 100.0))


def test_complete_data_comes_back_unchanged() -> None:
    bars = _bars([1, 2, 3, 4], [10.0, 11.0, 12.0, 13.0])
    expected = np.arange(0, 6, dtype=np.int64) * MINUTE
    result, flags = fill_forward(bars, expected, MINUTE, 4 * MINUTE)
    assert result is bars and not flags.any()


def test_missing_minutes_repeat_the_previous_close_with_no_volume() -> None:
    bars = _bars([1, 2, 5], [10.0, 11.0, 12.0])
    expected = np.arange(0, 8, dtype=np.int64) * MINUTE
    result, flags = fill_forward(bars, expected, MINUTE, 6 * MINUTE)
    assert isinstance(result, TradeBars)
    assert (result.end_time // MINUTE).tolist() == [1, 2, 3, 4, 5, 6]
    assert flags.tolist() == [False, False, True, True, False, True]
    assert result.close.tolist() == [10.0, 11.0, 11.0, 11.0, 12.0, 12.0]
    assert result.open.tolist() == [9.0, 10.0, 11.0, 11.0, 11.0, 12.0]
    assert result.volume.tolist() == [100.0, 100.0, 0.0, 0.0, 100.0, 0.0]
    assert ((result.end_time - result.time) == MINUTE).all()


def test_a_stamp_outside_the_grid_is_kept_and_the_grid_is_still_filled() -> None:
    bars = _bars([1, 3], [10.0, 12.0])
    expected = np.asarray([2, 4], dtype=np.int64) * MINUTE  # the data has minutes the grid lacks
    result, flags = fill_forward(bars, expected, MINUTE, 4 * MINUTE)
    assert (result.end_time // MINUTE).tolist() == [1, 2, 3, 4]
    assert flags.tolist() == [False, True, False, True]


@given(st.lists(st.lists(st.integers(0, 80), max_size=40).map(sorted), min_size=1, max_size=4), st.booleans())
def test_sorted_union_equals_numpys_unique(arrays: list[list[int]], add_subset: bool) -> None:
    parts = [np.asarray(a, dtype=np.int64) for a in arrays]
    if add_subset:
        parts.append(np.unique(parts[0])[::3])  # a stamp set inside another, the common case
    assert sorted_union(*parts).tolist() == np.unique(np.concatenate(parts)).tolist()
