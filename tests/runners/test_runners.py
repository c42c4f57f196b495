"""Both runners with real processes and a real Docker daemon: same statistics, stop, kill, re-attach."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import docker
import pytest

from lean_runner.orchestration.planning import PlanningContext, prepare_run
from lean_runner.progress_lines import parse_progress_line, parse_statistic
from lean_runner.results_index.names import new_result_folder
from lean_runner.runners.base import RunHandle, Runner, RunRef
from lean_runner.runners.container_spec import LABEL_BACKTEST_ID, ContainerLimits
from lean_runner.runners.docker_runner import DockerRunner
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import BacktestRequest, RunPlan
from lean_runner.store.models import BacktestRecord


class Lines:
    """Collects a run's lines and lets a test wait for the first progress line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.progress = threading.Event()

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if parse_progress_line(line) is not None:
            self.progress.set()

    def statistics(self) -> dict[str, str]:
        return dict(s for s in (parse_statistic(line) for line in self.lines) if s)


def _plan(project: Path, runner: Runner, lean_data: Path, cache: Path, algorithm: str,
          parameters: dict[str, str] | None = None, image: str | None = None) -> RunPlan:
    request = BacktestRequest(algorithm=algorithm, parameters=parameters or {}, engine=runner.engine, image=image)
    record = BacktestRecord(id=str(uuid.uuid4()), algorithm_id="1" + str(uuid.uuid4().int)[:9], status="running",
                            strategy=request.strategy, request=request.to_dict(), engine=runner.engine)
    folder = new_result_folder(project / "backtests")
    return prepare_run(record, folder, runner, PlanningContext(project, lean_data, cache, 0.5))


def _docker_runner(image: str) -> DockerRunner:
    return DockerRunner(image=image, limits=ContainerLimits(cpus=1.0, memory="2g"))


def _run_to_end(runner: Runner, plan: RunPlan) -> tuple[int, Lines]:
    lines = Lines()
    handle = runner.start(plan, lines)
    exit_ = handle.wait(300)
    handle.cleanup()
    assert exit_ is not None
    return exit_.exit_code, lines


def test_container_backtest_gives_the_same_statistics_as_the_local_run(
        project: Path, lean_data: Path, parse_cache: Path, engine_image: str) -> None:
    local_code, local_lines = _run_to_end(LocalRunner(), _plan(project, LocalRunner(), lean_data, parse_cache,
                                                                "buy_and_hold.py"))
    docker_runner = _docker_runner(engine_image)
    plan = _plan(project, docker_runner, lean_data, parse_cache, "buy_and_hold.py")
    docker_code, docker_lines = _run_to_end(docker_runner, plan)
    assert (local_code, docker_code) == (0, 0), docker_lines.lines[-20:]
    assert docker_lines.statistics() == local_lines.statistics()
    assert docker_lines.statistics()["End Equity"] == "101691.92"
    assert any(parse_progress_line(line) for line in docker_lines.lines)
    assert (plan.result_folder / f"{plan.algorithm_id}-summary.json").is_file()
    assert (plan.result_folder / "lean-config.json").is_file()


def test_local_run_stops_on_sigint_and_writes_stopped_results(project: Path, lean_data: Path,
                                                               parse_cache: Path) -> None:
    runner = LocalRunner()
    plan = _plan(project, runner, lean_data, parse_cache, "slow_minute.py")
    lines = Lines()
    handle = runner.start(plan, lines)
    assert lines.progress.wait(60), lines.lines
    started = time.monotonic()
    exit_ = handle.stop(grace=10)
    assert time.monotonic() - started < 10
    assert exit_.exit_code == 130 and exit_.signal is None
    assert '"Status": "Stopped"' in (plan.result_folder / f"{plan.algorithm_id}.json").read_text()


def test_local_run_killed_with_sigkill_reports_the_signal(project: Path, lean_data: Path, parse_cache: Path) -> None:
    runner = LocalRunner()
    handle = runner.start(_plan(project, runner, lean_data, parse_cache, "slow_minute.py"), Lines())
    os.killpg(int(handle.engine_ref.removeprefix("pid:")), signal.SIGKILL)
    exit_ = handle.wait(30)
    assert exit_ is not None and exit_.signal == "SIGKILL" and exit_.exit_code == 137
    assert "killed by SIGKILL" in exit_.describe()


def test_container_stop_ends_within_ten_seconds_and_cleanup_leaves_no_container(
        project: Path, lean_data: Path, parse_cache: Path, engine_image: str,
        docker_client: docker.DockerClient) -> None:
    runner = _docker_runner(engine_image)
    plan = _plan(project, runner, lean_data, parse_cache, "slow_minute.py")
    lines = Lines()
    handle = runner.start(plan, lines)
    assert lines.progress.wait(60), lines.lines
    started = time.monotonic()
    exit_ = handle.stop(grace=10)
    elapsed = time.monotonic() - started
    handle.cleanup()
    assert elapsed < 10, elapsed
    assert exit_.exit_code == 130  # the engine's graceful stop, not Docker's kill
    assert '"Status": "Stopped"' in (plan.result_folder / f"{plan.algorithm_id}.json").read_text()
    assert docker_client.containers.list(all=True, filters={"label": f"{LABEL_BACKTEST_ID}={plan.backtest_id}"}) \
        == []


def test_container_killed_from_outside_reports_sigkill(project: Path, lean_data: Path, parse_cache: Path,
                                                        engine_image: str,
                                                        docker_client: docker.DockerClient) -> None:
    runner = _docker_runner(engine_image)
    handle = runner.start(_plan(project, runner, lean_data, parse_cache, "slow_minute.py"), Lines())
    docker_client.containers.get(handle.engine_ref).kill()
    exit_ = handle.wait(30)
    handle.cleanup()
    assert exit_ is not None and exit_.exit_code == 137 and exit_.signal == "SIGKILL"


def test_reattach_follows_a_running_container_and_replays_its_logs(
        project: Path, lean_data: Path, parse_cache: Path, engine_image: str) -> None:
    runner = _docker_runner(engine_image)
    plan = _plan(project, runner, lean_data, parse_cache, "slow_minute.py", {"sleep-ms": "2"})
    first: RunHandle = runner.start(plan, Lines())
    other_runner = _docker_runner(engine_image)  # a new process would build a new runner
    lines = Lines()
    again = other_runner.reattach(RunRef(plan.backtest_id, first.engine_ref, plan.result_folder), lines)
    assert again is not None and again.engine_ref == first.engine_ref
    exit_ = again.wait(120)
    again.cleanup()
    assert exit_ is not None and exit_.exit_code == 0
    assert "Engine.Main(): Started" in "\n".join(lines.lines[:5])  # the whole log, from the start
    assert lines.statistics()["Total Orders"] == "1"
    assert other_runner.reattach(RunRef(plan.backtest_id, first.engine_ref, plan.result_folder), Lines()) is None


def test_missing_image_is_a_clear_engine_error(project: Path, lean_data: Path, parse_cache: Path,
                                               docker_client: docker.DockerClient) -> None:
    from lean_runner.runners.errors import EngineUnavailableError

    runner = _docker_runner("lean-workbench/no-such-image:1")
    with pytest.raises(EngineUnavailableError, match="workbench image build"):
        runner.start(_plan(project, runner, lean_data, parse_cache, "buy_and_hold.py"), Lines())
