"""Estimated strategy capacity: windows after fills, snapshots, smoothing and rounding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lean_runner.engine.statistics import CapacityBar, CapacityEstimator
from lean_runner.engine.statistics.capacity import resolution_of_period, round_capacity

SID = "SPY R735QTJ8XC9X"
OTHER = "IBM R735QTJ8XC9X"
START, END = date(2013, 10, 7), date(2013, 10, 11)


def _utc(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2013, 10, day, hour, minute, tzinfo=UTC).timestamp()


@dataclass
class _Book:
    """A portfolio whose single position is worth the whole portfolio value."""

    value: float = 100_000.0
    invested: bool = True

    def total_portfolio_value(self) -> float:
        return self.value

    def position_value(self, sid: str) -> float:
        return self.value if self.invested else 0.0

    def is_invested(self, sid: str) -> bool:
        return self.invested


def _minute(close: float, volume: float) -> dict[str, CapacityBar]:
    return {SID: CapacityBar(close=close, volume=volume, period_seconds=60)}


@pytest.mark.parametrize(
    ("seconds", "resolution"),
    [(86400, "daily"), (23400, "hour"), (3600, "hour"), (60, "minute"), (1, "second"), (0, "tick")],
)
def test_bar_period_maps_to_lean_resolution(seconds, resolution):
    assert resolution_of_period(seconds) == resolution


def test_minute_window_with_large_volume_is_the_fill_bar_and_the_next_minute():
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    fill = _utc(7, 13, 31)
    estimator.on_order_fill(SID, fill, 100.0, 1000)
    estimator.update(fill, _minute(100.0, 1_000_000), book)  # $1e8 a minute: k < 1 -> 1-minute window
    estimator.update(fill + 60, _minute(100.0, 500_000), book)
    estimator.update(fill + 120, _minute(100.0, 9_000_000), book)  # past the window
    estimator.update(fill + 180, _minute(100.0, 9_000_000), book, force=True)
    assert estimator.capacity == Decimal("30000000.00")  # 0.20 x $150M
    assert estimator.lowest_capacity_asset == SID


def test_minute_window_grows_to_120_minutes_for_thin_markets():
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    fill = _utc(7, 14)
    estimator.on_order_fill(SID, fill, 10.0, 10)
    for minute in range(0, 130):
        estimator.update(fill + 60 * minute, _minute(10.0, 100), book)  # $1,000/min: k = 6000
    estimator.update(fill + 60 * 130, {}, book, force=True)
    assert estimator.unrounded_capacity == Decimal(121 * 1000) * Decimal("0.20")  # minutes 0..120 count
    assert estimator.capacity == Decimal("24000.00")


def test_fast_trading_discounts_volume_after_quick_successive_fills():
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    first = _utc(7, 14)
    estimator.on_order_fill(SID, first, 100.0, 10)
    estimator.update(first, _minute(100.0, 1_000_000), book)
    second = first + 39 * 60  # 2 x 39 / 390 = 0.2
    estimator.on_order_fill(SID, second, 100.0, 10)
    estimator.update(second, _minute(100.0, 1_000_000), book, force=True)
    expected = (Decimal(10**8) * 1 + Decimal(10**8) * Decimal("0.2")) * Decimal("0.2") / 2
    assert estimator.unrounded_capacity == expected


def test_daily_bars_count_on_the_fill_slice_and_the_next_utc_day():
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    fill = _utc(8, 20)
    daily = {SID: CapacityBar(close=100.0, volume=1_000_000, period_seconds=86400)}
    estimator.on_order_fill(SID, fill, 100.0, 10)
    estimator.update(fill, daily, book)
    estimator.update(_utc(9, 20), daily, book)
    estimator.update(_utc(10, 20), daily, book)
    estimator.update(_utc(10, 21), {}, book, force=True)
    assert estimator.unrounded_capacity == Decimal(2 * 10**8) * Decimal("0.02")


def test_hourly_resolution_counts_only_the_bar_ending_at_the_fill_hour():
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    fill = _utc(8, 20)
    precise_daily = {SID: CapacityBar(close=100.0, volume=1_000_000, period_seconds=23400)}
    estimator.on_order_fill(SID, fill, 100.0, 10)
    estimator.update(fill, precise_daily, book)
    estimator.update(_utc(9, 20), precise_daily, book, force=True)
    assert estimator.unrounded_capacity == Decimal(10**8) * Decimal("0.05")


def test_snapshots_wait_for_the_period_and_smooth_new_estimates():
    # 2013-10-07 .. 2013-10-11 spans 4.9999999 days: snapshots every 3.9999999 days.
    estimator, book = CapacityEstimator(start_date=START, end_date=END), _Book()
    fill = _utc(7, 13, 31)
    estimator.on_order_fill(SID, fill, 100.0, 1000)
    estimator.update(fill, _minute(100.0, 1_000_000), book)
    estimator.update(_utc(10, 23, 59), _minute(100.0, 1), book)
    assert estimator.capacity == 0
    estimator.update(_utc(11, 0, 1), {}, book)  # UTC date 10-11 >= 10-10 23:59:59.9999999
    first = estimator.unrounded_capacity
    assert first == Decimal(10**8) * Decimal("0.2")
    book.value = 50_000.0  # sales were reset: only holdings scale now, so the estimate stays
    estimator.update(_utc(11, 20), {}, book, force=True)
    assert estimator.unrounded_capacity == Decimal("0.33") * first + first * Decimal("0.66")


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("1500", "2000.00"),
        ("2500", "3000.00"),
        ("1499.99", "1000.00"),
        ("56123456.78", "56123000.00"),
        ("0", "0.00"),
    ],
)
def test_capacity_rounds_to_the_nearest_thousand_with_midpoints_away_from_zero(value, rounded):
    assert str(round_capacity(Decimal(value))) == rounded


def test_no_snapshot_without_portfolio_value_and_symbols_forgotten_after_30_idle_days():
    estimator = CapacityEstimator(start_date=date(2013, 10, 1), end_date=date(2013, 12, 31))
    book = _Book(value=0.0)
    fill = _utc(1, 14)
    estimator.on_order_fill(SID, fill, 100.0, 1000)
    estimator.update(fill, _minute(100.0, 1_000_000), book, force=True)
    assert estimator.unrounded_capacity == 0  # a zero portfolio value skips the snapshot

    book.value, book.invested = 100_000.0, False
    estimator.update(_utc(31, 14), {}, book, force=True)  # 30 days later, flat: forgotten
    assert estimator.lowest_capacity_asset == SID
    estimator.on_order_fill(OTHER, _utc(31, 15), 10.0, 10)
    estimator.update(_utc(31, 15), {OTHER: CapacityBar(10.0, 1_000_000, 60)}, book, force=True)
    assert estimator.lowest_capacity_asset == OTHER


def test_engine_fast_path_ignores_slices_when_nothing_is_traded():
    estimator = CapacityEstimator(start_date=START, end_date=END)
    estimator.update(_utc(9, 14), _minute(100.0, 1_000), _Book())
    assert estimator.capacity == 0 and estimator.lowest_capacity_asset == ""
