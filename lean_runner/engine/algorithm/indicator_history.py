"""``self.indicator_history(indicator, symbol, period)``: an indicator run over past bars, its values kept.

The indicator is fed ``period + warm_up_period - 1`` history bars, so it gives ``period`` ready values, each
an :class:`IndicatorDataPoints` with ``current`` and every sub-indicator's value at that time
(``point.upper_band``, ``point["upper_band"]``). ``history.current`` and ``history["upper_band"]`` list the
values through time; ``history.data_frame`` has one column per name, indexed by time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd

from lean_runner.engine.indicators import IndicatorBase, IndicatorDataPoint
from lean_runner.engine.naming import lean_names

__all__ = ["IndicatorDataPoints", "IndicatorHistory", "sub_indicators"]


def sub_indicators(indicator: Any) -> dict[str, Any]:
    """The indicators an indicator is made of (``middle_band``, ``upper_band``...), by attribute name."""
    return {name: value for name, value in vars(indicator).items()
            if not name.startswith("_") and isinstance(value, IndicatorBase)}


@lean_names
class IndicatorDataPoints:
    """One moment of an indicator's history: ``current`` and its sub-indicators' values."""

    def __init__(self, end_time: datetime, current: IndicatorDataPoint, parts: dict[str, IndicatorDataPoint]) -> None:
        self.end_time = end_time
        self.current = current
        self._parts = parts

    def __getitem__(self, name: str) -> IndicatorDataPoint | None:
        return self.current if name == "current" else self._parts.get(name)

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__.get("_parts", {})
        if name in parts:
            return parts[name]
        raise AttributeError(f"IndicatorDataPoints has no '{name}'; it has current and {sorted(parts)}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int | float):
            return float(self.current.value) == float(other)
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"{self.end_time:%Y-%m-%d %H:%M:%S} - {self.current.value}"


@lean_names
class IndicatorHistory:
    """The ready values an indicator took over past bars, oldest first."""

    def __init__(self, points: list[IndicatorDataPoints]) -> None:
        self._points = points

    @property
    def count(self) -> int:
        return len(self._points)

    def __len__(self) -> int:
        return len(self._points)

    def __iter__(self) -> Iterator[IndicatorDataPoints]:
        return iter(self._points)

    @property
    def current(self) -> list[IndicatorDataPoint]:
        return [point.current for point in self._points]

    def __getitem__(self, name: str) -> list[IndicatorDataPoint]:
        found = [point[name] for point in self._points]
        return [value for value in found if value is not None]

    @property
    def data_frame(self) -> pd.DataFrame:
        rows = [{"current": point.current.value, **{name: value.value for name, value in point._parts.items()}}
                for point in self._points]
        return pd.DataFrame(rows, index=pd.DatetimeIndex([point.end_time for point in self._points], name="time"))

    def __repr__(self) -> str:
        return f"IndicatorHistory({self.count} points)"


def run_over_bars(indicator: Any, bars: list[Any], selector: Any) -> IndicatorHistory:
    """Feed ``bars`` (oldest first) to ``indicator`` and keep each ready value with its sub-indicators'."""
    parts = sub_indicators(indicator)
    points = []
    for bar in bars:
        if selector is not None:
            indicator.update(bar.end_time, float(selector(bar)))
        elif getattr(indicator, "takes_bars", False):
            indicator.update(bar)
        else:
            indicator.update(bar.end_time, float(bar.close))
        if indicator.is_ready:
            points.append(IndicatorDataPoints(bar.end_time, indicator.current,
                                              {name: part.current for name, part in parts.items()}))
    return IndicatorHistory(points)
