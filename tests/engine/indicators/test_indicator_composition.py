"""Composition (``IndicatorExtensions``, composite indicators) and the indicator window, LEAN's semantics."""

from __future__ import annotations

from datetime import datetime, timedelta

import indicator_reference as ref
import numpy as np
import pytest
from conftest import BarSeries

from lean_runner.engine.indicators import (
    CompositeIndicator,
    ConstantIndicator,
    ExponentialMovingAverage,
    Identity,
    IndicatorDataPoint,
    IndicatorExtensions,
    Maximum,
    Minimum,
    RelativeStrengthIndex,
    RollingWindow,
    SimpleMovingAverage,
)

T0 = datetime(2021, 1, 4)


def feed(indicator: object, values: list[float], start: int = 0) -> None:
    for i, value in enumerate(values):
        indicator.update(T0 + timedelta(days=start + i), value)  # type: ignore[attr-defined]


def test_of_feeds_the_second_with_the_first_once_it_is_ready(spy_daily: BarSeries) -> None:
    rsi = RelativeStrengthIndex(14)
    sma = IndicatorExtensions.of(SimpleMovingAverage(10), rsi)
    rsi_values = []
    for bar in spy_daily.bars[:300]:
        rsi.update(bar.end_time, bar.close)
        rsi_values.append(rsi.current.value)
    ready_values = np.array(rsi_values[14:])  # RSI(14) is ready from its 15th input
    expected, ready = ref.sma(ready_values, 10)
    assert sma.samples == len(ready_values)
    assert sma.current.value == pytest.approx(expected[-1], rel=1e-12)
    assert sma.is_ready and ready[-1]
    assert sma.current.time == rsi.current.time


def test_of_without_waiting_sees_every_value() -> None:
    first = Identity("x")
    second = IndicatorExtensions.of(SimpleMovingAverage(2), first, False)
    feed(first, [1.0, 3.0, 5.0])
    assert second.samples == 3 and second.current.value == 4.0


def test_instance_of_matches_the_extension() -> None:
    first = SimpleMovingAverage(2)
    second = ExponentialMovingAverage(3).of(first)
    assert second.name == "EMA(3)"
    feed(first, [1.0, 2.0, 3.0, 4.0])
    assert second.samples == 3  # first is ready from its 2nd input


@pytest.mark.parametrize(("method", "expected"), [
    ("plus", lambda a, b: a + b),
    ("minus", lambda a, b: a - b),
    ("times", lambda a, b: a * b),
    ("over", lambda a, b: a / b),
])
def test_arithmetic_composites(method: str, expected: object) -> None:
    left, right = SimpleMovingAverage(2), SimpleMovingAverage(3)
    composite = getattr(IndicatorExtensions, method)(left, right)
    assert isinstance(composite, CompositeIndicator)
    assert composite.name == "COMPOSE(SMA(2),SMA(3))"
    values = [4.0, 8.0, 6.0, 10.0, 2.0]
    for i, value in enumerate(values):
        time = T0 + timedelta(days=i)
        left.update(time, value)
        right.update(time, value)
        assert composite.samples == i + 1
        assert composite.current.value == pytest.approx(expected(left.current.value, right.current.value))  # type: ignore[operator]
        assert composite.current.time == time
        assert composite.is_ready == (i + 1 >= 3)
    named = getattr(left, method)(right, "named")
    assert named.name == "named"


def test_a_composite_waits_for_both_sides() -> None:
    left, right = Identity("l"), Identity("r")
    total = left.plus(right)
    feed(left, [1.0, 2.0])
    assert total.samples == 0
    right.update(T0 + timedelta(days=5), 10.0)
    assert total.samples == 1 and total.current.value == 12.0
    assert total.current.time == T0 + timedelta(days=5)


def test_constant_operands_update_with_the_indicator_alone() -> None:
    sma = SimpleMovingAverage(2)
    shifted = IndicatorExtensions.plus(sma, 10)
    scaled = sma.times(2.5)
    assert isinstance(shifted.right, ConstantIndicator) and shifted.right.name == "10"
    assert scaled.right.name == "2.5" and scaled.name == "COMPOSE(SMA(2),2.5)"
    feed(sma, [1.0, 3.0])
    assert shifted.current.value == 12.0 and scaled.current.value == 5.0
    assert shifted.is_ready and scaled.is_ready


def test_division_by_zero_keeps_the_last_value_without_an_update() -> None:
    numerator, denominator = Identity("n"), Identity("d")
    ratio = numerator.over(denominator)
    seen: list[float] = []
    ratio.updated += lambda sender, point: seen.append(point.value)
    for i, (n, d) in enumerate([(6.0, 3.0), (5.0, 0.0), (8.0, 4.0)]):
        numerator.update(T0 + timedelta(days=i), n)
        denominator.update(T0 + timedelta(days=i), d)
        if i == 1:
            assert ratio.current.value == 2.0 and ratio.samples == 2  # LEAN's MathError: counted, not updated
    assert seen == [2.0, 2.0]
    assert ratio.current.value == 2.0


