"""Progress of a real LEAN run, which prints no percentages: from its log lines and its result JSON.

LEAN logs ``AlgorithmManager.Run(): Begin DataStream - Start: <start> Stop: <end> ...`` once,
then rewrites ``/Results/<algorithm-id>.json`` every ~30 s with the ``Strategy Equity``
chart so far. Progress is LEAN's own definition: whole days processed since the start
over ``(end - start).days + 1``, capped at 0.999 until the run ends.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_BEGIN = re.compile(r"Begin DataStream - Start: (?P<start>.+?) Stop: (?P<stop>.+?)(?: Time: .*)?$")
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p",
            "%d/%m/%Y %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True)
class EquityPoint:
    """One point of the equity curve: unix seconds (UTC) and the portfolio value."""

    time: float
    equity: float

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class ResultSnapshot:
    """What an intermediate ``<id>.json`` tells about a running backtest."""

    equity: list[EquityPoint]
    runtime_statistics: dict[str, str]
    status: str | None


def _parse_lean_time(text: str) -> datetime | None:
    text = text.strip()
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def parse_begin_datastream(message: str) -> tuple[datetime, datetime] | None:
    """``(start, end)`` from LEAN's ``Begin DataStream`` line, or None for any other line."""
    match = _BEGIN.search(message)
    if not match:
        return None
    start, stop = _parse_lean_time(match.group("start")), _parse_lean_time(match.group("stop"))
    return (start, stop) if start and stop else None


def equity_points(result: dict[str, Any]) -> list[EquityPoint]:
    """The ``Strategy Equity``/``Equity`` series of a LEAN result object (candles or plain points)."""
    chart = (result.get("charts") or {}).get("Strategy Equity") or {}
    series = (chart.get("series") or chart.get("Series") or {}).get("Equity") or {}
    values = series.get("values") or series.get("Values") or []
    points: list[EquityPoint] = []
    for value in values:
        if isinstance(value, list) and len(value) >= 2 and value[-1] is not None:
            points.append(EquityPoint(float(value[0]), float(value[-1])))  # [t, y] or [t, o, h, l, c]
        elif isinstance(value, dict) and "x" in value:
            y = value.get("y", value.get("close"))
            if y is not None:
                points.append(EquityPoint(float(value["x"]), float(y)))
    return points


def read_result_snapshot(path: Path) -> ResultSnapshot | None:
    """The running result file at ``path``, or None while it is missing or half-written."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    runtime = {str(k): str(v) for k, v in (data.get("runtimeStatistics") or {}).items()}
    state = data.get("state") or {}
    return ResultSnapshot(equity=equity_points(data), runtime_statistics=runtime,
                          status=state.get("Status") if isinstance(state, dict) else None)
