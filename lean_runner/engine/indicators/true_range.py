"""True range and the Average True Range (bar indicators)."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.composite import IndicatorExtensions
from lean_runner.engine.indicators.moving_averages import moving_average, moving_average_type_name
from lean_runner.engine.naming import lean_names


def true_range(previous_close: float | None, high: float, low: float) -> float:
    """``max(high − low, |high − previous close|, |low − previous close|)``; ``high − low`` on the first bar."""
    greatest = high - low
    if previous_close is None:
        return greatest
    return max(greatest, abs(previous_close - high), abs(previous_close - low))


@lean_names
class TrueRange(IndicatorBase):
    """The true range of each bar; ready from the second bar (the first value is just high − low)."""

    takes_bars = True

    def __init__(self, name: str = "TR") -> None:
        super().__init__(name)
        self._previous_close: float | None = None

    @property
    def is_ready(self) -> bool:
        return self.samples > 1

    @property
    def warm_up_period(self) -> int:
        return 2

    def compute_next_value(self, input: Any) -> float:
        value = true_range(self._previous_close, float(input.high), float(input.low))
        self._previous_close = float(input.close)
        return value

    def reset(self) -> None:
        super().reset()
        self._previous_close = None


@lean_names
class AverageTrueRange(IndicatorBase):
    """A moving average (Wilder's by default) of the true range, including the first bar's high − low.

    ``self.atr`` defaults to a SIMPLE average, as LEAN's helper does; ready after ``period`` bars.
    """

    takes_bars = True

    def __init__(self, name: Any = None, period: Any = None,
                 moving_average_type: Any = MovingAverageType.WILDERS) -> None:
        if name is None:  # AverageTrueRange(period=...)
            name, period = period, None
        if not isinstance(name, str):  # AverageTrueRange(period, moving_average_type)
            if period is not None:
                moving_average_type = period
            name, period = f"ATR({int(name)})", name
        super().__init__(name)
        self.period = int(period)
        self.moving_average_type = moving_average_type
        self.true_range = TrueRange(name)
        smoother = moving_average(moving_average_type, f"{name}_{moving_average_type_name(moving_average_type)}",
                                  self.period)
        self._smoother = IndicatorExtensions.of(smoother, self.true_range, False)

    @property
    def is_ready(self) -> bool:
        return bool(self._smoother.is_ready)

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        self.true_range.update(input)
        return float(self._smoother.current.value)

    def reset(self) -> None:
        self._smoother.reset()
        self.true_range.reset()
        super().reset()
