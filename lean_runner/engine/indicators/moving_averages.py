"""Moving averages with LEAN's definitions: SMA and EMA (identity seed, k = 2/(n+1))."""

from __future__ import annotations

from collections import deque
from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.naming import lean_names


@lean_names
class SimpleMovingAverage(IndicatorBase):
    """Mean of the last ``period`` values (the mean of what it has before it is ready)."""

    def __init__(self, name: Any, period: int | None = None) -> None:
        if period is None:
            name, period = f"SMA({name})", int(name)
        super().__init__(str(name))
        self.period = int(period)
        self._values: deque[float] = deque(maxlen=self.period)
        self._sum = 0.0

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        if len(self._values) == self.period:
            self._sum -= self._values[0]
        self._values.append(input.value)
        self._sum += input.value
        return self._sum / len(self._values)

    def reset(self) -> None:
        super().reset()
        self._values.clear()
        self._sum = 0.0


@lean_names
class ExponentialMovingAverage(IndicatorBase):
    """EMA: the first value is the input itself, then ``value·k + previous·(1−k)``; ready after ``period``."""

    def __init__(self, name: Any, period: int | float | None = None, smoothing_factor: float | None = None) -> None:
        if not isinstance(name, str):
            name, period, smoothing_factor = None, name, period
        assert period is not None
        period = int(period)
        super().__init__(name or f"EMA({period})")
        self.period = period
        self.k = float(smoothing_factor) if smoothing_factor is not None else 2.0 / (1 + period)

    @staticmethod
    def smoothing_factor_default(period: int) -> float:
        return 2.0 / (1 + period)

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        if self.samples == 1:
            return float(input.value)
        return float(input.value) * self.k + self.current.value * (1 - self.k)


def moving_average(kind: int, name: str, period: int) -> IndicatorBase:
    """LEAN's ``MovingAverageType.AsIndicator``."""
    if kind == MovingAverageType.SIMPLE:
        return SimpleMovingAverage(name, period)
    if kind == MovingAverageType.EXPONENTIAL:
        return ExponentialMovingAverage(name, period)
    if kind == MovingAverageType.WILDERS:
        return ExponentialMovingAverage(name, period, 1.0 / period)
    raise NotImplementedError(f"MovingAverageType.{MovingAverageType(kind).name} is not supported yet by the "
                              f"embedded engine (supported: SIMPLE, EXPONENTIAL, WILDERS).")
