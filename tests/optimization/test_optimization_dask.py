"""A sweep on a real Dask cluster: a scheduler and two worker processes on loopback; results equal the local sweep's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lean_runner.engine.results.reader import read_result_folder
from lean_runner.optimization import (
    LocalChildExecutor,
    OptimizationSpec,
    ParameterOptimizer,
    ParameterRange,
    Target,
)
from lean_runner.optimization.dask_cluster import DaskChildExecutor, worker_data_folder
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool


def test_a_sweep_on_a_dask_cluster_equals_the_local_sweep(sweep_project: Path, lean_data: Path, parse_cache: Path,
                                                         dask_cluster: str) -> None:
    spec = OptimizationSpec(algorithm="ema_crossover.py", target=Target("Sharpe Ratio"),
                            window={"start-date": "2013-01-01", "end-date": "2013-06-30"},
                            parameters=[ParameterRange("ema-fast", 5, 10, 5), ParameterRange("ema-slow", 30, 30, 10)])
    executor = DaskChildExecutor(dask_cluster)
    try:
        on_dask = ParameterOptimizer(executor=executor, data_folder=lean_data).run(
            spec, project=sweep_project, folder=sweep_project / "optimizations" / "dask")
        from distributed import Client

        with Client(dask_cluster) as client:
            workers = client.run(os.getpid)
    finally:
        executor.close()
    assert len(workers) == 2
    with WarmEnginePool(data_folder=lean_data) as pool:
        local = ParameterOptimizer(executor=LocalChildExecutor(LocalRunner(warm_pool=pool), max_concurrent=2),
                                   data_folder=lean_data, cache_folder=parse_cache).run(
            spec, project=sweep_project, folder=sweep_project / "optimizations" / "local")
    assert on_dask.status == local.status == "completed"

    def by_parameters(result: object) -> dict[tuple[str, ...], dict[str, str]]:
        return {tuple(sorted(c.parameters.values())): c.statistics for c in result.children}  # type: ignore[attr-defined]

    assert by_parameters(on_dask) == by_parameters(local)
    assert len(by_parameters(on_dask)) == 2 and all(by_parameters(on_dask).values())
    assert on_dask.best is not None and local.best is not None
    assert on_dask.best.parameters == local.best.parameters
    # The children's result files came back into the project as normal result folders.
    for child in on_dask.children:
        assert read_result_folder(on_dask.folder / child.backtest_id).statistics == child.statistics


def test_a_worker_copies_an_fsspec_data_folder_once_and_reads_a_path_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "remote"
    (source / "equity" / "usa").mkdir(parents=True)
    (source / "equity" / "usa" / "spy.csv").write_text("1,2,3\n")
    copies = tmp_path / "copies"
    copies.mkdir()
    local = worker_data_folder(f"local://{source}", copies=copies)
    assert local.parent == copies and (local / "equity" / "usa" / "spy.csv").read_text() == "1,2,3\n"
    (source / "equity" / "usa" / "spy.csv").write_text("changed\n")
    assert worker_data_folder(f"local://{source}", copies=copies) == local
    assert (local / "equity" / "usa" / "spy.csv").read_text() == "1,2,3\n"  # copied once, then reused
    assert worker_data_folder(str(source), copies=copies) == source
    assert worker_data_folder(f"file://{source}", copies=copies) == source


def test_queued_backtests_run_on_the_cluster_by_setting(tmp_path: Path, lean_data: Path, parse_cache: Path,
                                                       dask_cluster: str) -> None:
    from lean_runner.optimization.dask_cluster import DaskRunner
    from lean_runner.runners.request import BacktestRequest
    from lean_runner.services import Workbench
    from lean_runner.settings import Settings

    repo = Path(__file__).resolve().parents[2]
    results = {}
    for where, extra in (("dask", {"WORKBENCH_DASK_SCHEDULER": dask_cluster, "WORKBENCH_DASK_BACKTESTS": "true"}),
                         ("local", {})):
        project = tmp_path / where
        project.mkdir()
        shutil.copy(repo / "test-project" / "ema_crossover.py", project)
        workbench = Workbench.from_settings(Settings.from_env({
            "WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
            "WORKBENCH_CACHE_FOLDER": str(parse_cache), "WORKBENCH_ENGINE": "local",
            "WORKBENCH_MAX_CONCURRENT": "2", "WORKBENCH_STOP_TIMEOUT": "5", **extra}))
        workbench.start()
        try:
            assert isinstance(workbench.orchestrator.runners["local"], DaskRunner) is (where == "dask")
            record = workbench.orchestrator.submit(BacktestRequest(
                algorithm="ema_crossover.py", parameters={"ema-fast": "8", "ema-slow": "30"},
                window={"start-date": "2013-01-01", "end-date": "2013-06-30"}))
            done = workbench.orchestrator.wait(record.id, timeout=300)
            assert done.status == "completed", done.error
            assert done.result_folder is not None
            folder = project / "backtests" / done.result_folder
            results[where] = (dict(done.statistics), read_result_folder(folder).statistics)
        finally:
            workbench.close()
    assert results["dask"] == results["local"] and results["dask"][0]["Total Orders"] != "0"
