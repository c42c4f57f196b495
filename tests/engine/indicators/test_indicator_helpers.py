"""``QCAlgorithm`` indicator helpers: LEAN's names, defaults, registration and (automatic) warm-up."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import indicator_reference as ref
import numpy as np
import pytest
from conftest import BarSeries

from lean_runner.engine.algorithm.core import QCAlgorithm
from lean_runner.engine.enums import MovingAverageType, Resolution
from lean_runner.engine.indicators import (
    AverageTrueRange,
    IndicatorBase,
    Maximum,
    PythonIndicatorAdapter,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    Stochastic,
    WilderMovingAverage,
)
from lean_runner.engine.symbol import Symbol


class FakeRuntime:
    """Records registrations and serves the last ``count`` bars of a series as history."""

    def __init__(self, bars: list[Any]) -> None:
        self.bars = bars
        self.registered: list[tuple[Any, Any, Any, Any]] = []
        self.unregistered: list[Any] = []
        self.history_requests: list[tuple[Any, int, Any]] = []

    def register_indicator(self, symbol: Any, indicator: Any, resolution: Any, selector: Any) -> None:
        self.registered.append((symbol, indicator, resolution, selector))

    def unregister_indicator(self, indicator: Any) -> None:
        self.unregistered.append(indicator)

    def history_bars(self, symbol: Any, count: int, resolution: Any = None) -> list[Any]:
        self.history_requests.append((symbol, count, resolution))
        return self.bars[-count:]


@pytest.fixture
def algorithm(spy_daily: BarSeries) -> QCAlgorithm:
    algo = QCAlgorithm()
    algo._runtime = FakeRuntime(spy_daily.bars[:300])  # type: ignore[assignment]
    symbol = Symbol.create("SPY")
    algo.securities[symbol] = SimpleNamespace(symbol=symbol, resolution=Resolution.DAILY, holdings=None)  # type: ignore[assignment]
    return algo


def runtime(algo: QCAlgorithm) -> FakeRuntime:
    return algo._runtime  # type: ignore[return-value]


@pytest.mark.parametrize(("call", "name"), [
    (lambda a: a.sma("SPY", 20), "SMA(20,SPY_day)"),
    (lambda a: a.SMA("SPY", 5, Resolution.MINUTE), "SMA(5,SPY_min)"),
    (lambda a: a.ema("SPY", 10, Resolution.HOUR), "EMA(10,SPY_hr)"),
    (lambda a: a.rsi("SPY", 14), "RSI(14,Wilders,SPY_day)"),
    (lambda a: a.RSI("SPY", 14, MovingAverageType.SIMPLE), "RSI(14,Simple,SPY_day)"),
    (lambda a: a.bb("SPY", 20, 2), "BB(20,2,SPY_day)"),
    (lambda a: a.BB("SPY", 20, 1.5), "BB(20,1.5,SPY_day)"),
    (lambda a: a.atr("SPY", 14), "ATR(14,SPY_day)"),
    (lambda a: a.macd("SPY", 12, 26, 9), "MACD(12,26,9,SPY_day)"),
    (lambda a: a.sto("SPY", 14), "STO(14,14,3,SPY_day)"),
    (lambda a: a.STO("SPY", 14, 5, 2), "STO(14,5,2,SPY_day)"),
    (lambda a: a.adx("SPY", 14), "ADX(14,SPY_day)"),
    (lambda a: a.roc("SPY", 10), "ROC(10,SPY_day)"),
    (lambda a: a.ROCP("SPY", 10), "ROCP(10,SPY_day)"),
    (lambda a: a.momp("SPY", 10), "MOMP(10,SPY_day)"),
    (lambda a: a.MOM("SPY", 10), "MOM(10,SPY_day)"),
    (lambda a: a.std("SPY", 20), "STD(20,SPY_day)"),
    (lambda a: a.MAX("SPY", 20), "MAX(20,SPY_day)"),
    (lambda a: a.min("SPY", 20), "MIN(20,SPY_day)"),
    (lambda a: a.SUM("SPY", 3), "SUM(3,SPY_day)"),
    (lambda a: a.lwma("SPY", 7), "LWMA(7,SPY_day)"),
])
def test_helpers_name_and_register_like_lean(algorithm: QCAlgorithm, call: Any, name: str) -> None:
    indicator = call(algorithm)
    assert indicator.name == name
    symbol, registered, _, _ = runtime(algorithm).registered[-1]
    assert symbol == "SPY" and registered is indicator
    assert runtime(algorithm).history_requests == []  # no automatic warm-up by default


def test_create_indicator_name(algorithm: QCAlgorithm) -> None:
    assert algorithm.create_indicator_name("SPY", "X(1)", None) == "X(1,SPY_day)"
    assert algorithm.CreateIndicatorName("SPY", "X", Resolution.TICK) == "X(SPY_tick)"
    assert algorithm.create_indicator_name("", "TRIN", Resolution.SECOND) == "TRIN(sec)"
    with pytest.raises(KeyError):
        algorithm.create_indicator_name("IBM", "X(1)", None)


def test_helper_defaults(algorithm: QCAlgorithm) -> None:
    assert algorithm.rsi("SPY", 14).moving_average_type == MovingAverageType.WILDERS
    assert isinstance(algorithm.rsi("SPY", 14).average_gain, WilderMovingAverage)
    assert algorithm.atr("SPY", 14).moving_average_type == MovingAverageType.SIMPLE  # the class defaults to WILDERS
    assert AverageTrueRange(14).moving_average_type == MovingAverageType.WILDERS
    assert algorithm.atr("SPY", 14, MovingAverageType.WILDERS).moving_average_type == MovingAverageType.WILDERS
    assert algorithm.bb("SPY", 20, 2).moving_average_type == MovingAverageType.SIMPLE
    assert isinstance(algorithm.bb("SPY", 20, 2).middle_band, SimpleMovingAverage)
    sto = algorithm.sto("SPY", 14, Resolution.DAILY)
    assert (sto.period, sto.k_period, sto.d_period) == (14, 14, 3) and isinstance(sto, Stochastic)
    assert runtime(algorithm).registered[-1][2] == Resolution.DAILY


def test_max_and_min_read_highs_and_lows(algorithm: QCAlgorithm, spy_daily: BarSeries) -> None:
    bar = spy_daily.bars[0]
    high = algorithm.max("SPY", 5)
    assert isinstance(high, Maximum) and runtime(algorithm).registered[-1][3](bar) == bar.high
    algorithm.min("SPY", 5)
    assert runtime(algorithm).registered[-1][3](bar) == bar.low
    algorithm.max("SPY", 5, selector=lambda b: b.close)
    assert runtime(algorithm).registered[-1][3](bar) == bar.close


def test_automatic_warm_up_feeds_history(algorithm: QCAlgorithm, spy_daily: BarSeries) -> None:
    algorithm.settings.automatic_indicator_warm_up = True
    rsi = algorithm.rsi("SPY", 14)
    assert runtime(algorithm).history_requests[-1] == ("SPY", 15, None)
    assert rsi.is_ready and rsi.samples == 15
    closes = np.array([bar.close for bar in spy_daily.bars[:300][-15:]])
    assert rsi.current.value == pytest.approx(ref.rsi(closes, 14)[0][-1], rel=1e-12)

    atr = algorithm.atr("SPY", 10, resolution=Resolution.DAILY)
    assert runtime(algorithm).history_requests[-1] == ("SPY", 10, Resolution.DAILY)
    bars = spy_daily.bars[:300][-10:]
    expected = ref.atr(np.array([b.high for b in bars]), np.array([b.low for b in bars]),
                       np.array([b.close for b in bars]), 10, "SIMPLE")[0][-1]
    assert atr.is_ready and atr.current.value == pytest.approx(expected, rel=1e-12)

    high = algorithm.max("SPY", 3)
    assert high.current.value == max(b.high for b in spy_daily.bars[:300][-3:])


def test_warm_up_indicator_by_hand(algorithm: QCAlgorithm, spy_daily: BarSeries) -> None:
    sma = SimpleMovingAverage("manual", 4)
    assert algorithm.WarmUpIndicator("SPY", sma) is sma
    assert sma.is_ready and sma.current.value == pytest.approx(np.mean([b.close for b in spy_daily.bars[296:300]]))
    opens = SimpleMovingAverage("opens", 2)
    algorithm.warm_up_indicator("SPY", opens, Resolution.DAILY, lambda bar: bar.open)
    assert opens.current.value == pytest.approx(np.mean([b.open for b in spy_daily.bars[298:300]]))


class Duck:
    def __init__(self) -> None:
        self.value = 0.0
        self.warm_up_period = 2

    def update(self, input: Any) -> bool:
        self.value = input.close
        return True


def test_duck_typed_indicators_are_wrapped_once(algorithm: QCAlgorithm) -> None:
    duck = Duck()
    algorithm.register_indicator("SPY", duck)
    adapter = runtime(algorithm).registered[-1][1]
    assert isinstance(adapter, PythonIndicatorAdapter) and isinstance(adapter, IndicatorBase)
    algorithm.warm_up_indicator("SPY", duck)
    assert adapter.samples == 2 and adapter.is_ready and duck.value == adapter.current.value
    algorithm.unregister_indicator(duck)
    assert runtime(algorithm).unregistered == [adapter]


def test_class_constructors_accept_lean_overloads() -> None:
    assert RelativeStrengthIndex(14).name == "RSI(14)"
    assert RelativeStrengthIndex(period=5).period == 5
    assert RelativeStrengthIndex("mine", 5, MovingAverageType.SIMPLE).moving_average_type == MovingAverageType.SIMPLE
    assert Stochastic(14, 3, 3).name == "STO(14,3,3)"
    assert AverageTrueRange(14).name == "ATR(14)"
    assert Maximum(3).name == "MAX(3)" and Maximum("m", 3).period == 3
