"""Portfolio statistics: each formula against a straightforward numpy/scipy reference."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from scipy import stats as scipy_stats

from lean_runner.engine.statistics import PortfolioStatistics, StatisticsInputs, compute_portfolio_statistics
from lean_runner.engine.statistics.performance import compounding_annual_return, drawdown_metrics
from lean_runner.engine.statistics.series import average_turnover, performance_and_benchmark

DAY = 86400.0
START = 1381118400.0  # 2013-10-07 00:00 New York = 04:00 UTC
RETURNS_PCT = [0.0, 0.0, 0.5, -0.3, 1.2, 0.0, -0.8, 0.4, 0.9, -0.2, 0.6]
BENCHMARK = [100.0, 100.0, 100.4, 100.1, 101.3, 101.3, 100.6, 101.0, 101.8, 101.5, 102.1]


def _inputs(returns_pct=RETURNS_PCT, benchmark=BENCHMARK, **overrides) -> StatisticsInputs:
    times = [START + i * DAY for i in range(len(returns_pct))]
    value, equity = 100000.0, []
    for time, pct in zip(times, returns_pct, strict=True):
        value *= 1 + pct / 100
        equity.append((time, round(value, 4)))
    fields = {
        "equity": equity,
        "returns": list(zip(times, returns_pct, strict=True)),
        "benchmark": list(zip(times, benchmark, strict=True)),
        "starting_capital": 100000.0,
        "transaction_pnls": [],
        "portfolio_turnover": [],
        "risk_free_rate": lambda day: 0.01,
    }
    fields.update(overrides)
    return StatisticsInputs(**fields)


def _reference_series(returns_pct=RETURNS_PCT, benchmark=BENCHMARK):
    performance = np.array(returns_pct[2:]) / 100
    bench = np.array(benchmark)
    changes = bench[1:] / bench[:-1] - 1
    return performance, changes[1:]


def test_series_drop_day_zero_and_day_one_and_align():
    performance, benchmark = performance_and_benchmark(
        returns=list(zip([0, 1, 2, 3], [0.0, 0.0, 1.0, -2.0], strict=True)),
        benchmark=list(zip([0, 1, 2, 3], [10.0, 10.0, 11.0, 0.0], strict=True)),
        first_equity_time=0,
        last_equity_time=3,
    )
    assert performance == [0.01, -0.02]
    assert benchmark == pytest.approx([0.1, -1.0])


def test_series_fill_missing_return_dates_with_zero_and_pad_to_equal_length():
    performance, benchmark = performance_and_benchmark(
        returns=[(0, 0.0), (1, 0.0), (3, 2.0)],
        benchmark=[(0, 10.0), (1, 10.0), (2, 10.0), (3, 12.0)],
        first_equity_time=0,
        last_equity_time=3,
    )
    assert performance == [0.0, 0.02]
    assert benchmark == pytest.approx([0.0, 0.2])


def test_too_few_samples_short_circuits_to_equity_and_turnover_only():
    inputs = _inputs(
        returns_pct=[0.0, 0.0, 1.0], benchmark=[100.0, 100.0, 101.0], portfolio_turnover=[0.0, 0.5, 0.25]
    )
    result = compute_portfolio_statistics(inputs)
    assert result == PortfolioStatistics(
        start_equity=Decimal(100000),
        end_equity=Decimal("101000"),
        portfolio_turnover=Decimal("0.375"),
    )


def test_zero_starting_capital_short_circuits():
    result = compute_portfolio_statistics(_inputs(starting_capital=0))
    assert result.sharpe_ratio == 0 and result.total_net_profit == 0 and result.end_equity > 0


def test_return_and_risk_ratios_match_reference():
    result = compute_portfolio_statistics(_inputs())
    p, b = _reference_series()
    n = 252
    rf = 0.01
    annual = (p.mean() + 1) ** n - 1
    bench_annual = (b.mean() + 1) ** n - 1
    deviation = math.sqrt(np.var(p, ddof=1) * n)
    downside = math.sqrt(np.var(p[p < 0], ddof=1) * n)
    beta = np.cov(p, b, ddof=1)[0, 1] / np.var(b, ddof=1)
    tracking = math.sqrt(np.var(p - b, ddof=1) * n)
    observed = (p.mean() - rf / n) / np.std(p, ddof=1)
    skew, kurt = scipy_stats.skew(p, bias=False), scipy_stats.kurtosis(p, bias=False)
    sigma = math.sqrt((1 - skew * observed + (kurt - 1) / 4 * observed**2) / (len(p) - 1))

    assert float(result.annual_variance) == pytest.approx(np.var(p, ddof=1) * n, rel=1e-12)
    assert float(result.annual_standard_deviation) == pytest.approx(deviation, rel=1e-12)
    assert float(result.sharpe_ratio) == pytest.approx((annual - rf) / deviation, rel=1e-12)
    assert float(result.sortino_ratio) == pytest.approx((annual - rf) / downside, rel=1e-12)
    assert float(result.beta) == pytest.approx(beta, rel=1e-12)
    assert float(result.alpha) == pytest.approx(annual - (rf + beta * (bench_annual - rf)), rel=1e-12)
    assert float(result.tracking_error) == pytest.approx(tracking, rel=1e-12)
    assert float(result.information_ratio) == pytest.approx((annual - bench_annual) / tracking, rel=1e-12)
    assert float(result.treynor_ratio) == pytest.approx((annual - rf) / beta, rel=1e-12)
    assert float(result.probabilistic_sharpe_ratio) == pytest.approx(
        scipy_stats.norm.cdf((observed - 1 / math.sqrt(n)) / sigma), rel=1e-10
    )
    assert result.value_at_risk_99 == round(
        Decimal(scipy_stats.norm.ppf(0.01, p.mean(), np.std(p, ddof=1))), 3
    )
    assert result.value_at_risk_95 == round(
        Decimal(scipy_stats.norm.ppf(0.05, p.mean(), np.std(p, ddof=1))), 3
    )


def test_flat_returns_give_zero_ratios_instead_of_errors():
    flat = [0.0] * 8
    result = compute_portfolio_statistics(_inputs(returns_pct=flat, benchmark=[100.0] * 8))
    assert result.sharpe_ratio == result.sortino_ratio == result.probabilistic_sharpe_ratio == 0
    assert result.annual_variance == result.beta == result.alpha == result.treynor_ratio == 0
    assert result.information_ratio == result.tracking_error == 0


def test_sortino_is_zero_without_at_least_two_negative_returns():
    no_losses = [0.0, 0.0, 0.5, 0.2, 1.0, 0.0, 0.3]
    one_loss = [0.0, 0.0, 0.5, -0.2, 1.0, 0.0, 0.3]
    benchmark = [100.0, 100.0, 100.5, 100.7, 101.7, 101.7, 102.0]
    assert compute_portfolio_statistics(_inputs(no_losses, benchmark)).sortino_ratio == 0
    assert compute_portfolio_statistics(_inputs(one_loss, benchmark)).sortino_ratio == 0


def test_drawdown_recovery_is_the_longest_completed_recovery_with_ties_moving_the_peak():
    equity = [
        (0 * DAY, Decimal(100)),
        (1 * DAY, Decimal(110)),  # peak
        (1.5 * DAY, Decimal(110)),  # tie: the peak's time moves here
        (2 * DAY, Decimal(105)),
        (3 * DAY, Decimal(110)),  # recovered after 1.5 days
        (3.5 * DAY, Decimal(120)),
        (4 * DAY, Decimal(90)),  # -25 %, never recovered
        (20 * DAY, Decimal(119)),
    ]
    assert drawdown_metrics(equity) == (Decimal("0.250"), 1)


def test_drawdown_is_rounded_to_three_places_bankers():
    assert drawdown_metrics([(0, Decimal(100000)), (1, Decimal(98750))])[0] == Decimal("0.012")
    assert drawdown_metrics([(0, Decimal(100000)), (1, Decimal(98650))])[0] == Decimal("0.014")
    assert drawdown_metrics([(0, Decimal(100)), (1, Decimal(101))]) == (Decimal(0), 0)


def test_compounding_annual_return_uses_fractional_days_between_first_and_last_keys():
    equity = [(START, 100000.0), (START + 4 * DAY + 16 * 3600, 101691.92)]
    inputs = _inputs(equity=equity)
    years = (4 + 16 / 24) / 365
    expected = (101691.92 / 100000) ** (1 / years) - 1
    assert float(compute_portfolio_statistics(inputs).compounding_annual_return) == pytest.approx(
        expected, rel=1e-13
    )
    assert compounding_annual_return(Decimal(1), Decimal(2), Decimal(0)) == 0
    assert compounding_annual_return(Decimal(1), Decimal(-2), Decimal(1)) == Decimal(-3)


def test_risk_free_rate_is_averaged_over_every_equity_key_by_utc_date():
    seen: list[date] = []

    def rate(day: date) -> float:
        seen.append(day)
        return 0.02 if day == date(2013, 10, 8) else 0.0

    base = _inputs()
    # Three keys on 10-07 (UTC) - the last at 23:30 UTC, still 10-07 - and one on 10-08.
    equity = [
        (START, 100000.0),
        (START + 3600, 100000.0),
        (START + 19.5 * 3600, 100500.0),
        (START + DAY, 100400.0),
    ]
    with_rate = compute_portfolio_statistics(
        StatisticsInputs(**{**base.__dict__, "equity": equity, "risk_free_rate": rate})
    )
    p, _ = _reference_series()
    annual = (p.mean() + 1) ** 252 - 1
    expected = (annual - 0.02 / 4) / math.sqrt(np.var(p, ddof=1) * 252)
    assert float(with_rate.sharpe_ratio) == pytest.approx(expected, rel=1e-12)
    assert sorted(set(seen)) == [date(2013, 10, 7), date(2013, 10, 8)]


def test_trade_rates_come_from_transaction_pnls_relative_to_running_capital():
    pnls = [(START + 1, 1000.0), (START + 2, -500.0), (START + 3, 0.0), (START + 4, 2000.0)]
    result = compute_portfolio_statistics(_inputs(transaction_pnls=pnls))
    wins = [Decimal(1000) / 100000, Decimal(2000) / 100500]
    losses = [Decimal(-500) / 101000, Decimal(0)]
    average_win, average_loss = sum(wins) / 2, sum(losses) / 2
    assert result.average_win_rate == average_win
    assert result.average_loss_rate == average_loss
    assert result.profit_loss_ratio == average_win / abs(average_loss)
    assert result.win_rate == result.loss_rate == Decimal("0.5")
    assert result.expectancy == Decimal("0.5") * result.profit_loss_ratio - Decimal("0.5")


def test_win_and_loss_counts_can_be_overridden():
    pnls = [(START + 1, 100.0), (START + 2, -50.0)]
    result = compute_portfolio_statistics(_inputs(transaction_pnls=pnls, win_loss_counts=(2, 0)))
    assert result.win_rate == 1 and result.loss_rate == 0


def test_portfolio_turnover_averages_every_point_but_the_first():
    assert average_turnover([5.0, 0.2, 0.0, 0.1]) == Decimal("0.1")
    assert average_turnover([0.7]) == 0
    assert compute_portfolio_statistics(
        _inputs(portfolio_turnover=[1.0, 0.1, 0.3])
    ).portfolio_turnover == Decimal("0.2")


def test_net_profit_and_equity_are_decimals_from_the_equity_curve():
    result = compute_portfolio_statistics(_inputs(equity=[(START, 100000.0), (START + DAY, 104486.2183)]))
    assert result.end_equity == Decimal("104486.2183")
    assert result.total_net_profit == Decimal("0.044862183")
