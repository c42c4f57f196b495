"""LEAN's ``PortfolioStatistics``: the portfolio-level statistics of a backtest.

:func:`compute_portfolio_statistics` is a pure function of the sampled charts, the
transaction P&L record and the risk-free rate (reference §3.2–§3.3). Every field of
:class:`PortfolioStatistics` is a ``Decimal``, as in LEAN, because the summary prints
several of them with their decimal scale ("2.200%", "0.60", "-0.200"); the values
LEAN computes in double are converted the way LEAN converts them (15 significant
digits, :func:`~lean_runner.engine.statistics.decimal_casts.net_decimal`).

Example::

    >>> from datetime import date
    >>> stats = compute_portfolio_statistics(StatisticsInputs(
    ...     equity=[(0, 100000.0), (86400, 101000.0)], returns=[], benchmark=[],
    ...     starting_capital=100000, transaction_pnls=[], portfolio_turnover=[],
    ...     risk_free_rate=lambda day: 0.0))
    >>> stats.end_equity, stats.sharpe_ratio   # too few samples: only equity is set
    (Decimal('101000'), Decimal('0'))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext

from lean_runner.engine.dotnet_format import decimal_round
from lean_runner.engine.statistics import ratios
from lean_runner.engine.statistics.decimal_casts import DECIMAL_CONTEXT, net_decimal, net_float
from lean_runner.engine.statistics.moments import power, sample_covariance, sample_variance
from lean_runner.engine.statistics.series import average_turnover, keyed_points, performance_and_benchmark

__all__ = [
    "PortfolioStatistics",
    "StatisticsInputs",
    "compounding_annual_return",
    "compute_portfolio_statistics",
    "drawdown_metrics",
]

_ZERO = Decimal(0)
_DAYS_PER_YEAR = Decimal(365)
_SECONDS_PER_DAY = 86400.0
_DRAWDOWN_DECIMALS = 3
_VALUE_AT_RISK_DECIMALS = 3


@dataclass(frozen=True)
class StatisticsInputs:
    """Everything the portfolio statistics depend on, as plain values.

    * ``equity``: ``(UTC unix seconds, candle close)`` of every Equity sample, intraday
      and daily, in order.
    * ``returns``: the "Return" chart points ``(UTC secs, percent)``, *including* the
      start ("day 0") and first daily ("day 1") samples, which are dropped here.
    * ``benchmark``: the "Benchmark" chart points ``(UTC secs, value)``, all of them.
    * ``transaction_pnls``: ``(UTC secs, pnl)`` of every position-reducing fill in time
      order (LEAN's ``TransactionRecord``: ``(fill - avg)·qty·sign - 2·fee``).
    * ``portfolio_turnover``: the Portfolio Turnover chart values in time order,
      *including* the start sample, which is skipped here.
    * ``risk_free_rate``: annual rate as a fraction for a date; it is called with the
      **UTC** calendar date of each equity key (LEAN uses ``key.Date`` of its UTC keys)
      and the rates are averaged over every key.
    * ``win_loss_counts``: optional ``(wins, losses)`` override (LEAN's
      ``WinningTransactions``/``LosingTransactions``, which differ from ``pnl > 0`` only
      for ITM option assignments); by default counted from ``transaction_pnls``.
    """

    equity: Sequence[tuple[float, float]]
    returns: Sequence[tuple[float, float]]
    benchmark: Sequence[tuple[float, float]]
    starting_capital: float | Decimal
    transaction_pnls: Sequence[tuple[float, float]]
    portfolio_turnover: Sequence[float]
    risk_free_rate: Callable[[date], float]
    trading_days_per_year: int = 252
    win_loss_counts: tuple[int, int] | None = None


@dataclass(frozen=True)
class PortfolioStatistics:
    """LEAN's ``PortfolioStatistics``; fractions, not percentages (``0.022`` = 2.2 %)."""

    average_win_rate: Decimal = _ZERO
    average_loss_rate: Decimal = _ZERO
    profit_loss_ratio: Decimal = _ZERO
    win_rate: Decimal = _ZERO
    loss_rate: Decimal = _ZERO
    expectancy: Decimal = _ZERO
    start_equity: Decimal = _ZERO
    end_equity: Decimal = _ZERO
    compounding_annual_return: Decimal = _ZERO
    drawdown: Decimal = _ZERO
    total_net_profit: Decimal = _ZERO
    sharpe_ratio: Decimal = _ZERO
    probabilistic_sharpe_ratio: Decimal = _ZERO
    sortino_ratio: Decimal = _ZERO
    alpha: Decimal = _ZERO
    beta: Decimal = _ZERO
    annual_standard_deviation: Decimal = _ZERO
    annual_variance: Decimal = _ZERO
    information_ratio: Decimal = _ZERO
    tracking_error: Decimal = _ZERO
    treynor_ratio: Decimal = _ZERO
    portfolio_turnover: Decimal = _ZERO
    value_at_risk_99: Decimal = _ZERO
    value_at_risk_95: Decimal = _ZERO
    drawdown_recovery: int = 0


@dataclass(frozen=True)
class _TransactionRates:
    average_win: Decimal
    average_loss: Decimal
    profit_loss_ratio: Decimal
    win_rate: Decimal
    loss_rate: Decimal
    expectancy: Decimal


def _transaction_rates(
    pnls: Sequence[tuple[float, float]], starting_capital: Decimal, counts: tuple[int, int] | None
) -> _TransactionRates:
    """Average win/loss as returns on the capital running at each fill; a pnl <= 0 is a loss."""
    running_capital = starting_capital
    total_profit = total_loss = _ZERO
    wins = losses = 0
    # A stable sort keeps same-time fills in order (LEAN nudges their keys by 1 ms).
    for _, raw_pnl in sorted(pnls, key=lambda record: record[0]):
        pnl = net_decimal(raw_pnl)
        relative = pnl / running_capital if running_capital != 0 else _ZERO
        if pnl > 0:
            total_profit += relative
            wins += 1
        else:
            total_loss += relative
            losses += 1
        running_capital += pnl
    average_win = total_profit / wins if wins else _ZERO
    average_loss = total_loss / losses if losses else _ZERO
    profit_loss_ratio = average_win / abs(average_loss) if average_loss != 0 else _ZERO
    if counts is not None:
        wins, losses = counts
    trades = wins + losses
    win_rate = Decimal(wins) / trades if trades else _ZERO
    loss_rate = Decimal(losses) / trades if trades else _ZERO
    return _TransactionRates(
        average_win=average_win,
        average_loss=average_loss,
        profit_loss_ratio=profit_loss_ratio,
        win_rate=win_rate,
        loss_rate=loss_rate,
        expectancy=win_rate * profit_loss_ratio - loss_rate,
    )


def drawdown_metrics(
    equity: Sequence[tuple[float, Decimal]], decimals: int = _DRAWDOWN_DECIMALS
) -> tuple[Decimal, int]:
    """Maximum drawdown (a positive fraction, banker's-rounded) and longest recovery in days.

    A value at or above the running peak is a new peak (ties move the peak's time
    forward). When a new peak ends a drawdown, the recovery lasted from the previous
    peak's time to now; the result is the longest such recovery, truncated to whole
    days. A drawdown still open at the end does not count.
    """
    if not equity:
        return _ZERO, 0
    peak_time, peak_value = equity[0]
    deepest = _ZERO
    in_drawdown = False
    longest_recovery_days = 0.0
    for time, value in equity:
        if value >= peak_value:
            if in_drawdown:
                longest_recovery_days = max(longest_recovery_days, (time - peak_time) / _SECONDS_PER_DAY)
                in_drawdown = False
            peak_time, peak_value = time, value
            continue
        in_drawdown = True
        if peak_value > 0:
            deepest = min(deepest, value / peak_value - 1)
    return decimal_round(abs(deepest), decimals), int(longest_recovery_days)


def compounding_annual_return(starting_capital: Decimal, final_capital: Decimal, years: Decimal) -> Decimal:
    """``(final / start)^(1 / years) - 1`` in doubles; 0 for no time, no capital or NaN."""
    if years == 0 or starting_capital == 0:
        return _ZERO
    result = power(net_float(final_capital) / net_float(starting_capital), 1.0 / net_float(years)) - 1.0
    return _ZERO if math.isnan(result) or math.isinf(result) else net_decimal(result)


def _average_risk_free_rate(
    equity: Sequence[tuple[float, Decimal]], rate: Callable[[date], float]
) -> Decimal:
    """Mean of the rate on the UTC date of every equity key (each key weighted once)."""
    if not equity:
        return _ZERO
    by_date: dict[date, Decimal] = {}
    total = _ZERO
    for time, _ in equity:
        day = datetime.fromtimestamp(time, tz=UTC).date()
        if day not in by_date:
            by_date[day] = net_decimal(rate(day))
        total += by_date[day]
    return total / len(equity)


def _value_at_risk(performance: Sequence[float], lookback: int, confidence: float) -> Decimal:
    return decimal_round(
        net_decimal(ratios.value_at_risk(performance, lookback, confidence)), _VALUE_AT_RISK_DECIMALS
    )


def compute_portfolio_statistics(inputs: StatisticsInputs) -> PortfolioStatistics:
    """Compute every ``PortfolioStatistics`` field exactly as LEAN defines it.

    If the starting capital is 0 or fewer than two performance/benchmark samples
    remain after dropping the leading two, only ``start_equity``, ``end_equity`` and
    ``portfolio_turnover`` are set (LEAN's short-circuit).
    """
    with localcontext(DECIMAL_CONTEXT):
        return _compute(inputs)


def _compute(inputs: StatisticsInputs) -> PortfolioStatistics:
    days = inputs.trading_days_per_year
    equity = keyed_points(inputs.equity)
    start_equity = net_decimal(inputs.starting_capital)
    end_equity = equity[-1][1] if equity else _ZERO
    turnover = average_turnover(inputs.portfolio_turnover)
    performance, benchmark = performance_and_benchmark(
        returns=inputs.returns,
        benchmark=inputs.benchmark,
        first_equity_time=equity[0][0] if equity else None,
        last_equity_time=equity[-1][0] if equity else None,
    )
    if start_equity == 0 or len(performance) < 2 or len(benchmark) < 2:
        return PortfolioStatistics(
            start_equity=start_equity, end_equity=end_equity, portfolio_turnover=turnover
        )

    rates = _transaction_rates(inputs.transaction_pnls, start_equity, inputs.win_loss_counts)
    elapsed_days = (equity[-1][0] - equity[0][0]) / _SECONDS_PER_DAY if equity else 0.0
    years = net_decimal(elapsed_days) / _DAYS_PER_YEAR
    drawdown, recovery = drawdown_metrics(equity)

    variance = net_decimal(ratios.annual_variance(performance, days))
    deviation = net_decimal(math.sqrt(net_float(variance)))
    annual_return = net_decimal(ratios.annual_performance(performance, days))
    benchmark_return = net_decimal(ratios.annual_performance(benchmark, days))
    risk_free = _average_risk_free_rate(equity, inputs.risk_free_rate)
    excess = net_float(annual_return) - net_float(risk_free)
    sharpe = _ZERO if deviation == 0 else net_decimal(excess / net_float(deviation))
    downside = net_decimal(ratios.annual_downside_standard_deviation(performance, days))
    sortino = _ZERO if downside == 0 else net_decimal(excess / net_float(downside))

    benchmark_variance = sample_variance(benchmark)
    beta = (
        _ZERO
        if math.isnan(benchmark_variance) or benchmark_variance == 0
        else net_decimal(sample_covariance(performance, benchmark) / benchmark_variance)
    )
    alpha = _ZERO if beta == 0 else annual_return - (risk_free + beta * (benchmark_return - risk_free))
    tracking = net_decimal(ratios.tracking_error(performance, benchmark, days))
    information = _ZERO if tracking == 0 else (annual_return - benchmark_return) / tracking
    treynor = _ZERO if beta == 0 else (annual_return - risk_free) / beta
    psr = ratios.probabilistic_sharpe_ratio(performance, 1.0 / math.sqrt(days), net_float(risk_free) / days)

    return PortfolioStatistics(
        average_win_rate=rates.average_win,
        average_loss_rate=rates.average_loss,
        profit_loss_ratio=rates.profit_loss_ratio,
        win_rate=rates.win_rate,
        loss_rate=rates.loss_rate,
        expectancy=rates.expectancy,
        start_equity=start_equity,
        end_equity=end_equity,
        compounding_annual_return=compounding_annual_return(start_equity, end_equity, years),
        drawdown=drawdown,
        total_net_profit=end_equity / start_equity - 1,
        sharpe_ratio=sharpe,
        probabilistic_sharpe_ratio=net_decimal(psr),
        sortino_ratio=sortino,
        alpha=alpha,
        beta=beta,
        annual_standard_deviation=deviation,
        annual_variance=variance,
        information_ratio=information,
        tracking_error=tracking,
        treynor_ratio=treynor,
        portfolio_turnover=turnover,
        value_at_risk_99=_value_at_risk(performance, days, 0.99),
        value_at_risk_95=_value_at_risk(performance, days, 0.95),
        drawdown_recovery=recovery,
    )
