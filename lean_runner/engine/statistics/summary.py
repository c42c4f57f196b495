"""LEAN's statistics summary strings and the ``totalPerformance`` JSON shapes.

:func:`build_summary` produces the ``statistics`` dictionary of the result files with
LEAN's key order and its exact C# formatting (reference §3.4): decimal statistics
keep their scale ("2.200%", "0.60", "-0.200", "0%"), double statistics print their
shortest form ("-19", "0.02"), fees print like ``ToString("0.00")`` ("$3.49").

:func:`format_statistics_for_json` renders ``portfolioStatistics`` and
``tradeStatistics`` as LEAN's ``JsonRoundingConverter`` writes them: every decimal as
a string rounded to 4 places, counts as integers, durations as ``TimeSpan`` text.

Example::

    >>> from decimal import Decimal
    >>> summary = build_summary(PortfolioStatistics(drawdown=Decimal("0.022")), total_orders=1,
    ...                         total_fees=3.485, capacity=Decimal("56000000.00"),
    ...                         lowest_capacity_asset="SPY R735QTJ8XC9X")
    >>> summary["Drawdown"], summary["Total Fees"], summary["Estimated Strategy Capacity"]
    ('2.200%', '$3.49', '$56000000.00')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext

from lean_runner.engine.dotnet_format import (
    decimal_round,
    decimal_to_string,
    format_double,
    format_fixed_2,
    round_double,
    round_to_significant_digits,
)
from lean_runner.engine.statistics.closed_trade import Trade
from lean_runner.engine.statistics.decimal_casts import DECIMAL_CONTEXT, DECIMAL_MAX, net_float
from lean_runner.engine.statistics.performance import PortfolioStatistics
from lean_runner.engine.statistics.trade_statistics import TradeStatistics

__all__ = [
    "SUMMARY_KEYS",
    "build_summary",
    "closed_trade_to_json",
    "format_statistics_for_json",
    "format_timespan",
    "portfolio_statistics_to_json",
    "trade_statistics_to_json",
]

#: The summary keys in LEAN's order (user statistics follow them).
SUMMARY_KEYS = (
    "Total Orders",
    "Average Win",
    "Average Loss",
    "Compounding Annual Return",
    "Drawdown",
    "Expectancy",
    "Start Equity",
    "End Equity",
    "Net Profit",
    "Sharpe Ratio",
    "Sortino Ratio",
    "Probabilistic Sharpe Ratio",
    "Loss Rate",
    "Win Rate",
    "Profit-Loss Ratio",
    "Alpha",
    "Beta",
    "Annual Standard Deviation",
    "Annual Variance",
    "Information Ratio",
    "Tracking Error",
    "Treynor Ratio",
    "Total Fees",
    "Estimated Strategy Capacity",
    "Lowest Capacity Asset",
    "Portfolio Turnover",
    "Drawdown Recovery",
)

_HUNDRED = Decimal(100)
_JSON_DECIMALS = 4
_DOUBLE_ROUND_LIMIT = 1e16
_CAPACITY_STEP = Decimal("0.01")
_TICKS_PER_SECOND = 10_000_000
_TICKS_PER_MINUTE = 60 * _TICKS_PER_SECOND
_TICKS_PER_HOUR = 60 * _TICKS_PER_MINUTE
_TICKS_PER_DAY = 24 * _TICKS_PER_HOUR


def _times_100(value: Decimal) -> Decimal:
    """LEAN's ``SafeMultiply100``: saturate instead of overflowing the decimal range."""
    return DECIMAL_MAX if value >= DECIMAL_MAX / _HUNDRED else value * _HUNDRED


def _percent(value: Decimal, places: int) -> str:
    """``Math.Round(value * 100, places)`` of a decimal, its scale kept, plus "%"."""
    return decimal_to_string(decimal_round(_times_100(value), places)) + "%"


def _decimal(value: Decimal, places: int) -> str:
    return decimal_to_string(decimal_round(value, places))


def _double(value: Decimal) -> str:
    """``Math.Round((double)value, 3).ToString()``: shortest double text, no trailing zeros."""
    number = net_float(value)
    # .NET returns doubles of 1e16 and more unrounded (they have no fractional digits).
    return format_double(number if abs(number) >= _DOUBLE_ROUND_LIMIT else round_double(number, 3))


def _capacity(value: Decimal) -> str:
    """``RoundToSignificantDigits(capacity, 2)``; LEAN's result keeps 2 decimals unless 0."""
    if value == 0:
        return "$0"
    rounded = round_to_significant_digits(value, 2).quantize(_CAPACITY_STEP)
    return "$" + decimal_to_string(rounded)


