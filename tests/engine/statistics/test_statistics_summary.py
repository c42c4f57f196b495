"""Summary strings and totalPerformance JSON have exactly LEAN's shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from lean_runner.engine.statistics import (
    SUMMARY_KEYS,
    PortfolioStatistics,
    TradeStatistics,
    build_summary,
    format_statistics_for_json,
)
from lean_runner.engine.statistics.summary import format_timespan

PERCENT_FIELDS = {
    "Average Win": "average_win_rate",
    "Average Loss": "average_loss_rate",
    "Compounding Annual Return": "compounding_annual_return",
    "Drawdown": "drawdown",
    "Net Profit": "total_net_profit",
    "Probabilistic Sharpe Ratio": "probabilistic_sharpe_ratio",
    "Loss Rate": "loss_rate",
    "Win Rate": "win_rate",
    "Portfolio Turnover": "portfolio_turnover",
}
PLAIN_FIELDS = {
    "Expectancy": "expectancy",
    "Start Equity": "start_equity",
    "End Equity": "end_equity",
    "Sharpe Ratio": "sharpe_ratio",
    "Sortino Ratio": "sortino_ratio",
    "Profit-Loss Ratio": "profit_loss_ratio",
    "Alpha": "alpha",
    "Beta": "beta",
    "Annual Standard Deviation": "annual_standard_deviation",
    "Annual Variance": "annual_variance",
    "Information Ratio": "information_ratio",
    "Tracking Error": "tracking_error",
    "Treynor Ratio": "treynor_ratio",
}


def _summary(stats: PortfolioStatistics | None = None, **overrides) -> dict[str, str]:
    arguments = {
        "total_orders": 1,
        "total_fees": Decimal(0),
        "capacity": Decimal(0),
        "lowest_capacity_asset": "",
    }
    arguments.update(overrides)
    return build_summary(stats or PortfolioStatistics(), **arguments)


@pytest.mark.parametrize(
    ("field", "value", "key", "text"),
    [
        ("drawdown", Decimal("0.022"), "Drawdown", "2.200%"),
        ("drawdown", Decimal("0.349"), "Drawdown", "34.900%"),
        ("drawdown", Decimal(0), "Drawdown", "0%"),
        ("probabilistic_sharpe_ratio", Decimal("0.00000000412"), "Probabilistic Sharpe Ratio", "0.000%"),
        ("probabilistic_sharpe_ratio", Decimal(0), "Probabilistic Sharpe Ratio", "0%"),
        ("probabilistic_sharpe_ratio", Decimal("0.674591234567891"), "Probabilistic Sharpe Ratio", "67.459%"),
        ("information_ratio", Decimal("-18.99961"), "Information Ratio", "-19"),
        ("annual_variance", Decimal("0.0198737842581485"), "Annual Variance", "0.02"),
        ("treynor_ratio", Decimal("1.97012"), "Treynor Ratio", "1.97"),
        ("profit_loss_ratio", Decimal("0.5999999999999"), "Profit-Loss Ratio", "0.60"),
        ("expectancy", Decimal("-0.2000000000001"), "Expectancy", "-0.200"),
        ("expectancy", Decimal(0), "Expectancy", "0"),
        ("start_equity", Decimal(100000), "Start Equity", "100000"),
        ("end_equity", Decimal("104486.2183"), "End Equity", "104486.22"),
        ("compounding_annual_return", Decimal("-0.0525"), "Compounding Annual Return", "-5.250%"),
        ("win_rate", Decimal("0.5714285714285714285714285714"), "Win Rate", "57%"),
        ("win_rate", Decimal("0.3"), "Win Rate", "30%"),
        ("loss_rate", Decimal("0.425"), "Loss Rate", "42%"),  # banker's rounding of 42.5
        ("portfolio_turnover", Decimal("0.1000848"), "Portfolio Turnover", "10.01%"),
        ("alpha", Decimal("-0.0004"), "Alpha", "0"),  # -0 prints as 0
        ("drawdown_recovery", 1931, "Drawdown Recovery", "1931"),
    ],
)
def test_statistic_formatting(field, value, key, text):
    assert _summary(PortfolioStatistics(**{field: value}))[key] == text


@pytest.mark.parametrize(
    ("fees", "text"),
    [(3.485, "$3.49"), (Decimal("3.44"), "$3.44"), (0, "$0.00"), (Decimal("468.54"), "$468.54")],
)
def test_total_fees_print_two_places_rounding_half_away_from_zero(fees, text):
    assert _summary(total_fees=fees)["Total Fees"] == text


@pytest.mark.parametrize(
    ("capacity", "text"),
    [
        (Decimal("56123000.00"), "$56000000.00"),
        (Decimal("1179599000.00"), "$1200000000.00"),
        (Decimal("4650000.00"), "$4600000.00"),  # banker's rounding at the second digit
        (Decimal("0.00"), "$0"),
        (Decimal(0), "$0"),
    ],
)
def test_capacity_prints_two_significant_digits(capacity, text):
    assert _summary(capacity=capacity)["Estimated Strategy Capacity"] == text


def test_keys_come_in_lean_order_and_user_statistics_follow():
    summary = _summary(extra={"Most Traded Security": "IBM", "Total Orders": "override"})
    assert list(summary) == [*SUMMARY_KEYS, "Most Traded Security"]
    assert summary["Total Orders"] == "override"


def _from_published(text: str, percent: bool) -> Decimal:
    """The decimal a published summary string came from, with the same scale."""
    return Decimal(text.rstrip("%")) / 100 if percent else Decimal(text)


def test_every_published_lean_summary_reformats_to_itself(conformance_cases):
    for case in conformance_cases:
        expected = {k: v for k, v in case["expected_statistics"].items() if k != "OrderListHash"}
        values = {f: _from_published(expected[k], True) for k, f in PERCENT_FIELDS.items()}
        values.update({f: _from_published(expected[k], False) for k, f in PLAIN_FIELDS.items()})
        stats = PortfolioStatistics(**values, drawdown_recovery=int(expected["Drawdown Recovery"]))
        capacity = expected["Estimated Strategy Capacity"].lstrip("$")
        extra = {k: v for k, v in expected.items() if k not in SUMMARY_KEYS}
        summary = build_summary(
            stats,
            total_orders=int(expected["Total Orders"]),
            total_fees=Decimal(expected["Total Fees"].lstrip("$")),
            capacity=Decimal(capacity),
            lowest_capacity_asset=expected["Lowest Capacity Asset"],
            extra=extra,
        )
        assert summary == expected, case["name"]


def test_timespans_print_like_dotnet():
    assert format_timespan(timedelta(0)) == "00:00:00"
    assert format_timespan(timedelta(days=1, hours=2, minutes=3, seconds=4)) == "1.02:03:04"
    assert format_timespan(timedelta(minutes=5, microseconds=2500)) == "00:05:00.0025000"
    assert format_timespan(-timedelta(hours=1)) == "-01:00:00"


def test_statistics_json_uses_camel_case_and_four_place_strings():
    portfolio = PortfolioStatistics(
        start_equity=Decimal(100000),
        drawdown=Decimal("0.022"),
        sharpe_ratio=Decimal("17.3043850962856"),
        value_at_risk_99=Decimal("-0.016"),
        drawdown_recovery=3,
    )
    trades = TradeStatistics(
        start_date_time=datetime(2013, 10, 7, 13, 31, tzinfo=UTC),
        total_number_of_trades=2,
        average_mae=Decimal("-12.345678"),
        average_trade_duration=timedelta(hours=26),
    )
    result = format_statistics_for_json(portfolio, trades)

    assert list(result) == ["tradeStatistics", "portfolioStatistics"]
    stats = result["portfolioStatistics"]
    assert list(stats)[:3] == ["averageWinRate", "averageLossRate", "profitLossRatio"]
    assert list(stats)[-3:] == ["valueAtRisk99", "valueAtRisk95", "drawdownRecovery"]
    assert stats["startEquity"] == "100000"
    assert stats["drawdown"] == "0.022"
    assert stats["sharpeRatio"] == "17.3044"
    assert stats["valueAtRisk99"] == "-0.016"
    assert stats["winRate"] == "0"
    assert stats["drawdownRecovery"] == "3"
    trade_json = result["tradeStatistics"]
    assert trade_json["startDateTime"] == "2013-10-07T13:31:00Z"
    assert trade_json["endDateTime"] is None
    assert trade_json["totalNumberOfTrades"] == 2
    assert trade_json["averageMAE"] == "-12.3457"
    assert trade_json["averageTradeDuration"] == "1.02:00:00"
    assert "maximumDrawdownDuration" in trade_json and "totalFees" in trade_json
    assert len(trade_json) == 41 and len(stats) == 25


def test_closed_trades_are_written_with_plain_numbers_when_requested():
    from lean_runner.engine.statistics import TradeBuilder, compute_trade_statistics

    builder = TradeBuilder()
    start = datetime(2013, 10, 9, 20, tzinfo=UTC).timestamp()
    builder.process_fill("SPY", start, price=143.3723828, quantity=697, fee=3.485)
    builder.process_fill("SPY", start + 86400 * 8, price=149.8139, quantity=-697, fee=3.485)
    trades = builder.closed_trades
    result = format_statistics_for_json(
        PortfolioStatistics(), compute_trade_statistics(trades), trades, symbol=lambda s: {"value": s}
    )
    (trade,) = result["closedTrades"]
    assert trade == {
        "symbol": {"value": "SPY"},
        "entryTime": "2013-10-09T20:00:00Z",
        "entryPrice": 143.3723828,
        "direction": 0,
        "quantity": 697.0,
        "exitTime": "2013-10-17T20:00:00Z",
        "exitPrice": 149.8139,
        "profitLoss": 4489.74,
        "totalFees": 6.97,
        "mae": 0.0,
        "mfe": 4489.74,
        "duration": "8.00:00:00",
        "endTradeDrawdown": 0.0,
        "isWin": True,
    }
    assert "closedTrades" not in format_statistics_for_json(
        PortfolioStatistics(), compute_trade_statistics([])
    )
