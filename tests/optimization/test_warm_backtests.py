"""Single backtests through the workbench on warm workers (WORKBENCH_WARM_WORKERS=true) against the plain
process-per-run path: the same statistics; an algorithm's sys.exit or crash touches no other run; the
optimization service sweeps on the same warm server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_runner.orchestration.events import ProgressEvent
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import BacktestRequest
from lean_runner.services import Workbench
from lean_runner.services import models as m
from lean_runner.settings import Settings

ALGORITHMS = Path(__file__).parent / "algorithms"
REPO = Path(__file__).resolve().parents[2]
WINDOW = {"start-date": "2013-01-01", "end-date": "2013-06-30"}


def _open(tmp_path: Path, lean_data: Path, cache: Path, *, warm: bool) -> Workbench:
    project = tmp_path / ("warm" if warm else "plain")
    project.mkdir()
    shutil.copy(REPO / "test-project" / "ema_crossover.py", project)
    shutil.copy(REPO / "test-project" / "config.json", project)
    shutil.copy(ALGORITHMS / "misbehaving.py", project)
    settings = Settings.from_env({"WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
                                  "WORKBENCH_CACHE_FOLDER": str(cache), "WORKBENCH_ENGINE": "local",
                                  "WORKBENCH_MAX_CONCURRENT": "2", "WORKBENCH_STOP_TIMEOUT": "5",
                                  "WORKBENCH_WARM_WORKERS": "true" if warm else "false"})
    workbench = Workbench.from_settings(settings)
    workbench.start()
    return workbench


@pytest.fixture
def warm_and_plain(tmp_path: Path, lean_data: Path, parse_cache: Path) -> Iterator[tuple[Workbench, Workbench]]:
    warm = _open(tmp_path, lean_data, parse_cache, warm=True)
    plain = _open(tmp_path, lean_data, parse_cache, warm=False)
    try:
        yield warm, plain
    finally:
        warm.close()
        plain.close()


def _run(workbench: Workbench, algorithm: str, parameters: dict[str, str]) -> tuple[str, str | None, dict[str, str],
                                                                                      int]:
    subscription = workbench.orchestrator.events.subscribe(None)
    record = workbench.orchestrator.submit(BacktestRequest(algorithm=algorithm, parameters=parameters,
                                                           window=WINDOW))
    done = workbench.orchestrator.wait(record.id, timeout=300)
    subscription.close()
    progress = sum(1 for event in subscription if isinstance(event, ProgressEvent)
                   and event.backtest_id == record.id)
    return done.status, done.error, dict(done.statistics), progress


def test_warm_workers_give_the_statistics_of_a_new_process_per_run(warm_and_plain: tuple[Workbench, Workbench]) -> None:
    warm, plain = warm_and_plain
    runner = warm.orchestrator.runners["local"]
    assert isinstance(runner, LocalRunner) and runner.warm_pool is warm.warm_pool
    plain_runner = plain.orchestrator.runners["local"]
    assert isinstance(plain_runner, LocalRunner) and plain_runner.warm_pool is None
    parameters = {"ema-fast": "8", "ema-slow": "30"}
    warm_status, _, warm_statistics, warm_progress = _run(warm, "ema_crossover.py", parameters)
    plain_status, _, plain_statistics, _ = _run(plain, "ema_crossover.py", parameters)
    assert warm_status == plain_status == "completed"
    assert warm_statistics == plain_statistics and warm_statistics["Total Orders"] != "0"
    assert warm_progress >= 1
    assert plain.warm_pool.server_pid is None  # the plain workbench never started a warm server


def test_sys_exit_and_a_crash_on_a_warm_worker_touch_no_other_run(warm_and_plain: tuple[Workbench, Workbench]) -> None:
    warm, _ = warm_and_plain
    assert _run(warm, "misbehaving.py", {"mode": "0"})[0] == "completed"
    server = warm.warm_pool.server_pid
    exited = _run(warm, "misbehaving.py", {"mode": "2"})
    crashed = _run(warm, "misbehaving.py", {"mode": "4"})
    assert exited[0] == "failed" and "code 3" in (exited[1] or "")
    assert crashed[0] == "failed" and "code 9" in (crashed[1] or "")
    after = _run(warm, "misbehaving.py", {"mode": "0"})
    assert after[0] == "completed" and warm.warm_pool.server_pid == server


def test_the_optimization_service_sweeps_and_reports_progress(warm_and_plain: tuple[Workbench, Workbench]) -> None:
    warm, _ = warm_and_plain
    request = m.CreateOptimizationRequest(
        algorithm="ema_crossover.py", target="Sharpe Ratio", start_date=WINDOW["start-date"],
        end_date=WINDOW["end-date"], constraints=["Drawdown < 0.5"],
        parameters=[m.ParameterRangeModel(name="ema-fast", min=5, max=10, step=5)])
    summary = warm.optimizations.create(request)
    events = warm.optimizations.subscribe(summary.name)
    kinds = []
    while (event := events.get(timeout=300)) is not None:
        kinds.append(event.kind)
    detail = warm.optimizations.wait(summary.name, timeout=300)
    assert detail.status == "completed" and detail.done == 2 and detail.best is not None
    assert [c.best for c in detail.children].count(True) == 1
    assert kinds[-1] == "completed" and kinds.count("child") <= 2
    listed = [item.name for item in warm.optimizations.list().optimizations]
    assert listed == [summary.name]
    warm.optimizations.delete(summary.name)
    assert warm.optimizations.list().optimizations == []


def test_a_walk_forward_through_the_service_reports_folds_and_the_stitched_curve(
        warm_and_plain: tuple[Workbench, Workbench]) -> None:
    warm, _ = warm_and_plain
    request = m.CreateOptimizationRequest(
        algorithm="ema_crossover.py", target="Sharpe Ratio",
        parameters=[m.ParameterRangeModel(name="ema-fast", min=5, max=5, step=1)],
        fixed_parameters={"ema-slow": "20"},
        walk_forward=m.WalkForwardRequest(start_date="2012-01-01", end_date="2013-06-30", folds=2,
                                          in_sample_segments=2))
    summary = warm.optimizations.create(request)
    assert summary.kind == "walk-forward" and summary.status == "running"
    detail = warm.optimizations.wait(summary.name, timeout=300)
    assert detail.status == "completed" and detail.kind == "walk-forward" and detail.walk_forward is not None
    folds = detail.walk_forward["folds"]
    assert [f["out_of_sample_status"] for f in folds] == ["completed", "completed"]
    assert folds[0]["out_of_sample"]["end-date"] < folds[1]["out_of_sample"]["start-date"]
    assert detail.walk_forward["stitched_equity"] and detail.walk_forward["out_of_sample_mean_sharpe"] is not None
