"""The memory limit on warm workers: a hog forked from the warm server is reported out of memory, as a cold
engine process is, and the server and the next run are untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import RunPlan
from lean_runner.runners.warm_pool import WarmEnginePool

RUNNER_ALGORITHMS = Path(__file__).resolve().parents[1] / "runners" / "algorithms"


def _plan(project: Path, lean_data: Path, cache: Path, algorithm: str, name: str) -> RunPlan:
    folder = project / "results" / name
    folder.mkdir(parents=True)
    return RunPlan(backtest_id=name, algorithm_id=name, project=project, code_folder=project,
                   algorithm=project / algorithm, data_folder=lean_data, result_folder=folder,
                   storage_folder=project / "storage", cache_folder=cache)


@pytest.mark.parametrize("warm", [True, False], ids=["warm-pool", "process-per-run"])
def test_a_hog_is_out_of_memory_on_both_paths_and_the_next_run_completes(tmp_path: Path, lean_data: Path,
                                                                        parse_cache: Path, warm: bool) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("memory_hog.py", "buy_and_hold.py"):
        shutil.copy(RUNNER_ALGORITHMS / name, project)
    with WarmEnginePool(data_folder=lean_data) as pool:
        runner = LocalRunner(memory_limit="300m", warm_pool=pool if warm else None)
        hog = runner.start(_plan(project, lean_data, parse_cache, "memory_hog.py", "1000000001"), lambda line: None)
        hog_exit = hog.wait(300)
        server = pool.server_pid
        after = runner.start(_plan(project, lean_data, parse_cache, "buy_and_hold.py", "1000000002"),
                             lambda line: None)
        after_exit = after.wait(300)
        assert pool.server_pid == server
    assert hog_exit is not None and hog_exit.exit_code != 0 and hog_exit.oom_killed, hog_exit
    assert after_exit is not None and after_exit.exit_code == 0 and not after_exit.oom_killed
    assert (server is not None) is warm
