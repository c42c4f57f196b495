"""The orchestrator with real engine subprocesses: FIFO, concurrency limit, cancel, timeout, failures, events."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lean_runner.orchestration import (
    BacktestOrchestrator,
    CancelledEvent,
    CompletedEvent,
    FailedEvent,
    ProgressEvent,
    RunnerSettings,
    StartedEvent,
    build_orchestrator,
)
from lean_runner.runners.errors import (
    InvalidRequestError,
    ResultFolderBusyError,
    TransitionConflictError,
)
from lean_runner.runners.request import BacktestRequest

SLOW = BacktestRequest(algorithm="slow_minute.py")


@pytest.fixture
def make_orchestrator(project: Path, lean_data: Path, parse_cache: Path) -> Iterator[object]:
    built: list[BacktestOrchestrator] = []

    def make(max_concurrent: int = 2, **overrides: object) -> BacktestOrchestrator:
        settings = RunnerSettings(project=project, data_folder=lean_data, cache_folder=parse_cache,
                                  max_concurrent=max_concurrent, stop_timeout=10, docker=False)
        orchestrator = build_orchestrator(settings)
        for key, value in overrides.items():
            object.__setattr__(orchestrator.options, key, value)
        orchestrator.start()
        built.append(orchestrator)
        return orchestrator

    yield make
    for orchestrator in built:
        orchestrator.close()
        orchestrator.store.close()


def _wait_for(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_one_slot_runs_the_queue_in_submission_order(make_orchestrator) -> None:
    orchestrator = make_orchestrator(max_concurrent=1)
    with orchestrator.events.subscribe() as events:
        ids = [orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py")).id for _ in range(3)]
        for backtest_id in ids:
            orchestrator.wait(backtest_id, timeout=120)
        starts = [e.backtest_id for e in events.drain() if isinstance(e, StartedEvent)]
    assert starts == ids


def test_queue_never_runs_more_than_n_at_once(make_orchestrator) -> None:
    orchestrator = make_orchestrator(max_concurrent=2)
    with orchestrator.events.subscribe() as events:
        ids = [orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py")).id for _ in range(5)]
        records = [orchestrator.wait(backtest_id, timeout=120) for backtest_id in ids]
        seen = events.drain()
    assert [r.status for r in records] == ["completed"] * 5
    running = peak = 0
    for event in seen:
        if isinstance(event, StartedEvent):
            running += 1
            peak = max(peak, running)
        elif isinstance(event, CompletedEvent | FailedEvent | CancelledEvent):
            running -= 1
    assert peak == 2
    assert len({r.result_folder for r in records}) == 5  # unique folders, even within one second
    assert records[0].statistics["End Equity"] == "101691.92"


def test_cancel_of_a_queued_backtest_never_starts_it(make_orchestrator) -> None:
    orchestrator = make_orchestrator(max_concurrent=1)
    first = orchestrator.submit(SLOW)
    queued = orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py"))
    record = orchestrator.cancel(queued.id)
    assert record.status == "cancelled" and record.started_at is None and record.result_folder is None
    orchestrator.cancel(first.id)


def test_cancel_of_a_running_backtest_returns_once_it_has_stopped(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    with orchestrator.events.subscribe() as events:
        record = orchestrator.submit(SLOW)
        _wait_for(lambda: any(isinstance(e, ProgressEvent) and e.percent > 0 for e in events.drain()))
        started = time.monotonic()
        cancelled = orchestrator.cancel(record.id)
    assert time.monotonic() - started < 10
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    assert not orchestrator.is_active(record.id)
    with pytest.raises(TransitionConflictError, match="cannot become cancelled"):
        orchestrator.cancel(record.id)


def test_a_run_past_its_timeout_is_stopped_and_failed(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    record = orchestrator.submit(BacktestRequest(algorithm="slow_minute.py", timeout=2))
    done = orchestrator.wait(record.id, timeout=60)
    assert done.status == "failed"
    assert done.error == "timed out after 2 s and was stopped"


def test_an_engine_killed_with_sigkill_is_reported_failed_not_running(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    record = orchestrator.submit(SLOW)
    _wait_for(lambda: (orchestrator.get(record.id).engine_ref or "").startswith("pid:"))
    os.killpg(int(orchestrator.get(record.id).engine_ref.removeprefix("pid:")), signal.SIGKILL)
    done = orchestrator.wait(record.id, timeout=60)
    assert done.status == "failed"
    assert done.error == "the engine was killed by SIGKILL"


def test_an_algorithm_that_raises_fails_with_its_error(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    record = orchestrator.submit(BacktestRequest(algorithm="raises_in_on_data.py"))
    with orchestrator.events.subscribe(record.id) as events:
        done = orchestrator.wait(record.id, timeout=60)
        failed = [e for e in events.drain() if isinstance(e, FailedEvent)]
    assert done.status == "failed"
    assert "ZeroDivisionError" in (done.error or "")
    assert failed and failed[0].error == done.error


def test_a_late_subscriber_gets_the_current_state_then_the_events(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    record = orchestrator.submit(BacktestRequest(algorithm="slow_minute.py", parameters={"sleep-ms": "3"}))
    _wait_for(lambda: orchestrator.snapshot(record.id).percent > 20)
    snapshot, subscription = orchestrator.watch(record.id)
    assert snapshot.status == "running" and snapshot.equity and snapshot.current_date.startswith("2013-10")
    assert snapshot.statistics["Total Orders"] == "1"
    with subscription:
        events = list(_until_terminal(subscription))
    assert isinstance(events[-1], CompletedEvent)
    assert [e for e in events if isinstance(e, ProgressEvent)][-1].percent == 100.0
    final = orchestrator.snapshot(record.id)
    assert final.status == "completed" and final.percent == 100.0 and len(final.equity) > 100


def _until_terminal(subscription: object) -> Iterator[object]:
    while True:
        event = subscription.get(timeout=60)  # type: ignore[attr-defined]
        assert event is not None, "no terminal event"
        yield event
        if isinstance(event, CompletedEvent | FailedEvent | CancelledEvent):
            return


def test_a_slow_subscriber_never_blocks_a_run(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    stuck = orchestrator.events.subscribe(maxsize=3)  # never read
    record = orchestrator.submit(BacktestRequest(algorithm="slow_minute.py", parameters={"sleep-ms": "1"}))
    assert orchestrator.wait(record.id, timeout=60).status == "completed"
    assert stuck.dropped > 0
    assert isinstance(stuck.drain()[-1], CompletedEvent)  # the newest events survive
    stuck.close()


def test_deleting_a_running_backtests_folder_is_refused(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    record = orchestrator.submit(SLOW)
    _wait_for(lambda: orchestrator.get(record.id).result_folder is not None)
    folder = orchestrator.get(record.id).result_folder
    with pytest.raises(ResultFolderBusyError):
        orchestrator.delete_result(folder)
    orchestrator.cancel(record.id)
    orchestrator.delete_result(folder)
    assert not (orchestrator.index.backtests / folder).exists()
    assert orchestrator.store.find(record.id) is None


def test_invalid_requests_report_every_problem(make_orchestrator) -> None:
    orchestrator = make_orchestrator()
    with pytest.raises(InvalidRequestError) as raised:
        orchestrator.submit(BacktestRequest(algorithm="../outside.py", engine="cloud", timeout=-1))
    assert [d["path"] for d in raised.value.details] == ["algorithm", "engine", "timeout"]
    with pytest.raises(InvalidRequestError, match="engine 'docker' is not available"):
        orchestrator.submit(BacktestRequest(algorithm="buy_and_hold.py", engine="docker"))
