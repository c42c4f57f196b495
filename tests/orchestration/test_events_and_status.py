"""The lifecycle table and the event bus on their own."""

from __future__ import annotations

import threading
import time

import pytest

from lean_runner.orchestration import (
    TRANSITIONS,
    BacktestStatus,
    CompletedEvent,
    EventBus,
    LogEvent,
    ProgressEvent,
    check_transition,
)
from lean_runner.runners.errors import TransitionConflictError
from lean_runner.runners.lean_progress import EquityPoint

ALLOWED = {("queued", "running"), ("queued", "cancelled"), ("queued", "failed"), ("running", "completed"),
           ("running", "failed"), ("running", "cancelled")}


@pytest.mark.parametrize("current", list(BacktestStatus))
@pytest.mark.parametrize("new", list(BacktestStatus))
def test_only_the_table_transitions_are_allowed(current: BacktestStatus, new: BacktestStatus) -> None:
    if (current.value, new.value) in ALLOWED:
        assert check_transition("b", current, new) is new
    else:
        with pytest.raises(TransitionConflictError) as raised:
            check_transition("b", current, new)
        assert raised.value.http_status == 409


def test_terminal_statuses_have_no_way_out() -> None:
    assert {s for s in BacktestStatus if s.is_terminal} == {BacktestStatus.COMPLETED, BacktestStatus.FAILED,
                                                            BacktestStatus.CANCELLED}
    assert set(TRANSITIONS) == set(BacktestStatus)


def test_every_subscriber_receives_events_of_its_backtest() -> None:
    bus = EventBus()
    everything, only_a = bus.subscribe(), bus.subscribe("a")
    bus.publish(LogEvent(backtest_id="a", level="TRACE", message="one"))
    bus.publish(LogEvent(backtest_id="b", level="TRACE", message="two"))
    assert [e.backtest_id for e in everything.drain()] == ["a", "b"]
    assert [e.backtest_id for e in only_a.drain()] == ["a"]
    only_a.close()
    bus.publish(LogEvent(backtest_id="a", level="TRACE", message="three"))
    assert only_a.get(timeout=0) is None and bus.subscriber_count == 1


def test_a_full_subscriber_drops_its_oldest_events_without_blocking_the_publisher() -> None:
    bus = EventBus()
    slow = bus.subscribe(maxsize=2)
    started = time.perf_counter()
    for n in range(1000):
        bus.publish(LogEvent(backtest_id="a", level="TRACE", message=str(n)))
    bus.publish(CompletedEvent(backtest_id="a", result_folder="f", statistics={}))
    assert time.perf_counter() - started < 1
    assert slow.dropped == 999
    assert [e.type for e in slow.drain()] == ["log", "completed"]


def test_get_waits_for_the_next_event_and_wakeup_is_called() -> None:
    bus = EventBus()
    woken = threading.Event()
    subscription = bus.subscribe(wakeup=woken.set)
    threading.Timer(0.05, lambda: bus.publish(LogEvent(backtest_id="a", level="TRACE", message="x"))).start()
    event = subscription.get(timeout=5)
    assert isinstance(event, LogEvent) and woken.is_set()


def test_events_serialize_to_typed_json_dicts() -> None:
    event = ProgressEvent(backtest_id="a", progress=0.5, percent=50.0, current_date="2013-10-09",
                          equity=EquityPoint(1381300000.0, 100500.0), statistics={"Total Orders": "1"})
    data = event.to_dict()
    assert data["type"] == "progress" and data["equity"] == {"time": 1381300000.0, "equity": 100500.0}
    assert data["at"].endswith("+00:00")
