"""LEAN API behaviour, checked by algorithms that assert on themselves while running on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest

ALGORITHMS = Path(__file__).parent / "api_algorithms"


@pytest.mark.parametrize(("file_name", "marker"), [
    ("history_requests.py", "history checks passed"),
    ("warm_up_bars.py", "warm-up checks passed"),
    ("orders_api.py", "orders checks passed"),
    ("schedule_and_consolidate.py", "schedule checks passed"),
])
def test_algorithm_checks_pass(file_name: str, marker: str, tmp_path: Path, lean_data: Path,
                               parse_cache: Path) -> None:
    config = LaunchConfig(algorithm_location=ALGORITHMS / file_name, algorithm_type_name=None, algorithm_id="api",
                          data_folder=lean_data, results_folder=tmp_path, cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", outcome.error + (tmp_path / "console.txt").read_text()[-3000:]
    assert marker in (tmp_path / "api-log.txt").read_text()
