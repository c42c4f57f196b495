"""The ``workbench`` command as a person runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _workbench(*args: str, env: dict[str, str] | None = None,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lean_runner.cli", *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})}, cwd=cwd)


def test_backtest_prints_statistics_table_and_result_folder(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    output = tmp_path / "out"
    completed = _workbench("backtest", str(ROOT / "test-project" / "main.py"), "--data-folder", str(lean_data),
                           "--output", str(output), "--parameter", "unused", "1",
                           env={"WORKBENCH_CACHE_FOLDER": str(parse_cache)})
    assert completed.returncode == 0, completed.stderr
    assert "STATISTICS" in completed.stdout
    assert "Total Orders" in completed.stdout and "End Equity" in completed.stdout
    assert f"Results: {output}" in completed.stdout
    results = [p for p in output.glob("*.json") if "-" not in p.stem]
    assert len(results) == 1
    result = json.loads(results[0].read_text())
    assert result["state"]["Status"] == "Completed"
    assert result["algorithmConfiguration"]["parameters"] == {"unused": "1"}


def test_backtest_default_output_is_a_timestamped_folder_in_the_project(tmp_path: Path, lean_data: Path,
                                                                       parse_cache: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text((ROOT / "test-project" / "main.py").read_text())
    completed = _workbench("backtest", str(project / "main.py"), "--data-folder", str(lean_data),
                           env={"WORKBENCH_CACHE_FOLDER": str(parse_cache)})
    assert completed.returncode == 0, completed.stderr
    folders = list((project / "backtests").iterdir())
    assert len(folders) == 1 and len(folders[0].name) == len("2026-01-01_00-00-00")
    assert json.loads((folders[0] / "config").read_text())["id"] >= 1_000_000_000


def test_backtest_of_missing_file_fails_clearly(tmp_path: Path) -> None:
    completed = _workbench("backtest", str(tmp_path / "nope.py"))
    assert completed.returncode == 2
    assert "algorithm file not found" in completed.stderr


def test_data_generate_writes_synthetic_lean_data_the_engine_runs_on(tmp_path: Path, lean_data: Path,
                                                                      parse_cache: Path) -> None:
    data = tmp_path / "data"
    completed = _workbench("data", "generate", "--symbols", "SPY,ABC", "--start", "2020-01-06", "--end", "2020-01-10",
                           "--resolution", "minute", "--seed", "3", "--out", str(data),
                           env={"WORKBENCH_DATA_FOLDER": str(lean_data)})
    assert completed.returncode == 0, completed.stderr
    assert (data / "SYNTHETIC.json").is_file()
    assert len(list((data / "equity" / "usa" / "minute" / "abc").glob("*_trade.zip"))) == 5
    algorithm = tmp_path / "abc.py"
    algorithm.write_text(
        "from AlgorithmImports import *\n\n\nclass Abc(QCAlgorithm):\n    def initialize(self):\n"
        "        self.set_start_date(2020, 1, 6)\n        self.set_end_date(2020, 1, 10)\n"
        "        self.add_equity('ABC')\n\n    def on_data(self, data):\n"
        "        if not self.portfolio.invested:\n            self.set_holdings('ABC', 1)\n")
    run = _workbench("backtest", str(algorithm), "--data-folder", str(data), "--output", str(tmp_path / "out"),
                     env={"WORKBENCH_CACHE_FOLDER": str(parse_cache)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Total Orders               1" in run.stdout or "Total Orders  " in run.stdout
