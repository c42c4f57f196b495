"""The monitor WebSocket, the document's two client snippets, many clients on one run, two runs at once."""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from api_server import ServerProcess, wait_for_status

DOC = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "backtesting-api-v2.md"


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def _snippets() -> dict[str, str]:
    """The document's two Python examples, exactly as written."""
    text = DOC.read_text()
    blocks = [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]
    assert len(blocks) == 2, "the document's examples changed"
    return {"start": blocks[0], "monitor": blocks[1]}


async def _frames(uri: str, limit: float = 120) -> list[dict]:
    frames = []
    async with websockets.connect(uri) as socket:
        async with asyncio.timeout(limit):
            async for message in socket:
                frames.append(json.loads(message))
    return frames


def test_the_documents_client_snippets_run_unchanged(server: ServerProcess, capsys: pytest.CaptureFixture) -> None:
    snippets = _snippets()
    namespace: dict[str, object] = {}
    # Only the URL changes: the server listens on a random port in tests.
    exec(compile(snippets["start"].replace("http://localhost:8000", server.url), "start_backtest", "exec"),
         namespace)
    exec(compile(snippets["monitor"].replace("ws://localhost:8000", server.ws_url), "monitor_backtest", "exec"),
         namespace)

    async def both() -> None:
        backtest_id = await namespace["start_backtest"]()  # type: ignore[operator]
        await asyncio.wait_for(namespace["monitor_backtest"](backtest_id), 120)  # type: ignore[operator]

    asyncio.run(both())
    printed = capsys.readouterr().out
    assert "Backtest completed!" in printed
    assert "Progress: " in printed  # progress updates arrived before the completion


def test_a_watched_run_sends_connected_progress_with_equity_then_completion(server: ServerProcess,
                                                                          client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                        "parameters": {"sleep-ms": 2}}).json()
    frames = asyncio.run(_frames(f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}"))
    events = [f["event"] for f in frames]
    assert events[0] == "connected" and events[-1] == "backtest_completed"
    assert frames[0]["backtest_id"] == started["backtest_id"]
    progress = [f["progress"] for f in frames if f["event"] == "progress_update"]
    assert len(progress) >= 3
    percents = [p["progress_percentage"] for p in progress]
    assert percents == sorted(percents) and percents[-1] > 50
    points = [p["equity"] for p in progress if p["equity"]]
    assert len(points) >= 3 and all(isinstance(p["value"], float) for p in points)
    assert [p["time"] for p in points] == sorted(p["time"] for p in points)
    published = [f["published_at"] for f in frames if f["event"] == "progress_update"]
    assert published == sorted(published) and all(p.endswith("Z") for p in published)
    result = frames[-1]["result"]
    assert result["backtest_id"] == started["backtest_id"] and result["statistics"]["net_profit"] is not None


def test_a_client_that_joins_after_the_end_gets_connected_and_the_final_event(server: ServerProcess,
                                                                              client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "main"}).json()
    wait_for_status(client, started["backtest_id"], {"completed"})
    frames = asyncio.run(_frames(f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}"))
    assert [f["event"] for f in frames] == ["connected", "backtest_completed"]
    assert frames[0]["status"] == "completed"
    assert len(frames[0]["progress"]["equity_curve"]) > 100  # the whole curve, for a chart drawn late


def test_a_late_joiner_first_gets_the_current_state(server: ServerProcess, client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                        "parameters": {"sleep-ms": 3}}).json()
    wait_for_status(client, started["backtest_id"], {"running"})

    async def join_late() -> list[dict]:
        while (await asyncio.to_thread(client.get, f"/api/v2/backtest/progress/{started['backtest_id']}")
               ).json()["progress_percentage"] < 20:
            await asyncio.sleep(0.2)
        return await _frames(f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}")

    frames = asyncio.run(join_late())
    connected = frames[0]
    assert connected["event"] == "connected" and connected["status"] == "running"
    assert connected["progress"]["progress_percentage"] >= 20 and len(connected["progress"]["equity_curve"]) > 0
    assert frames[-1]["event"] == "backtest_completed"


def test_fifty_clients_on_one_backtest_all_get_the_completion(server: ServerProcess, client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                        "parameters": {"sleep-ms": 2}}).json()
    uri = f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}"

    async def fifty() -> list[list[dict]]:
        return await asyncio.gather(*(_frames(uri) for _ in range(50)))

    everyone = asyncio.run(fifty())
    assert len(everyone) == 50
    for frames in everyone:
        assert frames[0]["event"] == "connected" and frames[-1]["event"] == "backtest_completed"


def test_two_backtests_run_at_once(server: ServerProcess, client: httpx.Client) -> None:
    ids = [client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                     "parameters": {"sleep-ms": 5}}).json()["backtest_id"]
           for _ in range(2)]
    statuses = [wait_for_status(client, backtest_id, {"running"}) for backtest_id in ids]
    assert [s["status"] for s in statuses] == ["running", "running"]
    assert [client.get(f"/api/v2/backtest/status/{i}").json()["status"] for i in ids] == ["running", "running"]
    for backtest_id in ids:
        client.delete(f"/api/v2/backtest/cancel/{backtest_id}")


def test_cancelling_sends_backtest_cancelled(server: ServerProcess, client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute"}).json()
    wait_for_status(client, started["backtest_id"], {"running"})

    async def watch_and_cancel() -> list[dict]:
        watching = asyncio.create_task(_frames(f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}"))
        await asyncio.sleep(1)
        await asyncio.to_thread(client.delete, f"/api/v2/backtest/cancel/{started['backtest_id']}")
        return await watching

    frames = asyncio.run(watch_and_cancel())
    assert frames[0]["event"] == "connected" and frames[-1]["event"] == "backtest_cancelled"


def test_an_unknown_id_gets_an_error_frame_and_a_close(server: ServerProcess) -> None:
    async def unknown() -> tuple[list[dict], int | None]:
        frames: list[dict] = []
        async with websockets.connect(f"{server.ws_url}/api/v2/backtest/monitor/bt_unknown") as socket:
            with pytest.raises(websockets.ConnectionClosedError):
                while True:
                    frames.append(json.loads(await socket.recv()))
            return frames, socket.close_code

    frames, code = asyncio.run(unknown())
    assert frames == [{"event": "error", "backtest_id": "bt_unknown",
                       "error": {"code": "not_found", "message": "no backtest with id 'bt_unknown'"}}]
    assert code == 4404


def test_a_bad_client_frame_gets_an_error_frame_and_ping_a_pong(server: ServerProcess, client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute"}).json()

    async def talk() -> list[dict]:
        async with websockets.connect(f"{server.ws_url}/api/v2/backtest/monitor/{started['backtest_id']}") as socket:
            replies: list[dict] = []
            await socket.send("hello")
            await socket.send(json.dumps({"event": "ping"}))
            async with asyncio.timeout(30):
                while len([r for r in replies if r["event"] in ("error", "pong")]) < 2:
                    replies.append(json.loads(await socket.recv()))
            return replies

    replies = asyncio.run(talk())
    client.delete(f"/api/v2/backtest/cancel/{started['backtest_id']}")
    kinds = [r["event"] for r in replies if r["event"] in ("error", "pong")]
    assert kinds == ["error", "pong"]
    assert next(r for r in replies if r["event"] == "error")["error"]["code"] == "bad_frame"


def test_snippet_extraction_reads_the_document() -> None:
    # Guards the first test: if the document's examples were not found, it would test nothing.
    snippets = _snippets()
    assert "async def start_backtest" in snippets["start"]
    assert textwrap.dedent(snippets["monitor"]).startswith("import websockets")
