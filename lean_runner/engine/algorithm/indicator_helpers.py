"""Indicator helper methods of ``QCAlgorithm`` (``self.sma``, ``self.ema``, ``self.macd``...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators import (
    ExponentialMovingAverage,
    IndicatorBase,
    MovingAverageConvergenceDivergence,
    SimpleMovingAverage,
)

if TYPE_CHECKING:
    from lean_runner.engine.algorithm.runtime import AlgorithmRuntime



class IndicatorHelpersMixin:
    """Create an indicator and keep it updated with a symbol's data."""

    if TYPE_CHECKING:  # provided by QCAlgorithm

        def _require_runtime(self) -> AlgorithmRuntime: ...

    def register_indicator(self, symbol: Any, indicator: IndicatorBase, resolution: Any = None,
                           selector: Any = None) -> None:
        self._require_runtime().register_indicator(symbol, indicator, resolution, selector)

    def unregister_indicator(self, indicator: IndicatorBase) -> None:
        self._require_runtime().unregister_indicator(indicator)

    def sma(self, symbol: Any, period: int, resolution: Any = None,
            selector: Any = None) -> SimpleMovingAverage:
        indicator = SimpleMovingAverage(f"SMA({period})", int(period))
        self.register_indicator(symbol, indicator, resolution, selector)
        return indicator

    def ema(self, symbol: Any, period: int, smoothing_factor: float | None = None,
            resolution: Any = None, selector: Any = None) -> ExponentialMovingAverage:
        # LEAN's Python overloads allow ema(symbol, period, resolution) too.
        if smoothing_factor is not None and not isinstance(smoothing_factor, float) and resolution is None:
            smoothing_factor, resolution = None, smoothing_factor
        indicator = ExponentialMovingAverage(f"EMA({period})", int(period), smoothing_factor)
        self.register_indicator(symbol, indicator, resolution, selector)
        return indicator

    def macd(self, symbol: Any, fast_period: int, slow_period: int, signal_period: int,
             type: Any = MovingAverageType.EXPONENTIAL, resolution: Any = None,
             selector: Any = None) -> MovingAverageConvergenceDivergence:
        indicator = MovingAverageConvergenceDivergence(f"MACD({fast_period},{slow_period},{signal_period})",
                                                       fast_period, slow_period, signal_period, type)
        self.register_indicator(symbol, indicator, resolution, selector)
        return indicator
