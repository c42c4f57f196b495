"""Fixtures for the DSL tests: the example specs, the project's universes, and running generated code."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from dsl_examples import PROJECT, RunAlgorithm

from lean_runner.dsl import UniverseLibrary
from lean_runner.engine.launcher import BacktestOutcome, LaunchConfig, run_backtest


@pytest.fixture(scope="session")
def universes() -> UniverseLibrary:
    return UniverseLibrary(PROJECT / "universes")


@pytest.fixture
def sma_spec() -> dict[str, Any]:
    """A valid one-symbol SMA crossover spec that tests mutate."""
    return {
        "version": 1, "name": "SMA crossover", "universe": {"symbols": ["SPY"]},
        "parameters": {"fast": {"type": "int", "default": 20, "min": 5, "max": 100}},
        "entry": {"conditions": [{"indicator": "sma", "params": {"window": {"param": "fast"}}, "op": ">",
                                  "value": {"indicator": "sma", "params": {"window": 50}}}]},
        "exit": {"conditions": [{"indicator": "sma", "params": {"window": {"param": "fast"}}, "op": "<",
                                 "value": {"indicator": "sma", "params": {"window": 50}}}]},
    }


@pytest.fixture
def run_algorithm(tmp_path: Path, lean_data: Path, parse_cache: Path) -> RunAlgorithm:
    """Write ``code`` to a file and run it on the embedded engine; returns the outcome and the result folder."""

    def run(code: str, name: str = "main", parameters: dict[str, str] | None = None,
            data_folder: Path | None = None) -> tuple[BacktestOutcome, Path]:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        algorithm = folder / "main.py"
        algorithm.write_text(code)
        results = folder / "results"
        outcome = run_backtest(LaunchConfig(algorithm_location=algorithm, algorithm_type_name=None, algorithm_id=name,
                                             data_folder=data_folder or lean_data, results_folder=results,
                                             parameters=parameters or {}, cache_folder=parse_cache),
                               stream=io.StringIO())
        assert outcome.status == "Completed", outcome.error
        return outcome, results

    return run
