"""Tokens, cross-user access, oversized bodies and the WebSocket off loopback, on real servers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from api_server import ServerProcess, make_project, start_server

REPO = Path(__file__).resolve().parents[2]
SPEC = json.loads((REPO / "test-project" / "strategies" / "rsi_mean_reversion.json").read_text())
TOKEN_1, TOKEN_2 = "token-of-user-one-1234", "token-of-user-two-5678"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path) -> Iterator[ServerProcess]:
    project = make_project(tmp_path_factory.mktemp("secured") / "project")
    running = start_server(project, lean_data, parse_cache, extra_env={
        "WORKBENCH_TOKENS": f"u_1:{TOKEN_1},u_2:{TOKEN_2}", "WORKBENCH_ALLOW_LOCAL_ENGINE": "true",
        "WORKBENCH_MAX_BODY_BYTES": "20000"})
    yield running
    assert running.stop() == 0, running.log_text()


def _as(user_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_token}"}


def test_no_token_or_an_unknown_token_is_a_401(secured: ServerProcess) -> None:
    with secured.client() as client:
        for headers in ({}, _as("not-a-token-at-all")):
            response = client.get("/api/v2/backtest/strategies", headers=headers)
            assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
        assert client.get("/openapi.json").status_code == 200  # the description holds no data


def test_another_users_strategy_backtest_and_lists_are_a_403(secured: ServerProcess) -> None:
    with secured.client() as client:
        created = client.post("/strategies", headers=_as(TOKEN_1),
                              json={"user_id": "u_1", "name": "Mine", "json_spec": SPEC}).json()
        strategy_id, version_id = created["strategy"]["id"], created["version"]["id"]
        assert client.get(f"/strategies/{strategy_id}", headers=_as(TOKEN_1)).status_code == 200
        for path in (f"/strategies/{strategy_id}", f"/strategies/{strategy_id}/versions",
                     f"/strategy-versions/{version_id}"):
            response = client.get(path, headers=_as(TOKEN_2))
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", path
        assert client.get("/strategies", params={"user_id": "u_1"}, headers=_as(TOKEN_2)).status_code == 403
        # Left out, user_id is the token's: u_2 sees only their own (none).
        assert client.get("/strategies", headers=_as(TOKEN_2)).json()["items"] == []
        # Writing as someone else is refused too.
        assert client.post("/strategies", headers=_as(TOKEN_2),
                           json={"user_id": "u_1", "name": "Not mine", "json_spec": SPEC}).status_code == 403
        assert client.post(f"/strategies/{strategy_id}/versions", headers=_as(TOKEN_2),
                           json={"json_spec": SPEC}).status_code == 403
        run = client.post("/api/v2/backtest/run", headers=_as(TOKEN_1), json={"strategy_name": "main"}).json()
        for method, path in (("GET", f"/api/v2/backtest/status/{run['backtest_id']}"),
                             ("GET", f"/backtests/{run['backtest_id']}"),
                             ("DELETE", f"/api/v2/backtest/cancel/{run['backtest_id']}")):
            assert client.request(method, path, headers=_as(TOKEN_2)).status_code == 403, path
        page = client.get("/api/v2/backtest/results", headers=_as(TOKEN_2)).json()
        assert run["backtest_id"] not in [r["backtest_id"] for r in page["results"]]


def test_a_websocket_without_the_right_token_gets_an_error_frame(secured: ServerProcess) -> None:
    with secured.client() as client:
        run = client.post("/api/v2/backtest/run", headers=_as(TOKEN_1), json={"strategy_name": "main"}).json()

    async def frames(query: str) -> list[dict]:
        received: list[dict] = []
        async with websockets.connect(f"{secured.ws_url}/api/v2/backtest/monitor/{run['backtest_id']}{query}") as ws:
            try:
                async with asyncio.timeout(60):
                    async for message in ws:
                        received.append(json.loads(message))
            except websockets.ConnectionClosedError:
                pass
        return received

    assert asyncio.run(frames(""))[0]["error"]["code"] == "unauthorized"
    assert asyncio.run(frames(f"?token={TOKEN_2}"))[0]["error"]["code"] == "forbidden"
    mine = asyncio.run(frames(f"?token={TOKEN_1}"))
    assert mine[0]["event"] == "connected" and mine[-1]["event"] in ("backtest_completed", "backtest_failed")


def test_an_oversized_body_is_a_413(secured: ServerProcess) -> None:
    with secured.client() as client:
        response = client.post("/strategies/validate", headers=_as(TOKEN_1),
                               json={"json_spec": {"name": "x" * 30_000}})
        assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_off_loopback_a_token_is_generated_printed_and_required(tmp_path: Path, lean_data: Path,
                                                                 parse_cache: Path) -> None:
    project = make_project(tmp_path / "project")
    running = start_server(project, lean_data, parse_cache, extra_env={"WORKBENCH_HOST": "0.0.0.0"})
    try:
        url = running.url.replace("0.0.0.0", "127.0.0.1")
        with httpx.Client(base_url=url, timeout=30) as client:
            assert client.get("/api/v2/backtest/strategies").status_code == 401
        token = re.search(r"Authorization: Bearer (\S+)", running.printed)
        assert token, running.printed
        with httpx.Client(base_url=url, timeout=30, headers=_as(token.group(1))) as client:
            assert client.get("/api/v2/backtest/strategies").status_code == 200

        async def ws_without_token() -> dict:
            ws_url = "ws" + url[4:] + "/api/v2/backtest/monitor/bt_any"
            async with websockets.connect(ws_url) as ws:
                return json.loads(await ws.recv())

        assert asyncio.run(ws_without_token())["error"]["code"] == "unauthorized"
    finally:
        assert running.stop() == 0, running.log_text()