def build_summary(
    stats: PortfolioStatistics,
    *,
    total_orders: int,
    total_fees: float | Decimal,
    capacity: Decimal,
    lowest_capacity_asset: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The ``statistics`` summary dictionary, keys in LEAN's order.

    ``extra`` holds the user's ``set_summary_statistic`` values; they follow the
    standard keys (a user value for a standard key replaces it in place).
    """
    with localcontext(DECIMAL_CONTEXT):
        summary = {
            "Total Orders": str(total_orders),
            "Average Win": _percent(stats.average_win_rate, 2),
            "Average Loss": _percent(stats.average_loss_rate, 2),
            "Compounding Annual Return": _percent(stats.compounding_annual_return, 3),
            "Drawdown": _percent(stats.drawdown, 3),
            "Expectancy": _decimal(stats.expectancy, 3),
            "Start Equity": _decimal(stats.start_equity, 2),
            "End Equity": _decimal(stats.end_equity, 2),
            "Net Profit": _percent(stats.total_net_profit, 3),
            "Sharpe Ratio": _double(stats.sharpe_ratio),
            "Sortino Ratio": _double(stats.sortino_ratio),
            "Probabilistic Sharpe Ratio": _percent(stats.probabilistic_sharpe_ratio, 3),
            "Loss Rate": _percent(stats.loss_rate, 0),
            "Win Rate": _percent(stats.win_rate, 0),
            "Profit-Loss Ratio": _decimal(stats.profit_loss_ratio, 2),
            "Alpha": _double(stats.alpha),
            "Beta": _double(stats.beta),
            "Annual Standard Deviation": _double(stats.annual_standard_deviation),
            "Annual Variance": _double(stats.annual_variance),
            "Information Ratio": _double(stats.information_ratio),
            "Tracking Error": _double(stats.tracking_error),
            "Treynor Ratio": _double(stats.treynor_ratio),
            "Total Fees": "$" + format_fixed_2(total_fees),
            "Estimated Strategy Capacity": _capacity(capacity),
            "Lowest Capacity Asset": lowest_capacity_asset,
            "Portfolio Turnover": _percent(stats.portfolio_turnover, 2),
            "Drawdown Recovery": str(stats.drawdown_recovery),
        }
    summary.update(extra or {})
    return summary


def format_timespan(duration: timedelta) -> str:
    """A duration as .NET ``TimeSpan.ToString()`` ("c"): ``[-][d.]hh:mm:ss[.fffffff]``."""
    ticks = (duration // timedelta(microseconds=1)) * 10
    sign = "-" if ticks < 0 else ""
    days, rest = divmod(abs(ticks), _TICKS_PER_DAY)
    hours, rest = divmod(rest, _TICKS_PER_HOUR)
    minutes, rest = divmod(rest, _TICKS_PER_MINUTE)
    seconds, fraction = divmod(rest, _TICKS_PER_SECOND)
    text = f"{sign}{days}." if days else sign
    text += f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return text + (f".{fraction:07d}" if fraction else "")


def _json_datetime(moment: datetime | None) -> str | None:
    """A UTC time as Json.NET writes a UTC ``DateTime``: ISO 8601, trimmed fraction, "Z"."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    # LEAN's property names spell these acronyms in capitals (AverageMAE -> averageMAE).
    acronyms = {"mae": "MAE", "mfe": "MFE"}
    return head + "".join(acronyms.get(part, part.capitalize()) for part in rest)


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        with localcontext(DECIMAL_CONTEXT):
            return decimal_to_string(decimal_round(value, _JSON_DECIMALS))
    if isinstance(value, timedelta):
        return format_timespan(value)
    if isinstance(value, datetime) or value is None:
        return _json_datetime(value)
    return value


def portfolio_statistics_to_json(stats: PortfolioStatistics) -> dict[str, object]:
    """``portfolioStatistics``: camelCase keys, every value a 4-place decimal string.

    ``drawdownRecovery`` is written as a string too ("3"), as a decimal would be.
    """
    result: dict[str, object] = {}
    for item in fields(stats):
        value = getattr(stats, item.name)
        result[_camel_case(item.name)] = (
            str(value) if item.name == "drawdown_recovery" else _json_value(value)
        )
    return result


def trade_statistics_to_json(stats: TradeStatistics) -> dict[str, object]:
    """``tradeStatistics``: decimals as 4-place strings, counts as ints, durations as text."""
    return {_camel_case(item.name): _json_value(getattr(stats, item.name)) for item in fields(stats)}


def closed_trade_to_json(trade: Trade, symbol: Callable[[str], object] | None = None) -> dict[str, object]:
    """One ``closedTrades`` entry: Json.NET's plain serialisation of LEAN's ``Trade``.

    Unlike the statistics, a trade's decimals are JSON numbers (no rounding converter).
    ``symbol`` maps the trade's symbol to its JSON form (LEAN writes a Symbol object,
    ``{"value", "id", "permtick"}``); by default the string itself is written.
    """
    return {
        "symbol": symbol(trade.symbol) if symbol else trade.symbol,
        "entryTime": _json_datetime(trade.entry_time),
        "entryPrice": float(trade.entry_price),
        "direction": int(trade.direction),
        "quantity": float(trade.quantity),
        "exitTime": _json_datetime(trade.exit_time),
        "exitPrice": float(trade.exit_price),
        "profitLoss": float(trade.profit_loss),
        "totalFees": float(trade.total_fees),
        "mae": float(trade.mae),
        "mfe": float(trade.mfe),
        "duration": format_timespan(trade.duration),
        "endTradeDrawdown": float(trade.end_trade_drawdown),
        "isWin": trade.is_win,
    }


def format_statistics_for_json(
    portfolio: PortfolioStatistics,
    trades: TradeStatistics,
    closed_trades: Sequence[Trade] | None = None,
    *,
    symbol: Callable[[str], object] | None = None,
) -> dict[str, object]:
    """``totalPerformance``: ``tradeStatistics``, ``portfolioStatistics`` and, when given,
    ``closedTrades`` (see :func:`closed_trade_to_json`)."""
    result: dict[str, object] = {
        "tradeStatistics": trade_statistics_to_json(trades),
        "portfolioStatistics": portfolio_statistics_to_json(portfolio),
    }
    if closed_trades is not None:
        result["closedTrades"] = [closed_trade_to_json(trade, symbol) for trade in closed_trades]
    return result
