"""Parse the engine's output lines: progress, log lines, statistics and the completion line.

The formats are documented in ``docs/progress-lines.md``. Runners read a
process's stdout or a container's log stream with these functions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

PROGRESS_PATTERN = re.compile(r"^\d{8} \d{2}:\d{2}:\d{2}\.\d{3} PROGRESS:: (\{.*\})\s*$")
LOG_PATTERN = re.compile(r"^\d{8} \d{2}:\d{2}:\d{2}\.\d{3} (TRACE|DEBUG|ERROR|REPORT):: (.*)$")
STATISTIC_PATTERN = re.compile(r"STATISTICS:: (.+?) (\S*)$")
# LEAN's summary keys; values may hold spaces ("SPY R735QTJ8XC9X") or be empty, so known keys are matched first.
SUMMARY_KEYS = (
    "Total Orders", "Average Win", "Average Loss", "Compounding Annual Return", "Drawdown", "Expectancy",
    "Start Equity", "End Equity", "Net Profit", "Sharpe Ratio", "Sortino Ratio", "Probabilistic Sharpe Ratio",
    "Loss Rate", "Win Rate", "Profit-Loss Ratio", "Alpha", "Beta", "Annual Standard Deviation", "Annual Variance",
    "Information Ratio", "Tracking Error", "Treynor Ratio", "Total Fees", "Estimated Strategy Capacity",
    "Lowest Capacity Asset", "Portfolio Turnover", "Drawdown Recovery", "OrderListHash",
)
COMPLETED_PATTERN = re.compile(
    r"Algorithm Id:\((?P<id>.+?)\) completed in (?P<seconds>[\d.]+) seconds at (?P<kdps>\d+)k data points per "
    r"second\. Processing total of (?P<points>[\d,]+) data points\.")


@dataclass(frozen=True)
class ProgressLine:
    """One ``PROGRESS::`` report from the engine."""

    progress: float
    time: str
    equity: float
    net_profit: float
    drawdown: float
    orders: int
    data_points: int
    statistics: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def parse_progress_line(line: str) -> ProgressLine | None:
    """The progress report in ``line``, or None if it is not a progress line."""
    match = PROGRESS_PATTERN.match(line)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except json.JSONDecodeError:
        return None
    return ProgressLine(progress=float(data.get("progress", 0.0)), time=str(data.get("time", "")),
                        equity=float(data.get("equity", 0.0)), net_profit=float(data.get("netProfit", 0.0)),
                        drawdown=float(data.get("drawdown", 0.0)), orders=int(data.get("orders", 0)),
                        data_points=int(data.get("dataPoints", 0)),
                        statistics=dict(data.get("statistics") or {}), raw=data)


def parse_log_line(line: str) -> tuple[str, str] | None:
    """``(level, message)`` of a LEAN console line, or None."""
    match = LOG_PATTERN.match(line.rstrip("\n"))
    return (match.group(1), match.group(2)) if match else None


def parse_statistic(line: str) -> tuple[str, str] | None:
    """``(name, value)`` of a ``STATISTICS:: name value`` line, or None."""
    parsed = parse_log_line(line)
    message = (parsed[1] if parsed else line).rstrip("\n")
    if not message.startswith("STATISTICS:: "):
        return None
    body = message[len("STATISTICS:: "):]
    for key in sorted(SUMMARY_KEYS, key=len, reverse=True):  # "Drawdown Recovery" before "Drawdown"
        if body == key or body.startswith(key + " "):
            return key, body[len(key) + 1:]
    match = STATISTIC_PATTERN.search(message)
    return (match.group(1), match.group(2)) if match else None


def parse_completion(line: str) -> dict[str, float] | None:
    """Seconds, thousands of data points per second and data points from the completion line."""
    match = COMPLETED_PATTERN.search(line)
    if not match:
        return None
    return {"seconds": float(match.group("seconds")), "kdps": float(match.group("kdps")),
            "data_points": float(match.group("points").replace(",", ""))}
