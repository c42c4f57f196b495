"""Turn one run's output lines (and, for the real LEAN image, its result file) into events and a live state."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lean_runner.engine.progress import progress_fraction
from lean_runner.orchestration.events import BacktestEvent, LogEvent, ProgressEvent
from lean_runner.progress_lines import parse_log_line, parse_progress_line, parse_statistic
from lean_runner.runners.lean_progress import EquityPoint, parse_begin_datastream, read_result_snapshot

MAX_EQUITY_POINTS = 5_000
LOG_TAIL = 500
_NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class RunSnapshot:
    """The current state of one backtest, for a subscriber that joins late."""

    backtest_id: str
    status: str
    progress: float = 0.0
    percent: float = 0.0
    current_date: str = ""
    equity: list[EquityPoint] = field(default_factory=list)
    statistics: dict[str, str] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    error: str | None = None
    result_folder: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"backtest_id": self.backtest_id, "status": self.status, "progress": self.progress,
                "percent": self.percent, "current_date": self.current_date,
                "equity": [[p.time, p.equity] for p in self.equity], "statistics": dict(self.statistics),
                "logs": list(self.logs), "error": self.error, "result_folder": self.result_folder}


class RunMonitor:
    """Parses a run's lines: ``PROGRESS::`` lines (the embedded engine), log lines, ``STATISTICS::`` lines.

    For the real LEAN image, which prints no progress, :meth:`poll_result_file` derives it
    from the ``Begin DataStream`` dates and the equity chart of the periodically rewritten
    ``<algorithm-id>.json``.
    """

    def __init__(self, backtest_id: str, publish: Callable[[BacktestEvent], None], *,
                 result_file: Path | None = None) -> None:
        self.backtest_id = backtest_id
        self._publish = publish
        self._result_file = result_file
        self._lock = threading.Lock()
        self.progress = 0.0
        self.current_date = ""
        self.equity: list[EquityPoint] = []
        self.running_statistics: dict[str, str] = {}
        self.final_statistics: dict[str, str] = {}
        self.logs: deque[str] = deque(maxlen=LOG_TAIL)
        self.errors: deque[str] = deque(maxlen=20)
        self.first_progress_at: datetime | None = None
        self._lean_range: tuple[datetime, datetime] | None = None
        self._saw_progress_lines = False

    # -- lines -------------------------------------------------------------------------------------------
    def feed(self, line: str) -> None:
        """One output line of the run (called on the runner's reader thread)."""
        progress = parse_progress_line(line)
        if progress is not None:
            self._saw_progress_lines = True
            point = EquityPoint(_unix_seconds(progress.time), progress.equity) if progress.time else None
            statistics = {**progress.statistics, "Equity": f"{progress.equity:.2f}",
                          "Net Profit": f"{progress.net_profit:.6f}", "Drawdown": f"{progress.drawdown}",
                          "Total Orders": str(progress.orders)}
            if "fees" in progress.raw:
                statistics["Total Fees"] = str(progress.raw["fees"])
            self._record_progress(progress.progress, progress.time[:10], point, statistics)
            return
        statistic = parse_statistic(line)
        if statistic is not None:
            with self._lock:
                self.final_statistics[statistic[0]] = statistic[1]
            return
        parsed = parse_log_line(line)
        level, message = parsed if parsed else ("OUTPUT", line)
        if not message.strip():
            return
        with self._lock:
            self.logs.append(message)
            if level == "ERROR":
                self.errors.append(message)
        if self._lean_range is None:
            self._lean_range = parse_begin_datastream(message)
        self._publish(LogEvent(backtest_id=self.backtest_id, level=level, message=message))

    # -- LEAN's result file ------------------------------------------------------------------------------
    def poll_result_file(self) -> bool:
        """Publish progress from the running result file; True when a new equity point was found."""
        if self._result_file is None or self._saw_progress_lines:
            return False
        snapshot = read_result_snapshot(self._result_file)
        if snapshot is None or not snapshot.equity:
            return False
        last = snapshot.equity[-1]
        with self._lock:
            if self.equity and self.equity[-1].time >= last.time:
                return False
        fraction = 0.0
        if self._lean_range is not None:
            start, end = self._lean_range
            start_utc = start.replace(tzinfo=_NEW_YORK).astimezone(UTC).replace(tzinfo=None)
            current = datetime.fromtimestamp(last.time, UTC).replace(tzinfo=None)
            fraction = progress_fraction(start_utc, end, current)
        self._record_progress(fraction, last.date, last, dict(snapshot.runtime_statistics))
        return True

    # -- state -------------------------------------------------------------------------------------------
    def _record_progress(self, fraction: float, current_date: str, point: EquityPoint | None,
                         statistics: dict[str, str]) -> None:
        with self._lock:
            if self.first_progress_at is None:
                self.first_progress_at = datetime.now(UTC)
            self.progress = fraction
            self.current_date = current_date or self.current_date
            self.running_statistics = statistics
            if point is not None and (not self.equity or point.time >= self.equity[-1].time):
                self.equity.append(point)
                if len(self.equity) > MAX_EQUITY_POINTS:  # keep the whole curve at half the density
                    self.equity = self.equity[::2] + ([self.equity[-1]] if len(self.equity) % 2 == 0 else [])
        self._publish(ProgressEvent(backtest_id=self.backtest_id, progress=fraction,
                                    percent=round(fraction * 100, 1), current_date=current_date, equity=point,
                                    statistics=statistics))

    def snapshot(self, status: str, *, error: str | None = None, result_folder: str | None = None) -> RunSnapshot:
        with self._lock:
            statistics = dict(self.final_statistics or self.running_statistics)
            return RunSnapshot(backtest_id=self.backtest_id, status=status, progress=self.progress,
                               percent=round(self.progress * 100, 1), current_date=self.current_date,
                               equity=list(self.equity), statistics=statistics, logs=list(self.logs), error=error,
                               result_folder=result_folder)

    def last_error(self) -> str | None:
        """The first line of the last ERROR block, which names the problem (``Runtime Error: ...``)."""
        with self._lock:
            for message in reversed(self.errors):
                if not message.startswith(("Traceback", "  ", "File ")):
                    return message
            return self.errors[-1] if self.errors else None


def _unix_seconds(new_york_time: str) -> float:
    """The engine's algorithm time (New York, no offset) as unix seconds."""
    try:
        moment = datetime.fromisoformat(new_york_time)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_NEW_YORK)
    return moment.timestamp()


class ResultFilePoller:
    """Calls ``monitor.poll_result_file`` every ``interval`` seconds until stopped."""

    def __init__(self, monitor: RunMonitor, interval: float) -> None:
        self._monitor = monitor
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"poll-{monitor.backtest_id[:8]}")

    def start(self) -> ResultFilePoller:
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._monitor.poll_result_file()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
