"""Every indicator against a reference computation, on real SPY bars and on generated series.

Checks after every input: each output equals the reference (1e-9 relative), ``is_ready`` equals the
reference's readiness, and on real data ``is_ready`` first flips exactly at ``warm_up_period``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import indicator_reference as ref
import numpy as np
import pytest
from conftest import BarSeries, make_series
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lean_runner.engine.enums import MovingAverageType as MAT
from lean_runner.engine.indicators import (
    AverageDirectionalIndex,
    AverageTrueRange,
    BollingerBands,
    Delay,
    ExponentialMovingAverage,
    IndicatorBase,
    LinearWeightedMovingAverage,
    Maximum,
    Minimum,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    RateOfChange,
    RateOfChangePercent,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    StandardDeviation,
    Stochastic,
    Sum,
    Variance,
    WilderMovingAverage,
)

RTOL, ATOL = 1e-9, 1e-10

Reference = Callable[[BarSeries, int], dict[str, Any]]


def current(indicator: IndicatorBase) -> float:
    return indicator.current.value


@dataclass(frozen=True)
class Case:
    """An indicator built with ``period``, fed closes (or bars) and compared output by output."""

    name: str
    make: Callable[[int], IndicatorBase]
    reference: Reference
    bars: bool = False
    outputs: dict[str, Callable[[Any], float]] = field(default_factory=lambda: {"value": current})
    min_period: int = 1


def _closes(fn: Callable[..., tuple[Any, Any]], *args: Any) -> Reference:
    def reference(series: BarSeries, period: int) -> dict[str, Any]:
        values, ready = fn(series.close, period, *args)
        return {"value": values, "ready": ready}

    return reference


def _macd_reference(series: BarSeries, period: int) -> dict[str, Any]:
    fast, slow, signal = period, 2 * period, period + 1
    fast_ema, _ = ref.ema(series.close, fast)
    slow_ema, _ = ref.ema(series.close, slow)
    macd = fast_ema - slow_ema
    signal_values = np.zeros(len(macd))
    if len(macd) >= slow:
        signal_values[slow - 1:] = ref.ema(macd[slow - 1:], signal)[0]
    ready = ref.ready_from(len(macd), slow + signal - 1)
    return {"value": macd, "signal": signal_values, "histogram": np.where(ready, macd - signal_values, 0.0),
            "ready": ready}


def _bollinger_reference(k: float, kind: str) -> Reference:
    def reference(series: BarSeries, period: int) -> dict[str, Any]:
        out = ref.bollinger(series.close, period, k, kind)
        out["value"] = series.close
        return out

    return reference


def _atr_reference(kind: str) -> Reference:
    def reference(series: BarSeries, period: int) -> dict[str, Any]:
        values, ready = ref.atr(series.high, series.low, series.close, period, kind)
        return {"value": values, "ready": ready}

    return reference


def _extreme_reference(fn: Callable[..., Any]) -> Reference:
    def reference(series: BarSeries, period: int) -> dict[str, Any]:
        values, since, ready = fn(series.close, period)
        return {"value": values, "since": since, "ready": ready}

    return reference


def _stochastic_reference(series: BarSeries, period: int) -> dict[str, Any]:
    out = ref.stochastic(series.high, series.low, series.close, period, 3, 2)
    out["value"] = out["fast"]
    return out


def _adx_reference(series: BarSeries, period: int) -> dict[str, Any]:
    out = ref.adx(series.high, series.low, series.close, period)
    out["value"] = out["adx"]
    return out


BAND_OUTPUTS: dict[str, Callable[[Any], float]] = {
    "value": current,
    "middle": lambda bb: bb.middle_band.current.value,
    "upper": lambda bb: bb.upper_band.current.value,
    "lower": lambda bb: bb.lower_band.current.value,
    "std": lambda bb: bb.standard_deviation.current.value,
    "band_width": lambda bb: bb.band_width.current.value,
    "percent_b": lambda bb: bb.percent_b.current.value,
}

CASES = [
    Case("SMA", SimpleMovingAverage, _closes(ref.sma)),
    Case("EMA", ExponentialMovingAverage, _closes(ref.ema)),
    Case("WWMA", WilderMovingAverage, _closes(ref.wilders)),
    Case("LWMA", LinearWeightedMovingAverage, _closes(ref.lwma)),
    Case("RSI", RelativeStrengthIndex, _closes(ref.rsi, "WILDERS")),
    Case("RSI-SMA", lambda p: RelativeStrengthIndex(p, MAT.SIMPLE), _closes(ref.rsi, "SIMPLE")),
    Case("RSI-EMA", lambda p: RelativeStrengthIndex("rsi", p, MAT.EXPONENTIAL), _closes(ref.rsi, "EXPONENTIAL")),
    Case("BB", lambda p: BollingerBands(p, 2), _bollinger_reference(2.0, "SIMPLE"), outputs=BAND_OUTPUTS),
    Case("BB-EMA", lambda p: BollingerBands("bb", p, 1.5, MAT.EXPONENTIAL), _bollinger_reference(1.5, "EXPONENTIAL"),
         outputs=BAND_OUTPUTS),
    Case("ATR", AverageTrueRange, _atr_reference("WILDERS"), bars=True),
    Case("ATR-SMA", lambda p: AverageTrueRange(p, MAT.SIMPLE), _atr_reference("SIMPLE"), bars=True),
    Case("ROC", RateOfChange, _closes(ref.roc)),
    Case("ROCP", RateOfChangePercent, _closes(ref.rocp)),
    Case("MOMP", MomentumPercent, _closes(ref.rocp)),
    Case("MOM", Momentum, _closes(ref.momentum)),
    Case("DELAY", Delay, _closes(ref.delay)),
    Case("SUM", Sum, _closes(ref.rolling_sum)),
    Case("STD", StandardDeviation, _closes(ref.std)),
    Case("VAR", Variance, _closes(ref.variance)),
    Case("MAX", Maximum, _extreme_reference(ref.maximum),
         outputs={"value": current, "since": lambda ind: ind.periods_since_maximum}),
    Case("MIN", Minimum, _extreme_reference(ref.minimum),
         outputs={"value": current, "since": lambda ind: ind.periods_since_minimum}),
    Case("STO", lambda p: Stochastic(p, 3, 2), _stochastic_reference, bars=True,
         outputs={"value": current, "fast": lambda s: s.fast_stoch.current.value,
                  "k": lambda s: s.stoch_k.current.value, "d": lambda s: s.stoch_d.current.value}),
    Case("ADX", AverageDirectionalIndex, _adx_reference, bars=True,
         outputs={"value": current, "plus_di": lambda a: a.positive_directional_index.current.value,
                  "minus_di": lambda a: a.negative_directional_index.current.value}),
    Case("MACD", lambda p: MovingAverageConvergenceDivergence(p, 2 * p, p + 1), _macd_reference,
         outputs={"value": current, "signal": lambda m: m.signal.current.value,
                  "histogram": lambda m: m.histogram.current.value}),
]
CASE_IDS = [case.name for case in CASES]


def run(case: Case, series: BarSeries, period: int) -> tuple[IndicatorBase, dict[str, np.ndarray]]:
    """Feed the series one input at a time, recording every output and is_ready after each."""
    indicator = case.make(period)
    recorded: dict[str, list[float]] = {name: [] for name in [*case.outputs, "ready"]}
    for bar in series.bars:
        returned = indicator.update(bar) if case.bars else indicator.update(bar.end_time, bar.close)
        assert returned == indicator.is_ready
        for name, getter in case.outputs.items():
            recorded[name].append(getter(indicator))
        recorded["ready"].append(indicator.is_ready)
    return indicator, {name: np.array(values) for name, values in recorded.items()}


def check(case: Case, series: BarSeries, period: int) -> tuple[IndicatorBase, np.ndarray]:
    indicator, actual = run(case, series, period)
    expected = case.reference(series, period)
    for name in case.outputs:
        np.testing.assert_allclose(actual[name], expected[name], rtol=RTOL, atol=ATOL,
                                   err_msg=f"{case.name}({period}) output {name!r}")
    np.testing.assert_array_equal(actual["ready"], expected["ready"], err_msg=f"{case.name}({period}) is_ready")
    assert indicator.samples == len(series.bars)
    return indicator, actual["ready"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("period", [1, 2, 14])
def test_matches_reference_on_spy_daily(case: Case, period: int, spy_daily: BarSeries) -> None:
    if period < case.min_period:
        pytest.skip("period not supported")
    bars = spy_daily if period == 14 else BarSeries(spy_daily.bars[:200], spy_daily.high[:200],
                                                     spy_daily.low[:200], spy_daily.close[:200])
    indicator, ready = check(case, bars, period)
    first_ready = int(np.argmax(ready)) + 1
    assert ready[first_ready - 1:].all()
    assert first_ready == indicator.warm_up_period, "is_ready must flip exactly at warm_up_period"


prices = st.integers(min_value=100, max_value=100_000).map(lambda cents: cents / 100)


@st.composite
def bar_series(draw: st.DrawFn) -> BarSeries:
    closes = draw(st.lists(prices, min_size=1, max_size=40))
    spreads = st.integers(min_value=0, max_value=300).map(lambda cents: cents / 100)
    ups = [draw(spreads) for _ in closes]
    downs = [min(draw(spreads), close - 0.01) for close in closes]
    close = np.array(closes)
    return make_series(close + np.array(ups), close - np.array(downs), close)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(series=bar_series(), period=st.integers(min_value=1, max_value=8))
def test_matches_reference_on_generated_series(case: Case, series: BarSeries, period: int) -> None:
    check(case, series, max(period, case.min_period))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_reset_restores_the_initial_state(case: Case, spy_daily: BarSeries) -> None:
    bars = BarSeries(spy_daily.bars[:60], spy_daily.high[:60], spy_daily.low[:60], spy_daily.close[:60])
    indicator, _ = run(case, bars, 5)
    indicator.reset()
    assert indicator.samples == 0 and not indicator.is_ready and indicator.current.value == 0
    again = case.make(5)
    for bar in bars.bars:
        for target in (indicator, again):
            target.update(bar) if case.bars else target.update(bar.end_time, bar.close)
        for getter in case.outputs.values():
            assert getter(indicator) == pytest.approx(getter(again), rel=1e-12, abs=1e-12)
