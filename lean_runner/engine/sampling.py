"""Sampling of LEAN's default charts during a backtest.

LEAN samples the portfolio two ways, and its statistics depend on both:
a *daily* sample at every calendar midnight (weekends included) fired before
the new slice's prices are applied, which appends Equity, Return, Benchmark,
Drawdown and Portfolio Turnover points; and an *intraday* Equity sample after a
slice whenever the resample period has passed. A final daily-style sample is
taken at the last slice's time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from lean_runner.engine.results.charts import (
    BENCHMARK,
    CAPACITY,
    DRAWDOWN,
    EQUITY,
    EQUITY_DRAWDOWN,
    EXPOSURE,
    PORTFOLIO_TURNOVER,
    RETURN,
    STRATEGY_CAPACITY,
    STRATEGY_EQUITY,
    CandlestickSeries,
    Chart,
    Series,
    SeriesType,
    default_charts,
    exposure_series_name,
)

MIN_RESAMPLE_PERIOD = timedelta(minutes=4)


def resample_period(start: datetime, end: datetime) -> timedelta:
    """``max(4 min, (end − start) / 4000)``: LEAN's intraday equity sampling interval."""
    return max(MIN_RESAMPLE_PERIOD, (end - start) / 4000)


class PerformanceSampler:
    """Owns the result charts and appends LEAN's samples to them."""

    def __init__(self, portfolio_value: Callable[[], float], benchmark_value: Callable[[datetime], float],
                 sale_volume: Callable[[], float], exposure: Callable[[], tuple[float, float]],
                 capacity: Callable[[], float], period: timedelta) -> None:
        self._portfolio_value = portfolio_value
        self._benchmark_value = benchmark_value
        self._sale_volume = sale_volume
        self._exposure = exposure
        self._capacity = capacity
        self.period = period
        self.charts: dict[str, Chart] = default_charts()
        self.equity = self._series(STRATEGY_EQUITY, EQUITY)
        self.returns = self._series(STRATEGY_EQUITY, RETURN)
        self.benchmark = self._series(BENCHMARK, BENCHMARK)
        self.drawdown = self._series(DRAWDOWN, EQUITY_DRAWDOWN)
        self.turnover = self._series(PORTFOLIO_TURNOVER, PORTFOLIO_TURNOVER)
        self.long_ratio = self._series(EXPOSURE, exposure_series_name("Equity", "Long"))
        self.short_ratio = self._series(EXPOSURE, exposure_series_name("Equity", "Short"))
        self.strategy_capacity = self._series(CAPACITY, STRATEGY_CAPACITY)
        self._previous_value: float | None = None
        self._previous_sale_volume = 0.0
        self._peak = 0.0
        self.next_intraday_utc = 0.0
        self.daily_samples = 0
        self.before_daily: list[Callable[[float], None]] = []

    def _series(self, chart: str, name: str) -> Series:
        series = self.charts[chart].series[name]
        return series  # type: ignore[return-value]

    def start(self, start_utc: float) -> None:
        self.next_intraday_utc = start_utc

    def sample_intraday(self, utc_seconds: float) -> None:
        """Equity candle after a slice, at most once per resample period."""
        if utc_seconds <= self.next_intraday_utc:
            return
        self.next_intraday_utc = utc_seconds + self.period.total_seconds()
        value = round(self._portfolio_value(), 4)
        assert isinstance(self.equity, CandlestickSeries)
        self.equity.add_point(utc_seconds, value)
        self._peak = max(self._peak, value)

    def sample_daily(self, utc_seconds: float, local_time: datetime) -> None:
        """The midnight (and final) sample feeding Return, Benchmark, Drawdown and Turnover."""
        for hook in self.before_daily:
            hook(utc_seconds)
        value = round(self._portfolio_value(), 4)
        assert isinstance(self.equity, CandlestickSeries)
        self.equity.add_point(utc_seconds, value)
        previous = self._previous_value
        performance = 0.0 if not previous else round((value - previous) * 100 / previous, 10)
        self.returns.add_point(utc_seconds, performance)
        self._previous_value = value
        self.benchmark.add_point(utc_seconds, self._benchmark_value(local_time))
        self._peak = max(self._peak, value)
        drawdown = round((value / self._peak - 1) * 100, 2) if self._peak else 0.0
        self.drawdown.add_point(utc_seconds, drawdown)
        sale_volume = self._sale_volume()
        # The start sample's point is kept in the chart; the statistics skip it, as LEAN's do.
        turnover = (sale_volume - self._previous_sale_volume) / value if value else 0.0
        self.turnover.add_point(utc_seconds, turnover, overwrite_same_time=True)
        self._previous_sale_volume = sale_volume
        long_ratio, short_ratio = self._exposure()
        self.long_ratio.add_point(utc_seconds, round(long_ratio, 4))
        self.short_ratio.add_point(utc_seconds, round(short_ratio, 4))
        self.strategy_capacity.add_point(utc_seconds, self._capacity())
        self.daily_samples += 1

    def add_user_point(self, chart: str, series: str, utc_seconds: float, value: float) -> None:
        target = self.charts.get(chart)
        if target is None:
            target = self.charts[chart] = Chart(chart)
        line = target.get_or_add_series(series, SeriesType.LINE, 0, "$")
        line.add_point(utc_seconds, value)
