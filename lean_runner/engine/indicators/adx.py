"""Wilder's Average Directional Index (bar indicator) with its +DI and −DI."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.functional import FunctionalIndicator
from lean_runner.engine.indicators.moving_averages import WilderMovingAverage
from lean_runner.engine.indicators.true_range import true_range
from lean_runner.engine.indicators.window_indicators import name_and_period
from lean_runner.engine.naming import lean_names


@lean_names
class AverageDirectionalIndex(IndicatorBase):
    """LEAN's ADX over ``period`` bars.

    True range and ±DM are 0 on the first bar. Their smoothed sums accumulate for ``period + 1`` bars, then
    follow Wilder's ``s − s/n + x``. ±DI = 100·smoothed DM/smoothed TR once more than ``period`` bars were
    seen (0 before). While +DI + −DI is 0 the ADX value is 50 and nothing is averaged; otherwise
    DX = 100·|+DI − −DI|/(+DI + −DI) feeds a ``WilderMovingAverage(period)``, whose value is the ADX.
    Ready after ``2·period`` bars.
    """

    takes_bars = True

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        name, period = name_and_period(name, period, "ADX({})")
        super().__init__(name)
        self.period = period
        self._previous: Any = None
        self._true_range = 0.0
        self._dm_plus = 0.0
        self._dm_minus = 0.0
        self._smoothed_true_range = 0.0
        self._smoothed_dm_plus = 0.0
        self._smoothed_dm_minus = 0.0
        self.positive_directional_index = FunctionalIndicator(
            f"{name}_PositiveDirectionalIndex", lambda _: self._directional_index(self._smoothed_dm_plus),
            lambda _: self._smoothed_ready())
        self.negative_directional_index = FunctionalIndicator(
            f"{name}_NegativeDirectionalIndex", lambda _: self._directional_index(self._smoothed_dm_minus),
            lambda _: self._smoothed_ready())
        self._average = WilderMovingAverage(period)

    @property
    def is_ready(self) -> bool:
        return bool(self._average.is_ready)

    @property
    def warm_up_period(self) -> int:
        return self.period * 2

    def _smoothed_ready(self) -> bool:
        return self.samples > self.period

    def _directional_index(self, smoothed_dm: float) -> float:
        if self._smoothed_true_range != 0 and self._smoothed_ready():
            return 100.0 * smoothed_dm / self._smoothed_true_range
        return 0.0

    def _smooth(self, smoothed: float, value: float) -> float:
        decay = smoothed / self.period if self.samples > self.period + 1 else 0.0
        return smoothed + value - decay

    def compute_next_value(self, input: Any) -> float:
        high, low, close = float(input.high), float(input.low), float(input.close)
        previous = self._previous
        if previous is None:
            self._true_range = self._dm_plus = self._dm_minus = 0.0
        else:
            previous_high, previous_low, previous_close = previous
            self._true_range = true_range(previous_close, high, low)
            up, down = high - previous_high, previous_low - low
            self._dm_plus = up if high > previous_high and up >= down else 0.0
            self._dm_minus = down if previous_low > low and down > up else 0.0
        self._smoothed_true_range = self._smooth(self._smoothed_true_range, self._true_range)
        self._smoothed_dm_plus = self._smooth(self._smoothed_dm_plus, self._dm_plus)
        self._smoothed_dm_minus = self._smooth(self._smoothed_dm_minus, self._dm_minus)
        self._previous = (high, low, close)
        # LEAN updates the ±DI with the ADX's current (previous) point, so their time lags one bar
        self.positive_directional_index.update(self.current.time, 0.0)
        self.negative_directional_index.update(self.current.time, 0.0)
        plus = self.positive_directional_index.current.value
        minus = self.negative_directional_index.current.value
        total = plus + minus
        if total == 0:
            return 50.0
        self._average.update(input.end_time, 100.0 * abs(plus - minus) / total)
        return self._average.current.value

    def reset(self) -> None:
        super().reset()
        self._previous = None
        self._true_range = self._dm_plus = self._dm_minus = 0.0
        self._smoothed_true_range = self._smoothed_dm_plus = self._smoothed_dm_minus = 0.0
        self.positive_directional_index.reset()
        self.negative_directional_index.reset()
        self._average.reset()
