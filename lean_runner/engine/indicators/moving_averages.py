"""Moving averages with LEAN's definitions: SMA, EMA (identity seed, k = 2/(n+1)), Wilder's and LWMA."""

from __future__ import annotations

from array import array
from collections import deque
from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase, RollingWindow
from lean_runner.engine.indicators.window_indicators import WindowIndicator, name_and_period
from lean_runner.engine.naming import lean_names


@lean_names
class SimpleMovingAverage(IndicatorBase):
    """Mean of the last ``period`` values (the mean of what it has before it is ready)."""

    engine_fast_path = True

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

    def engine_update(self, end_time: Any, value: float) -> None:
        """compute_next_value inlined for the engine's feed (the hot path of every SMA strategy)."""
        values = self._values
        if len(values) == self.period:
            self._sum -= values[0]
        values.append(value)
        self._sum += value
        self.samples += 1
        self._previous_input = None
        self._publish(end_time, self._sum / len(values))

    def _column_ready_samples(self) -> int:
        return self.period  # is_ready is samples >= period

    def _column_state(self) -> tuple[list[float], float]:
        return list(self._values), self._sum

    def _restore_column_state(self, state: tuple[list[float], float]) -> None:
        self._values = deque(state[0], maxlen=self.period)
        self._sum = state[1]

    def _advance_column(self, inputs: list[float], samples: int, last: float) -> list[float]:
        """engine_update's arithmetic over many closes (see column_feed)."""
        values, total, period = self._values, self._sum, self.period
        outputs = []
        for value in inputs:
            if len(values) == period:
                total -= values[0]
            values.append(value)
            total += value
            outputs.append(total / len(values))
        self._sum = total
        return outputs

    def reset(self) -> None:
        super().reset()
        self._values.clear()
        self._sum = 0.0


@lean_names
class ExponentialMovingAverage(IndicatorBase):
    """EMA: the simple mean until ``period`` values, then ``value·k + previous·(1−k)``; ready after ``period``."""

    engine_fast_path = True

    def __init__(self, name: Any, period: int | float | None = None, smoothing_factor: float | None = None) -> None:
        if not isinstance(name, str):
            name, period, smoothing_factor = None, name, period
        assert period is not None
        period = int(period)
        super().__init__(name or f"EMA({period})")
        self.period = period
        self.k = float(smoothing_factor) if smoothing_factor is not None else 2.0 / (1 + period)
        self._seed_sum = 0.0

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
        # LEAN's current EMA is the simple mean until `period` samples, then the exponential recursion.
        # (Seeding with the first value instead changes StatisticsResultsAlgorithm's LEAN statistics.)
        value = float(input.value)
        if self.samples <= self.period:
            self._seed_sum += value
            return self._seed_sum / self.samples
        return value * self.k + self.current.value * (1 - self.k)

    def engine_update(self, end_time: Any, value: float) -> None:
        """compute_next_value inlined for the engine's feed (the hot path of every EMA strategy)."""
        samples = self.samples = self.samples + 1
        self._previous_input = None
        if samples <= self.period:
            self._seed_sum += value
            self._publish(end_time, self._seed_sum / samples)
        else:
            self._publish(end_time, value * self.k + self.current.value * (1 - self.k))

    def _column_ready_samples(self) -> int:
        return self.period  # is_ready is samples >= period

    def _column_state(self) -> float:
        return self._seed_sum

    def _restore_column_state(self, state: float) -> None:
        self._seed_sum = state

    def _advance_column(self, inputs: list[float], samples: int, last: float) -> array[float]:
        """engine_update's arithmetic over many closes (see column_feed)."""
        k, period, seed_sum = self.k, self.period, self._seed_sum
        seeding = min(max(period - samples, 0), len(inputs))  # inputs still inside the simple-mean seed
        outputs = array("d")
        for value in inputs[:seeding]:
            samples += 1
            seed_sum += value
            last = seed_sum / samples
            outputs.append(last)
        self._seed_sum = seed_sum
        keep = 1 - k  # the same double engine_update computes each time
        append = outputs.append
        for value in inputs[seeding:] if seeding else inputs:
            last = value * k + last * keep
            append(last)
        return outputs

    def reset(self) -> None:
        super().reset()
        self._seed_sum = 0.0


@lean_names
class WilderMovingAverage(IndicatorBase):
    """Wilder's average: the simple mean until ``period`` samples, then ``value/n + previous·(1 − 1/n)``."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        name, period = name_and_period(name, period, "WWMA{}")
        super().__init__(name)
        self.period = period
        self.k = 1.0 / period
        self._sma = SimpleMovingAverage(f"{name}_SMA", period)

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        if not self.is_ready:
            self._sma.update(input)
            return self._sma.current.value
        return float(input.value) * self.k + self.current.value * (1 - self.k)

    def reset(self) -> None:
        super().reset()
        self._sma.reset()


@lean_names
class LinearWeightedMovingAverage(WindowIndicator):
    """Weights ``period, period−1, …, 1`` from the newest value, over the full-period denominator.

    Before it is ready LEAN still divides by ``period·(period+1)/2``, so early values are scaled down.
    """

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "LWMA({})"))

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        size = window.size
        if size == 1:
            return value
        denominator = size * (size + 1) // 2
        numerator = sum((size - i) * window[i] for i in range(min(size, window.samples)))
        return numerator / denominator


def moving_average(kind: int, name: str, period: int) -> IndicatorBase:
    """LEAN's ``MovingAverageType.AsIndicator``."""
    if kind == MovingAverageType.SIMPLE:
        return SimpleMovingAverage(name, period)
    if kind == MovingAverageType.EXPONENTIAL:
        return ExponentialMovingAverage(name, period)
    if kind == MovingAverageType.WILDERS:
        return WilderMovingAverage(name, period)
    if kind == MovingAverageType.LINEAR_WEIGHTED_MOVING_AVERAGE:
        return LinearWeightedMovingAverage(name, period)
    raise NotImplementedError(f"MovingAverageType.{MovingAverageType(kind).name} is not supported yet by the "
                              f"embedded engine (supported: SIMPLE, EXPONENTIAL, WILDERS, "
                              f"LINEAR_WEIGHTED_MOVING_AVERAGE).")


def moving_average_type_name(kind: Any) -> str:
    """The C# name LEAN prints for a ``MovingAverageType`` (``Wilders``, ``Simple``...), as in indicator names."""
    value = int(kind)
    for name, member in MovingAverageType.__members__.items():
        if member.value == value and not name.isupper():
            return str(name)
    return str(MovingAverageType(value).name)
