"""The Stochastic oscillator: fast %K, slow %K and slow %D from bar highs, lows and closes."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.extrema import Maximum, Minimum
from lean_runner.engine.indicators.functional import FunctionalIndicator
from lean_runner.engine.indicators.window_indicators import Sum
from lean_runner.engine.naming import lean_names


@lean_names
class Stochastic(IndicatorBase):
    """LEAN's STO. ``fast_stoch`` = 100·(close − lowest low)/(highest high − lowest low) over ``period`` bars
    (0 before that, and 0 without feeding %K when the range is 0); ``stoch_k`` = mean of the last ``k_period``
    fast values; ``stoch_d`` = mean of the last ``d_period`` %K values. Its own value is ``fast_stoch``.
    """

    takes_bars = True

    def __init__(self, name: Any = None, period: Any = None, k_period: Any = None, d_period: Any = None) -> None:
        if not isinstance(name, str):  # Stochastic(period, k_period, d_period)
            if name is None:
                name, period, k_period, d_period = period, k_period, d_period, None
            name, period, k_period, d_period = None, name, period, k_period
        self.period, self.k_period, self.d_period = int(period), int(k_period), int(d_period)
        name = name or f"STO({self.period},{self.k_period},{self.d_period})"
        super().__init__(name)
        self._maximum = Maximum(f"{name}_Max", self.period)
        self._minimum = Minimum(f"{name}_Min", self.period)
        self._sum_fast_k = Sum(f"{name}_SumFastK", self.k_period)
        self._sum_slow_k = Sum(f"{name}_SumD", self.d_period)
        self.fast_stoch = FunctionalIndicator(f"{name}_FastStoch", self._compute_fast_stoch,
                                              lambda _: self._maximum.is_ready, takes_bars=True)
        self.stoch_k = FunctionalIndicator(f"{name}_StochK", self._compute_stoch_k,
                                           lambda _: self._sum_fast_k.is_ready, takes_bars=True)
        self.stoch_d = FunctionalIndicator(f"{name}_StochD", self._compute_stoch_d,
                                           lambda _: self._sum_slow_k.is_ready, takes_bars=True)

    @property
    def is_ready(self) -> bool:
        return bool(self.fast_stoch.is_ready and self.stoch_k.is_ready and self.stoch_d.is_ready)

    @property
    def warm_up_period(self) -> int:
        return self.period + self.k_period + self.d_period - 2

    def compute_next_value(self, input: Any) -> float:
        self._maximum.update(input.end_time, float(input.high))
        self._minimum.update(input.end_time, float(input.low))
        self.fast_stoch.update(input)
        self.stoch_k.update(input)
        self.stoch_d.update(input)
        return self.fast_stoch.current.value

    def _compute_fast_stoch(self, input: Any) -> float:
        if not self._maximum.is_ready:
            return 0.0
        lowest = self._minimum.current.value
        denominator = self._maximum.current.value - lowest
        if denominator == 0:
            return 0.0
        fast = (float(input.close) - lowest) / denominator
        self._sum_fast_k.update(input.end_time, fast)
        return fast * 100

    def _compute_stoch_k(self, input: Any) -> float:
        if not self._sum_fast_k.is_ready:
            return 0.0
        stoch_k = self._sum_fast_k.current.value / self.k_period
        self._sum_slow_k.update(input.end_time, stoch_k)
        return stoch_k * 100

    def _compute_stoch_d(self, input: Any) -> float:
        if not self._sum_slow_k.is_ready:
            return 0.0
        return self._sum_slow_k.current.value / self.d_period * 100

    def reset(self) -> None:
        for part in (self.fast_stoch, self.stoch_k, self.stoch_d, self._maximum, self._minimum,
                     self._sum_fast_k, self._sum_slow_k):
            part.reset()
        super().reset()
