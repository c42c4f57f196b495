"""``PythonIndicator``: LEAN's base for indicators written in algorithms."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from conftest import BarSeries

from lean_runner.engine.indicators import (
    IndicatorBase,
    IndicatorDataPoint,
    IndicatorExtensions,
    PythonIndicator,
    PythonIndicatorAdapter,
    SimpleMovingAverage,
)


class CustomSimpleMovingAverage(PythonIndicator):
    """LEAN's documented pattern."""

    def __init__(self, name: str, period: int) -> None:
        super().__init__()
        self.name = name
        self.value = 0
        self.warm_up_period = period
        self.queue: deque[float] = deque(maxlen=period)

    def update(self, input: Any) -> bool:
        self.queue.appendleft(input.value)
        self.value = float(np.sum(self.queue)) / len(self.queue)
        return len(self.queue) == self.queue.maxlen


class PascalCaseIndicator(PythonIndicator):
    """Older LEAN style: PascalCase members, no super().__init__(), readiness set on the object."""

    def __init__(self, name: str, period: int) -> None:
        self.Name = name
        self.Value = 0
        self.WarmUpPeriod = period
        self.closes: list[float] = []

    def Update(self, input: Any) -> None:
        self.closes.append(input.Close)
        self.Value = max(self.closes[-2:])
        self.IsReady = len(self.closes) >= 2


def test_lean_pattern_on_bars(spy_daily: BarSeries) -> None:
    custom = CustomSimpleMovingAverage("custom", 10)
    reference = SimpleMovingAverage(10)
    events: list[IndicatorDataPoint] = []
    custom.updated += lambda sender, point: events.append(point)
    for i, bar in enumerate(spy_daily.bars[:40]):
        returned = custom.update(bar)
        reference.update(bar.end_time, bar.close)
        assert returned is custom.is_ready is (i + 1 >= 10)
        assert custom.current.value == pytest.approx(reference.current.value, rel=1e-12)
        assert custom.current.time == bar.end_time
    assert custom.samples == 40 and len(events) == 40 and events[-1] is custom.current
    assert custom.name == "custom" and custom.warm_up_period == 10 and custom.WarmUpPeriod == 10
    assert custom[1] is custom.previous and custom.Current.Value == custom.current.value
    assert isinstance(custom, IndicatorBase) and custom.takes_bars


def test_time_value_updates_reach_the_user_code_as_data_points() -> None:
    custom = CustomSimpleMovingAverage("c", 2)
    custom.update(datetime(2021, 1, 4), 3.0)
    custom.update(datetime(2021, 1, 5), 5.0)
    assert custom.is_ready and custom.current.value == 4.0


def test_pascal_case_style_without_super_init() -> None:
    indicator = PascalCaseIndicator("pascal", 2)
    start = datetime(2021, 1, 4)
    bars = [IndicatorDataPoint(start + timedelta(days=i), value) for i, value in enumerate([3.0, 1.0, 2.0])]

    class Bar:
        def __init__(self, point: IndicatorDataPoint) -> None:
            self.Close = point.value
            self.end_time = point.time

    results = [indicator.Update(Bar(point)) for point in bars]
    assert results == [False, True, True]  # None returned: readiness comes from self.IsReady
    assert indicator.name == "pascal" and indicator.warm_up_period == 2
    assert indicator.current.value == 2.0 and indicator.samples == 3


def test_subclass_calling_super_update_counts_once() -> None:
    class Doubled(CustomSimpleMovingAverage):
        def update(self, input: Any) -> bool:
            ready = super().update(input)
            self.value *= 2
            return ready

    doubled = Doubled("d", 2)
    doubled.update(datetime(2021, 1, 4), 1.0)
    doubled.update(datetime(2021, 1, 5), 3.0)
    assert doubled.samples == 2 and doubled.current.value == 4.0 and doubled.is_ready


def test_python_indicators_compose() -> None:
    custom = CustomSimpleMovingAverage("c", 1)
    smoothed = IndicatorExtensions.sma(custom, 2)
    for i, value in enumerate([2.0, 4.0, 6.0]):
        custom.update(datetime(2021, 1, 4) + timedelta(days=i), value)
    assert smoothed.name == "SMA2_Of_c" and smoothed.current.value == 5.0


def test_reset() -> None:
    custom = CustomSimpleMovingAverage("c", 1)
    custom.update(datetime(2021, 1, 4), 2.0)
    custom.reset()
    assert custom.samples == 0 and not custom.is_ready and custom.current.value == 0


class DuckTyped:
    """Not a PythonIndicator: LEAN wraps such objects when they are registered."""

    def __init__(self) -> None:
        self.name = "duck"
        self.value = 0.0
        self.is_ready = False
        self.warm_up_period = 3

    def update(self, input: Any) -> None:
        self.value = input.value * 10
        self.is_ready = True


def test_adapter_for_duck_typed_indicators() -> None:
    duck = DuckTyped()
    adapter = PythonIndicatorAdapter(duck)
    assert adapter.name == "duck" and adapter.warm_up_period == 3 and not adapter.is_ready
    assert adapter.update(datetime(2021, 1, 4), 1.5) is True
    assert adapter.current.value == 15.0 and adapter.samples == 1
