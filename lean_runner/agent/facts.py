"""The facts an explanation states, computed from a LEAN result folder (never from a model).

Both agents explain from these, so every number in an explanation comes from the result:
drawdown episodes (peak, trough, recovery, depth), yearly and monthly returns, trades and win
rate, time in the market, the strategy's returns on the benchmark's calmest and most volatile
days, and what fees and slippage cost.

Example::

    facts = result_facts(read_result_folder(folder), config={"slippage_model": "basic"})
    facts.drawdowns[0].depth        # 0.103  (the worst fall, a fraction of the peak)
    facts.worst_year                # PeriodReturn(period="2008", value=-0.052)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lean_runner.dsl.config import DEFAULT_SLIPPAGE_BPS
from lean_runner.dsl.results import backtest_results, daily_equity
from lean_runner.engine.results.reader import LeanResultFolder

__all__ = ["DrawdownEpisode", "PeriodReturn", "ResultFacts", "VolatilityRegime", "result_facts"]

_NEW_YORK = ZoneInfo("America/New_York")
REGIME_WINDOW = 21  # trading days of the benchmark's rolling volatility (about a month)
WORST_DRAWDOWNS = 3


@dataclass(frozen=True)
class DrawdownEpisode:
    """A fall from a peak: ``start`` the peak's day, ``trough`` the lowest day, ``end`` the first day back at the
    peak (None: not recovered by the end), ``depth`` the fall as a fraction of the peak."""

    start: str
    trough: str
    end: str | None
    depth: float

    @property
    def recovery_days(self) -> int | None:
        """Calendar days from the trough back to the peak (None when it never recovered)."""
        if self.end is None:
            return None
        return (date.fromisoformat(self.end) - date.fromisoformat(self.trough)).days


@dataclass(frozen=True)
class PeriodReturn:
    period: str
    value: float


@dataclass(frozen=True)
class VolatilityRegime:
    """The strategy on the days the benchmark's 21-day volatility was in its top (``high``) or bottom (``low``)
    third: how many days, the volatility boundary, and the compounded returns of strategy and benchmark."""

    label: str
    days: int
    boundary: float
    strategy_return: float
    benchmark_return: float


@dataclass(frozen=True)
class ResultFacts:
    start: str
    end: str
    start_equity: float
    end_equity: float
    total_return: float
    cagr: float | None
    max_drawdown: float
    sharpe: float | None
    drawdowns: list[DrawdownEpisode]
    yearly: list[PeriodReturn]
    monthly: list[PeriodReturn]
    trade_count: int
    winning_trades: int
    average_win: float | None
    average_loss: float | None
    exposure: float | None
    fees: float
    traded_value: float
    slippage_cost: float
    regimes: list[VolatilityRegime] = field(default_factory=list)

    @property
    def win_rate(self) -> float | None:
        return self.winning_trades / self.trade_count if self.trade_count else None

    @property
    def best_year(self) -> PeriodReturn | None:
        return max(self.yearly, key=lambda p: p.value) if self.yearly else None

    @property
    def worst_year(self) -> PeriodReturn | None:
        return min(self.yearly, key=lambda p: p.value) if self.yearly else None

    @property
    def best_month(self) -> PeriodReturn | None:
        return max(self.monthly, key=lambda p: p.value) if self.monthly else None

    @property
    def worst_month(self) -> PeriodReturn | None:
        return min(self.monthly, key=lambda p: p.value) if self.monthly else None

    @property
    def costs(self) -> float:
        """Fees plus the slippage estimate, in dollars."""
        return self.fees + self.slippage_cost

    @property
    def return_before_costs(self) -> float:
        return (self.end_equity + self.costs) / self.start_equity - 1 if self.start_equity else 0.0

    def as_json(self) -> dict[str, Any]:
        """The facts as plain JSON (what the model agent is given)."""
        return {
            "start": self.start, "end": self.end, "start_equity": self.start_equity, "end_equity": self.end_equity,
            "total_return": self.total_return, "cagr": self.cagr, "max_drawdown": self.max_drawdown,
            "sharpe": self.sharpe,
            "worst_drawdowns": [{"start": d.start, "trough": d.trough, "end": d.end, "depth": d.depth,
                                 "recovery_days": d.recovery_days} for d in self.drawdowns],
            "yearly_returns": {p.period: p.value for p in self.yearly},
            "best_month": vars(self.best_month) if self.best_month else None,
            "worst_month": vars(self.worst_month) if self.worst_month else None,
            "trade_count": self.trade_count, "win_rate": self.win_rate, "average_win": self.average_win,
            "average_loss": self.average_loss, "exposure": self.exposure, "fees": self.fees,
            "slippage_cost": self.slippage_cost, "return_before_costs": self.return_before_costs,
            "volatility_regimes": [vars(r) for r in self.regimes],
        }


def _money(text: str | None) -> float:
    try:
        return float((text or "0").replace("$", "").replace(",", ""))
    except ValueError:
        return 0.0


def worst_drawdowns(curve: list[tuple[date, float]], count: int = WORST_DRAWDOWNS) -> list[DrawdownEpisode]:
    """The ``count`` deepest falls below a running peak, deepest first (the same episodes as the results'
    ``drawdowns``, with the trough's day)."""
    episodes: list[DrawdownEpisode] = []
    peak_day: date | None = None
    peak, depth, trough_day = float("-inf"), 0.0, None
    for day, equity in curve:
        if equity >= peak:
            if depth > 0 and peak_day and trough_day:
                episodes.append(DrawdownEpisode(peak_day.isoformat(), trough_day.isoformat(), day.isoformat(), depth))
            peak_day, peak, depth, trough_day = day, equity, 0.0, None
        elif peak > 0 and 1 - equity / peak > depth:
            depth, trough_day = 1 - equity / peak, day
    if depth > 0 and peak_day and trough_day:
        episodes.append(DrawdownEpisode(peak_day.isoformat(), trough_day.isoformat(), None, depth))
    return sorted(episodes, key=lambda e: -e.depth)[:count]


def _session_days(points: list[tuple[float, float]]) -> dict[date, float]:
    """Chart samples by trading day, read as the equity curve is (a midnight sample closes the day before)."""
    days: dict[date, float] = {}
    for index, (seconds, value) in enumerate(points):
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(_NEW_YORK).replace(tzinfo=None)
        day = moment.date() if index == 0 else (moment - timedelta(microseconds=1)).date()
        if day.weekday() < 5 or index == 0:
            days[day] = float(value)
    return days


def _series(result: LeanResultFolder, chart: str, series: str) -> list[tuple[float, float]]:
    found = result.charts.get(chart)
    values = getattr(found.series.get(series), "values", None) if found is not None else None
    return [(float(t), float(v)) for t, v in values or [] if v is not None]


def volatility_regimes(curve: list[tuple[date, float]], benchmark: dict[date, float]) -> list[VolatilityRegime]:
    """The strategy's compounded return on the benchmark's most and least volatile thirds of days."""
    days = [day for day, _ in curve if day in benchmark]
    equity = dict(curve)
    rows: list[tuple[float, float, float]] = []  # (benchmark volatility, strategy return, benchmark return)
    bench_returns: list[float] = []
    for previous, day in itertools.pairwise(days):
        if benchmark[previous] <= 0 or equity[previous] <= 0:
            continue
        bench_returns.append(benchmark[day] / benchmark[previous] - 1)
        if len(bench_returns) >= REGIME_WINDOW:
            window = bench_returns[-REGIME_WINDOW:]
            mean = sum(window) / len(window)
            volatility = math.sqrt(sum((r - mean) ** 2 for r in window) / (len(window) - 1) * 252)
            rows.append((volatility, equity[day] / equity[previous] - 1, bench_returns[-1]))
    if len(rows) < 3 * REGIME_WINDOW:
        return []
    ordered = sorted(row[0] for row in rows)
    third = len(ordered) // 3
    low_boundary, high_boundary = ordered[third - 1], ordered[-third]
    regimes = []
    for label, chosen, boundary in (("high", [r for r in rows if r[0] >= high_boundary], high_boundary),
                                    ("low", [r for r in rows if r[0] <= low_boundary], low_boundary)):
        strategy = math.prod(1 + r[1] for r in chosen) - 1
        bench = math.prod(1 + r[2] for r in chosen) - 1
        regimes.append(VolatilityRegime(label, len(chosen), boundary, strategy, bench))
    return regimes


def result_facts(result: LeanResultFolder, *, config: dict[str, Any] | None = None) -> ResultFacts:
    """Every fact of one result; ``config`` (the backtest's) says whether slippage was modelled and how much."""
    config = config or {}
    shaped = backtest_results(result)
    curve = daily_equity(result)
    monthly = backtest_results(result, monthly=True)["per_period_metrics"]
    metrics = shaped["metrics_summary"]
    trades = shaped["trades"]
    wins = [t["pnl"] for t in trades if t["pnl"] > 0]
    losses = [t["pnl"] for t in trades if t["pnl"] <= 0]
    exposure_samples = _series(result, "Exposure", "Equity - Long Ratio")
    exposure = (sum(1 for _, v in exposure_samples if v > 0) / len(exposure_samples)) if exposure_samples else None
    traded_value = sum(abs(t["quantity"]) * (t["entry_price"] + t["exit_price"]) for t in trades)
    slippage_bps = 0.0
    if config.get("slippage_model") == "basic":
        slippage_bps = float(config.get("slippage_bps", DEFAULT_SLIPPAGE_BPS))
    start_equity = curve[0][1] if curve else _money(result.statistics.get("Start Equity"))
    end_equity = curve[-1][1] if curve else _money(result.statistics.get("End Equity"))
    return ResultFacts(
        start=curve[0][0].isoformat() if curve else "", end=curve[-1][0].isoformat() if curve else "",
        start_equity=start_equity, end_equity=end_equity,
        total_return=metrics["total_return"] or 0.0, cagr=metrics["cagr"],
        max_drawdown=metrics["max_drawdown"] or 0.0, sharpe=metrics["sharpe"],
        drawdowns=worst_drawdowns(curve),
        yearly=[PeriodReturn(p["period"], p["return"]) for p in shaped["per_period_metrics"]],
        monthly=[PeriodReturn(p["period"], p["return"]) for p in monthly],
        trade_count=len(trades), winning_trades=len(wins),
        average_win=sum(wins) / len(wins) if wins else None,
        average_loss=sum(losses) / len(losses) if losses else None,
        exposure=exposure, fees=_money(result.statistics.get("Total Fees")), traded_value=traded_value,
        slippage_cost=traded_value * slippage_bps / 10000,
        regimes=volatility_regimes(curve, _session_days(_series(result, "Benchmark", "Benchmark"))))
