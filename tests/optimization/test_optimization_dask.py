"""A sweep on a real Dask cluster: a scheduler and two worker processes on loopback; results equal the local sweep's."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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

_ADDRESS = re.compile(r"Scheduler at:\s+(tcp://127\.0\.0\.1:\d+)")
DASK = Path(sys.executable).with_name("dask")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 (ended, with their children, after)."""
    processes: list[subprocess.Popen[str]] = []
    log = open(tmp_path / "scheduler.log", "w+")  # noqa: SIM115 (closed below)
    try:
        scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
                                     stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        processes.append(scheduler)
        deadline = time.monotonic() + 60
        address = None
        while address is None:
            assert scheduler.poll() is None and time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.2)
            found = _ADDRESS.search((tmp_path / "scheduler.log").read_text())
            address = found.group(1) if found else None
        for number in range(2):
            processes.append(subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                 "--name", f"worker-{number}", "--local-directory", str(tmp_path / f"worker-{number}")],
                stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)
        log.close()


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
