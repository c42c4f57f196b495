"""``workbench serve``: ONE Tornado server for both APIs, the WebSocket, /openapi.json and /docs.

The routes come from :func:`api.routes.build_routes`, so the dashboard's issue mounts the same
list as Panel's ``extra_patterns`` next to the app at ``/``. Blocking work runs on one thread
pool; SIGINT/SIGTERM stop accepting, stop running backtests (marked cancelled) and exit.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TextIO

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from api.base import ServerContext
from api.monitor import MonitorHub
from api.routes import build_routes
from lean_runner.services import Workbench
from lean_runner.settings import Settings

log = logging.getLogger("workbench.server")
EXECUTOR_THREADS = 32

_LANDING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LEAN workbench</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto">
<h1>LEAN backtest workbench</h1><p>The API is up: <a href="/docs">API docs</a> ·
<a href="/openapi.json">openapi.json</a> · <a href="/api/v2/backtest/strategies">strategies</a> ·
<a href="/api/v2/backtest/results">results</a>.</p></body></html>"""


class LandingHandler(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(_LANDING)


@dataclass
class RunningServer:
    http: HTTPServer
    hub: MonitorHub
    context: ServerContext
    port: int


def auth_table(settings: Settings, out: TextIO) -> tuple[dict[str, str], bool]:
    """Token → user id, and whether a token is required. Off loopback with none configured, one is made and
    printed (as Jupyter does)."""
    tokens = {token: user for user, token in settings.tokens}
    if tokens:
        return tokens, True
    if settings.on_loopback:
        return {}, False
    token = secrets.token_urlsafe(24)
    out.write(f"No WORKBENCH_TOKENS set and listening on {settings.host}: use this token for user 'default':\n"
              f"    Authorization: Bearer {token}\n")
    out.flush()
    return {token: "default"}, True


def start_server(workbench: Workbench, settings: Settings, *, out: TextIO = sys.stdout) -> RunningServer:
    """Listen on the settings' host and port (0 = any free one) on the current IOLoop."""
    tokens, required = auth_table(settings, out)
    context = ServerContext(workbench=workbench, executor=ThreadPoolExecutor(EXECUTOR_THREADS, "api"),
                            tokens=tokens, require_token=required, max_body_bytes=settings.max_body_bytes)
    hub = MonitorHub(context, IOLoop.current())
    application = web.Application([(r"/", LandingHandler), *build_routes(context, hub)],
                                  websocket_ping_interval=20)
    # Bodies a little over the limit are read so the handler can answer 413 in JSON; far over, the connection
    # is closed before reading.
    http = HTTPServer(application, max_body_size=max(settings.max_body_bytes * 4, 8 * 1024 * 1024),
                      xheaders=False)
    bound = bind_sockets(settings.port, settings.host)
    http.add_sockets(bound)
    port = bound[0].getsockname()[1]
    return RunningServer(http=http, hub=hub, context=context, port=port)


def serve(settings: Settings, *, out: TextIO = sys.stdout) -> int:
    """Run the server until SIGINT or SIGTERM; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    workbench = Workbench.from_settings(settings)
    report = workbench.ensure_sample_data()
    if report is not None:
        log.warning("the data folder %s held no market data: generated a SYNTHETIC sample (%s, %s to %s, %s, %d "
                    "files). Results on it are marked synthetic; point WORKBENCH_DATA_FOLDER at real LEAN data "
                    "for real results.", report.folder, ", ".join(report.symbols), report.start_date,
                    report.end_date, report.resolution, report.files)
    workbench.start()

    async def main() -> None:
        server = start_server(workbench, settings, out=out)
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        out.write(f"Serving the LEAN workbench on http://{host}:{server.port} (API docs: /docs)\n")
        out.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await stop.wait()
        log.info("shutting down: no new connections, stopping running backtests")
        server.http.stop()
        server.hub.close()
        await loop.run_in_executor(None, workbench.close)
        server.context.executor.shutdown(wait=False, cancel_futures=True)
        await server.http.close_all_connections()

    asyncio.run(main())
    log.info("stopped")
    return 0
