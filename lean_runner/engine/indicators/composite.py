"""Indicator composition: ``CompositeIndicator``, ``ConstantIndicator`` and LEAN's ``IndicatorExtensions``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase, IndicatorDataPoint
from lean_runner.engine.indicators.field import result_value
from lean_runner.engine.naming import lean_names

Composer = Callable[[IndicatorBase, IndicatorBase], Any]
"""``(left, right) -> value`` or an ``IndicatorResult``; ``None`` (or a non-success status) is no new value."""


def format_decimal(value: float) -> str:
    """A number the way LEAN prints a C# decimal in names: ``2`` for 2.0, ``0.5`` for 0.5."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


@lean_names
class ConstantIndicator(IndicatorBase):
    """Always ready, always ``value``; it never needs updating."""

    def __init__(self, name: Any, value: float | None = None) -> None:
        if value is None:
            name, value = format_decimal(float(name)), float(name)
        super().__init__(str(name))
        self.constant = float(value)
        self.current = IndicatorDataPoint(datetime(1, 1, 1), self.constant)

    @property
    def is_ready(self) -> bool:
        return True

    @property
    def warm_up_period(self) -> int:
        return 0

    def compute_next_value(self, input: Any) -> float:
        return self.constant

    def reset(self) -> None:
        super().reset()
        self.current = IndicatorDataPoint(datetime(1, 1, 1), self.constant)


@lean_names
class CompositeIndicator(IndicatorBase):
    """Combines two indicators: it updates itself once both have produced a new value (LEAN's semantics).

    A constant side never updates, so the other side alone triggers the update. The update's time is the
    latest of the two sides' times; ready when both sides are ready.
    """

    def __init__(self, *args: Any) -> None:
        if isinstance(args[0], str):
            name, left, right, composer = args
        else:
            left, right, composer = args
            name = f"COMPOSE({left.name},{right.name})"
        super().__init__(name)
        self.left: IndicatorBase = left
        self.right: IndicatorBase = right
        self._composer: Composer = composer
        self._left_constant = isinstance(left, ConstantIndicator)
        self._right_constant = isinstance(right, ConstantIndicator)
        self._new_left = False
        self._new_right = False
        left.updated += self._on_left_updated
        right.updated += self._on_right_updated

    @property
    def is_ready(self) -> bool:
        return bool(self.left.is_ready and self.right.is_ready)

    @property
    def warm_up_period(self) -> int:
        return max(int(getattr(self.left, "warm_up_period", 0)), int(getattr(self.right, "warm_up_period", 0)))

    def _on_left_updated(self, sender: Any, point: IndicatorDataPoint) -> None:
        self._new_left = True
        if self._new_right or self._right_constant:
            self._compose(point)

    def _on_right_updated(self, sender: Any, point: IndicatorDataPoint) -> None:
        self._new_right = True
        if self._new_left or self._left_constant:
            self._compose(point)

    def _compose(self, point: IndicatorDataPoint) -> None:
        time = max(point.time, self.left.current.time, self.right.current.time)
        self.update(IndicatorDataPoint(time, 0.0))
        self._new_left = self._new_right = False

    def _validate_and_compute(self, input: Any) -> float | None:
        return result_value(self._composer(self.left, self.right))

    def compute_next_value(self, input: Any) -> float:
        return result_value(self._composer(self.left, self.right)) or 0.0

    def reset(self) -> None:
        self.left.reset()
        self.right.reset()
        super().reset()
        self._new_left = self._new_right = False


def _value(indicator: IndicatorBase) -> float:
    return indicator.current.value


def _plus(left: IndicatorBase, right: IndicatorBase) -> float:
    return _value(left) + _value(right)


def _minus(left: IndicatorBase, right: IndicatorBase) -> float:
    return _value(left) - _value(right)


def _times(left: IndicatorBase, right: IndicatorBase) -> float:
    return _value(left) * _value(right)


def _over(left: IndicatorBase, right: IndicatorBase) -> float | None:
    denominator = _value(right)
    return None if denominator == 0 else _value(left) / denominator


