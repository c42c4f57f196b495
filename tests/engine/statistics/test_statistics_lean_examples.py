"""End-to-end checks against LEAN's published statistics, rebuilt from the real sample data.

BasicTemplateDailyAlgorithm (SPY daily, 2013-10-08..17, 697 shares bought at the
10-09 open) and BasicTemplateAlgorithm (SPY minute, 2013-10-07..11, 688 shares bought
at the first minute's ask) are simple enough to re-create their sampled charts by hand
from ``../shared/lean-data``, following reference §3.1: daily samples at New York
midnight valued at the previous close, hourly benchmark slices, one final sample at
16:00 on the last day. Every statistic LEAN publishes for them must come out equal.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from lean_runner.engine.dotnet_format import decimal_round, smart_round
from lean_runner.engine.statistics import (
    CapacityBar,
    CapacityEstimator,
    StatisticsInputs,
    build_summary,
    compute_portfolio_statistics,
)

NEW_YORK_EDT = timezone(timedelta(hours=-4))  # every date below is in daylight saving time
SPY_SID = "SPY R735QTJ8XC9X"
SPY_PRICE_FACTOR = Decimal("0.8646266")  # factor_files/spy.csv row in force for October 2013
RISK_FREE_2013 = 0.0075
DAILY_BAR_SECONDS = 6.5 * 3600  # 09:30 -> 16:00


def _ny(day: date, hour: int, minute: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK_EDT).timestamp()


def _daily_bars(lean_data: Path, first: date, last: date) -> dict[date, tuple[Decimal, Decimal, Decimal]]:
    """Raw ``(open, close, volume)`` of SPY's daily bars between two dates."""
    with zipfile.ZipFile(lean_data / "equity/usa/daily/spy.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode()
    bars = {}
    for line in text.splitlines():
        stamp, open_, _, _, close, volume = line.split(",")
        day = datetime.strptime(stamp[:8], "%Y%m%d").date()
        if first <= day <= last:
            bars[day] = (Decimal(open_) / 10000, Decimal(close) / 10000, Decimal(volume))
    return bars


@dataclass
class _Charts:
    """The sampled series LEAN's statistics read, built up sample by sample."""

    equity: list[tuple[float, float]] = field(default_factory=list)
    returns: list[tuple[float, float]] = field(default_factory=list)
    benchmark: list[tuple[float, float]] = field(default_factory=list)
    turnover: list[float] = field(default_factory=list)
    previous_value: Decimal = Decimal(0)
    previous_sales: Decimal = Decimal(0)

    def daily_sample(self, time: float, value: Decimal, benchmark: Decimal, sales: Decimal) -> None:
        change = (
            Decimal(0)
            if self.previous_value == 0
            else (value - self.previous_value) * 100 / self.previous_value
        )
        self.returns.append((time, smart_round(float(decimal_round(change, 10)))))
        self.benchmark.append((time, smart_round(float(benchmark))))
        self.turnover.append(smart_round(float((sales - self.previous_sales) / value)))
        self.previous_value, self.previous_sales = value, sales
        self.equity_sample(time, value)

    def equity_sample(self, time: float, value: Decimal) -> None:
        self.equity.append((time, float(decimal_round(value, 4))))


@dataclass
class _Portfolio:
    cash: Decimal
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)

    @property
    def value(self) -> Decimal:
        return self.cash + self.quantity * self.price

    def total_portfolio_value(self) -> float:
        return float(self.value)

    def position_value(self, sid: str) -> float:
        return float(abs(self.quantity * self.price))

    def is_invested(self, sid: str) -> bool:
        return self.quantity != 0


def _basic_template_daily(lean_data: Path):
    """Replay BasicTemplateDailyAlgorithm; returns (statistics inputs, capacity, fees)."""
    start, end = date(2013, 10, 8), date(2013, 10, 17)
    bars = _daily_bars(lean_data, start - timedelta(days=1), end)
    quantity, fee = Decimal(697), Decimal("3.485")
    portfolio = _Portfolio(cash=Decimal(100000))
    charts = _Charts(previous_value=portfolio.value)
    capacity = CapacityEstimator(start_date=start, end_date=end)
    benchmark = bars[start - timedelta(days=1)][1] * SPY_PRICE_FACTOR  # hourly feed starts a day early
    sales = Decimal(0)
    charts.daily_sample(_ny(start, 0), portfolio.value, benchmark, sales)

    day = start
    while day <= end:
        if day != start:
            charts.daily_sample(_ny(day, 0), portfolio.value, benchmark, sales)
        if day in bars:
            open_, close, volume = bars[day]
            for hour in range(10, 17):  # hourly benchmark slices; the daily bar comes at 16:00
                time = _ny(day, hour)
                slice_bars = {}
                if hour == 16:
                    portfolio.price = benchmark = close * SPY_PRICE_FACTOR
                    slice_bars[SPY_SID] = CapacityBar(
                        close=float(portfolio.price),
                        volume=float(volume / SPY_PRICE_FACTOR),
                        period_seconds=DAILY_BAR_SECONDS,
                    )
                    if day == date(2013, 10, 9):  # the market-on-open order placed on 10-08
                        fill = open_ * SPY_PRICE_FACTOR
                        portfolio.cash -= quantity * fill + fee
                        portfolio.quantity = quantity
                        sales += quantity * fill
                        capacity.on_order_fill(SPY_SID, time, float(fill), float(quantity))
                capacity.update(time, slice_bars, portfolio)
                charts.equity_sample(time, portfolio.value)
        day += timedelta(days=1)

    last_time = _ny(end, 16)
    capacity.update(last_time, slice_bars, portfolio, force=True)
    charts.daily_sample(last_time, portfolio.value, benchmark, sales)
    inputs = StatisticsInputs(
        equity=charts.equity,
        returns=charts.returns,
        benchmark=charts.benchmark,
        starting_capital=100000.0,
        transaction_pnls=[],
        portfolio_turnover=charts.turnover,
        risk_free_rate=lambda day: RISK_FREE_2013,
    )
    return inputs, capacity, fee


