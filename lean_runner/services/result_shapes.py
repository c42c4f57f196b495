"""LEAN's result files mapped to each document's result shape (pure functions, no I/O but reading a folder).

``backtesting-api-v2.md`` shows statistics in percent and dollars; ``strategy-and-backtest-api.md``
in fractions. Which LEAN number gives each field is documented in ``docs/api.md``:

==================  ============================================================================
v2 field            from LEAN
==================  ============================================================================
total_return        (``End Equity`` / ``Start Equity`` - 1) * 100
sharpe_ratio        ``Sharpe Ratio``
max_drawdown        -``Drawdown`` (percent, negative)
win_rate            ``totalPerformance.tradeStatistics.winRate`` * 100 (closed trades)
total_trades        ``totalPerformance.tradeStatistics.totalNumberOfTrades``
average_win         ``tradeStatistics.averageProfit`` (dollars)
average_loss        ``tradeStatistics.averageLoss`` (dollars, negative)
profit_factor       ``tradeStatistics.profitFactor``
net_profit          ``End Equity`` - ``Start Equity`` (dollars)
==================  ============================================================================
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lean_runner.engine.results.charts import CandlestickSeries
from lean_runner.engine.results.reader import LeanResultFolder


def lean_number(text: object) -> float | None:
    """``"23.600%"`` → 23.6, ``"$1,234.50"`` → 1234.5, ``"0.304"`` → 0.304; None when absent or not a number."""
    if text is None:
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(float(text)) else None
    value = str(text).strip().replace(",", "").replace("$", "").removesuffix("%")
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def read_summary_file(folder: Path, algorithm_id: str | None) -> dict[str, Any]:
    """``<id>-summary.json`` of ``folder`` ({} when missing or unreadable): small, written last by LEAN."""
    candidates = [folder / f"{algorithm_id}-summary.json"] if algorithm_id else sorted(folder.glob("*-summary.json"))
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return {}


def result_facts(summary: dict[str, Any]) -> dict[str, Any]:
    """What the v2 result list shows, from a LEAN summary: the window, cash, final value and the statistics."""
    statistics = _object(summary.get("statistics"))
    performance = _object(summary.get("totalPerformance"))
    trades = _object(performance.get("tradeStatistics"))
    configuration = _object(summary.get("algorithmConfiguration"))
    start_equity = lean_number(statistics.get("Start Equity"))
    end_equity = lean_number(statistics.get("End Equity"))
    drawdown = lean_number(statistics.get("Drawdown"))
    win_rate = lean_number(trades.get("winRate"))
    total_trades = lean_number(trades.get("totalNumberOfTrades"))
    return {
        "start_date": _day(configuration.get("startDate")),
        "end_date": _day(configuration.get("endDate")),
        "initial_cash": start_equity,
        "final_value": end_equity,
        "statistics": {
            "total_return": (end_equity / start_equity - 1) * 100 if start_equity and end_equity is not None
            else None,
            "sharpe_ratio": lean_number(statistics.get("Sharpe Ratio")),
            "max_drawdown": -drawdown if drawdown is not None else None,
            "win_rate": win_rate * 100 if win_rate is not None else None,
            "total_trades": int(total_trades) if total_trades is not None else None,
            "average_win": lean_number(trades.get("averageProfit")),
            "average_loss": lean_number(trades.get("averageLoss")),
            "profit_factor": lean_number(trades.get("profitFactor")),
            "net_profit": end_equity - start_equity if start_equity is not None and end_equity is not None
            else None,
        },
    }


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def empty_facts() -> dict[str, Any]:
    return result_facts({})


def _day(text: object) -> str | None:
    return str(text)[:10] if isinstance(text, str) and len(text) >= 10 else None


def iso_utc(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def equity_pairs(result: LeanResultFolder) -> list[tuple[float, float]]:
    """The equity curve as ``(unix seconds, value)``."""
    return [(float(t), float(v)) for t, v in result.equity_curve()]


def benchmark_pairs(result: LeanResultFolder) -> list[tuple[float, float]]:
    """The benchmark as ``(unix seconds, value)`` (empty without a Benchmark chart)."""
    chart = result.charts.get("Benchmark")
    series = chart.series.get("Benchmark") if chart is not None else None
    if series is None:
        return []
    if isinstance(series, CandlestickSeries):
        return [(float(t), float(v)) for t, v in zip(series.times, series.closes, strict=True)]
    values = getattr(series, "values", None) or []
    return [(float(t), float(v)) for t, v in values if v is not None]



def closed_trades(result: LeanResultFolder) -> list[dict[str, Any]]:
    performance = result.total_performance or {}
    trades = performance.get("closedTrades")
    return [trade for trade in trades if isinstance(trade, dict)] if isinstance(trades, list) else []


def ordered_orders(result: LeanResultFolder) -> list[dict[str, Any]]:
    def order_id(item: tuple[str, dict[str, Any]]) -> tuple[int, str]:
        key = item[0]
        return (int(key), key) if key.isdigit() else (10**12, key)

    return [order for _, order in sorted(result.orders.items(), key=order_id) if isinstance(order, dict)]


def running_statistics(statistics: dict[str, str]) -> dict[str, float | int | str | None]:
    """The engine's running statistics with snake_case names and numbers where they are numbers
    (``"Total Orders": "15"`` → ``"total_orders": 15``)."""
    shaped: dict[str, float | int | str | None] = {}
    for name, text in statistics.items():
        key = "_".join(name.strip().lower().replace("-", " ").split())
        number = lean_number(text)
        if number is None:
            shaped[key] = text
        elif number.is_integer() and "." not in str(text):
            shaped[key] = int(number)
        else:
            shaped[key] = number
    return shaped
