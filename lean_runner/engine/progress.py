"""Progress of a running backtest: what the engine reports while it streams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Progress:
    """One progress report: LEAN's progress fraction plus what a live chart needs."""

    fraction: float
    algorithm_time: datetime
    equity: float
    data_points: int
    orders: int
    fees: float
    net_profit: float
    drawdown: float


def progress_fraction(start: datetime, end: datetime, current: datetime) -> float:
    """LEAN's backtest progress: whole days done over the days in range, at most 0.999.

    The embedded engine reports it, and the runners work it out from a LEAN container's log lines.
    """
    total_days = (end.date() - start.date()).days + 1
    done = int((current - start).total_seconds() // 86400)
    if total_days <= 0:
        return 0.0
    return round(min(max(done / total_days, 0.0), 0.999), 3)
