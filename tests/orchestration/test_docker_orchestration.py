"""The orchestrator with containers on the real Docker daemon: concurrency, cancel, restart and re-attach."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from lean_runner.orchestration import (
    BacktestOrchestrator,
    CompletedEvent,
    ProgressEvent,
    RunnerSettings,
    StartedEvent,
    build_orchestrator,
)
from lean_runner.runners.container_spec import LABEL_BACKTEST_ID, LABEL_PROJECT
from lean_runner.runners.request import BacktestRequest

PROCESS = Path(__file__).parent / "orchestrator_process.py"


@pytest.fixture
def make_orchestrator(project: Path, lean_data: Path, parse_cache: Path, engine_image: str) -> Iterator[object]:
    built: list[BacktestOrchestrator] = []

    def make(max_concurrent: int = 2) -> BacktestOrchestrator:
        settings = RunnerSettings(project=project, data_folder=lean_data, cache_folder=parse_cache,
                                  max_concurrent=max_concurrent, stop_timeout=10, docker_image=engine_image,
                                  docker_cpus=1.0, docker_memory="2g")
        orchestrator = build_orchestrator(settings)
        built.append(orchestrator)
        return orchestrator

    yield make
    for orchestrator in built:
        orchestrator.close()
        orchestrator.store.close()


def _project_containers(client: docker.DockerClient, project: Path) -> list[object]:
    return client.containers.list(all=True, filters={"label": f"{LABEL_PROJECT}={project.resolve()}"})


def test_two_backtests_run_at_once_in_two_containers(make_orchestrator, project: Path,
                                                     docker_client: docker.DockerClient) -> None:
    orchestrator = make_orchestrator(max_concurrent=2)
    orchestrator.start()
    request = BacktestRequest(algorithm="slow_minute.py", engine="docker", parameters={"sleep-ms": "2"})
    with orchestrator.events.subscribe() as events:
        first, second = orchestrator.submit(request), orchestrator.submit(request)
        deadline = time.monotonic() + 60
        while len(_project_containers(docker_client, project)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        running = {c.labels[LABEL_BACKTEST_ID] for c in _project_containers(docker_client, project)}
        records = [orchestrator.wait(first.id, timeout=120), orchestrator.wait(second.id, timeout=120)]
        seen = events.drain()
    assert running == {first.id, second.id}
    assert [r.status for r in records] == ["completed", "completed"]
    assert records[0].statistics == records[1].statistics
    assert {e.backtest_id for e in seen if isinstance(e, ProgressEvent)} == {first.id, second.id}
    assert records[0].engine_ref != records[1].engine_ref
    assert _project_containers(docker_client, project) == []


def test_cancel_mid_run_stops_the_container_within_ten_seconds(make_orchestrator, project: Path,
                                                               docker_client: docker.DockerClient) -> None:
    orchestrator = make_orchestrator()
    orchestrator.start()
    with orchestrator.events.subscribe() as events:
        record = orchestrator.submit(BacktestRequest(algorithm="slow_minute.py", engine="docker"))
        deadline = time.monotonic() + 60
        while not any(isinstance(e, ProgressEvent) and e.percent > 0 for e in events.drain()):
            assert time.monotonic() < deadline, "no progress from the container"
            time.sleep(0.05)
    started = time.monotonic()
    cancelled = orchestrator.cancel(record.id)
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    assert cancelled.status == "cancelled"
    assert _project_containers(docker_client, project) == []


def test_restarted_orchestrator_reattaches_the_running_container_and_completes_it(
        make_orchestrator, project: Path, lean_data: Path, parse_cache: Path, engine_image: str,
        docker_client: docker.DockerClient) -> None:
    process = subprocess.Popen([sys.executable, str(PROCESS), str(project), str(lean_data), str(parse_cache),
                                "docker", engine_image, "slow_minute.py", "4"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    backtest_id = process.stdout.readline().strip()
    os.kill(process.pid, signal.SIGKILL)  # the orchestrator dies; its container runs on
    process.wait()
    process.stdout.close()
    assert [c.labels[LABEL_BACKTEST_ID] for c in _project_containers(docker_client, project)] == [backtest_id]

    orchestrator = make_orchestrator()
    assert orchestrator.get(backtest_id).status == "running"
    with orchestrator.events.subscribe(backtest_id) as events:
        report = orchestrator.start()
        record = orchestrator.wait(backtest_id, timeout=120)
        seen = events.drain()
    assert report.reattached == [backtest_id]  # type: ignore[attr-defined]
    assert record.status == "completed", record.error
    assert record.statistics["Total Orders"] == "1"
    assert isinstance(seen[-1], CompletedEvent)
    assert _project_containers(docker_client, project) == []


def test_a_graceful_shutdown_can_leave_containers_for_the_next_start(make_orchestrator, project: Path,
                                                                     docker_client: docker.DockerClient) -> None:
    first = make_orchestrator()
    first.start()
    record = first.submit(BacktestRequest(algorithm="slow_minute.py", engine="docker", parameters={"sleep-ms": "3"}))
    deadline = time.monotonic() + 60
    while not first.get(record.id).engine_ref:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.close(stop_running=False)
    assert first.get(record.id).status == "running"
    assert len(_project_containers(docker_client, project)) == 1
    second = make_orchestrator()
    assert second.start().reattached == [record.id]  # type: ignore[attr-defined]
    assert second.wait(record.id, timeout=120).status == "completed"


def test_a_lost_local_run_is_failed_as_interrupted_and_its_process_ended(
        make_orchestrator, project: Path, lean_data: Path, parse_cache: Path) -> None:
    process = subprocess.Popen([sys.executable, str(PROCESS), str(project), str(lean_data), str(parse_cache),
                                "local", "-", "slow_minute.py"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    backtest_id = process.stdout.readline().strip()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    orchestrator = make_orchestrator()
    engine_pid = int((orchestrator.get(backtest_id).engine_ref or "").removeprefix("pid:"))
    report = orchestrator.start()
    record = orchestrator.get(backtest_id)
    assert report.failed == [backtest_id]  # type: ignore[attr-defined]
    assert record.status == "failed" and (record.error or "").startswith("interrupted")
    deadline = time.monotonic() + 10
    while Path(f"/proc/{engine_pid}").exists() and "Z" not in _state(engine_pid):
        assert time.monotonic() < deadline, "the lost engine process still runs"
        time.sleep(0.1)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def test_start_removes_containers_that_no_record_claims(make_orchestrator, project: Path, engine_image: str,
                                                         docker_client: docker.DockerClient) -> None:
    stray = docker_client.containers.run(engine_image, entrypoint=["python", "-c", "import time; time.sleep(60)"],
                                         stop_signal="SIGINT", detach=True, labels={
        "org.lean-workbench.managed": "true", LABEL_PROJECT: str(project.resolve()),
        LABEL_BACKTEST_ID: "not-in-the-store"})
    orchestrator = make_orchestrator()
    report = orchestrator.start()
    assert report.orphans_removed == ["not-in-the-store"]  # type: ignore[attr-defined]
    with pytest.raises(docker.errors.NotFound):
        stray.reload()


def test_docker_and_local_runs_share_one_queue(make_orchestrator) -> None:
    orchestrator = make_orchestrator(max_concurrent=1)
    orchestrator.start()
    with orchestrator.events.subscribe() as events:
        docker_run = orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py", engine="docker"))
        local_run = orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py"))
        results = [orchestrator.wait(docker_run.id, timeout=120), orchestrator.wait(local_run.id, timeout=120)]
        started = [e for e in events.drain() if isinstance(e, StartedEvent)]
    assert [e.engine for e in started] == ["docker", "local"]
    assert results[0].statistics == results[1].statistics
    assert results[0].image and results[1].image is None
