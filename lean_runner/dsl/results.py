"""Backtest results in the strategy service's shape, computed from a LEAN result folder.

Example::

    results = backtest_results(read_result_folder(Path("test-project/backtests/2024-05-01_12-00-00")))
    results["metrics_summary"]   # {"total_return": 0.26, "cagr": 0.047, "max_drawdown": 0.236, "sharpe": 0.30}

Works on the files of the embedded engine and of QuantConnect's LEAN alike: the equity curve
comes from the ``Strategy Equity`` chart, trades are LEAN's closed trades (the ones its trade
statistics count; rebuilt from the order events or the orders when a result has none), and the
summary from LEAN's statistics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from lean_runner.engine.results.reader import LeanResultFolder, read_result_folder

__all__ = ["backtest_results", "daily_equity", "drawdown_episodes", "lean_closed_trades", "metrics_summary",
           "period_returns", "round_trips"]

_NEW_YORK = ZoneInfo("America/New_York")


def daily_equity(result: LeanResultFolder) -> list[tuple[date, float]]:
    """The equity at the end of each day. A sample at midnight closes the day before; the first is the start."""
    points: dict[date, float] = {}
    for index, (seconds, equity) in enumerate(result.equity_curve()):
        moment = datetime.fromtimestamp(seconds, UTC).astimezone(_NEW_YORK).replace(tzinfo=None)
        day = moment.date() if index == 0 else (moment - timedelta(microseconds=1)).date()
        if index == 0 or day.weekday() < 5:  # weekend samples repeat Friday's close
            points[day] = float(equity)
    return sorted(points.items())


def drawdown_episodes(curve: list[tuple[date, float]], *, min_depth: float = 0.0) -> list[dict[str, Any]]:
    """Each fall below a running peak: ``start`` (the peak's day), ``end`` (the first day back at the peak,
    or None if never), ``depth`` (the deepest fall, a fraction of the peak). Shallower than ``min_depth``: left out."""
    episodes: list[dict[str, Any]] = []
    peak_day, peak, depth = None, float("-inf"), 0.0
    for day, equity in curve:
        if equity >= peak:
            if depth > 0 and depth >= min_depth:
                episodes.append({"start": peak_day.isoformat() if peak_day else None, "end": day.isoformat(),
                                 "depth": depth})
            peak_day, peak, depth = day, equity, 0.0
        elif peak > 0:
            depth = max(depth, 1 - equity / peak)
    if depth > 0 and depth >= min_depth:
        episodes.append({"start": peak_day.isoformat() if peak_day else None, "end": None, "depth": depth})
    return episodes


def period_returns(curve: list[tuple[date, float]], *, monthly: bool = False) -> list[dict[str, Any]]:
    """The return of each calendar year (``"2015"``) or month (``"2015-01"``), each from the equity at the end of
    the period before (the start equity for the first), so that they compound to the total return."""
    if not curve:
        return []
    ends: dict[str, float] = {}
    for day, equity in curve[1:] if len(curve) > 1 else curve:
        ends[f"{day:%Y-%m}" if monthly else f"{day:%Y}"] = equity
    previous = curve[0][1]
    periods = []
    for period, equity in ends.items():
        periods.append({"period": period, "return": equity / previous - 1 if previous else 0.0})
        previous = equity
    return periods


@dataclass(frozen=True)
class _Fill:
    symbol: str
    time: float
    quantity: float
    price: float


def _fills(result: LeanResultFolder) -> list[_Fill]:
    fills = [_Fill(str(e.get("symbolValue") or e.get("symbol")), float(e["time"]), float(e["fillQuantity"]),
                   float(e["fillPrice"]))
             for e in result.order_events
             if e.get("status") in ("filled", "partiallyFilled") and float(e.get("fillQuantity") or 0) != 0]
    if fills or result.order_events:
        return fills
    for order in result.orders.values():  # no order-events file: one fill per filled order
        if order.get("status") == 3 and order.get("quantity"):
            when = datetime.fromisoformat(str(order.get("lastFillTime") or order["time"]).replace("Z", "+00:00"))
            symbol = order.get("symbol") or {}
            fills.append(_Fill(str(symbol.get("value") if isinstance(symbol, dict) else symbol), when.timestamp(),
                               float(order["quantity"]), float(order["price"])))
    return sorted(fills, key=lambda f: f.time)


def _day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).astimezone(_NEW_YORK).date().isoformat()


def round_trips(fills: Iterable[_Fill]) -> list[dict[str, Any]]:
    """Trades from flat to flat per symbol: average entry and exit prices, the quantity entered, the P&L before
    fees, and the P&L over the entry cost. A fill that reverses a position closes one trade and opens the next.
    Positions still open at the end are not trades yet."""
    open_trades: dict[str, dict[str, Any]] = {}
    trades: list[dict[str, Any]] = []
    for fill in fills:
        remaining = fill.quantity
        while remaining:
            trade = open_trades.get(fill.symbol)
            if trade is None:
                trade = open_trades[fill.symbol] = {"position": 0.0, "side": 1 if remaining > 0 else -1,
                                                    "entry_time": fill.time, "entry_qty": 0.0, "entry_value": 0.0,
                                                    "exit_qty": 0.0, "exit_value": 0.0, "exit_time": fill.time}
            if (remaining > 0) == (trade["side"] > 0):
                trade["entry_qty"] += abs(remaining)
                trade["entry_value"] += abs(remaining) * fill.price
                trade["position"] += remaining
                remaining = 0.0
                continue
            closing = min(abs(remaining), abs(trade["position"]))
            trade["exit_qty"] += closing
            trade["exit_value"] += closing * fill.price
            trade["exit_time"] = fill.time
            trade["position"] -= closing * trade["side"]
            remaining += closing * trade["side"]
            if abs(trade["position"]) < 1e-9:
                trades.append(_trade(fill.symbol, trade))
                del open_trades[fill.symbol]
    return sorted(trades, key=lambda t: (t["exit_date"], t["symbol"]))


def _trade(symbol: str, trade: dict[str, Any]) -> dict[str, Any]:
    entry_price = trade["entry_value"] / trade["entry_qty"]
    exit_price = trade["exit_value"] / trade["exit_qty"]
    pnl = (trade["exit_value"] - trade["entry_value"]) * trade["side"]
    return {"symbol": symbol, "side": "buy" if trade["side"] > 0 else "sell",
            "entry_date": _day(trade["entry_time"]), "exit_date": _day(trade["exit_time"]),
            "entry_price": entry_price, "exit_price": exit_price, "quantity": trade["entry_qty"], "pnl": pnl,
            "return_pct": pnl / trade["entry_value"] if trade["entry_value"] else 0.0}


def lean_closed_trades(result: LeanResultFolder) -> list[dict[str, Any]] | None:
    """LEAN's closed trades (``totalPerformance.closedTrades``: its trade builder matches fills first in, first out,
    so a partial exit is a trade of its own) in the seed's shape, or None when the result has none recorded. P&L
    is before fees, as LEAN's ``profitLoss``, but computed from the prices: LEAN rounds its own to cents."""
    performance = result.raw.get("totalPerformance") or {}
    closed = performance.get("closedTrades") if isinstance(performance, dict) else None
    if not isinstance(closed, list):
        return None
    trades = []
    for trade in closed:
        symbol = trade.get("symbol") or {}
        side = 1 if trade.get("direction") in (0, "long", "Long") else -1
        quantity, entry, exit_ = float(trade["quantity"]), float(trade["entryPrice"]), float(trade["exitPrice"])
        pnl = (exit_ - entry) * quantity * side
        trades.append({"symbol": str(symbol.get("value") if isinstance(symbol, dict) else symbol),
                       "side": "buy" if side > 0 else "sell",
                       "entry_date": _day(_seconds(trade["entryTime"])), "exit_date": _day(_seconds(trade["exitTime"])),
                       "entry_price": entry, "exit_price": exit_, "quantity": quantity, "pnl": pnl,
                       "return_pct": pnl / (entry * quantity) if entry and quantity else 0.0})
    return sorted(trades, key=lambda t: (t["exit_date"], t["symbol"]))


