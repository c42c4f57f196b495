"""Sweeps on the real engine and real data: children equal standalone backtests, misbehaving children are
reported while the sweep goes on, and cancel leaves no process."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from optimization_helpers import processes_working_in

from lean_runner.engine.results.reader import read_result_folder
from lean_runner.optimization import (
    LocalChildExecutor,
    OptimizationEvent,
    OptimizationResult,
    OptimizationSpec,
    OptimizationSpecError,
    ParameterOptimizer,
    ParameterRange,
    Target,
)
from lean_runner.optimization.children import ChildJob, child_plan
from lean_runner.orchestration.planning import judge_outcome
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool

WINDOW = {"start-date": "2013-01-01", "end-date": "2013-09-30"}


def _optimizer(runner: LocalRunner, lean_data: Path, parse_cache: Path, **options: float) -> ParameterOptimizer:
    return ParameterOptimizer(executor=LocalChildExecutor(runner, max_concurrent=2), data_folder=lean_data,
                              cache_folder=parse_cache, stop_timeout=5, **options)


def test_each_child_of_a_warm_sweep_equals_a_standalone_backtest(sweep_project: Path, lean_data: Path,
                                                                 parse_cache: Path,
                                                                 warm_pool: WarmEnginePool) -> None:
    spec = OptimizationSpec(algorithm="ema_crossover.py", target=Target("Sharpe Ratio"), window=WINDOW,
                            parameters=[ParameterRange("ema-fast", 5, 10, 5), ParameterRange("ema-slow", 30, 40, 10)])
    result = _optimizer(LocalRunner(warm_pool=warm_pool), lean_data, parse_cache).run(
        spec, project=sweep_project, folder=sweep_project / "optimizations" / "sweep")
    assert result.status == "completed" and len(result.children) == 4
    assert {c.status for c in result.children} == {"completed"}
    cold = LocalRunner()  # the plain path: a new engine process per backtest
    standalone_context = ParameterOptimizer(executor=LocalChildExecutor(cold, max_concurrent=1),
                                            data_folder=lean_data).prepare_folder(
        spec, sweep_project, sweep_project / "standalone")
    for child in result.children:
        job = ChildJob(f"alone-{child.backtest_id}", child.parameters, WINDOW)
        (standalone_context.child_folder(job)).mkdir(parents=True)
        handle = cold.start(child_plan(standalone_context, job), lambda line: None)
        exit_ = handle.wait(300)
        assert exit_ is not None and exit_.exit_code == 0
        alone = judge_outcome(exit_, standalone_context.child_folder(job), cancelled=False, timed_out=None,
                              monitor_error=None, monitor_statistics={})
        assert child.statistics == alone.statistics, child.parameters
        assert read_result_folder(result.folder / child.backtest_id).statistics == alone.statistics
    values = {(c.parameters["ema-fast"], c.parameters["ema-slow"]): c.target_value for c in result.children}
    assert result.best is not None and result.best.target_value == max(v for v in values.values() if v is not None)


@pytest.mark.parametrize("warm", [True, False], ids=["warm-pool", "process-per-run"])
def test_failing_crashing_and_hanging_children_are_reported_and_the_sweep_goes_on(
        sweep_project: Path, lean_data: Path, parse_cache: Path, warm: bool) -> None:
    pool = WarmEnginePool(data_folder=lean_data) if warm else None
    events: list[OptimizationEvent] = []
    spec = OptimizationSpec(algorithm="misbehaving.py", target=Target("Net Profit"),
                            parameters=[ParameterRange("mode", 0, 4, 1)], child_timeout=10)
    try:
        result = _optimizer(LocalRunner(warm_pool=pool), lean_data, parse_cache).run(
            spec, project=sweep_project, folder=sweep_project / "optimizations" / "misbehaving",
            on_event=events.append)
        server = pool.server_pid if pool else None
    finally:
        if pool is not None:
            pool.close()
    by_mode = {c.parameters["mode"]: c for c in result.children}
    assert result.status == "completed" and sorted(by_mode) == ["0", "1", "2", "3", "4"]
    assert by_mode["0"].status == "completed" and result.best is by_mode["0"]
    assert by_mode["1"].status == "failed" and "mode 1 raises in on_data" in (by_mode["1"].error or "")
    assert by_mode["2"].status == "failed" and "code 3" in (by_mode["2"].error or "")
    assert by_mode["3"].status == "failed" and "timed out after 10" in (by_mode["3"].error or "")
    assert by_mode["4"].status == "failed" and "code 9" in (by_mode["4"].error or "")
    assert [e.kind for e in events].count("child") == 5 and events[-1].kind == "completed"
    assert events[-1].failed == 4 and any("4 of 5 backtests failed" in w for w in result.warnings)
    if warm:
        assert server is not None, "the crashing children took the warm server down"
    assert processes_working_in(result.folder) == []


@pytest.mark.parametrize("warm", [True, False], ids=["warm-pool", "process-per-run"])
def test_cancel_stops_every_child_and_leaves_no_process(sweep_project: Path, lean_data: Path, parse_cache: Path,
                                                        warm: bool) -> None:
    pool = WarmEnginePool(data_folder=lean_data) if warm else None
    spec = OptimizationSpec(algorithm="misbehaving.py", target=Target("Net Profit"),
                            parameters=[ParameterRange("mode", 3, 3, 1)],
                            fixed_parameters={}, child_timeout=600)
    folder = sweep_project / "optimizations" / "cancelled"
    cancel = threading.Event()
    outcome: list[OptimizationResult] = []
    optimizer = _optimizer(LocalRunner(warm_pool=pool), lean_data, parse_cache)
    sweep = threading.Thread(target=lambda: outcome.append(optimizer.run(spec, project=sweep_project,
                                                                         folder=folder, cancel=cancel)))
    try:
        sweep.start()
        deadline = time.monotonic() + 120
        while not processes_working_in(folder):
            assert time.monotonic() < deadline and sweep.is_alive(), "the hanging child never started"
            time.sleep(0.1)
        cancel.set()
        sweep.join(120)
        assert not sweep.is_alive()
    finally:
        cancel.set()
        if pool is not None:
            server = pool.server_pid
            pool.close()
            assert server is not None and not Path(f"/proc/{server}").exists()
    result = outcome[0]
    assert result.status == "cancelled"
    assert processes_working_in(folder) == []


def test_a_dsl_spec_is_compiled_once_and_swept_over_its_declared_parameters(sweep_project: Path, lean_data: Path,
                                                                            parse_cache: Path,
                                                                            warm_pool: WarmEnginePool) -> None:
    import json
    import shutil

    from lean_runner.optimization.parameters import spec_parameter_ranges

    spec_file = Path(__file__).resolve().parents[2] / "test-project" / "strategies" / "rsi_mean_reversion.json"
    (sweep_project / "strategies").mkdir()
    shutil.copy(spec_file, sweep_project / "strategies")
    declared = spec_parameter_ranges(json.loads(spec_file.read_text()))
    oversold = next(r for r in declared if r.name == "oversold")
    spec = OptimizationSpec(algorithm="strategies/rsi_mean_reversion.json", target=Target("Sharpe Ratio"),
                            window={"start-date": "2012-01-01", "end-date": "2013-12-31"},
                            parameters=[ParameterRange("oversold", oversold.min, oversold.min + oversold.step,
                                                       oversold.step)])
    result = _optimizer(LocalRunner(warm_pool=warm_pool), lean_data, parse_cache).run(
        spec, project=sweep_project, folder=sweep_project / "optimizations" / "dsl")
    assert result.status == "completed" and [c.status for c in result.children] == ["completed", "completed"]
    assert sorted(c.parameters["oversold"] for c in result.children) == ["10", "5"]
    compiled = list((result.folder / "code").glob("*_compiled.py"))
    assert len(compiled) == 1 and 'get_parameter("oversold"' in compiled[0].read_text()
    with pytest.raises(OptimizationSpecError, match="declares no parameter 'ema-fast'"):
        _optimizer(LocalRunner(warm_pool=warm_pool), lean_data, parse_cache).run(
            OptimizationSpec(algorithm="strategies/rsi_mean_reversion.json", target=Target("Sharpe Ratio"),
                             parameters=[ParameterRange("ema-fast", 1, 2, 1)]),
            project=sweep_project, folder=sweep_project / "optimizations" / "never")
