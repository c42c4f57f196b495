"""Fixtures of the optimization tests: a project with the EMA crossover and a misbehaving algorithm,
the warm engine pool, and a real Dask cluster on loopback."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_runner.runners.warm_pool import WarmEnginePool

REPO = Path(__file__).resolve().parents[2]
ALGORITHMS = Path(__file__).parent / "algorithms"


@pytest.fixture
def sweep_project(tmp_path: Path) -> Path:
    """test-project's EMA crossover and the misbehaving algorithm, with their parameters in config.json."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "test-project" / "ema_crossover.py", project)
    shutil.copy(ALGORITHMS / "misbehaving.py", project)
    (project / "config.json").write_text(json.dumps(
        {"algorithm-language": "Python", "parameters": {"ema-fast": "10", "ema-slow": "50", "mode": "0"}}))
    return project


@pytest.fixture
def warm_pool(lean_data: Path) -> Iterator[WarmEnginePool]:
    pool = WarmEnginePool(data_folder=lean_data)
    yield pool
    pool.close()


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
