"""Every example strategy in test-project/ runs on the embedded engine with its declared parameters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest

PROJECT = Path(__file__).resolve().parent.parent / "test-project"
STRATEGIES = sorted(p.name for p in PROJECT.glob("*.py"))


def test_project_declares_parameters_and_strategies() -> None:
    config = json.loads((PROJECT / "config.json").read_text())
    assert config["algorithm-language"] == "Python"
    assert all(isinstance(value, str) for value in config["parameters"].values())
    assert {"main.py", "ema_crossover.py", "macd_trend.py", "rsi_mean_reversion.py"} <= set(STRATEGIES)


@pytest.mark.parametrize("file_name", STRATEGIES)
def test_strategy_runs_to_completion(file_name: str, tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    parameters = json.loads((PROJECT / "config.json").read_text())["parameters"]
    config = LaunchConfig(algorithm_location=PROJECT / file_name, algorithm_type_name=None, algorithm_id="example",
                          data_folder=lean_data, results_folder=tmp_path, parameters=parameters,
                          cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", outcome.error
    assert int(outcome.statistics["Total Orders"]) >= 1
    assert float(outcome.statistics["End Equity"]) > 0
