"""The server is killed with SIGKILL mid-run and started again: nothing stays running, nothing finished is lost,
no engine process or container is left."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import docker
import pytest
from api_server import make_project, start_server, wait_for_status

from lean_runner.runners.container_spec import LABEL_BACKTEST_ID


def _engine_processes_of(folder: Path) -> list[int]:
    """Pids of engine processes started for a result folder (their command line names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        text = [w.decode(errors="replace") for w in words]
        if "lean_runner.engine" in text and any(str(folder) in w for w in text):
            pids.append(int(entry.name))
    return pids


def _kill_mid_run(project: Path, lean_data: Path, cache: Path, env: dict[str, str]) -> tuple[str, str, Path]:
    """A finished run, then a slow one killed with the server; returns both ids and the slow run's folder."""
    first = start_server(project, lean_data, cache, extra_env=env, log_name="first.log")
    with first.client() as client:
        finished = client.post("/api/v2/backtest/run", json={"strategy_name": "main"}).json()["backtest_id"]
        assert wait_for_status(client, finished, {"completed", "failed"}, timeout=300)["status"] == "completed"
        slow = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                         "parameters": {"sleep-ms": 10}}).json()["backtest_id"]
        wait_for_status(client, slow, {"running"}, timeout=300)
        deadline = time.monotonic() + 120
        while client.get(f"/api/v2/backtest/progress/{slow}").json()["progress_percentage"] < 5:
            assert time.monotonic() < deadline, "the slow run made no progress"
            time.sleep(0.2)
        folder = max(p for p in (project / "backtests").iterdir() if p.is_dir())
    first.stop(signal.SIGKILL)
    return finished, slow, folder


def test_a_killed_server_restarts_with_no_run_left_running_local_engine(tmp_path: Path, lean_data: Path,
                                                                        parse_cache: Path) -> None:
    project = make_project(tmp_path / "project")
    finished, slow, folder = _kill_mid_run(project, lean_data, parse_cache, {})
    assert _engine_processes_of(folder), "the engine should outlive the killed server (its own session)"
    second = start_server(project, lean_data, parse_cache, log_name="second.log")
    try:
        with second.client() as client:
            status = client.get(f"/api/v2/backtest/status/{slow}").json()
            # A local run cannot be followed again: it is ended and marked failed, with the reason.
            assert status["status"] == "failed" and "interrupted" in status["error"], status
            results = client.get("/api/v2/backtest/results", params={"page_size": 100}).json()["results"]
            assert finished in [r["backtest_id"] for r in results]
            running = [b for b in client.get("/backtests", params={"user_id": "x"}).json()["items"]
                       if b["status"] == "running"]
            assert running == []
        deadline = time.monotonic() + 30
        while _engine_processes_of(folder) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _engine_processes_of(folder) == []
    finally:
        assert second.stop() == 0, second.log_text()


def test_a_killed_server_reattaches_its_container_and_completes_it(tmp_path: Path, lean_data: Path,
                                                                   parse_cache: Path, engine_image: str,
                                                                   docker_client: docker.DockerClient) -> None:
    project = make_project(tmp_path / "project")
    env = {"WORKBENCH_ENGINE": "docker", "WORKBENCH_DOCKER_IMAGE": engine_image}
    finished, slow, _ = _kill_mid_run(project, lean_data, parse_cache, env)
    labelled = {"label": f"{LABEL_BACKTEST_ID}={slow}"}
    assert docker_client.containers.list(filters=labelled), "the container should outlive the killed server"
    second = start_server(project, lean_data, parse_cache, extra_env=env, log_name="second.log")
    try:
        with second.client() as client:
            status = wait_for_status(client, slow, {"completed", "failed"}, timeout=300)
            assert status["status"] == "completed", status
            assert status["container_id"]
            ids = [r["backtest_id"] for r in client.get("/api/v2/backtest/results",
                                                        params={"page_size": 100}).json()["results"]]
            assert finished in ids and slow in ids
        deadline = time.monotonic() + 30
        while docker_client.containers.list(all=True, filters=labelled) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert docker_client.containers.list(all=True, filters=labelled) == []
    finally:
        assert second.stop() == 0, second.log_text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_sigint_and_sigterm_stop_the_server_cleanly_and_cancel_running_runs(tmp_path: Path, lean_data: Path,
                                                                          parse_cache: Path, sig: int) -> None:
    project = make_project(tmp_path / "project")
    running = start_server(project, lean_data, parse_cache)
    with running.client() as client:
        slow = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute"}).json()["backtest_id"]
        wait_for_status(client, slow, {"running"}, timeout=300)
    folder = max(p for p in (project / "backtests").iterdir() if p.is_dir())
    assert running.stop(sig) == 0, running.log_text()
    assert _engine_processes_of(folder) == []
    again = start_server(project, lean_data, parse_cache, log_name="again.log")
    try:
        with again.client() as client:
            status = client.get(f"/api/v2/backtest/status/{slow}").json()
            assert status["status"] == "cancelled" and "shut down" in (status["error"] or ""), status
    finally:
        again.stop()
    assert os.path.isdir(folder)
