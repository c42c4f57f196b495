"""Column-fed indicators read exactly what bar-by-bar updates would have produced, and settle back exactly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_runner.engine.indicators import ExponentialMovingAverage, SimpleMovingAverage
from lean_runner.engine.indicators.column_feed import LocalEndTimes, feed_column, settle, supports_column_feed

START = datetime(2021, 3, 1, 9, 31)


@dataclass
class Column:
    """The parts of a subscription a column feed reads: closes, UTC end stamps and the cursor."""

    price_list: list[float]
    end_utc: np.ndarray = field(init=False)
    cursor: int = 0

    def __post_init__(self) -> None:
        minutes = np.arange(1, len(self.price_list) + 1, dtype=np.int64) * 60_000_000_000
        self.end_utc = np.int64(int((START - datetime(1970, 1, 1)).total_seconds()) * 1_000_000_000) + minutes

    def time(self, index: int) -> datetime:
        return START + timedelta(minutes=index + 1)


def _state(indicator: Any) -> tuple[Any, ...]:
    def point(p: Any) -> tuple[datetime, float] | None:
        return None if p is None else (p.time, p.value)

    window = indicator.window
    return (indicator.samples, indicator.is_ready, point(indicator.current), point(indicator.previous),
            [point(p) for p in window], window.samples, point(window.most_recently_removed))


def _make(kind: str, period: int) -> Any:
    return ExponentialMovingAverage(period) if kind == "ema" else SimpleMovingAverage(period)


def _fed(kind: str, period: int, column: Column, settled: list[Any]) -> Any:
    indicator = _make(kind, period)
    local = LocalEndTimes(lambda utc: utc)  # the column's stamps are already the local times
    feed_column(indicator, column, local.of(column), len(column.price_list), settled.append)
    return indicator


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["ema", "sma"]), period=st.integers(1, 12),
       prices=st.lists(st.floats(1, 1000, allow_nan=False), min_size=1, max_size=60),
       warm=st.integers(0, 15), settle_at=st.integers(0, 60), window_size=st.integers(1, 5))
def test_column_feed_reads_and_settles_like_bar_by_bar_updates(kind: str, period: int, prices: list[float],
                                                                warm: int, settle_at: int,
                                                                window_size: int) -> None:
    column = Column(prices)
    eager = _make(kind, period)
    before = _make(kind, period)
    for indicator in (eager, before):
        indicator.window.size = window_size
        for i in range(warm):  # some history before the engine takes over
            indicator.update(START - timedelta(minutes=warm - i), 100.0 + i)
    settled: list[Any] = []
    local = LocalEndTimes(lambda utc: utc)
    feed_column(before, column, local.of(column), len(prices), settled.append)
    assert type(before).__name__ == type(eager).__name__
    settle_at = min(settle_at, len(prices))
    for index, price in enumerate(prices):
        if index == settle_at:
            assert len(before.window) == len(eager.window)  # any use of the window settles the indicator
            assert settled == [before] and "_column_feed" not in before.__dict__
        column.cursor = index + 1
        eager.engine_update(column.time(index), price)
        if index >= settle_at:
            before.engine_update(column.time(index), price)  # settled: the engine updates it per bar
        assert (before.samples, before.is_ready, before.current.time, before.current.value) == \
               (eager.samples, eager.is_ready, eager.current.time, eager.current.value)
        assert (before.previous.time, before.previous.value) == (eager.previous.time, eager.previous.value)
    settle(before)
    assert _state(before) == _state(eager)
    # The internal state came back too: the next updates agree.
    for step in range(3):
        time = column.time(len(prices) + step)
        eager.update(time, 50.0 + step)
        before.update(time, 50.0 + step)
        assert _state(before) == _state(eager)


def test_touching_a_column_fed_indicator_settles_it_first() -> None:
    prices = [float(p) for p in range(1, 21)]

    def update(indicator: Any, column: Column) -> None:
        indicator.update(column.time(10), 99.0)

    def reset(indicator: Any, column: Column) -> None:
        indicator.reset()

    def handler(indicator: Any, column: Column) -> None:
        seen: list[float] = []
        indicator.updated += lambda sender, point: seen.append(point.value)
        indicator.update(column.time(10), 1.0)
        assert len(seen) == 1

    def window(indicator: Any, column: Column) -> None:
        assert len(indicator.window) == 2

    def set_samples(indicator: Any, column: Column) -> None:
        indicator.samples = 3

    for touch in (update, reset, handler, window, set_samples):
        column = Column(prices)
        settled: list[Any] = []
        indicator = _fed("ema", 5, column, settled)
        eager = ExponentialMovingAverage(5)
        for i in range(10):
            eager.engine_update(column.time(i), prices[i])
        column.cursor = 10
        touch(indicator, column)
        touch(eager, column)
        assert settled == [indicator], touch.__name__
        assert type(indicator) is ExponentialMovingAverage
        assert _state(indicator) == _state(eager), touch.__name__


def test_only_plain_unobserved_moving_averages_are_column_fed() -> None:
    class Doubled(ExponentialMovingAverage):
        def compute_next_value(self, input: Any) -> float:
            return 2 * super().compute_next_value(input)

    observed = SimpleMovingAverage(3)
    observed.updated += lambda sender, point: None
    assert supports_column_feed(SimpleMovingAverage(3)) and supports_column_feed(ExponentialMovingAverage(3))
    assert not supports_column_feed(observed)
    assert not supports_column_feed(Doubled(3))  # its arithmetic is not the column's


def test_pascal_case_reads_work_while_column_fed() -> None:
    column = Column([1.0, 2.0, 3.0, 4.0])
    indicator = _fed("sma", 2, column, [])
    column.cursor = 3
    assert indicator.IsReady and indicator.Samples == 3
    assert indicator.Current.Value == 2.5 and indicator.Current.EndTime == column.time(2)
    assert indicator.Previous.Value == 1.5



def test_a_point_someone_holds_keeps_its_value_and_time_while_the_column_moves_on() -> None:
    prices = [float(p) for p in range(1, 11)]
    column = Column(prices)
    indicator = _fed("sma", 2, column, [])
    eager = SimpleMovingAverage(2)
    held: list[tuple[Any, float, datetime]] = []
    for index, price in enumerate(prices):
        column.cursor = index + 1
        eager.engine_update(column.time(index), price)
        if index % 3 == 0:  # the others are read and dropped, so the feed may refill them
            held.append((indicator.current, eager.current.value, eager.current.time))
        assert (indicator.current.value, indicator.current.time) == (eager.current.value, eager.current.time)
    assert [(p.value, p.time) for p, _, _ in held] == [(value, time) for _, value, time in held]
    assert len({id(p) for p, _, _ in held}) == len(held)


def test_setting_a_points_time_or_symbol_makes_it_its_own() -> None:
    column = Column([1.0, 2.0, 3.0, 4.0])
    indicator = _fed("sma", 2, column, [])
    column.cursor = 2
    moment = datetime(2030, 1, 1)
    indicator.current.time = moment  # not held: it must not be refilled with its time kept
    indicator.current.symbol = "SPY"
    column.cursor = 3
    current = indicator.current
    assert (current.value, current.time, current.symbol) == (2.5, column.time(2), None)
    current.time = moment
    column.cursor = 4
    assert current.time == moment and current.value == 2.5
    assert indicator.current.time == column.time(3)


def test_once_ready_a_column_fed_indicator_stays_ready_and_still_settles() -> None:
    column = Column([float(p) for p in range(1, 9)])
    indicator = _fed("ema", 3, column, [])
    column.cursor = 2
    assert not indicator.is_ready
    column.cursor = 3
    assert indicator.is_ready and indicator.IsReady  # from here on a constant of its class
    assert type(indicator).__name__ == "ExponentialMovingAverage" and isinstance(indicator, ExponentialMovingAverage)
    column.cursor = 5
    assert indicator.is_ready and indicator.samples == 5
    settle(indicator)
    assert type(indicator) is ExponentialMovingAverage and indicator.is_ready and indicator.samples == 5