def _seconds(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _fraction(text: str | None) -> float | None:
    """``"23.600%"`` → 0.236, ``"0.304"`` → 0.304; None when absent or not a number."""
    if not text:
        return None
    value = text.strip().replace(",", "").replace("$", "")
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return None


def metrics_summary(result: LeanResultFolder, curve: list[tuple[date, float]]) -> dict[str, float | None]:
    """``total_return``, ``cagr``, ``max_drawdown`` (positive) and ``sharpe``, as fractions, from LEAN's
    statistics (``Start/End Equity``, ``Compounding Annual Return``, ``Drawdown``, ``Sharpe Ratio``);
    from the equity curve when the result has no statistics."""
    stats = result.statistics
    start, end = _fraction(stats.get("Start Equity")), _fraction(stats.get("End Equity"))
    if (start is None or end is None) and curve:
        start, end = curve[0][1], curve[-1][1]
    total = end / start - 1 if start and end is not None else None
    cagr = _fraction(stats.get("Compounding Annual Return"))
    if cagr is None and total is not None and len(curve) > 1:
        years = (curve[-1][0] - curve[0][0]).days / 365.25
        cagr = (1 + total) ** (1 / years) - 1 if years > 0 and total > -1 else None
    drawdown = _fraction(stats.get("Drawdown"))
    if drawdown is None:
        drawdown = max((e["depth"] for e in drawdown_episodes(curve)), default=0.0)
    return {"total_return": total, "cagr": cagr, "max_drawdown": drawdown,
            "sharpe": _fraction(stats.get("Sharpe Ratio"))}


def _trades(folder: LeanResultFolder) -> list[dict[str, Any]]:
    closed = lean_closed_trades(folder)
    return closed if closed is not None else round_trips(_fills(folder))


def backtest_results(result: LeanResultFolder | Path, *, monthly: bool = False,
                     min_drawdown: float = 0.0) -> dict[str, Any]:
    """``metrics_summary``, ``equity_curve`` (daily), ``drawdowns``, ``trades`` and ``per_period_metrics`` (yearly;
    monthly with ``monthly=True``) of a LEAN result folder (a path or a loaded :class:`LeanResultFolder`)."""
    folder = result if isinstance(result, LeanResultFolder) else read_result_folder(result)
    curve = daily_equity(folder)
    return {
        "metrics_summary": metrics_summary(folder, curve),
        "equity_curve": [{"date": day.isoformat(), "equity": equity} for day, equity in curve],
        "drawdowns": drawdown_episodes(curve, min_depth=min_drawdown),
        "trades": _trades(folder),
        "per_period_metrics": period_returns(curve, monthly=monthly),
    }
