"""Columnar bar containers, price adjustment and local/UTC conversion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_runner.engine.data import (
    QuoteBars,
    TradeBars,
    adjust_quote_bars,
    adjust_trade_bars,
    local_ns_to_utc_ns,
)
from lean_runner.engine.data.timeconv import NS_PER_MINUTE, datetime_to_ns, utc_ns_to_local_ns

NEW_YORK = ZoneInfo("America/New_York")


def _trade_bars(times: list[int]) -> TradeBars:
    t = np.array(times, dtype=np.int64)
    n = t.size
    return TradeBars(
        t,
        t + NS_PER_MINUTE,
        np.full(n, 10.0),
        np.full(n, 11.0),
        np.full(n, 9.0),
        np.arange(n) + 10.0,
        np.full(n, 1001.0),
    )


def test_trade_bars_basics_len_empty_concat_and_slice() -> None:
    bars = _trade_bars([0, NS_PER_MINUTE, 2 * NS_PER_MINUTE, 3 * NS_PER_MINUTE])
    assert len(bars) == 4
    assert len(TradeBars.empty()) == 0 and TradeBars.empty().time.dtype == np.int64
    joined = TradeBars.concat([bars.take(slice(2, 4)), TradeBars.empty(), bars.take(slice(0, 2))])
    np.testing.assert_array_equal(joined.time, bars.time)
    np.testing.assert_array_equal(joined.close, bars.close)
    middle = bars.slice_between(NS_PER_MINUTE, 3 * NS_PER_MINUTE)
    np.testing.assert_array_equal(middle.time, [NS_PER_MINUTE, 2 * NS_PER_MINUTE])
    by_end = bars.slice_between(NS_PER_MINUTE, 3 * NS_PER_MINUTE, on="end_time")
    np.testing.assert_array_equal(by_end.end_time, [NS_PER_MINUTE, 2 * NS_PER_MINUTE])
    assert len(TradeBars.concat([])) == 0


def test_bars_reject_ragged_columns() -> None:
    with pytest.raises(ValueError, match="rows"):
        TradeBars(
            np.zeros(2, np.int64),
            np.zeros(2, np.int64),
            np.zeros(2),
            np.zeros(2),
            np.zeros(2),
            np.zeros(3),
            np.zeros(2),
        )


def test_adjust_trade_bars_scales_prices_and_rounds_volume() -> None:
    bars = _trade_bars([0, NS_PER_MINUTE])
    adjusted = adjust_trade_bars(bars, np.array([0.5, 0.25]))
    np.testing.assert_allclose(adjusted.open, [5.0, 2.5])
    np.testing.assert_allclose(adjusted.close, [5.0, 2.75])
    np.testing.assert_array_equal(adjusted.volume, [2002.0, 4004.0])
    np.testing.assert_array_equal(adjust_trade_bars(bars, 1.0).close, bars.close)
    with pytest.raises(ValueError, match="factors"):
        adjust_trade_bars(bars, np.ones(3))


def test_quote_bars_mid_falls_back_to_the_present_side() -> None:
    t = np.array([0, NS_PER_MINUTE, 2 * NS_PER_MINUTE], dtype=np.int64)
    nan = np.nan
    bars = QuoteBars(
        t,
        t + NS_PER_MINUTE,
        np.array([10.0, nan, 10.0]),
        np.array([10.0, nan, 10.0]),
        np.array([10.0, nan, 10.0]),
        np.array([10.0, nan, 10.0]),
        np.array([100.0, 0.0, 100.0]),
        np.array([10.2, 10.4, nan]),
        np.array([10.2, 10.4, nan]),
        np.array([10.2, 10.4, nan]),
        np.array([10.2, 10.4, nan]),
        np.array([200.0, 300.0, 0.0]),
    )
    np.testing.assert_allclose(bars.close, [10.1, 10.4, 10.0])
    np.testing.assert_array_equal(bars.has_bid, [True, False, True])
    np.testing.assert_array_equal(bars.has_ask, [True, True, False])
    adjusted = adjust_quote_bars(bars, np.array([0.5, 0.5, 0.5]))
    np.testing.assert_allclose(adjusted.close, [5.05, 5.2, 5.0])
    np.testing.assert_array_equal(adjusted.ask_size, [400.0, 600.0, 0.0])
    assert np.isnan(adjusted.bid_close[1])


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 13, 30)),
        (datetime(2013, 12, 2, 9, 30), datetime(2013, 12, 2, 14, 30)),
        (datetime(2013, 3, 10, 1, 30), datetime(2013, 3, 10, 6, 30)),
        (datetime(2013, 3, 10, 3, 30), datetime(2013, 3, 10, 7, 30)),
        (datetime(2013, 3, 10, 2, 30), datetime(2013, 3, 10, 7, 30)),  # skipped hour shifts forward
        (datetime(2013, 11, 3, 1, 30), datetime(2013, 11, 3, 5, 30)),  # ambiguous hour takes daylight time
        (datetime(2013, 11, 3, 2, 30), datetime(2013, 11, 3, 7, 30)),
    ],
)
def test_local_to_utc_is_dst_correct(local: datetime, utc: datetime) -> None:
    converted = local_ns_to_utc_ns(np.array([datetime_to_ns(local)]), NEW_YORK)
    assert int(converted[0]) == datetime_to_ns(utc)


def test_local_to_utc_matches_zoneinfo_across_years_and_round_trips() -> None:
    rng = np.random.default_rng(3)
    start = datetime_to_ns(datetime(2005, 1, 1))
    stamps = np.sort(start + rng.integers(0, 20 * 365 * 24 * 60, 4000) * NS_PER_MINUTE)
    converted = local_ns_to_utc_ns(stamps, NEW_YORK)
    for stamp, utc in zip(stamps[::37].tolist(), converted[::37].tolist(), strict=True):
        local = datetime(1970, 1, 1) + timedelta(microseconds=stamp // 1000)
        expected = local.replace(tzinfo=NEW_YORK).astimezone(UTC).replace(tzinfo=None)
        assert utc == datetime_to_ns(expected)
    unambiguous = np.abs(utc_ns_to_local_ns(converted, NEW_YORK) - stamps) == 0
    assert unambiguous.mean() > 0.99
    assert local_ns_to_utc_ns(np.array([], dtype=np.int64), NEW_YORK).size == 0