def test_basic_template_daily_reproduces_every_lean_statistic(lean_data, conformance_cases):
    expected = next(c for c in conformance_cases if c["name"] == "BasicTemplateDailyAlgorithm")
    inputs, capacity, fees = _basic_template_daily(lean_data)

    stats = compute_portfolio_statistics(inputs)
    summary = build_summary(
        stats,
        total_orders=1,
        total_fees=fees,
        capacity=capacity.capacity,
        lowest_capacity_asset=capacity.lowest_capacity_asset,
    )

    published = {k: v for k, v in expected["expected_statistics"].items() if k != "OrderListHash"}
    assert summary == published


def _minute_bars(lean_data: Path, day: date) -> list[tuple[float, Decimal, Decimal]]:
    """SPY regular-session minute trade bars of a day as ``(end time, raw close, volume)``."""
    with zipfile.ZipFile(lean_data / f"equity/usa/minute/spy/{day:%Y%m%d}_trade.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode()
    session_open, session_close = _ny(day, 9, 30), _ny(day, 16)
    midnight = _ny(day, 0)
    bars = []
    for line in text.splitlines():
        millis, _, _, _, close, volume = line.split(",")
        end_time = midnight + int(millis) / 1000 + 60
        if session_open < end_time <= session_close:
            bars.append((end_time, Decimal(close) / 10000, Decimal(volume)))
    return bars


def _basic_template_minute(lean_data: Path):
    """Replay BasicTemplateAlgorithm; returns (statistics inputs, capacity estimator)."""
    start, end = date(2013, 10, 7), date(2013, 10, 11)
    quantity, fee = Decimal(688), Decimal("3.44")
    fill = Decimal("167.45") * SPY_PRICE_FACTOR  # the ask of the first minute's quote bar
    portfolio = _Portfolio(cash=Decimal(100000))
    charts = _Charts(previous_value=portfolio.value)
    estimator = CapacityEstimator(start_date=start, end_date=end)
    benchmark = Decimal("168.89") * SPY_PRICE_FACTOR  # 2013-10-04 close, from the hourly feed
    sales = Decimal(0)
    charts.daily_sample(_ny(start, 0), portfolio.value, benchmark, sales)
    next_sample: float | None = None
    last_time, last_bars = 0.0, {}
    day = start
    while day <= end:
        if day != start:
            charts.daily_sample(_ny(day, 0), portfolio.value, benchmark, sales)
        for end_time, close, volume in _minute_bars(lean_data, day):
            portfolio.price = close * SPY_PRICE_FACTOR
            if portfolio.quantity == 0:
                portfolio.cash -= quantity * fill + fee
                portfolio.quantity = quantity
                sales += quantity * fill
                estimator.on_order_fill(SPY_SID, end_time, float(fill), float(quantity))
            last_time = end_time
            last_bars = {
                SPY_SID: CapacityBar(
                    close=float(portfolio.price), volume=float(volume / SPY_PRICE_FACTOR), period_seconds=60
                )
            }
            estimator.update(end_time, last_bars, portfolio)
            if next_sample is None or end_time > next_sample:  # intraday samples, 4-minute resample period
                charts.equity_sample(end_time, portfolio.value)
                next_sample = end_time + 240
        benchmark = portfolio.price
        day += timedelta(days=1)

    estimator.update(last_time, last_bars, portfolio, force=True)
    charts.equity_sample(last_time, portfolio.value)
    charts.daily_sample(last_time, portfolio.value, benchmark, sales)
    inputs = StatisticsInputs(
        equity=charts.equity,
        returns=charts.returns,
        benchmark=charts.benchmark,
        starting_capital=100000.0,
        transaction_pnls=[],
        portfolio_turnover=charts.turnover,
        risk_free_rate=lambda day: RISK_FREE_2013,
    )
    return inputs, estimator, fee


def test_basic_template_minute_reproduces_every_lean_statistic(lean_data, conformance_cases):
    expected = next(c for c in conformance_cases if c["name"] == "BasicTemplateAlgorithm")
    inputs, capacity, fees = _basic_template_minute(lean_data)

    summary = build_summary(
        compute_portfolio_statistics(inputs),
        total_orders=1,
        total_fees=fees,
        capacity=capacity.capacity,
        lowest_capacity_asset=capacity.lowest_capacity_asset,
    )

    published = {k: v for k, v in expected["expected_statistics"].items() if k != "OrderListHash"}
    assert summary == published
