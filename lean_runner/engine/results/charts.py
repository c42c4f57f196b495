"""LEAN-compatible charts: series, candlestick series, charts and their JSON.

A chart holds named series; each series holds points ``(unix seconds, value)``
(or candles ``(unix seconds, open, high, low, close)``). Values are
SmartRounded when they are added, exactly as LEAN's chart points are, so what
the statistics read back is what the result file shows.

Two ways to add a point, matching LEAN's two code paths:

* :meth:`Series.add_point` is the result handler's sampling rule: the point is
  appended only when its time is later than the last point's. With
  ``overwrite_same_time=True`` a point at the same time replaces the last one
  (LEAN does this for ``Portfolio Turnover``).
* :meth:`Series.plot_point` is the rule of a user ``plot()`` call: a point at
  the same time as the last one replaces it, any other point is appended.

Example::

    >>> charts = default_charts()
    >>> equity = charts[STRATEGY_EQUITY].series[EQUITY]
    >>> equity.add_point(1381118400, 100000.0)
    True
    >>> charts[STRATEGY_EQUITY].to_json()["series"]["Equity"]["values"]
    [[1381118400, 100000, 100000, 100000, 100000]]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from enum import IntEnum, StrEnum
from typing import Any

import numpy as np

from lean_runner.engine.dotnet_format import smart_round

__all__ = [
    "ASSETS_SALES_VOLUME",
    "BENCHMARK",
    "CAPACITY",
    "DRAWDOWN",
    "EQUITY",
    "EQUITY_DRAWDOWN",
    "EXPOSURE",
    "PORTFOLIO_MARGIN",
    "PORTFOLIO_TURNOVER",
    "RETURN",
    "STRATEGY_CAPACITY",
    "STRATEGY_EQUITY",
    "BaseSeries",
    "CandlestickSeries",
    "Chart",
    "ScatterMarkerSymbol",
    "Series",
    "SeriesType",
    "default_charts",
    "exposure_series_name",
    "resample_candles",
    "summary_candle_days",
]

# Names of the charts and series LEAN's result handler samples by itself.
STRATEGY_EQUITY = "Strategy Equity"
EQUITY = "Equity"
RETURN = "Return"
BENCHMARK = "Benchmark"
DRAWDOWN = "Drawdown"
EQUITY_DRAWDOWN = "Equity Drawdown"
PORTFOLIO_TURNOVER = "Portfolio Turnover"
EXPOSURE = "Exposure"
CAPACITY = "Capacity"
STRATEGY_CAPACITY = "Strategy Capacity"
ASSETS_SALES_VOLUME = "Assets Sales Volume"
PORTFOLIO_MARGIN = "Portfolio Margin"

_SECONDS_PER_DAY = 86400.0


class SeriesType(IntEnum):
    """LEAN's ``SeriesType``; the JSON holds the int."""

    LINE = 0
    SCATTER = 1
    CANDLE = 2
    BAR = 3
    FLAG = 4
    STACKED_AREA = 5
    PIE = 6
    TREEMAP = 7
    HEATMAP = 9
    SCATTER_3D = 10


class ScatterMarkerSymbol(StrEnum):
    """LEAN's ``ScatterMarkerSymbol``; the JSON holds the lower-case string."""

    NONE = "none"
    CIRCLE = "circle"
    SQUARE = "square"
    DIAMOND = "diamond"
    TRIANGLE = "triangle"
    TRIANGLE_DOWN = "triangle-down"


def _json_number(value: float) -> int | float:
    """Whole numbers as ints (``100000``, like Json.NET prints a decimal), others unchanged."""
    if value.is_integer():
        return int(value)
    return value


def _json_value(value: float | None) -> int | float | None:
    return None if value is None else _json_number(value)


def _checked_time(time_utc: float) -> float:
    time = float(time_utc)
    if not math.isfinite(time):
        raise ValueError(f"point time must be finite unix seconds, got {time_utc!r}")
    return time


