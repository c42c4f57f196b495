"""MACD: fast MA − slow MA, a signal MA of that difference, and their histogram."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.moving_averages import moving_average
from lean_runner.engine.naming import lean_names


@lean_names
class Identity(IndicatorBase):
    """Passes its input through (LEAN's ``Identity``)."""

    def compute_next_value(self, input: Any) -> float:
        return float(input.value)


@lean_names
class MovingAverageConvergenceDivergence(IndicatorBase):
    """LEAN's MACD (EXPONENTIAL by default). The signal only starts once both the fast and the slow averages
    are ready, the histogram once the signal is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], str):
            name, fast, slow, signal, *rest = args
        else:
            fast, slow, signal, *rest = args
            name = None
        kind = kwargs.get("type", kwargs.get("moving_average_type",
                                             rest[0] if rest else MovingAverageType.EXPONENTIAL))
        name = name or f"MACD({fast},{slow},{signal})"
        super().__init__(name)
        self.fast = moving_average(kind, f"{name}_Fast", int(fast))
        self.slow = moving_average(kind, f"{name}_Slow", int(slow))
        self.signal = moving_average(kind, f"{name}_Signal", int(signal))
        self.histogram = Identity(f"{name}_Histogram")
        self._warm_up = int(slow) + int(signal) - 1

    @property
    def is_ready(self) -> bool:
        return bool(self.signal.is_ready)

    @property
    def warm_up_period(self) -> int:
        return self._warm_up

    def compute_next_value(self, input: Any) -> float:
        self.fast.update(input)
        self.slow.update(input)
        macd = self.fast.current.value - self.slow.current.value
        # the signal starts once both averages are ready; the histogram once the signal is
        if self.fast.is_ready and self.slow.is_ready and self.signal.update(input.time, macd):
            self.histogram.update(input.time, macd - self.signal.current.value)
        return macd

    def reset(self) -> None:
        for part in (self.fast, self.slow, self.signal, self.histogram):
            part.reset()
        super().reset()