def _compose(left: IndicatorBase, right: Any, name: str, composer: Composer) -> CompositeIndicator:
    if not isinstance(right, IndicatorBase):
        right = ConstantIndicator(format_decimal(float(right)), float(right))
    if name:
        return CompositeIndicator(name, left, right, composer)
    return CompositeIndicator(left, right, composer)


@lean_names
class IndicatorExtensions:
    """LEAN's ``IndicatorExtensions`` for Python: ``IndicatorExtensions.of(sma, rsi)``, ``.plus(a, b)``..."""

    @staticmethod
    def of(second: Any, first: Any, wait_for_first_to_ready: bool = True) -> Any:
        """Update ``second`` with every new value of ``first`` (only once ``first`` is ready, by default)."""

        def forward(sender: Any, point: IndicatorDataPoint) -> None:
            if not wait_for_first_to_ready or first.is_ready:
                second.update(point)

        first.updated += forward
        return second

    @staticmethod
    def plus(left: IndicatorBase, right: Any, name: str = "") -> CompositeIndicator:
        """``left + right``; ``right`` is an indicator or a number."""
        return _compose(left, right, name, _plus)

    @staticmethod
    def minus(left: IndicatorBase, right: Any, name: str = "") -> CompositeIndicator:
        """``left - right``."""
        return _compose(left, right, name, _minus)

    @staticmethod
    def times(left: IndicatorBase, right: Any, name: str = "") -> CompositeIndicator:
        """``left * right``."""
        return _compose(left, right, name, _times)

    @staticmethod
    def over(left: IndicatorBase, right: Any, name: str = "") -> CompositeIndicator:
        """``left / right``; no new value while ``right`` is 0."""
        return _compose(left, right, name, _over)

    @staticmethod
    def sma(left: IndicatorBase, period: int, wait_for_first_to_ready: bool = True) -> Any:
        """A ``SimpleMovingAverage`` of ``left``'s values, named ``SMA{period}_Of_{left}``."""
        from lean_runner.engine.indicators.moving_averages import SimpleMovingAverage

        indicator = SimpleMovingAverage(f"SMA{int(period)}_Of_{left.name}", int(period))
        return IndicatorExtensions.of(indicator, left, wait_for_first_to_ready)

    @staticmethod
    def ema(left: IndicatorBase, period: int, smoothing_factor: float | None = None,
            wait_for_first_to_ready: bool = True) -> Any:
        """An ``ExponentialMovingAverage`` of ``left``'s values, named ``EMA{period}_Of_{left}``."""
        from lean_runner.engine.indicators.moving_averages import ExponentialMovingAverage

        if isinstance(smoothing_factor, bool):  # ema(left, period, False): LEAN's Python overload
            smoothing_factor, wait_for_first_to_ready = None, smoothing_factor
        indicator = ExponentialMovingAverage(f"EMA{int(period)}_Of_{left.name}", int(period), smoothing_factor)
        return IndicatorExtensions.of(indicator, left, wait_for_first_to_ready)

    @staticmethod
    def max(left: IndicatorBase, period: int, wait_for_first_to_ready: bool = True) -> Any:
        """A ``Maximum`` of ``left``'s values, named ``MAX{period}_Of_{left}``."""
        from lean_runner.engine.indicators.extrema import Maximum

        indicator = Maximum(f"MAX{int(period)}_Of_{left.name}", int(period))
        return IndicatorExtensions.of(indicator, left, wait_for_first_to_ready)

    @staticmethod
    def min(left: IndicatorBase, period: int, wait_for_first_to_ready: bool = True) -> Any:
        """A ``Minimum`` of ``left``'s values, named ``MIN{period}_Of_{left}``."""
        from lean_runner.engine.indicators.extrema import Minimum

        indicator = Minimum(f"MIN{int(period)}_Of_{left.name}", int(period))
        return IndicatorExtensions.of(indicator, left, wait_for_first_to_ready)
