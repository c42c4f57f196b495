"""``FunctionalIndicator``: an indicator defined by functions (LEAN's ``FunctionalIndicator<T>``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.naming import lean_names


@lean_names
class FunctionalIndicator(IndicatorBase):
    """``compute(input) -> value``; ``is_ready(self) -> bool`` (default: one sample); optional ``reset()``."""

    def __init__(self, name: str, compute: Callable[[Any], float],
                 is_ready: Callable[[Any], bool] | None = None, reset: Callable[[], None] | None = None,
                 takes_bars: bool = False) -> None:
        super().__init__(name)
        self._compute = compute
        self._is_ready = is_ready
        self._reset = reset
        self.takes_bars = takes_bars

    @property
    def is_ready(self) -> bool:
        if self._is_ready is None:
            return self.samples > 0
        return bool(self._is_ready(self))

    def compute_next_value(self, input: Any) -> float:
        return float(self._compute(input))

    def reset(self) -> None:
        if self._reset is not None:
            self._reset()
        super().reset()
