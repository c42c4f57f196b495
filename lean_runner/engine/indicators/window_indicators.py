"""Indicators over a rolling window of inputs: Sum, Delay, Momentum, rate of change and their percent forms."""

from __future__ import annotations

import math
from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase, RollingWindow
from lean_runner.engine.naming import lean_names


def name_and_period(name: Any, period: Any, default: str) -> tuple[str, int]:
    """LEAN's two constructors ``(period)`` and ``(name, period)``; ``default`` is formatted with the period."""
    if period is None or not isinstance(name, str):
        period = name if period is None else period
        return default.format(int(period)), int(period)
    return name, int(period)


@lean_names
class WindowIndicator(IndicatorBase):
    """Keeps the last ``period`` input values (newest first) and computes from them (LEAN's ``WindowIndicator``)."""

    def __init__(self, name: str, period: int) -> None:
        super().__init__(name)
        if int(period) < 1:
            raise ValueError(f"{type(self).__name__}: period must be at least 1, got {period}.")
        self.period = int(period)
        self.inputs: RollingWindow[float] = RollingWindow(self.period)

    @property
    def is_ready(self) -> bool:
        return self.inputs.is_ready

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        value = float(input.value)
        self.inputs.add(value)
        return self.compute_from_window(self.inputs, value)

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        raise NotImplementedError(f"{type(self).__name__}.compute_from_window")

    def reset(self) -> None:
        super().reset()
        self.inputs.reset()

    def _oldest_or_removed(self) -> float:
        """Before the window overflows: its oldest value; afterwards the value that just fell out."""
        window = self.inputs
        if window.samples <= window.size:
            return window[window.count - 1]
        removed = window.most_recently_removed
        assert removed is not None
        return removed


@lean_names
class Sum(WindowIndicator):
    """Sum of the last ``period`` values (of what it has before it is ready)."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "SUM({})"))

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        return math.fsum(window)


class LaggedWindowIndicator(WindowIndicator):
    """A window indicator that compares with the value ``period`` samples ago: ready after ``period + 1``."""

    @property
    def is_ready(self) -> bool:
        return self.samples > self.period

    @property
    def warm_up_period(self) -> int:
        return self.period + 1


@lean_names
class Delay(LaggedWindowIndicator):
    """The input from ``period`` samples ago; the first input until then. Ready after ``period + 1`` samples."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "DELAY({})"))

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        return self._oldest_or_removed()


@lean_names
class Momentum(LaggedWindowIndicator):
    """``value - value[period]`` (against the first input until then). Ready after ``period + 1`` samples."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "MOM({})"))

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        return value - self._oldest_or_removed()


@lean_names
class RateOfChange(LaggedWindowIndicator):
    """``(value - value[period]) / value[period]``, 0 on a zero base. Ready after ``period + 1`` samples."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, self._default_name()))

    @staticmethod
    def _default_name() -> str:
        return "ROC({})"

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        base = self._oldest_or_removed()
        if base == 0:
            return 0.0
        return (value - base) / base


@lean_names
class RateOfChangePercent(RateOfChange):
    """``100 * (value - value[period]) / value[period]``."""

    @staticmethod
    def _default_name() -> str:
        return "ROCP({})"

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        return 100 * super().compute_from_window(window, value)


@lean_names
class MomentumPercent(RateOfChangePercent):
    """LEAN's MOMP: the same values as ``RateOfChangePercent``."""

    @staticmethod
    def _default_name() -> str:
        return "MOMP({})"


@lean_names
class RateOfChangeRatio(RateOfChange):
    """``value / value[period]``: the rate of change plus one (0 while that is 0, as LEAN's)."""

    @staticmethod
    def _default_name() -> str:
        return "ROCR({})"

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        change = super().compute_from_window(window, value)
        return change + 1 if change != 0 else 0.0


@lean_names
class LogReturn(WindowIndicator):
    """``ln(value / value[period])`` against the oldest value kept (0 where the ratio is not finite)."""

    def __init__(self, name: Any = None, period: int | None = None) -> None:
        super().__init__(*name_and_period(name, period, "LOGR({})"))

    def compute_from_window(self, window: RollingWindow[float], value: float) -> float:
        base = self._oldest_or_removed()
        if base == 0 or value / base <= 0:
            return 0.0
        return math.log(value / base)
