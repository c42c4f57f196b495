"""Fixtures of the agent tests: the offline agent over the test project's universes and the data folder's tickers,
real result folders written by the embedded engine, and the API tests' real-server helper."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lean_runner.agent.agents import OfflineAgent
from lean_runner.dsl import UniverseLibrary, compile_spec
from lean_runner.engine.launcher import LaunchConfig, run_backtest
from lean_runner.engine.results.reader import LeanResultFolder, read_result_folder

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "test-project"
# The real-server helper lives beside the API tests; these tests start the same server.
sys.path.insert(0, str(REPO / "tests" / "api"))

RunSpec = Callable[..., LeanResultFolder]


@pytest.fixture(scope="session")
def universes() -> UniverseLibrary:
    return UniverseLibrary(PROJECT / "universes")


@pytest.fixture(scope="session")
def offline_agent(universes: UniverseLibrary, lean_data: Path) -> OfflineAgent:
    """The agent the server builds: the project's universe names, the data folder's daily tickers as known."""
    daily = lean_data / "equity" / "usa" / "daily"
    known = {path.stem.upper() for path in daily.glob("*.zip")}
    for name in universes.names():
        known.update(universes.load(name).symbols)
    return OfflineAgent(universe_names=universes.names(), known_symbols=known)


@pytest.fixture(scope="session")
def run_spec(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path,
             universes: UniverseLibrary) -> RunSpec:
    """Compile a spec with a config and run it on the embedded engine over the real data; the result folder."""

    def run(spec: dict[str, Any], config: dict[str, Any], name: str) -> LeanResultFolder:
        folder = tmp_path_factory.mktemp(name)
        algorithm = folder / "main.py"
        algorithm.write_text(compile_spec(spec, config, universes=universes))
        outcome = run_backtest(LaunchConfig(algorithm_location=algorithm, algorithm_type_name=None, algorithm_id=name,
                                            data_folder=lean_data, results_folder=folder / "results", parameters={},
                                            cache_folder=parse_cache), stream=io.StringIO())
        assert outcome.status == "Completed", outcome.error
        return read_result_folder(folder / "results")

    return run
