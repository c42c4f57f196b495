"""LEAN indicators with LEAN's exact definitions and warm-up periods."""

from lean_runner.engine.indicators.adx import AverageDirectionalIndex
from lean_runner.engine.indicators.base import IndicatorBase, IndicatorDataPoint, RollingWindow
from lean_runner.engine.indicators.bollinger import BollingerBands
from lean_runner.engine.indicators.composite import CompositeIndicator, ConstantIndicator, IndicatorExtensions
from lean_runner.engine.indicators.deviation import StandardDeviation, Variance
from lean_runner.engine.indicators.extrema import Maximum, MidPoint, Minimum
from lean_runner.engine.indicators.field import Field, IndicatorResult
from lean_runner.engine.indicators.functional import FunctionalIndicator
from lean_runner.engine.indicators.heikin_ashi import HeikinAshi
from lean_runner.engine.indicators.macd import Identity, MovingAverageConvergenceDivergence
from lean_runner.engine.indicators.moving_averages import (
    ExponentialMovingAverage,
    LinearWeightedMovingAverage,
    SimpleMovingAverage,
    WilderMovingAverage,
)
from lean_runner.engine.indicators.python_indicator import PythonIndicator, PythonIndicatorAdapter
from lean_runner.engine.indicators.rsi import RelativeStrengthIndex
from lean_runner.engine.indicators.stochastic import Stochastic
from lean_runner.engine.indicators.true_range import AverageTrueRange, TrueRange
from lean_runner.engine.indicators.window_indicators import (
    Delay,
    LogReturn,
    Momentum,
    MomentumPercent,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    Sum,
    WindowIndicator,
)

__all__ = [
    "AverageDirectionalIndex",
    "AverageTrueRange",
    "BollingerBands",
    "CompositeIndicator",
    "ConstantIndicator",
    "Delay",
    "ExponentialMovingAverage",
    "Field",
    "FunctionalIndicator",
    "HeikinAshi",
    "Identity",
    "IndicatorBase",
    "IndicatorDataPoint",
    "IndicatorExtensions",
    "IndicatorResult",
    "LinearWeightedMovingAverage",
    "LogReturn",
    "Maximum",
    "MidPoint",
    "Minimum",
    "Momentum",
    "MomentumPercent",
    "MovingAverageConvergenceDivergence",
    "PythonIndicator",
    "PythonIndicatorAdapter",
    "RateOfChange",
    "RateOfChangePercent",
    "RateOfChangeRatio",
    "RelativeStrengthIndex",
    "RollingWindow",
    "SimpleMovingAverage",
    "StandardDeviation",
    "Stochastic",
    "Sum",
    "TrueRange",
    "Variance",
    "WilderMovingAverage",
    "WindowIndicator",
]
