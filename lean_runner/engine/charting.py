"""LEAN's ``Chart`` and ``Series`` objects, as algorithms build them for ``self.add_chart(chart)``.

The engine's result charts are kept by the sampler; these objects describe a chart's series (type, unit,
colour) and collect the points plotted through them, so ``series.values`` reads back what was added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lean_runner.engine.enums import SeriesType
from lean_runner.engine.naming import lean_names

__all__ = ["Chart", "ChartPoint", "Series"]


@lean_names
class ChartPoint:
    """One ``(time, value)`` point of a series."""

    def __init__(self, time: datetime, value: float) -> None:
        self.time = time
        self.x = int(time.timestamp()) if isinstance(time, datetime) else int(time)
        self.y = float(value)

    def clone(self) -> ChartPoint:
        return ChartPoint(self.time, self.y)


@lean_names
class Series:
    """``Series(name, series_type=SeriesType.LINE, unit="$", color=..., index=0)``."""

    def __init__(self, name: str = "", series_type: int = SeriesType.LINE, *args: Any, unit: str = "$",
                 index: int = 0, color: Any = None, scatter_marker_symbol: Any = 0, tooltip: str = "",
                 index_name: str = "") -> None:
        # LEAN's overloads: (name, type, index), (name, type, unit), (name, type, unit, color[, symbol]).
        for position, value in enumerate(args):
            if position == 0 and isinstance(value, int):
                index = value
            elif position == 0:
                unit = str(value)
            elif position == 1:
                color = value
            elif position == 2:
                scatter_marker_symbol = value
        self.name = str(name)
        self.series_type = int(series_type)
        self.unit = unit
        self.index = index
        self.color = color
        self.scatter_marker_symbol = scatter_marker_symbol
        self.tooltip = tooltip
        self.index_name = index_name
        self.values: list[ChartPoint] = []

    def add_point(self, time: Any, value: Any = None) -> None:
        """``add_point(time, value)`` or ``add_point(chart_point)``."""
        point = time if isinstance(time, ChartPoint) else ChartPoint(time, float(value))
        self.values.append(point)

    def get_values(self) -> list[ChartPoint]:
        return list(self.values)

    def purge(self) -> None:
        self.values.clear()

    def clone_values(self) -> list[ChartPoint]:
        return [point.clone() for point in self.values]

    def consolidate_chart_points(self) -> ChartPoint | None:
        """The series as one point: the last value at the last time (LEAN's default consolidation)."""
        return self.values[-1].clone() if self.values else None

    def get_updates(self) -> Series:
        updates = Series(self.name, self.series_type, unit=self.unit, index=self.index, color=self.color)
        updates.values = self.clone_values()
        return updates

    @staticmethod
    def create(series_type: int, name: str, unit: str = "$", color: Any = None) -> Series:
        return Series(name, series_type, unit=unit, color=color)


@lean_names
class Chart:
    """``Chart(name)``: a named set of series; ``add_series(Series(...))`` before plotting to them."""

    def __init__(self, name: str = "", symbol: Any = None) -> None:
        self.name = str(name)
        self.symbol = symbol
        self.chart_type = 0  # ChartType.STACKED: every series in its own pane, as LEAN draws it
        self.series: dict[str, Series] = {}

    def add_series(self, series: Series) -> None:
        if series.name in self.series:
            raise ValueError(f"Chart.add_series: chart '{self.name}' already has a series named '{series.name}'.")
        self.series[series.name] = series

    def try_add_and_get_series(self, name: str, series_type: int = SeriesType.LINE, index: int = 0,
                               unit: str = "$", color: Any = None, symbol: Any = 0,
                               force_add_new: bool = False) -> Series:
        if force_add_new or name not in self.series:
            self.series[name] = Series(name, series_type, unit=unit, index=index, color=color,
                                       scatter_marker_symbol=symbol)
        return self.series[name]

    def clone_empty(self) -> Chart:
        clone = Chart(self.name, self.symbol)
        for name, series in self.series.items():
            clone.series[name] = Series(name, series.series_type, unit=series.unit, index=series.index,
                                        color=series.color)
        return clone

    def get_updates(self) -> Chart:
        updates = self.clone_empty()
        for name, series in self.series.items():
            updates.series[name].values = series.clone_values()
        return updates

    def aggregate(self, other: Chart) -> None:
        for name, series in other.series.items():
            self.try_add_and_get_series(name, series.series_type).values.extend(series.clone_values())