def _rounded(value: float, what: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        # LEAN's chart values are decimals, which cannot hold NaN or infinity.
        raise ValueError(f"{what} must be a finite number, got {value!r}; skip the point instead")
    return smart_round(number)


def _rounded_optional(value: float | None, what: str) -> float | None:
    return None if value is None else _rounded(value, what)


class BaseSeries:
    """What line and candlestick series share: identity, layout fields and JSON header.

    Subclasses store the points; ``values`` always gives ``(time, value)`` pairs
    (for candles the value is the close).
    """

    series_type: SeriesType

    def __init__(
        self,
        name: str,
        series_type: SeriesType,
        index: int = 0,
        unit: str = "$",
        *,
        z_index: int | None = None,
        index_name: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        if not name:
            raise ValueError("a series needs a non-empty name")
        self.name = name
        self.series_type = SeriesType(series_type)
        self.index = int(index)
        self.unit = unit
        self.z_index = z_index
        self.index_name = index_name
        self.tooltip = tooltip
        self._times: list[float] = []

    def __len__(self) -> int:
        return len(self._times)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, {self.series_type.name}, points={len(self)})"

    @property
    def last_time(self) -> float | None:
        """Time of the last point, or ``None`` for an empty series."""
        return self._times[-1] if self._times else None

    @property
    def times(self) -> list[float]:
        """Point times in unix seconds (a copy)."""
        return list(self._times)

    @property
    def values(self) -> list[tuple[float, float | None]]:
        raise NotImplementedError

    def add_point(self, time_utc: float, value: float, *, overwrite_same_time: bool = False) -> bool:
        raise NotImplementedError

    def values_as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _accepts(self, time: float, overwrite_same_time: bool) -> str:
        """The result handler's rule: 'append', 'overwrite' or 'skip'."""
        if not self._times or time > self._times[-1]:
            return "append"
        if overwrite_same_time and time == self._times[-1]:
            return "overwrite"
        return "skip"

    def _header_json(self) -> dict[str, Any]:
        header: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "index": self.index,
            "seriesType": int(self.series_type),
        }
        if self.z_index is not None:
            header["zIndex"] = self.z_index
        if self.index_name is not None:
            header["indexName"] = self.index_name
        if self.tooltip is not None:
            header["tooltip"] = self.tooltip
        return header

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError


