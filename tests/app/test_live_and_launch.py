"""The launch form and the live monitor driven without a browser: launch, progress events, cancel, refusals."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

from app.models import DSL, PYTHON, LaunchModel, LiveRunsModel
from app.models.live import RunState, format_eta
from lean_runner.services import Workbench


def pump_until(live: LiveRunsModel, done: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out; status {live.status!r} at {live.percent}%"
        live.pump()
        time.sleep(0.05)


def test_python_strategy_parameters_become_typed_declarations(workbench: Workbench) -> None:
    launch = LaunchModel(workbench=workbench)
    launch.strategy = "ema_crossover"
    declared = {d.name: d for d in launch.declarations}
    assert declared["ema-fast"].type == "integer" and declared["ema-fast"].default == 10
    assert "start_date" not in declared  # the window has its own fields
    assert launch.values["ema-slow"] == 50


def test_launch_then_progress_events_grow_the_equity_before_completion(workbench: Workbench) -> None:
    launch = LaunchModel(workbench=workbench, strategy="slow_minute")
    launch.param.update(values={"sleep-ms": 4}, resolution="Minute")
    backtest_id = launch.launch()
    assert backtest_id, launch.error
    live = LiveRunsModel(workbench=workbench)
    live.attach(backtest_id)
    batches: list[int] = []
    live.param.watch(lambda event: batches.append(len(event.new)), "new_points")
    seen_running: list[tuple[float, int]] = []

    def finished() -> bool:
        if live.status == "running":
            seen_running.append((live.percent, len(live.followed.equity)))  # type: ignore[union-attr]
        return live.status in ("completed", "failed", "cancelled")

    pump_until(live, finished)
    live.close()
    assert live.status == "completed", live.error
    assert live.percent == 100
    running_points = [points for _, points in seen_running]
    percents = [percent for percent, _ in seen_running]
    assert max(running_points) > 0, "no equity point arrived while the run was running"
    assert len(set(percents)) > 1 and percents == sorted(percents), percents
    assert sum(batches) == len(live.followed.equity) > 0  # type: ignore[union-attr]
    assert live.current_date.startswith("2013-10-")
    assert any("Engine" in line or "Purchased" in line for line in live.log_tail)


def test_events_reach_the_session_through_its_schedule_callback(workbench: Workbench) -> None:
    scheduled: list[Callable[[], None]] = []
    threads: set[str] = set()

    def schedule(callback: Callable[[], None]) -> None:
        threads.add(threading.current_thread().name)
        scheduled.append(callback)

    live = LiveRunsModel(workbench=workbench, schedule=schedule)
    backtest_id = LaunchModel(workbench=workbench, strategy="main").launch()
    assert backtest_id
    deadline = time.monotonic() + 60
    while (live.runs.get(backtest_id) is None or not live.runs[backtest_id].finished) and time.monotonic() < deadline:
        while scheduled:
            scheduled.pop(0)()
        time.sleep(0.05)
    live.close()
    assert live.runs[backtest_id].status == "completed"
    # Progress and completion are published on worker threads; the pumps ran here, on the session's thread.
    assert threads - {threading.current_thread().name}


def test_cancel_stops_the_followed_run(workbench: Workbench) -> None:
    backtest_id = LaunchModel(workbench=workbench, strategy="slow_minute", values={"sleep-ms": 20}).launch()
    assert backtest_id
    live = LiveRunsModel(workbench=workbench)
    live.attach(backtest_id)
    pump_until(live, lambda: live.status == "running")
    assert live.cancel()
    pump_until(live, lambda: live.status in ("cancelled", "completed", "failed"), timeout=60)
    live.close()
    assert live.status == "cancelled"
    assert not live.cancel(), "a finished run cannot be cancelled again"
    assert live.error.startswith("Cannot cancel")


def test_reattach_after_reload_tracks_running_backtests(workbench: Workbench) -> None:
    backtest_id = LaunchModel(workbench=workbench, strategy="slow_minute", values={"sleep-ms": 15}).launch()
    assert backtest_id
    first = LiveRunsModel(workbench=workbench)
    first.attach(backtest_id)
    pump_until(first, lambda: first.percent > 0)
    first.close()
    reloaded = LiveRunsModel(workbench=workbench)  # a new session: knows nothing but what is running
    assert reloaded.attach_running() == backtest_id
    assert reloaded.status == "running" and reloaded.percent > 0
    assert reloaded.followed is not None and reloaded.followed.equity, "the snapshot brought the equity so far"
    assert [row["backtest_id"] for row in reloaded.active] == [backtest_id]
    assert reloaded.cancel()
    pump_until(reloaded, lambda: reloaded.status == "cancelled", timeout=60)
    reloaded.close()


def test_launch_with_end_before_start_reports_the_path(workbench: Workbench) -> None:
    import datetime as dt

    launch = LaunchModel(workbench=workbench, strategy="main", start_date=dt.datetime(2014, 1, 2),
                         end_date=dt.datetime(2013, 1, 2))
    assert launch.launch() is None
    assert [p["path"] for p in launch.problems] == ["end_date"]
    assert "end_date" in launch.error


def test_docker_engine_is_refused_with_the_reason_when_unavailable(workbench: Workbench) -> None:
    without_docker = dataclasses.replace(workbench, docker_status=lambda: "no Docker daemon is reachable")
    launch = LaunchModel(workbench=without_docker, strategy="main", engine="docker")
    assert not launch.docker_available and launch.docker_reason == "no Docker daemon is reachable"
    assert launch.launch() is None
    assert launch.problems[0]["path"] == "engine" and "no Docker daemon" in launch.error


def test_dsl_version_without_versions_says_what_to_do(workbench: Workbench) -> None:
    launch = LaunchModel(workbench=workbench, user_id="nobody-yet", kind=DSL)
    assert launch.version is None
    assert launch.launch() is None and "Strategies page" in launch.error
    launch.kind = PYTHON
    assert launch.strategy == "main"


def test_eta_follows_the_rate_seen_so_far() -> None:
    state = RunState(backtest_id="bt_x", status="running", first_seen=100.0, first_percent=0.0, percent=25.0)
    assert state.eta_seconds(now=110.0) == 30.0
    assert format_eta(30.0) == "30 s" and format_eta(75) == "1 min 15 s" and format_eta(None) == "—"
    state.status = "completed"
    assert state.eta_seconds(now=120.0) is None
