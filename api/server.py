"""``workbench serve``: ONE Tornado server for the dashboard, both APIs, the WebSocket, /openapi.json and /docs.

The dashboard is Panel's server with the API's routes (:func:`api.routes.build_routes`) as its
``extra_patterns``; without the dashboard (``dashboard=False``) the same routes run in a plain
Tornado application with a landing page at ``/``. Blocking work runs on one thread pool;
SIGINT/SIGTERM stop accepting, stop running backtests (marked cancelled) and exit.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TextIO

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from api.base import ServerContext, caller_for
from api.monitor import MonitorHub
from api.routes import build_routes
from lean_runner.services import Workbench
from lean_runner.services.access import ANYONE, Caller
from lean_runner.services.errors import UnauthorizedError
from lean_runner.settings import Settings

log = logging.getLogger("workbench.server")
EXECUTOR_THREADS = 32
SWITCH_INTERVAL_S = 0.0005

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
    hub: MonitorHub
    context: ServerContext
    port: int
    http: HTTPServer | None = None  # the plain application's server
    panel: Any = None  # Panel's (Bokeh's) server, when the dashboard is mounted

    def stop_listening(self) -> None:
        if self.panel is not None:
            self.panel.unlisten()
        elif self.http is not None:
            self.http.stop()

    async def close_connections(self) -> None:
        if self.panel is not None:
            self.panel.stop(wait=False)
        elif self.http is not None:
            await self.http.close_all_connections()


def dashboard_caller(context: ServerContext, request: Any) -> Caller | None:
    """The caller of a dashboard session: anyone without tokens; else the ``?token=`` of the page's URL."""
    if not context.require_token:
        return ANYONE
    arguments = getattr(request, "arguments", None) or {}
    token = arguments.get("token", [b""])[0]
    try:
        return caller_for(context, token.decode() if isinstance(token, bytes) else str(token))
    except UnauthorizedError:
        return None


def free_port(host: str) -> int:
    """A port free now (Panel's server needs the number before it binds, for its WebSocket origin check)."""
    sockets = bind_sockets(0, host)
    port = int(sockets[0].getsockname()[1])
    for sock in sockets:
        sock.close()
    return port


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


def start_server(workbench: Workbench, settings: Settings, *, out: TextIO = sys.stdout,
                 dashboard: bool = True) -> RunningServer:
    """Listen on the settings' host and port (0 = any free one) on the current IOLoop."""
    tokens, required = auth_table(settings, out)
    context = ServerContext(workbench=workbench, executor=ThreadPoolExecutor(EXECUTOR_THREADS, "api"),
                            tokens=tokens, require_token=required, max_body_bytes=settings.max_body_bytes)
    hub = MonitorHub(context, IOLoop.current())
    routes = build_routes(context, hub)
    # Bodies a little over the limit are read so the handler can answer 413 in JSON; far over, the connection
    # is closed before reading.
    max_body = max(settings.max_body_bytes * 4, 8 * 1024 * 1024)
    if dashboard:
        return _start_with_dashboard(workbench, settings, context, hub, routes, max_body)
    application = web.Application([(r"/", LandingHandler), *routes], websocket_ping_interval=20)
    http = HTTPServer(application, max_body_size=max_body, xheaders=False)
    bound = bind_sockets(settings.port, settings.host)
    http.add_sockets(bound)
    port = bound[0].getsockname()[1]
    return RunningServer(http=http, hub=hub, context=context, port=port)


def _start_with_dashboard(workbench: Workbench, settings: Settings, context: ServerContext, hub: MonitorHub,
                          routes: list[Any], max_body: int) -> RunningServer:
    from bokeh.settings import settings as bokeh_settings
    from panel.io.server import get_server

    from app.dashboard import TITLE, load_extensions, session_factory

    # Every script and stylesheet from this server, also for components drawn after the page loaded (Panel
    # otherwise points those at its CDN): the dashboard must work with no internet.
    bokeh_settings.resources = "server"
    load_extensions()
    port = settings.port or free_port(settings.host)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    origins = [f"{host}:{port}"] + ([f"localhost:{port}", f"127.0.0.1:{port}"] if settings.on_loopback else [])
    server = get_server({"/": session_factory(workbench, lambda request: dashboard_caller(context, request))},
                        port=port, address=settings.host, websocket_origin=origins, loop=IOLoop.current(),
                        start=False, title=TITLE, extra_patterns=routes, http_server_kwargs={"max_body_size": max_body},
                        websocket_max_message_size=max_body, check_unused_sessions_milliseconds=10_000,
                        unused_session_lifetime_milliseconds=30_000)
    server.start()
    return RunningServer(hub=hub, context=context, port=port, panel=server)


def serve(settings: Settings, *, out: TextIO = sys.stdout) -> int:
    """Run the server until SIGINT or SIGTERM; returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    # The IOLoop thread waits for the GIL while request threads work; Python's default 5 ms switch interval
    # then adds up to 5 ms to every response under load.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
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
        # Everything loaded so far (Panel, Bokeh, pandas, the services) lives as long as the server: keep it
        # out of the garbage collector's full passes, which otherwise stall the IOLoop for a few hundred ms.
        gc.freeze()
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        out.write(f"Serving the LEAN workbench on http://{host}:{server.port} (dashboard: /, API docs: /docs)\n")
        out.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        await stop.wait()
        log.info("shutting down: no new connections, stopping running backtests")
        server.stop_listening()
        server.hub.close()
        await loop.run_in_executor(None, workbench.close)
        server.context.executor.shutdown(wait=False, cancel_futures=True)
        await server.close_connections()

    asyncio.run(main())
    log.info("stopped")
    return 0