class Series(BaseSeries):
    """A line, bar, scatter (or other single-value) series of ``[unixSeconds, y]`` points.

    ``color`` is ``""`` or ``"#RRGGBB"``; ``marker`` is a :class:`ScatterMarkerSymbol`
    value. A value of ``None`` is a gap (JSON ``null``).
    """

    def __init__(
        self,
        name: str,
        series_type: SeriesType = SeriesType.LINE,
        index: int = 0,
        unit: str = "$",
        color: str = "",
        marker: str = ScatterMarkerSymbol.NONE,
        *,
        z_index: int | None = None,
        index_name: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        if SeriesType(series_type) is SeriesType.CANDLE:
            raise ValueError(f"series {name!r}: use CandlestickSeries for candle series")
        super().__init__(
            name, series_type, index, unit, z_index=z_index, index_name=index_name, tooltip=tooltip
        )
        self.color = color
        self.marker = ScatterMarkerSymbol(marker)
        self._values: list[float | None] = []

    def add_point(self, time_utc: float, value: float | None, *, overwrite_same_time: bool = False) -> bool:
        """Sample a point if its time is later than the last point's; return whether it was kept.

        With ``overwrite_same_time`` a point at the last point's time replaces it.
        Earlier points are always dropped.
        """
        time = _checked_time(time_utc)
        rounded = _rounded_optional(value, f"value of series {self.name!r}")
        action = self._accepts(time, overwrite_same_time)
        if action == "append":
            self._times.append(time)
            self._values.append(rounded)
        elif action == "overwrite":
            self._values[-1] = rounded
        return action != "skip"

    def plot_point(self, time_utc: float, value: float | None) -> None:
        """Add a point the way a user ``plot()`` does: same time as the last point overwrites it."""
        time = _checked_time(time_utc)
        rounded = _rounded_optional(value, f"value of series {self.name!r}")
        if self._times and self._times[-1] == time:
            self._values[-1] = rounded
        else:
            self._times.append(time)
            self._values.append(rounded)

    def _append_raw(self, time: float, value: float | None) -> None:
        self._times.append(time)
        self._values.append(value)

    @property
    def values(self) -> list[tuple[float, float | None]]:
        """``(unix seconds, value)`` pairs in insertion order."""
        return list(zip(self._times, self._values, strict=True))

    @property
    def last_value(self) -> float | None:
        """The latest point's value (None when empty), without listing the points."""
        return self._values[-1] if self._values else None

    def values_as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Times and values as float64 arrays (gaps become NaN)."""
        times = np.asarray(self._times, dtype=np.float64)
        values = np.asarray([np.nan if v is None else v for v in self._values], dtype=np.float64)
        return times, values

    def to_json(self) -> dict[str, Any]:
        data = self._header_json()
        data["values"] = [
            [_json_number(t), _json_value(v)] for t, v in zip(self._times, self._values, strict=True)
        ]
        data["color"] = self.color
        data["scatterMarkerSymbol"] = str(self.marker)
        return data


class CandlestickSeries(BaseSeries):
    """A candle series of ``[unixSeconds, open, high, low, close]`` points.

    ``add_point(time, value)`` adds a one-value candle (LEAN's equity candle when
    sampled once); :meth:`add_candle` adds a full candle. Statistics read the
    closes (:attr:`closes`, :attr:`values`).
    """

    def __init__(
        self,
        name: str,
        index: int = 0,
        unit: str = "$",
        *,
        z_index: int | None = None,
        index_name: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        super().__init__(
            name, SeriesType.CANDLE, index, unit, z_index=z_index, index_name=index_name, tooltip=tooltip
        )
        self._opens: list[float] = []
        self._highs: list[float] = []
        self._lows: list[float] = []
        self._closes: list[float] = []

    def add_point(self, time_utc: float, value: float, *, overwrite_same_time: bool = False) -> bool:
        """Sample a one-value candle (open = high = low = close = ``value``)."""
        return self.add_candle(time_utc, value, value, value, value, overwrite_same_time=overwrite_same_time)

    def add_candle(
        self,
        time_utc: float,
        open_: float,
        high: float,
        low: float,
        close: float,
        *,
        overwrite_same_time: bool = False,
    ) -> bool:
        """Sample a candle if its time is later than the last candle's; return whether it was kept."""
        time = _checked_time(time_utc)
        what = f"candle of series {self.name!r}"
        candle = (
            _rounded(open_, what),
            _rounded(high, what),
            _rounded(low, what),
            _rounded(close, what),
        )
        action = self._accepts(time, overwrite_same_time)
        if action == "append":
            self._append_raw(time, *candle)
        elif action == "overwrite":
            self._opens[-1], self._highs[-1], self._lows[-1], self._closes[-1] = candle
        return action != "skip"

    def _extend_raw(self, times: list[float], opens: list[float], highs: list[float], lows: list[float],
                    closes: list[float]) -> None:
        self._times.extend(times)
        self._opens.extend(opens)
        self._highs.extend(highs)
        self._lows.extend(lows)
        self._closes.extend(closes)

    def _append_raw(self, time: float, open_: float, high: float, low: float, close: float) -> None:
        self._times.append(time)
        self._opens.append(open_)
        self._highs.append(high)
        self._lows.append(low)
        self._closes.append(close)

    @property
    def closes(self) -> list[float]:
        """Candle closes in insertion order (what LEAN's statistics use)."""
        return list(self._closes)

    @property
    def candles(self) -> list[tuple[float, float, float, float, float]]:
        """``(unix seconds, open, high, low, close)`` tuples."""
        return list(zip(self._times, self._opens, self._highs, self._lows, self._closes, strict=True))

    @property
    def values(self) -> list[tuple[float, float | None]]:
        """``(unix seconds, close)`` pairs."""
        return list(zip(self._times, self._closes, strict=True))

    def values_as_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Times and closes as float64 arrays."""
        return np.asarray(self._times, dtype=np.float64), np.asarray(self._closes, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        data = self._header_json()
        data["values"] = [
            [_json_number(t), _json_number(o), _json_number(h), _json_number(lo), _json_number(c)]
            for t, o, h, lo, c in self.candles
        ]
        return data


class Chart:
    """A named group of series, serialised like LEAN's ``Chart``.

    ``symbol`` (an already-serialised LEAN symbol) and ``legend_disabled`` are
    written only when set.
    """

    def __init__(
        self,
        name: str,
        *,
        symbol: dict[str, Any] | str | None = None,
        legend_disabled: bool = False,
    ) -> None:
        if not name:
            raise ValueError("a chart needs a non-empty name")
        self.name = name
        self.symbol = symbol
        self.legend_disabled = legend_disabled
        self.series: dict[str, BaseSeries] = {}

    def __repr__(self) -> str:
        return f"Chart({self.name!r}, series={list(self.series)})"

    def add_series(self, series: BaseSeries) -> BaseSeries:
        """Add a series; a second series with the same name is an error (as in LEAN)."""
        if series.name in self.series:
            raise ValueError(
                f"chart {self.name!r} already has a series named {series.name!r}; "
                "use get_or_add_series() to reuse it"
            )
        self.series[series.name] = series
        return series

    def get_or_add_series(
        self,
        name: str,
        series_type: SeriesType = SeriesType.LINE,
        index: int = 0,
        unit: str = "$",
        color: str = "",
        marker: str = ScatterMarkerSymbol.NONE,
    ) -> BaseSeries:
        """Return the series called ``name``, creating it with these settings if it is missing."""
        existing = self.series.get(name)
        if existing is not None:
            return existing
        new: BaseSeries
        if SeriesType(series_type) is SeriesType.CANDLE:
            new = CandlestickSeries(name, index, unit)
        else:
            new = Series(name, series_type, index, unit, color, marker)
        self.series[name] = new
        return new

    def to_json(self) -> dict[str, Any]:
        """LEAN's chart JSON: ``{"name", "chartType": 0, ["symbol"], ["legendDisabled"], "series"}``."""
        data: dict[str, Any] = {"name": self.name, "chartType": 0}
        if self.symbol is not None:
            data["symbol"] = self.symbol
        if self.legend_disabled:
            data["legendDisabled"] = True
        data["series"] = {key: series.to_json() for key, series in self.series.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chart:
        """Rebuild a chart from LEAN JSON, keeping every point verbatim (no re-sampling rules)."""
        if not isinstance(data, dict):
            raise ValueError(f"chart JSON must be an object, got {type(data).__name__}")
        chart = cls(
            str(data.get("name", "")) or "?",
            symbol=data.get("symbol"),
            legend_disabled=bool(data.get("legendDisabled", False)),
        )
        for key, series_data in (data.get("series") or {}).items():
            chart.series[key] = _series_from_json(key, series_data)
        return chart


def _series_from_json(key: str, data: dict[str, Any]) -> BaseSeries:
    if not isinstance(data, dict):
        raise ValueError(f"series {key!r} must be a JSON object, got {type(data).__name__}")
    name = str(data.get("name") or key)
    series_type = SeriesType(int(data.get("seriesType", 0)))
    common: dict[str, Any] = {
        "z_index": data.get("zIndex"),
        "index_name": data.get("indexName"),
        "tooltip": data.get("tooltip"),
    }
    index = int(data.get("index", 0))
    unit = str(data.get("unit", "$"))
    points = data.get("values") or []
    if series_type is SeriesType.CANDLE:
        candles = CandlestickSeries(name, index, unit, **common)
        if _full_candles(points):  # the usual file: read column by column (a long minute run has 10^5+ candles)
            times, opens, highs, lows, closes = zip(*points, strict=True)
            candles._extend_raw([float(v) for v in times], [float(v) for v in opens], [float(v) for v in highs],
                                [float(v) for v in lows], [float(v) for v in closes])
            return candles
        for point in points:
            parsed = _candle_from_json(point)
            if parsed is not None:
                candles._append_raw(*parsed)
        return candles
    series = Series(
        name,
        series_type,
        index,
        unit,
        str(data.get("color") or ""),
        str(data.get("scatterMarkerSymbol") or ScatterMarkerSymbol.NONE),
        **common,
    )
    for point in points:
        parsed_point = _point_from_json(point)
        if parsed_point is not None:
            series._append_raw(*parsed_point)
    return series


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _point_from_json(point: Any) -> tuple[float, float | None] | None:
    # Current LEAN writes [x, y]; older versions wrote {"x": .., "y": ..}.
    if isinstance(point, list | tuple) and len(point) >= 2:
        return float(point[0]), _optional_float(point[1])
    if isinstance(point, dict) and "x" in point:
        return float(point["x"]), _optional_float(point.get("y"))
    return None


def _full_candles(points: list[Any]) -> bool:
    """True when every point is a ``[time, open, high, low, close]`` list of numbers."""
    return bool(points) and all(type(point) is list and len(point) == 5 and None not in point for point in points)


def _candle_from_json(point: Any) -> tuple[float, float, float, float, float] | None:
    if isinstance(point, list | tuple):
        if len(point) >= 5 and all(v is not None for v in point[:5]):
            return (float(point[0]), float(point[1]), float(point[2]), float(point[3]), float(point[4]))
        if len(point) == 2 and point[1] is not None:  # a line point stored in a candle series
            value = float(point[1])
            return float(point[0]), value, value, value, value
        return None
    if isinstance(point, dict) and "x" in point and point.get("y") is not None:
        value = float(point["y"])
        return float(point["x"]), value, value, value, value
    return None


def exposure_series_name(security_type: str, side: str) -> str:
    """LEAN's Exposure series name, e.g. ``"Equity - Long Ratio"`` for ``("Equity", "Long")``."""
    if side not in ("Long", "Short"):
        raise ValueError(f"side must be 'Long' or 'Short', got {side!r}")
    return f"{security_type} - {side} Ratio"


def default_charts(security_types: Sequence[str] = ("Equity",)) -> dict[str, Chart]:
    """The charts LEAN's backtest result handler samples, empty and in LEAN's order.

    ``security_types`` names the security types held (LEAN's ``SecurityType``
    names); each gets a ``Long Ratio`` and a ``Short Ratio`` Exposure series.
    ``Assets Sales Volume`` (one Treemap series per traded symbol) and
    ``Portfolio Margin`` are created by the engine when it first samples them,
    since their series depend on the holdings.

    Example::

        >>> sorted(default_charts())
        ['Benchmark', 'Capacity', 'Drawdown', 'Exposure', 'Portfolio Turnover', 'Strategy Equity']
    """
    strategy_equity = Chart(STRATEGY_EQUITY)
    strategy_equity.add_series(CandlestickSeries(EQUITY, 0, "$"))
    strategy_equity.add_series(Series(RETURN, SeriesType.BAR, 1, "%"))

    benchmark = Chart(BENCHMARK)
    benchmark.add_series(Series(BENCHMARK, SeriesType.LINE, 0, "$"))

    drawdown = Chart(DRAWDOWN)
    drawdown.add_series(Series(EQUITY_DRAWDOWN, SeriesType.LINE, 0, "%"))

    turnover = Chart(PORTFOLIO_TURNOVER)
    turnover.add_series(Series(PORTFOLIO_TURNOVER, SeriesType.LINE, 0, "%"))

    exposure = Chart(EXPOSURE)
    for side in ("Long", "Short"):  # LEAN samples every long ratio, then every short ratio
        for security_type in security_types:
            exposure.add_series(Series(exposure_series_name(security_type, side), SeriesType.LINE, 0, ""))

    capacity = Chart(CAPACITY)
    capacity.add_series(Series(STRATEGY_CAPACITY, SeriesType.LINE, 0, "$"))

    charts = (strategy_equity, benchmark, drawdown, turnover, exposure, capacity)
    return {chart.name: chart for chart in charts}


def summary_candle_days(candle_count: int) -> float | None:
    """Candle width in days for the summary file's equity chart, or ``None`` to keep it as is.

    The reference states the rule as "candles of ``min(7, n/100)`` days when that
    is greater than 1". We read ``n`` as the number of Equity candles and
    ``n/100`` as true (not integer) division, so 150 candles give 1.5-day candles
    and anything up to 100 candles is left alone.
    """
    if candle_count < 0:
        raise ValueError(f"candle_count must be >= 0, got {candle_count}")
    days = min(7.0, candle_count / 100.0)
    return days if days > 1.0 else None


def resample_candles(series: CandlestickSeries, days: float) -> CandlestickSeries:
    """Merge a candle series into candles ``days`` wide (the summary file's equity chart).

    Our reading of LEAN's down-sampling, in plain terms:

    * the first candle is kept as it is (at time ``t0``);
    * every later candle falls into bucket ``k`` covering ``(t0 + (k-1)·w, t0 + k·w]``
      (``w`` = ``days`` in seconds); a bucket becomes one candle with the first
      open, the highest high, the lowest low and the last close, stamped at the
      bucket's end ``t0 + k·w``;
    * the last bucket is stamped at its last candle's time instead, so the
      resampled curve ends exactly where the run ended and keeps the final
      equity (LEAN's sampler can drop points after the last whole bucket);
    * empty buckets produce no candle (no interpolation).

    Example::

        >>> s = CandlestickSeries("Equity")
        >>> for day, value in enumerate([100, 101, 99, 102, 103]):
        ...     _ = s.add_point(day * 86400, value)
        >>> for candle in resample_candles(s, 2).candles:
        ...     print(candle)
        (0.0, 100.0, 100.0, 100.0, 100.0)
        (172800.0, 101.0, 101.0, 99.0, 99.0)
        (345600.0, 102.0, 103.0, 102.0, 103.0)
    """
    if not math.isfinite(days) or days <= 0:
        raise ValueError(f"days must be a positive number of days, got {days!r}")
    width = days * _SECONDS_PER_DAY
    out = CandlestickSeries(
        series.name,
        series.index,
        series.unit,
        z_index=series.z_index,
        index_name=series.index_name,
        tooltip=series.tooltip,
    )
    candles = series.candles
    if not candles:
        return out
    t0 = candles[0][0]
    out._append_raw(*candles[0])
    bucket: list[tuple[float, float, float, float, float]] = []
    bucket_index = 0
    for candle in candles[1:]:
        k = max(1, math.ceil((candle[0] - t0) / width))
        if bucket and k != bucket_index:
            _flush_bucket(out, bucket, t0 + bucket_index * width)
            bucket = []
        bucket_index = k
        bucket.append(candle)
    if bucket:
        _flush_bucket(out, bucket, bucket[-1][0])
    return out


def _flush_bucket(
    out: CandlestickSeries, bucket: Iterable[tuple[float, float, float, float, float]], stamp: float
) -> None:
    items = list(bucket)
    open_ = items[0][1]
    high = max(c[2] for c in items)
    low = min(c[3] for c in items)
    close = items[-1][4]
    # Bucket ends are whole seconds in LEAN's output (its chart times are longs).
    time = float(math.floor(stamp)) if stamp != items[-1][0] else stamp
    out._append_raw(time, open_, high, low, close)
