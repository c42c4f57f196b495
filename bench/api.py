"""Benchmark the API server: request latency under a steady load, and WebSocket fan-out to many clients.

``python bench/api.py [--results 1000] [--rate 200] [--seconds 10] [--clients 200] [--json out.json]``

1. Starts a real ``workbench serve`` (embedded engine) on a copy of test-project, runs one short backtest
   through the API, stops the server, copies that result folder until the project holds ``--results`` results
   (each copy with its own id), and starts the server again on a new database, which it rebuilds from the folders.
2. Sends requests at a fixed rate (open loop: latency counts from the moment a request was due, so a stalled
   server is not hidden by a waiting client) to the v2 results page, the strategy API's results list and
   ``GET /backtests/{id}``; prints p50/p99 latency and the rate achieved, then the most requests per second
   8 concurrent clients get.
3. Connects ``--clients`` WebSocket clients to the monitor of a running backtest and measures, for every frame,
   the spread between the first and the last client receiving it (the fan-out delay).
4. The peer measured in the same run: a bare Tornado server on the same machine that answers with the very same
   bytes (and broadcasts frames of the same size at the same cadence), the floor for any Tornado service. The
   ratios say what the workbench's handlers, store and hub cost on top of that floor.

The load generator shares the machine's cores with the server: figures are upper bounds of what a
remote client would see. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "api"))
sys.path.insert(0, str(REPO / "bench"))
from api_server import ServerProcess, start_server  # noqa: E402
from filled_project import USER, fill_project  # noqa: E402

TEMPLATE_DATA = REPO.parent / "shared" / "lean-data"  # the data the brief names: ../shared/lean-data
GOAL_P99_MS = 20.0
GOAL_FANOUT_MS = 100.0


@dataclass
class LoadFigures:
    name: str
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    achieved_rps: float


@dataclass
class FanoutFigures:
    name: str
    clients: int
    frames: int
    median_spread_ms: float
    p99_spread_ms: float
    max_spread_ms: float
    median_delay_ms: float  # from the frame's `published_at` to its arrival at the last of the clients
    p99_delay_ms: float
    max_delay_ms: float
    slowest_frame: int  # which frame (0 = first) had the largest delay


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- the peer: bare Tornado ------------------------------------------------------------------------------------

def serve_peer(port_file: Path, bodies_file: Path) -> None:
    """Run a bare Tornado server that answers each path with the bytes the workbench gave for it."""
    import tornado.ioloop
    import tornado.web
    import tornado.websocket

    bodies: dict[str, str] = json.loads(bodies_file.read_text())
    sockets: set[tornado.websocket.WebSocketHandler] = set()

    class Fixed(tornado.web.RequestHandler):
        def get(self, path: str) -> None:
            self.set_header("Content-Type", "application/json")
            self.write(bodies[self.request.uri or "/" + path])

    class Broadcast(tornado.websocket.WebSocketHandler):
        def open(self) -> None:
            sockets.add(self)

        def on_close(self) -> None:
            sockets.discard(self)

    class Start(tornado.web.RequestHandler):
        async def post(self) -> None:
            frame = bodies["frame"]
            for index in range(int(self.get_argument("frames"))):
                text = frame.replace("__INDEX__", str(index)).replace(
                    "__PUBLISHED__", datetime.now(UTC).isoformat().replace("+00:00", "Z"))
                for socket in list(sockets):
                    socket.write_message(text)
                await asyncio.sleep(float(self.get_argument("interval")))
            for socket in list(sockets):
                socket.close()

    async def main() -> None:
        app = tornado.web.Application([(r"/ws", Broadcast), (r"/start", Start), (r"/(.*)", Fixed)])
        [server_socket] = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets([server_socket])
        port_file.write_text(str(server_socket.getsockname()[1]))
        await asyncio.Event().wait()

    import tornado.httpserver
    import tornado.netutil
    asyncio.run(main())


def start_peer(work: Path, bodies: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    bodies_file, port_file = work / "peer-bodies.json", work / "peer-port"
    bodies_file.write_text(json.dumps(bodies))
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, __file__, "--peer-server", str(port_file), str(bodies_file)])
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("the peer server did not start")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text()}"


# --- load ------------------------------------------------------------------------------------------------------

async def open_loop(base: str, path: str, rate: float, seconds: float, name: str) -> LoadFigures:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await client.get(path)  # warm the connection and the server's caches

        async def one(due: float) -> None:
            nonlocal errors
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - due)

        start = time.perf_counter()
        tasks = []
        total = int(rate * seconds)
        for index in range(total):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return LoadFigures(name, total, errors, 1000 * percentile(latencies, 0.5), 1000 * percentile(latencies, 0.99),
                       total / elapsed)


async def closed_loop(base: str, path: str, seconds: float, workers: int = 8) -> float:
    done = 0
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                (await client.get(path)).raise_for_status()
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        return done / (time.perf_counter() - start)


# --- fan-out ---------------------------------------------------------------------------------------------------

async def fanout(connect_url: str, clients: int, start: Callable[[], Awaitable[None]], key: Callable[[dict], Any],
                 name: str) -> FanoutFigures:
    arrivals: dict[Any, list[float]] = defaultdict(list)
    published: dict[Any, float] = {}

    async def listen(socket: Any) -> None:
        async for message in socket:
            frame = json.loads(message)
            arrivals[key(frame)].append(time.time())  # wall clock: the server's published_at is on the same one
            if frame.get("published_at"):
                published[key(frame)] = datetime.fromisoformat(frame["published_at"].replace("Z", "+00:00")
                                                               ).timestamp()

    sockets = [await websockets.connect(connect_url, max_queue=None) for _ in range(clients)]
    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    await start()
    await asyncio.wait_for(asyncio.gather(*listeners, return_exceptions=True), timeout=600)
    complete = {frame: times for frame, times in arrivals.items() if len(times) == clients}
    spreads = [1000 * (max(times) - min(times)) for times in complete.values()]
    delays = [1000 * (max(times) - published[frame]) for frame, times in complete.items() if frame in published]
    slowest = delays.index(max(delays)) if delays else -1
    return FanoutFigures(name, clients, len(spreads), statistics.median(spreads) if spreads else float("nan"),
                         percentile(spreads, 0.99), max(spreads, default=float("nan")),
                         statistics.median(delays) if delays else float("nan"), percentile(delays, 0.99),
                         max(delays, default=float("nan")), slowest)


def progress_key(frame: dict) -> Any:
    if frame["event"] != "progress_update":
        return frame["event"]
    progress = frame["progress"]
    return (progress["progress_percentage"], json.dumps(progress["equity"]), progress["current_date"])


# --- the run ---------------------------------------------------------------------------------------------------

async def measure(server: ServerProcess, peer: str, paths: dict[str, str], args: argparse.Namespace
                  ) -> tuple[list[LoadFigures], dict[str, float], list[FanoutFigures]]:
    load: list[LoadFigures] = []
    throughput: dict[str, float] = {}
    for name, path in ({} if args.only_fanout else paths).items():
        for label, base in (("workbench", server.url), ("bare tornado", peer)):
            figures = await open_loop(base, path, args.rate, args.seconds, f"{name} [{label}]")
            load.append(figures)
            print(f"  {figures.name}: p50 {figures.p50_ms:.1f} ms, p99 {figures.p99_ms:.1f} ms, "
                  f"{figures.achieved_rps:.0f} req/s, {figures.errors} errors", flush=True)
            throughput[f"{name} [{label}]"] = await closed_loop(base, path, min(args.seconds, 5))
    # Fan-out: the slow test algorithm streams progress for about 20 s.
    monitor: dict[str, str] = {}

    async def launch_workbench() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            await client.get("/api/v2/backtest/strategies")

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        run = await client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                              "parameters": {"sleep-ms": "20"}})
        run.raise_for_status()
        monitor["id"] = run.json()["backtest_id"]
    ours = await fanout(f"{server.ws_url}/api/v2/backtest/monitor/{monitor['id']}", args.clients, launch_workbench,
                        progress_key, "workbench monitor")
    frames = max(ours.frames, 50)
    interval = 20.0 / frames

    peer_client = httpx.AsyncClient(base_url=peer, timeout=600)
    try:
        async def start_peer_broadcast() -> None:
            asyncio.get_running_loop().create_task(
                peer_client.post("/start", params={"frames": frames, "interval": interval}))

        theirs = await fanout(peer.replace("http", "ws", 1) + "/ws", args.clients, start_peer_broadcast,
                              lambda frame: frame["index"], "bare tornado broadcast")
    finally:
        await peer_client.aclose()
    return load, throughput, [ours, theirs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("WORKBENCH_DATA_FOLDER", TEMPLATE_DATA)))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only-fanout", action="store_true", help="skip the request latencies")
    parser.add_argument("--peer-server", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peer_server:
        serve_peer(*args.peer_server)
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        print(f"filling a project with {args.results} results ...", flush=True)
        project = fill_project(work, args.data, args.results)
        server = start_server(project, args.data, work / "cache")
        peer_process = None
        try:
            with server.client() as client:
                listed = client.get("/backtests", params={"user_id": USER}).json()
                backtest_id = listed["items"][0]["id"]
                paths = {"v2 results page": "/api/v2/backtest/results?page=1&page_size=20",
                         "v2 results page 40": "/api/v2/backtest/results?page=40&page_size=20",
                         "GET /backtests/{id}": f"/backtests/{backtest_id}"}
                # Warm up: read every page once (a store rebuilt from the folders summarises each result the first
                # time it is listed), then let the server settle before measuring.
                for page in range(1, args.results // 20 + 2):
                    client.get("/api/v2/backtest/results", params={"page": page, "page_size": 20})
                time.sleep(3)
                bodies = {path: client.get(path).text for path in paths.values()}
                total = client.get("/api/v2/backtest/results", params={"page_size": 1}).json()["total_count"]
            print(f"the server lists {total} results", flush=True)
            sample_frame = {"event": "progress_update", "backtest_id": "bt_x", "index": "__INDEX__",
                            "published_at": "__PUBLISHED__",
                            "progress": {"progress_percentage": 50.0, "current_date": "2013-10-09",
                                         "statistics": {"total_orders": 1, "net_profit": "1.2%"},
                                         "equity": {"time": "2013-10-09T14:00:00Z", "value": 100123.45}}}
            bodies["frame"] = json.dumps(sample_frame).replace('"__INDEX__"', "__INDEX__")
            peer_process, peer = start_peer(work, bodies)
            load, throughput, fan = asyncio.run(measure(server, peer, paths, args))
        finally:
            server.stop()
            if peer_process is not None:
                peer_process.kill()
                peer_process.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"| request (open loop, {args.rate:.0f} req/s for {args.seconds:.0f} s) | server | p50 ms | p99 ms | "
          "achieved req/s | max req/s (8 clients) |")
    print("|---|---|---|---|---|---|")
    for figures in load:
        name, server_name = figures.name.rsplit(" [", 1)
        print(f"| {name} | {server_name[:-1]} | {figures.p50_ms:.1f} | {figures.p99_ms:.1f} | "
              f"{figures.achieved_rps:.0f} | {throughput[figures.name]:.0f} |")
    print()
    print("| fan-out | clients | frames | median spread ms | max spread ms | delay to the last client: median ms "
          "| p99 ms | max ms (frame) |")
    print("|---|---|---|---|---|---|---|---|")
    for item in fan:
        print(f"| {item.name} | {item.clients} | {item.frames} | {item.median_spread_ms:.1f} | "
              f"{item.max_spread_ms:.1f} | {item.median_delay_ms:.1f} | {item.p99_delay_ms:.1f} | "
              f"{item.max_delay_ms:.1f} ({item.slowest_frame}) |")
    print()
    verdicts = []
    for ours, peer_figures in zip(load[::2], load[1::2], strict=True):
        ratio = ours.p99_ms / peer_figures.p99_ms if peer_figures.p99_ms else float("nan")
        verdict = "PASS" if ours.p99_ms < GOAL_P99_MS and ours.errors == 0 else "FAIL"
        verdicts.append(verdict)
        print(f"{verdict} {ours.name}: p99 {ours.p99_ms:.1f} ms (goal < {GOAL_P99_MS:.0f} ms; "
              f"{ratio:.1f}x bare Tornado's p99)")
    fan_verdict = "PASS" if fan[0].max_delay_ms < GOAL_FANOUT_MS else "FAIL"
    verdicts.append(fan_verdict)
    print(f"{fan_verdict} fan-out to {fan[0].clients} clients: progress event to the last client at most "
          f"{fan[0].max_delay_ms:.1f} ms (goal < {GOAL_FANOUT_MS:.0f} ms; bare Tornado {fan[1].max_delay_ms:.1f} ms)")
    if args.json:
        args.json.write_text(json.dumps({"load": [asdict(f) for f in load], "throughput": throughput,
                                         "fanout": [asdict(f) for f in fan]}, indent=2))
    return 0 if all(v == "PASS" for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
