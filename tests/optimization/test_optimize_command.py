"""``workbench optimize`` with lean-cli's flags, on the real engine and data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from lean_runner.cli import build_parser
from lean_runner.optimization import read_summary
from lean_runner.optimization.command import optimize_command
from lean_runner.settings import Settings


def _settings(lean_data: Path, cache: Path) -> Settings:
    return Settings.from_env({"WORKBENCH_DATA_FOLDER": str(lean_data), "WORKBENCH_CACHE_FOLDER": str(cache),
                              "WORKBENCH_MAX_CONCURRENT": "2"})


def _optimize(argv: list[str], settings: Settings) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = optimize_command(build_parser().parse_args(["optimize", *argv]), settings, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_optimize_with_lean_cli_flags_writes_the_optimization_folder(sweep_project: Path, lean_data: Path,
                                                                    parse_cache: Path) -> None:
    code, out, err = _optimize([str(sweep_project / "ema_crossover.py"), "--strategy", "Grid Search",
                                "--target", "Sharpe Ratio", "--target-direction", "max",
                                "--parameter", "ema-fast", "5", "10", "5", "--parameter", "ema-slow", "30", "30", "1",
                                "--constraint", "Drawdown < 0.5", "--max-concurrent-backtests", "2",
                                "--start-date", "2013-01-01", "--end-date", "2013-06-30"],
                               _settings(lean_data, parse_cache))
    assert code == 0, err
    folders = list((sweep_project / "optimizations").iterdir())
    assert len(folders) == 1 and f"Results: {folders[0]}" in out
    summary = read_summary(folders[0])
    assert summary["total"] == 2 and summary["best"] is not None
    best = summary["best"]
    assert f"Optimal parameters: ema-fast: {best['parameters']['ema-fast']}, ema-slow: 30" in out
    assert "Sharpe Ratio" in out and best["statistics"]["Sharpe Ratio"] in out
    config = json.loads((folders[0] / "optimizer-config.json").read_text())
    assert config["parameters"] == [{"name": "ema-fast", "min": 5.0, "max": 10.0, "step": 5.0},
                                    {"name": "ema-slow", "min": 30.0, "max": 30.0, "step": 1.0}]
    assert config["optimization-strategy"].endswith("GridSearchOptimizationStrategy")


def test_optimize_reads_a_lean_cli_optimizer_config(sweep_project: Path, lean_data: Path, parse_cache: Path,
                                                    tmp_path: Path) -> None:
    config = tmp_path / "optimizer-config.json"
    config.write_text(json.dumps({
        "optimization-strategy": "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy",
        "optimization-criterion": {"target": "TotalPerformance.PortfolioStatistics.Drawdown", "extremum": "min"},
        "parameters": [{"name": "ema-fast", "min": 5, "max": 10, "step": 5},
                       {"name": "ema-slow", "min": 20, "max": 20, "step": 1}],
        "constraints": [{"target": "Total Orders", "operator": "greater", "target-value": 0}]}))
    code, out, err = _optimize([str(sweep_project / "ema_crossover.py"), "--optimizer-config", str(config),
                                "--output", str(tmp_path / "out"), "--start-date", "2013-01-01",
                                "--end-date", "2013-04-30"], _settings(lean_data, parse_cache))
    assert code == 0, err
    summary = read_summary(tmp_path / "out")
    drawdowns = {c["backtest_id"]: c["target_value"] for c in summary["children"]}
    assert summary["best"]["target_value"] == min(drawdowns.values())
    assert summary["spec"]["target_direction"] == "min"
    assert f"Results: {tmp_path / 'out'}" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["--parameter", "ema-fastest", "1", "3", "1"], "declares no parameter 'ema-fastest'"),
    (["--parameter", "ema-fast", "9", "3", "1"], "max (3) is below min (9)"),
    (["--parameter", "ema-fast", "1", "3", "1", "--constraint", "Drawdown"], "statistic operator value"),
    ([], "--parameter NAME MIN MAX STEP"),
])
def test_optimize_refuses_bad_input_with_how_to_fix_it(sweep_project: Path, lean_data: Path, parse_cache: Path,
                                                       argv: list[str], message: str) -> None:
    code, _, err = _optimize([str(sweep_project / "ema_crossover.py"), *argv], _settings(lean_data, parse_cache))
    assert code == 2 and message in err
    assert not (sweep_project / "optimizations").exists() or not any((sweep_project / "optimizations").iterdir())