def test_extension_helpers_names_and_values() -> None:
    source = Identity("SRC")
    sma = IndicatorExtensions.sma(source, 2)
    ema = IndicatorExtensions.EMA(source, 3)
    high = IndicatorExtensions.max(source, 2)
    low = IndicatorExtensions.MIN(source, 2)
    assert [sma.name, ema.name, high.name, low.name] == ["SMA2_Of_SRC", "EMA3_Of_SRC", "MAX2_Of_SRC", "MIN2_Of_SRC"]
    assert isinstance(high, Maximum) and isinstance(low, Minimum)
    feed(source, [5.0, 1.0, 3.0])
    assert sma.current.value == 2.0 and high.current.value == 3.0 and low.current.value == 1.0
    assert ema.current.value == pytest.approx(3.0 * 0.5 + (1.0 * 0.5 + 5.0 * 0.5) * 0.5)
    assert IndicatorExtensions.Of is IndicatorExtensions.of
    assert IndicatorExtensions.Plus is IndicatorExtensions.plus


def test_window_current_and_previous() -> None:
    sma = SimpleMovingAverage(1)
    assert sma.window.size == 2 and not sma.window.is_ready
    feed(sma, [1.0, 2.0, 3.0])
    assert sma[0] is sma.current and sma[0].value == 3.0 and sma[1].value == 2.0
    assert sma.previous.value == 2.0 and sma.Previous.Value == 2.0
    assert sma.window.is_ready and sma.Window.IsReady
    with pytest.raises(IndexError):
        sma[2]
    sma.window.size = 4
    feed(sma, [4.0, 5.0], start=3)
    assert [point.value for point in sma.window] == [5.0, 4.0, 3.0, 2.0]
    assert sma.window.is_ready and sma.window.count == 4
    sma.window.size = 2
    assert [point.value for point in sma.window] == [5.0, 4.0]


def test_rolling_window_shrinks_to_its_newest_items() -> None:
    window: RollingWindow[int] = RollingWindow(3)
    for item in (1, 2, 3, 4):
        window.add(item)
    assert list(window) == [4, 3, 2] and window.most_recently_removed == 1
    window.size = 2
    assert list(window) == [4, 3]


def test_inputs_older_than_the_previous_one_are_ignored() -> None:
    sma = SimpleMovingAverage(3)
    sma.update(T0 + timedelta(days=2), 10.0)
    assert sma.update(T0 + timedelta(days=1), 20.0) is False
    assert sma.samples == 1 and sma.current.value == 10.0
    point = IndicatorDataPoint(T0 + timedelta(days=3), 4.0)
    sma.update(point)
    sma.update(point)  # the very same input twice counts once
    assert sma.samples == 2 and sma.current.value == 7.0


def test_composite_accepts_an_indicator_result_and_skips_non_success() -> None:
    from datetime import datetime

    from lean_runner.engine.enums import IndicatorStatus
    from lean_runner.engine.indicators import CompositeIndicator, Identity, IndicatorResult

    left, right = Identity("l"), Identity("r")

    def composer(a, b):  # type: ignore[no-untyped-def]
        total = a.current.value + b.current.value
        return IndicatorResult(total) if total < 10 else IndicatorResult(total, IndicatorStatus.MATH_ERROR)

    composite = CompositeIndicator("sum", left, right, composer)
    left.update(datetime(2013, 10, 7, 9, 31), 2.0)
    right.update(datetime(2013, 10, 7, 9, 31), 3.0)
    assert composite.current.value == 5.0
    left.update(datetime(2013, 10, 7, 9, 32), 8.0)
    right.update(datetime(2013, 10, 7, 9, 32), 4.0)
    assert composite.current.value == 5.0  # a MathError result leaves the value as it was


def test_field_selectors_follow_lean_definitions() -> None:
    from lean_runner.engine.indicators import Field
    from lean_runner.engine.market_data import TradeBar

    bar = TradeBar(None, None, 10.0, 14.0, 8.0, 12.0, 500)
    assert (Field.OPEN(bar), Field.HIGH(bar), Field.LOW(bar), Field.CLOSE(bar), Field.VOLUME(bar)) == \
        (10.0, 14.0, 8.0, 12.0, 500.0)
    assert Field.AVERAGE(bar) == 11.0 and Field.MEDIAN(bar) == 11.0
    assert Field.TYPICAL(bar) == (14 + 8 + 12) / 3 and Field.WEIGHTED(bar) == (14 + 8 + 24) / 4
    assert Field.SEVEN_BAR(bar) == (20 + 14 + 8 + 36) / 7
    assert Field.Close is Field.CLOSE
