"""The engine as the runners start it: config in, LEAN result files and log lines out, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest
from lean_runner.engine.results.reader import read_result_folder
from lean_runner.progress_lines import parse_progress_line, parse_statistic

ALGORITHMS = Path(__file__).parent / "algorithms"
RESULT_KEYS = {"charts", "orders", "profitLoss", "statistics", "runtimeStatistics", "state",
               "algorithmConfiguration", "totalPerformance"}


def _config(tmp_path: Path, lean_data: Path, parse_cache: Path, name: str, **extra: object) -> Path:
    config = {"algorithm-location": str(ALGORITHMS / name), "algorithm-id": "test-run",
              "data-folder": str(lean_data), "results-destination-folder": str(tmp_path / "results"),
              "workbench-cache-folder": str(parse_cache), "close-automatically": True, **extra}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


def _run_engine(config: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lean_runner.engine", "--config", str(config)],
                          capture_output=True, text=True, timeout=timeout)


def test_result_files_load_and_give_back_equity_and_statistics(tmp_path: Path, lean_data: Path,
                                                               parse_cache: Path) -> None:
    config = LaunchConfig(algorithm_location=ALGORITHMS / "parameters_and_features.py", algorithm_type_name=None,
                          algorithm_id="features", data_folder=lean_data, results_folder=tmp_path,
                          parameters={"fast": "7", "label": "hello"}, cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", outcome.error

    files = {p.name for p in tmp_path.iterdir()}
    assert {"features.json", "features-summary.json", "features-order-events.json", "features-log.txt",
            "log.txt"} <= files
    result = json.loads((tmp_path / "features.json").read_text())
    assert set(result) >= RESULT_KEYS
    assert {"Strategy Equity", "Benchmark", "Drawdown", "Indicators"} <= set(result["charts"])
    assert result["state"]["Status"] == "Completed"
    assert result["algorithmConfiguration"]["parameters"] == {"fast": "7", "label": "hello"}
    summary = json.loads((tmp_path / "features-summary.json").read_text())
    assert summary["statistics"] == outcome.statistics
    events = json.loads((tmp_path / "features-order-events.json").read_text())
    assert [e["status"] for e in events] == ["submitted", "filled", "submitted", "filled"]
    assert events[0]["symbolValue"] == "IBM" and events[0]["symbol"] == "IBM R735QTJ8XC9X"

    folder = read_result_folder(tmp_path)
    equity = folder.equity_curve()
    assert equity[0][1] == 50000
    assert equity[-1][1] == pytest.approx(float(outcome.statistics["End Equity"]), abs=0.01)
    assert folder.statistics["Total Orders"] == "2"

    log = (tmp_path / "features-log.txt").read_text()
    assert "label=hello fast=7 events=4 ibm_leverage=1.0" in log
    console_text = (tmp_path / "console.txt").read_text()
    statistics = [parse_statistic(line) for line in console_text.splitlines()]
    assert dict(s for s in statistics if s) == outcome.statistics


def test_algorithm_that_raises_ends_in_runtime_error_with_user_traceback(tmp_path: Path, lean_data: Path,
                                                                        parse_cache: Path) -> None:
    completed = _run_engine(_config(tmp_path, lean_data, parse_cache, "raises_in_on_data.py"))
    assert completed.returncode == 1
    result = json.loads((tmp_path / "results" / "test-run.json").read_text())
    assert result["state"]["Status"] == "RuntimeError"
    assert "ZeroDivisionError" in result["state"]["RuntimeError"]
    trace = result["state"]["StackTrace"]
    assert "raises_in_on_data.py" in trace and "return 1 / 0" in trace
    assert "lean_runner/engine/backtest.py" not in trace  # the engine's frames are hidden
    log = (tmp_path / "results" / "log.txt").read_text()
    assert "ERROR:: Runtime Error: ZeroDivisionError" in log and "line 17" in log


@pytest.mark.parametrize(("file_name", "exit_code", "expected"), [
    ("syntax_error.py", 2, "Syntax error in"),
    ("no_algorithm_class.py", 2, "No algorithm class found in no_algorithm_class.py"),
    ("missing_data.py", 1, "No minute data for ZZZZ"),
])
def test_unusable_algorithm_gives_one_clear_message(tmp_path: Path, lean_data: Path, parse_cache: Path,
                                                     file_name: str, exit_code: int, expected: str) -> None:
    completed = _run_engine(_config(tmp_path, lean_data, parse_cache, file_name))
    assert completed.returncode == exit_code
    errors = [line for line in completed.stdout.splitlines() if "ERROR::" in line]
    assert any(expected in line for line in errors), completed.stdout
    state = json.loads((tmp_path / "results" / "test-run.json").read_text())["state"]
    assert state["Status"] == "RuntimeError" and expected in state["RuntimeError"]


def test_missing_data_message_says_what_to_fix(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    _run_engine(_config(tmp_path, lean_data, parse_cache, "missing_data.py"))
    message = json.loads((tmp_path / "results" / "test-run.json").read_text())["state"]["RuntimeError"]
    assert "equity/usa/minute/zzzz/" in message and "workbench data generate" in message


def test_syntax_error_names_the_line(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    completed = _run_engine(_config(tmp_path, lean_data, parse_cache, "syntax_error.py"))
    assert "line 5" in completed.stdout


def test_progress_lines_arrive_while_running_and_end_at_one(tmp_path: Path, lean_data: Path,
                                                            parse_cache: Path) -> None:
    # Interval 0: a line at every progress check, so the count does not depend on the machine's speed.
    config = _config(tmp_path, lean_data, parse_cache, "slow_second_data.py", **{"workbench-progress-interval": 0.0})
    completed = _run_engine(config)
    assert completed.returncode == 0, completed.stdout[-2000:]
    reports = [p for p in map(parse_progress_line, completed.stdout.splitlines()) if p]
    assert len(reports) >= 3
    fractions = [r.progress for r in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 < fractions[-2] < 1
    assert all(r.equity > 0 for r in reports)
    assert reports[-1].orders == 1


def test_engine_killed_mid_run_leaves_no_partial_result(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    config = _config(tmp_path, lean_data, parse_cache, "slow_second_data.py", **{"workbench-progress-interval": 0.1})
    process = subprocess.Popen([sys.executable, "-m", "lean_runner.engine", "--config", str(config)],
                               stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    for line in process.stdout:
        report = parse_progress_line(line)
        if report is not None and report.progress > 0.1:
            break
        assert time.monotonic() < deadline, "no progress within 120 s"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    results = tmp_path / "results"
    leftovers = {p.name for p in results.iterdir()}
    assert leftovers == {"log.txt"}, leftovers  # only the live engine log; no result file at all
