"""The optimization endpoints on a real server: create (202 + Location), WebSocket progress, read, list,
cancel, delete, every error path in the one error shape."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from optimization_helpers import ServedWorkbench, processes_working_in, serve_workbench

BODY = {"algorithm": "ema_crossover.py", "strategy": "Grid Search", "target": "Sharpe Ratio",
        "target_direction": "max", "parameters": [{"name": "ema-fast", "min": 5, "max": 10, "step": 5}],
        "constraints": ["Drawdown < 0.5"], "start_date": "2013-01-01", "end_date": "2013-06-30"}


@pytest.fixture
def served(sweep_project: Path, lean_data: Path, parse_cache: Path, tmp_path: Path) -> Iterator[ServedWorkbench]:
    running = serve_workbench(sweep_project, lean_data, parse_cache, tmp_path / "server.log")
    yield running
    assert running.stop() == 0, (tmp_path / "server.log").read_text()


async def _frames(uri: str) -> list[dict]:
    frames = []
    async with websockets.connect(uri) as socket:
        async for message in socket:
            frames.append(json.loads(message))
    return frames


def test_an_optimization_is_created_watched_read_listed_and_deleted(served: ServedWorkbench) -> None:
    with httpx.Client(base_url=served.url, timeout=60) as client:
        created = client.post("/optimizations", json=BODY)
        assert created.status_code == 202, created.text
        name = created.json()["name"]
        assert created.headers["Location"] == f"/optimizations/{name}"
        frames = asyncio.run(_frames(f"{served.ws_url}/optimizations/{name}/monitor"))
        assert frames[0]["event"] == "connected" and frames[-1]["event"] == "optimization_completed"
        detail = client.get(f"/optimizations/{name}").json()
        assert detail["status"] == "completed" and detail["done"] == 2 and detail["best"] is not None
        assert sorted(c["parameters"]["ema-fast"] for c in detail["children"]) == ["10", "5"]
        progress = [f for f in frames if f["event"] == "optimization_progress"]
        assert all(f["child"]["status"] == "completed" for f in progress)
        assert [o["name"] for o in client.get("/optimizations").json()["optimizations"]] == [name]
        late = asyncio.run(_frames(f"{served.ws_url}/optimizations/{name}/monitor"))
        assert [f["event"] for f in late] == ["connected", "optimization_completed"]
        conflict = client.post(f"/optimizations/{name}/cancel")
        assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"
        assert client.delete(f"/optimizations/{name}").status_code == 204
        missing = client.get(f"/optimizations/{name}")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        paths = client.get("/openapi.json").json()["paths"]
        assert {"/optimizations", "/optimizations/{optimization_name}",
                "/optimizations/{optimization_name}/cancel"} <= set(paths)


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"parameters": [{"name": "nope", "min": 1, "max": 2, "step": 1}]}, "parameters.nope", "not declared"),
    ({"constraints": ["Drawdown"]}, "constraints", "cannot parse"),
    ({"algorithm": "missing.py"}, "algorithm", "not found"),
    ({"parameters": [{"name": "ema-fast", "min": 1, "max": 2, "step": 0}]}, "parameters[0].step", "greater than 0"),
    ({"strategy": "Random Search"}, "strategy", "Grid Search"),
])
def test_a_bad_optimization_request_is_a_422_naming_the_problem(served: ServedWorkbench, change: dict, path: str,
                                                               message: str) -> None:
    answer = httpx.post(f"{served.url}/optimizations", json={**BODY, **change}, timeout=60)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert any(d["path"] == path and message in d["message"] for d in error["details"]), error


def test_cancel_over_the_api_stops_the_running_backtests(served: ServedWorkbench, sweep_project: Path) -> None:
    body = {**BODY, "algorithm": "misbehaving.py", "parameters": [{"name": "mode", "min": 3, "max": 3, "step": 1}],
            "constraints": [], "target": "Net Profit", "child_timeout": 600}
    with httpx.Client(base_url=served.url, timeout=120) as client:
        name = client.post("/optimizations", json=body).json()["name"]
        folder = sweep_project / "optimizations" / name
        deadline = time.monotonic() + 120
        while not processes_working_in(folder):
            assert time.monotonic() < deadline, "the hanging backtest never started"
            time.sleep(0.1)
        cancelled = client.post(f"/optimizations/{name}/cancel")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert processes_working_in(folder) == []
        assert client.get(f"/optimizations/{name}").json()["status"] == "cancelled"
        unknown = client.post("/optimizations/1999-01-01_00-00-00/cancel")
        assert unknown.status_code == 404
