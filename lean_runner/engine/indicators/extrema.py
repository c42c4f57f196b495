"""Maximum and Minimum over a look-back window, with the number of periods since the extreme."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase, RollingWindow
from lean_runner.engine.indicators.window_indicators import WindowIndicator, name_and_period
from lean_runner.engine.naming import lean_names


@lean_names
class Maximum(WindowIndicator):
    """Largest of the last ``period`` values; ``periods_since_maximum`` counts back to its latest occurrence.

    The helper ``self.max`` feeds bar highs (LEAN's default selector for trade bars); updated by hand, it
    takes whatever value it is given.
    """

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "MAX({})"))
        self.periods_since_maximum = 0

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        if self.samples == 1 or value >= self.current.value:
            self.periods_since_maximum = 0
            return value
        if self.periods_since_maximum >= self.period - 1:
            # the maximum just left the window: scan it, newest first, keeping the latest of equal values
            best, index = window[0], 0
            for i, item in enumerate(window):
                if item > best:
                    best, index = item, i
            self.periods_since_maximum = index
            return best
        self.periods_since_maximum += 1
        return self.current.value

    def reset(self) -> None:
        super().reset()
        self.periods_since_maximum = 0


@lean_names
class Minimum(WindowIndicator):
    """Smallest of the last ``period`` values; ``periods_since_minimum`` counts back to its latest occurrence.

    The helper ``self.min`` feeds bar lows (LEAN's default selector for trade bars).
    """

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "MIN({})"))
        self.periods_since_minimum = 0

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        if self.samples == 1 or value <= self.current.value:
            self.periods_since_minimum = 0
            return value
        if self.periods_since_minimum >= self.period - 1:
            best, index = window[0], 0
            for i, item in enumerate(window):
                if item < best:
                    best, index = item, i
            self.periods_since_minimum = index
            return best
        self.periods_since_minimum += 1
        return self.current.value

    def reset(self) -> None:
        super().reset()
        self.periods_since_minimum = 0


@lean_names
class MidPoint(IndicatorBase):
    """The middle of the highest and lowest value of the last ``period`` values; ready after ``period``."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        if period is None:
            name, period = f"MIDPOINT({int(name)})", int(name)
        super().__init__(str(name))
        self.period = int(period)
        self._maximum = Maximum(self.period)
        self._minimum = Minimum(self.period)

    @property
    def is_ready(self) -> bool:
        return self.samples >= self.period

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        self._maximum.update(input.time, float(input.value))
        self._minimum.update(input.time, float(input.value))
        return (self._maximum.current.value + self._minimum.current.value) / 2

    def reset(self) -> None:
        super().reset()
        self._maximum.reset()
        self._minimum.reset()
