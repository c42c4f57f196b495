"""Progress of the real LEAN image, which prints none: from its log lines and its rewritten result JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from lean_runner.engine.progress import progress_fraction
from lean_runner.orchestration.events import BacktestEvent, LogEvent, ProgressEvent
from lean_runner.orchestration.monitor import RunMonitor
from lean_runner.runners.lean_progress import parse_begin_datastream

BEGIN = ("20240501 12:00:00.123 TRACE:: AlgorithmManager.Run(): Begin DataStream - Start: 10/7/2013 12:00:00 AM "
         "Stop: 10/11/2013 11:59:59 PM Time: 5/1/2024 12:00:00 PM Warmup: False")


@pytest.mark.parametrize(("message", "expected"), [
    (BEGIN, (datetime(2013, 10, 7), datetime(2013, 10, 11, 23, 59, 59))),
    ("AlgorithmManager.Run(): Begin DataStream - Start: 2013-10-07 00:00:00 Stop: 2013-10-11 23:59:59 Time: x "
     "Warmup: False", (datetime(2013, 10, 7), datetime(2013, 10, 11, 23, 59, 59))),
    ("Isolator.ExecuteWithTimeLimit(): Used: 100, Sample: 1. CPU: 45%", None),
])
def test_begin_datastream_dates_are_read_in_leans_formats(message: str, expected: object) -> None:
    assert parse_begin_datastream(message) == expected


@pytest.mark.parametrize(("current", "fraction"), [
    (datetime(2013, 10, 7, 9, 30), 0.0), (datetime(2013, 10, 9, 16, 0), 0.4), (datetime(2013, 10, 30), 0.999),
])
def test_progress_is_leans_whole_days_over_days_in_range(current: datetime, fraction: float) -> None:
    assert progress_fraction(datetime(2013, 10, 7), datetime(2013, 10, 11, 23, 59), current) == fraction


def test_monitor_derives_progress_events_from_a_lean_log_and_result_file(tmp_path: Path) -> None:
    events: list[BacktestEvent] = []
    result = tmp_path / "1234567890.json"
    monitor = RunMonitor("b", events.append, result_file=result)
    monitor.feed(BEGIN)
    assert monitor.poll_result_file() is False  # not written yet
    result.write_text("{ half-writ")
    assert monitor.poll_result_file() is False
    candles = [[1381152600, 100000, 100000, 100000, 100000], [1381348800, 100000, 101000, 99500, 100800.5]]
    result.write_text(json.dumps({"charts": {"Strategy Equity": {"series": {"Equity": {"values": candles}}}},
                                  "runtimeStatistics": {"Equity": "$100,800.50"}, "state": {"Status": "Running"}}))
    assert monitor.poll_result_file() is True
    assert monitor.poll_result_file() is False  # nothing new
    progress = [e for e in events if isinstance(e, ProgressEvent)]
    assert len(progress) == 1
    assert (progress[0].percent, progress[0].current_date) == (40.0, "2013-10-09")
    assert progress[0].equity is not None and progress[0].equity.equity == 100800.5
    assert progress[0].statistics == {"Equity": "$100,800.50"}
    assert isinstance(events[0], LogEvent) and events[0].message.startswith("AlgorithmManager.Run()")
    monitor.feed("20240501 12:00:09.000 TRACE:: STATISTICS:: Lowest Capacity Asset SPY R735QTJ8XC9X")
    monitor.feed("20240501 12:00:09.000 ERROR:: Runtime Error: boom")
    assert monitor.final_statistics == {"Lowest Capacity Asset": "SPY R735QTJ8XC9X"}
    assert monitor.last_error() == "Runtime Error: boom"
