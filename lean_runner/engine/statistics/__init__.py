"""LEAN-compatible backtest statistics: portfolio and trade statistics, closed trades,
strategy capacity, and the summary strings LEAN prints.

Every module is pure and holds no global state; see each module's docstring for the
exact LEAN behaviour it reproduces and what the engine must call.
"""

from lean_runner.engine.statistics.capacity import (
    CapacityBar,
    CapacityEstimator,
    CapacityPortfolio,
)
from lean_runner.engine.statistics.closed_trade import (
    FillGroupingMethod,
    FillMatchingMethod,
    Trade,
    TradeDirection,
)
from lean_runner.engine.statistics.performance import (
    PortfolioStatistics,
    StatisticsInputs,
    compute_portfolio_statistics,
)
from lean_runner.engine.statistics.summary import (
    SUMMARY_KEYS,
    build_summary,
    format_statistics_for_json,
    portfolio_statistics_to_json,
    trade_statistics_to_json,
)
from lean_runner.engine.statistics.trade_statistics import TradeStatistics, compute_trade_statistics
from lean_runner.engine.statistics.trades import TradeBuilder

__all__ = [
    "SUMMARY_KEYS",
    "CapacityBar",
    "CapacityEstimator",
    "CapacityPortfolio",
    "FillGroupingMethod",
    "FillMatchingMethod",
    "PortfolioStatistics",
    "StatisticsInputs",
    "Trade",
    "TradeBuilder",
    "TradeDirection",
    "TradeStatistics",
    "build_summary",
    "compute_portfolio_statistics",
    "compute_trade_statistics",
    "format_statistics_for_json",
    "portfolio_statistics_to_json",
    "trade_statistics_to_json",
]
