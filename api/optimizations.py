"""Optimizations (not in the documents): create, list, read, cancel, delete; a WebSocket of their progress.

``WebSocket /optimizations/{name}/monitor`` frames (JSON, each with ``event``): ``connected`` (the
summary so far), ``optimization_started``, ``optimization_progress`` (after each child backtest:
``done``, ``total``, ``failed``, the ``best`` so far and the ``child`` that ended), then one of
``optimization_completed`` / ``optimization_failed`` / ``optimization_cancelled``, after which the
server closes. A client that joins after the end gets ``connected`` and the final frame. Clients
may send ``{"event": "ping"}``; anything else gets an ``error`` frame.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from api.base import APIHandler, ServerContext, caller_for
from api.operations import Operation
from lean_runner.optimization import OptimizationEvent
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import models

TAGS = ("optimizations",)
CLOSE_NOT_FOUND = 4404
CLOSE_UNAUTHORIZED = 4401


class OptimizationsHandler(APIHandler):
    operations = {
        "post": Operation("Start an optimization of a project strategy (grid or Euler search, or walk-forward)", 202,
                          models.OptimizationSummary, (404,), body=models.CreateOptimizationRequest, tags=TAGS,
                          description="lean-cli's `optimize` options as a body; 422 lists every problem (an "
                                      "undeclared parameter, an unreadable constraint) with its path. The "
                                      "`Location` header names the new optimization."),
        "get": Operation("The project's optimizations, newest first", 200, models.OptimizationList, (), tags=TAGS),
    }

    async def post(self) -> None:
        body = self.body(models.CreateOptimizationRequest)
        created = await self.run(self.workbench.optimizations.create, body)
        self.set_header("Location", f"/optimizations/{created.name}")
        self.send(created, status=202)

    async def get(self) -> None:
        self.send(await self.run(self.workbench.optimizations.list))


class OptimizationHandler(APIHandler):
    operations = {
        "get": Operation("An optimization: every child backtest, the best, stability, warnings, walk-forward", 200,
                         models.OptimizationDetail, (404,), tags=TAGS),
        "delete": Operation("Delete an optimization's folder", 204, None, (404, 409), tags=TAGS,
                            description="409 while it runs: cancel it first."),
    }

    async def get(self, name: str) -> None:
        self.send(await self.run(self.workbench.optimizations.get, name))

    async def delete(self, name: str) -> None:
        await self.run(self.workbench.optimizations.delete, name)
        self.set_status(204)
        self.finish()


class OptimizationCancelHandler(APIHandler):
    operations = {
        "post": Operation("Cancel a running optimization; every running backtest is stopped", 200,
                          models.OptimizationSummary, (404, 409), tags=TAGS,
                          description="409 when it has already finished."),
    }

    async def post(self, name: str) -> None:
        self.send(await self.run(self.workbench.optimizations.cancel, name))


def event_frame(event: OptimizationEvent) -> dict[str, Any]:
    """The WebSocket frame of an optimization event."""
    kind = "progress" if event.kind == "child" else event.kind
    frame = event.to_dict()
    frame.pop("type")
    return {"event": f"optimization_{kind}", **frame}


class OptimizationMonitorHandler(WebSocketHandler):
    """Streams one optimization's events; a thread waits on the service's queue and hands frames to the IOLoop."""

    def initialize(self, context: ServerContext) -> None:
        self.context = context
        self.name = ""
        self._stop = threading.Event()

    async def open(self, name: str) -> None:
        self.name = name
        header = self.request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else self.get_query_argument("token", None)
        service = self.context.workbench.optimizations
        loop = IOLoop.current()
        try:
            caller_for(self.context, token)
            events = await loop.run_in_executor(self.context.executor, service.subscribe, name)
            summary = await loop.run_in_executor(self.context.executor, service.summary, name)
        except BacktestRunError as error:
            self._write({"event": "error", "optimization": name, "error": {"code": error.code,
                                                                             "message": error.message}})
            self.close(CLOSE_NOT_FOUND if error.http_status == 404 else CLOSE_UNAUTHORIZED, error.code)
            return
        self._write({"event": "connected", "optimization": summary.model_dump(mode="json")})

        def forward() -> None:
            while not self._stop.is_set():
                try:
                    event = events.get(timeout=1.0)
                except Exception:  # queue.Empty: look at the stop flag again
                    continue
                if event is None:
                    final = service.summary(name)
                    loop.add_callback(self._finish, final)
                    return
                loop.add_callback(self._write, event_frame(event))
            service.unsubscribe(name, events)

        threading.Thread(target=forward, name=f"optimization-monitor-{name}", daemon=True).start()

    def _finish(self, summary: models.OptimizationSummary) -> None:
        event = f"optimization_{summary.status}"
        self._write({"event": event, "optimization": summary.model_dump(mode="json")})
        self.close(1000, event)

    def _write(self, frame: dict[str, Any]) -> None:
        try:
            future = self.write_message(json.dumps(frame))
        except WebSocketClosedError:
            return
        future.add_done_callback(lambda done: done.cancelled() or done.exception())

    def on_message(self, message: str | bytes) -> None:
        try:
            frame = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            frame = None
        if isinstance(frame, dict) and frame.get("event") == "ping":
            self._write({"event": "pong", "optimization": self.name})
            return
        self._write({"event": "error", "optimization": self.name,
                     "error": {"code": "bad_frame", "message": "this endpoint only understands {\"event\": \"ping\"}"}})

    def on_close(self) -> None:
        self._stop.set()
