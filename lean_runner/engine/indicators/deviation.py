"""Population variance and standard deviation over a look-back window (LEAN's VAR and STD)."""

from __future__ import annotations

import math
from typing import Any

from lean_runner.engine.indicators.base import RollingWindow
from lean_runner.engine.indicators.window_indicators import WindowIndicator, name_and_period
from lean_runner.engine.naming import lean_names


@lean_names
class Variance(WindowIndicator):
    """Population variance of the last ``period`` values (of what it has before then; 0 for one sample)."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, self._default_name()))

    @staticmethod
    def _default_name() -> str:
        return "VAR({})"

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        if self.samples < 2:
            return 0.0
        values = list(window)
        if max(values) == min(values):  # exactly 0, as LEAN's decimal arithmetic gives
            return 0.0
        mean = math.fsum(values) / len(values)
        return max(0.0, math.fsum((item - mean) ** 2 for item in values) / len(values))


@lean_names
class StandardDeviation(Variance):
    """Population standard deviation: the square root of ``Variance``."""

    @staticmethod
    def _default_name() -> str:
        return "STD({})"

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        return math.sqrt(super().compute_from_window(window, value))
