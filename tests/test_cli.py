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


def test_dsl_validate_prints_the_seed_shape_and_exits_non_zero_when_invalid(tmp_path: Path) -> None:
    good = _workbench("dsl", "validate", str(ROOT / "test-project" / "strategies" / "rsi_mean_reversion.json"))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["valid"] is True
    spec = json.loads((ROOT / "test-project" / "strategies" / "rsi_mean_reversion.json").read_text())
    spec["resolution"] = "fortnightly"
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(spec))
    bad = _workbench("dsl", "validate", str(bad_file))
    assert bad.returncode != 0
    report = json.loads(bad.stdout)
    assert report["valid"] is False and report["errors"][0]["path"] == "resolution"


def test_dsl_compile_prints_a_lean_algorithm(tmp_path: Path) -> None:
    output = tmp_path / "main.py"
    completed = _workbench("dsl", "compile", str(ROOT / "test-project" / "strategies" / "rsi_mean_reversion.json"),
                           "--output", str(output))
    assert completed.returncode == 0, completed.stderr
    code = output.read_text()
    assert "from AlgorithmImports import *" in code and "(QCAlgorithm):" in code
    compile(code, str(output), "exec")


def test_import_news_writes_daily_sentiment_files(tmp_path: Path) -> None:
    headlines = tmp_path / "headlines.csv"
    headlines.write_text("timestamp,symbol,headline\n2020-01-06T10:00:00,AAPL,Apple posts record profits\n"
                         "2020-01-07T10:00:00,AAPL,Apple faces lawsuit and weak sales\n")
    data = tmp_path / "data"
    data.mkdir()
    completed = _workbench("data", "import-news", str(headlines), env={"WORKBENCH_DATA_FOLDER": str(data)})
    assert completed.returncode == 0, completed.stderr
    rows = (data / "alternative" / "news-sentiment" / "aapl.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows] == ["20200106", "20200107"]
    assert float(rows[0].split(",")[1]) > 0 > float(rows[1].split(",")[1])
