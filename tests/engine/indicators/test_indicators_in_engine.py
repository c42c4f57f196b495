"""Indicators inside a real backtest: helpers with automatic warm-up, composition and a PythonIndicator."""

from __future__ import annotations

import json
from pathlib import Path

from lean_runner.engine.launcher import LaunchConfig, run_backtest

ALGORITHM = Path(__file__).parent / "algorithms" / "indicator_checks.py"


def test_indicator_checks_algorithm(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    config = LaunchConfig(algorithm_location=ALGORITHM, algorithm_type_name=None, algorithm_id="indicators",
                          data_folder=lean_data, results_folder=tmp_path, cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", outcome.error + (tmp_path / "console.txt").read_text()[-3000:]
    assert "indicator checks passed" in (tmp_path / "indicators-log.txt").read_text()


def test_column_fed_indicators_match_bar_by_bar_updates(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    """The same algorithm with and without listeners on its indicators (listeners force per-bar updates):
    every value read on every minute, through warm-up, a settle, new slice times, a late registration and a
    reset, and the statistics are identical."""
    algorithm = Path(__file__).parent / "algorithms" / "column_fed_trace.py"
    runs = {}
    for observe in ("0", "1"):
        folder = tmp_path / observe
        config = LaunchConfig(algorithm_location=algorithm, algorithm_type_name=None, algorithm_id="trace",
                              data_folder=lean_data, results_folder=folder, cache_folder=parse_cache,
                              parameters={"observe": observe})
        folder.mkdir()
        with open(folder / "console.txt", "w") as console:
            outcome = run_backtest(config, stream=console)
        assert outcome.status == "Completed", outcome.error + (folder / "console.txt").read_text()[-3000:]
        log = (folder / "trace-log.txt").read_text()
        trace = json.loads(log[log.index("TRACE ") + 6:].splitlines()[0])
        statistics = json.loads((folder / "trace.json").read_text())["statistics"]
        runs[observe] = (trace, statistics)
    trace, statistics = runs["0"]
    assert len(trace) > 1500 and int(statistics["Total Orders"]) > 0
    assert trace[99][-1] and len(trace[400]) == 10  # the window read and the late SMA are in the trace
    assert runs["0"] == runs["1"]
