"""LEAN indicators with LEAN's exact definitions and warm-up periods."""

from lean_runner.engine.indicators.base import IndicatorBase, IndicatorDataPoint, RollingWindow
from lean_runner.engine.indicators.macd import Identity, MovingAverageConvergenceDivergence
from lean_runner.engine.indicators.moving_averages import ExponentialMovingAverage, SimpleMovingAverage

__all__ = [
    "ExponentialMovingAverage",
    "Identity",
    "IndicatorBase",
    "IndicatorDataPoint",
    "MovingAverageConvergenceDivergence",
    "RollingWindow",
    "SimpleMovingAverage",
]
