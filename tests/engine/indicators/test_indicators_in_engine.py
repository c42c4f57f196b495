"""Indicators inside a real backtest: helpers with automatic warm-up, composition and a PythonIndicator."""

from __future__ import annotations

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
