"""The local runner's memory limit: Docker's syntax, applied to the engine process only, reported as out of memory."""

from __future__ import annotations

import resource
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from lean_runner.orchestration import RunnerSettings, build_orchestrator
from lean_runner.orchestration.planning import PlanningContext, prepare_run
from lean_runner.progress_lines import parse_progress_line, parse_statistic
from lean_runner.results_index.names import new_result_folder
from lean_runner.runners.base import RunRef
from lean_runner.runners.local import LocalRun, LocalRunner, engine_command, parse_memory_size
from lean_runner.runners.request import BacktestRequest, RunPlan
from lean_runner.store.models import BacktestRecord

# Well above a normal run of the engine (about 145 MB of RLIMIT_DATA) and far below what the hog asks for.
TEST_LIMIT = "300m"


class Lines:
    """Collects a run's lines; ``progress`` is set at the first progress line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.progress = threading.Event()

    def __call__(self, line: str) -> None:
        self.lines.append(line)
        if parse_progress_line(line) is not None:
            self.progress.set()

    def statistics(self) -> dict[str, str]:
        return dict(s for s in (parse_statistic(line) for line in self.lines) if s)


def _plan(project: Path, lean_data: Path, cache: Path, algorithm: str) -> RunPlan:
    runner = LocalRunner()
    request = BacktestRequest(algorithm=algorithm, parameters={}, engine=runner.engine)
    record = BacktestRecord(id=str(uuid.uuid4()), algorithm_id="1" + str(uuid.uuid4().int)[:9], status="running",
                            strategy=request.strategy, request=request.to_dict(), engine=runner.engine)
    return prepare_run(record, new_result_folder(project / "backtests"), runner,
                       PlanningContext(project, lean_data, cache, 0.5))


@pytest.mark.parametrize(("text", "expected"), [
    ("4g", 4 * 2**30),
    ("512m", 512 * 2**20),
    ("512M", 512 * 2**20),
    ("4gb", 4 * 2**30),
    ("4GB", 4 * 2**30),
    ("1.5g", 3 * 2**29),
    ("64k", 64 * 1024),
    ("1048576", 2**20),
    ("1048576b", 2**20),
    (" 2g ", 2 * 2**30),
    ("", None),
    ("   ", None),
    (None, None),
    ("0", None),
])
def test_parse_memory_size_reads_dockers_units(text: str | None, expected: int | None) -> None:
    assert parse_memory_size(text) == expected


@pytest.mark.parametrize("text", ["4x", "g", "-1g", "1.2.3g", "4 g", "4t", "4gib", "4bb", "four gigabytes"])
def test_parse_memory_size_rejects_bad_text_and_says_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match=r"like '4g' or '512m'"):
        parse_memory_size(text)


def test_local_runner_rejects_a_bad_memory_limit_before_any_run() -> None:
    with pytest.raises(ValueError, match="'lots' is not understood"):
        LocalRunner(memory_limit="lots")


def test_memory_hog_fails_out_of_memory_and_leaves_the_runner_process_alone(
        project: Path, lean_data: Path, parse_cache: Path) -> None:
    own_limit_before = resource.getrlimit(resource.RLIMIT_DATA)
    runner = LocalRunner(memory_limit=TEST_LIMIT)
    lines = Lines()
    handle = runner.start(_plan(project, lean_data, parse_cache, "memory_hog.py"), lines)
    exit_ = handle.wait(120)
    handle.cleanup()
    assert exit_ is not None, "the hog did not end within 120 s"
    assert exit_.oom_killed, lines.lines[-20:]
    assert exit_.exit_code != 0
    assert "ran out of memory" in exit_.describe()
    assert not any("without running out of memory" in line for line in lines.lines)  # the cap was not reached
    assert resource.getrlimit(resource.RLIMIT_DATA) == own_limit_before


def test_engine_command_runs_the_engine_module_with_and_without_a_limit() -> None:
    config = Path("/results/lean-config.json")
    assert engine_command("python3", config, None) == ["python3", "-m", "lean_runner.engine", "--config",
                                                       str(config)]
    limited = engine_command("python3", config, 300 * 2**20)
    assert limited[:2] == ["python3", "-c"] and "RLIMIT_DATA" in limited[2]
    assert limited[3:] == [str(300 * 2**20), "lean_runner.engine", "--config", str(config)]


def test_the_limit_applies_to_the_engine_process_and_not_to_the_runner(
        project: Path, lean_data: Path, parse_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    own_limit_before = resource.getrlimit(resource.RLIMIT_DATA)
    runner = LocalRunner(memory_limit=TEST_LIMIT)
    lines = Lines()
    handle = runner.start(_plan(project, lean_data, parse_cache, "slow_minute.py"), lines)
    try:
        assert lines.progress.wait(60), lines.lines
        engine = Path(f"/proc/{handle.engine_ref.removeprefix('pid:')}")
        limits, environment = (engine / "limits").read_text(), (engine / "environ").read_bytes().split(b"\0")
    finally:
        handle.stop(grace=10)
        handle.cleanup()
    data_row = next(row for row in limits.splitlines() if row.startswith("Max data size"))
    assert data_row.split()[3:5] == [str(300 * 2**20)] * 2  # soft and hard
    assert b"OPENBLAS_NUM_THREADS=1" in environment  # one BLAS thread, not one per core, under a limit
    assert resource.getrlimit(resource.RLIMIT_DATA) == own_limit_before


def test_normal_backtest_completes_under_the_limit(project: Path, lean_data: Path, parse_cache: Path) -> None:
    runner = LocalRunner(memory_limit=TEST_LIMIT)
    lines = Lines()
    handle = runner.start(_plan(project, lean_data, parse_cache, "buy_and_hold.py"), lines)
    exit_ = handle.wait(120)
    handle.cleanup()
    assert exit_ is not None and exit_.exit_code == 0 and not exit_.oom_killed, lines.lines[-20:]
    assert lines.statistics()["End Equity"] == "101691.92"


def test_a_limit_too_small_for_the_engine_to_start_is_reported_as_out_of_memory(
        project: Path, lean_data: Path, parse_cache: Path) -> None:
    runner = LocalRunner(memory_limit="60m")  # the engine alone needs about 100 MB
    lines = Lines()
    handle = runner.start(_plan(project, lean_data, parse_cache, "buy_and_hold.py"), lines)
    exit_ = handle.wait(120)
    handle.cleanup()
    assert exit_ is not None and exit_.exit_code != 0 and exit_.oom_killed, "\n".join(lines.lines[-6:])


def test_an_algorithm_error_under_the_limit_is_not_called_out_of_memory(
        project: Path, lean_data: Path, parse_cache: Path) -> None:
    runner = LocalRunner(memory_limit=TEST_LIMIT)
    lines = Lines()
    handle = runner.start(_plan(project, lean_data, parse_cache, "raises_in_on_data.py"), lines)
    exit_ = handle.wait(120)
    handle.cleanup()
    assert exit_ is not None and exit_.exit_code == 1 and not exit_.oom_killed
    assert any("Runtime Error: ZeroDivisionError" in line for line in lines.lines)


_ENGINE_LINE = "20261202 07:50:57.555 {level}:: {text}"


@pytest.mark.parametrize(("lines", "exit_code", "oom"), [
    ([_ENGINE_LINE.format(level="ERROR", text="Runtime Error: MemoryError: ")], 1, True),
    ([_ENGINE_LINE.format(level="ERROR", text="Runtime Error: _ArrayMemoryError: Unable to allocate 8.00 GiB")],
     1, True),
    (["Traceback (most recent call last):", '  File "x.py", line 1, in <module>', "MemoryError"], 1, True),
    (["numpy._core._exceptions._ArrayMemoryError: Unable to allocate 8.00 GiB for an array"], 1, True),
    (["terminate called after throwing an instance of 'std::bad_alloc'"], -6, True),
    (["OpenBLAS error: Memory allocation still failed after 10 retries, giving up."], 1, True),
    (["SystemError: error return without exception set",
      "MEMORY LIMIT:: the engine ended using 58 MB of its 60 MB limit"], 1, True),
    (["SystemError: error return without exception set"], 1, False),
    ([_ENGINE_LINE.format(level="ERROR", text="Runtime Error: OSError: [Errno 12] Cannot allocate memory")], 1,
     True),
    ([_ENGINE_LINE.format(level="ERROR", text="Runtime Error: ValueError: window must be positive")], 1, False),
    ([_ENGINE_LINE.format(level="TRACE", text="Debug: 2013-10-07 09:31:00 MemoryError avoided by chunking")],
     1, False),
    ([_ENGINE_LINE.format(level="ERROR", text="Runtime Error: MemoryError: ")], 0, False),
])
def test_out_of_memory_is_read_from_the_output_of_a_failed_run(lines: list[str], exit_code: int, oom: bool) -> None:
    script = "import os, signal, sys\n" + "".join(f"print({line!r})\n" for line in lines) + (
        "sys.stdout.flush(); os.kill(os.getpid(), signal.SIGABRT)\n" if exit_code < 0 else f"sys.exit({exit_code})\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    exit_ = LocalRun(process, lambda line: None).wait(30)
    assert exit_ is not None
    assert (exit_.oom_killed, exit_.exit_code) == (oom, 134 if exit_code < 0 else exit_code)


def test_a_limited_run_is_still_found_and_ended_by_reattach(project: Path, lean_data: Path,
                                                            parse_cache: Path) -> None:
    plan = _plan(project, lean_data, parse_cache, "slow_minute.py")
    lines = Lines()
    handle = LocalRunner(memory_limit=TEST_LIMIT).start(plan, lines)
    assert lines.progress.wait(60), lines.lines
    LocalRunner().reattach(RunRef(plan.backtest_id, handle.engine_ref, plan.result_folder), Lines())
    exit_ = handle.wait(5)  # reattach returns once the process is gone
    assert exit_ is not None and exit_.exit_code == 130 and not exit_.oom_killed


def test_the_orchestrator_fails_a_hog_out_of_memory_and_keeps_running_backtests(
        project: Path, lean_data: Path, parse_cache: Path) -> None:
    settings = RunnerSettings(project=project, data_folder=lean_data, cache_folder=parse_cache, max_concurrent=1,
                              stop_timeout=10, docker=False)
    orchestrator = build_orchestrator(settings, runners={"local": LocalRunner(memory_limit=TEST_LIMIT)})
    orchestrator.start()
    try:
        hog = orchestrator.submit(BacktestRequest(algorithm="memory_hog.py"))
        after = orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py"))
        hog_done, after_done = orchestrator.wait(hog.id, timeout=120), orchestrator.wait(after.id, timeout=120)
    finally:
        orchestrator.close()
        orchestrator.store.close()
    assert (hog_done.status, hog_done.error) == ("failed", "the engine ran out of memory (raise the memory limit)")
    assert after_done.status == "completed"
