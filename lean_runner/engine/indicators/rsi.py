"""Wilder's Relative Strength Index with a choice of moving average for the average gain and loss."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.moving_averages import moving_average
from lean_runner.engine.naming import lean_names


@lean_names
class RelativeStrengthIndex(IndicatorBase):
    """``100 − 100 / (1 + avg gain / avg loss)``; 100 while the average loss rounds to 0 (so the first value).

    Gains and losses start with the second input; ready when both averages are (``period + 1`` inputs).
    """

    def __init__(self, name: Any = None, period: Any = None,
                 moving_average_type: Any = MovingAverageType.WILDERS) -> None:
        if name is None:  # RelativeStrengthIndex(period=...)
            name, period = period, None
        if not isinstance(name, str):
            if period is not None:  # RelativeStrengthIndex(period, moving_average_type)
                moving_average_type = period
            name, period = f"RSI({int(name)})", name
        self.period = int(period)
        super().__init__(name)
        self.moving_average_type = moving_average_type
        self.average_gain = moving_average(moving_average_type, f"{name}Up", self.period)
        self.average_loss = moving_average(moving_average_type, f"{name}Down", self.period)
        self._previous_value: float | None = None

    @property
    def is_ready(self) -> bool:
        return bool(self.average_gain.is_ready and self.average_loss.is_ready)

    @property
    def warm_up_period(self) -> int:
        return self.period + 1

    def compute_next_value(self, input: Any) -> float:
        value = float(input.value)
        previous = self._previous_value
        if previous is not None:
            if value >= previous:
                self.average_gain.update(input.time, value - previous)
                self.average_loss.update(input.time, 0.0)
            else:
                self.average_gain.update(input.time, 0.0)
                self.average_loss.update(input.time, previous - value)
        self._previous_value = value
        average_loss = max(self.average_loss.current.value, 0.0)
        average_gain = max(self.average_gain.current.value, 0.0)
        if round(average_loss, 10) == 0:
            return 100.0
        return 100.0 - 100.0 / (1 + average_gain / average_loss)

    def reset(self) -> None:
        self._previous_value = None
        self.average_gain.reset()
        self.average_loss.reset()
        super().reset()
