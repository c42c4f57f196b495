"""``WebSocket /api/v2/backtest/monitor/{backtest_id}``: live progress of a backtest of either document.

Frames (JSON, each with ``event``): ``connected`` (with the current state, so a late client can
draw what it missed), ``progress_update`` (with the newest equity point), then one of
``backtest_completed`` / ``backtest_failed`` / ``backtest_cancelled``, after which the server
closes. A client that joins after the end gets ``connected`` and the final frame. An unknown
id gets an ``error`` frame and a close. Clients may send ``{"event": "ping"}`` (answered with
``pong``); anything else gets an ``error`` frame.

Events are published on worker threads. :class:`MonitorHub` holds one subscription to the
event bus for all backtests and hands events to the IOLoop in one thread-safe callback per
burst; each frame is serialised once and written to every client of that backtest. A client
whose writes pile up (a slow network) misses progress frames, never the final one, and never
slows the run or the other clients.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Awaitable
from typing import Any

from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from api.base import ServerContext, caller_for
from lean_runner.orchestration.events import (
    BacktestEvent,
    CancelledEvent,
    CompletedEvent,
    FailedEvent,
    ProgressEvent,
)
from lean_runner.orchestration.monitor import RunSnapshot
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services.result_shapes import iso_utc, running_statistics

log = logging.getLogger("workbench.monitor")
MAX_PENDING_WRITES = 64
CLOSE_NOT_FOUND = 4404
CLOSE_UNAUTHORIZED = 4401


def progress_frame(event: ProgressEvent) -> dict[str, Any]:
    equity = {"time": iso_utc(event.equity.time), "value": event.equity.equity} if event.equity else None
    return {"event": "progress_update", "backtest_id": event.backtest_id, "published_at": iso_utc(event.at.timestamp()),
            "progress": {"progress_percentage": event.percent, "current_date": event.current_date or None,
                         "statistics": running_statistics(dict(event.statistics)), "equity": equity}}


def connected_frame(snapshot: RunSnapshot) -> dict[str, Any]:
    return {"event": "connected", "backtest_id": snapshot.backtest_id, "status": snapshot.status,
            "progress": {"progress_percentage": snapshot.percent, "current_date": snapshot.current_date or None,
                         "statistics": running_statistics(snapshot.statistics),
                         "equity_curve": [{"time": iso_utc(p.time), "value": p.equity} for p in snapshot.equity]}}


class MonitorHub:
    """Fans backtest events out to the WebSocket clients of each backtest, on the IOLoop."""

    def __init__(self, context: ServerContext, loop: IOLoop) -> None:
        self.context = context
        self.loop = loop
        self.clients: dict[str, set[MonitorHandler]] = defaultdict(set)
        self._lock = threading.Lock()
        self._scheduled = False
        self._subscription = context.workbench.orchestrator.events.subscribe(None, maxsize=100_000,
                                                                             wakeup=self._wake)

    def close(self) -> None:
        self._subscription.close()
        for clients in list(self.clients.values()):
            for client in list(clients):
                client.close(1001, "server shutting down")

    # -- worker threads → IOLoop ---------------------------------------------------------------------------------
    def _wake(self) -> None:
        with self._lock:
            if self._scheduled:
                return
            self._scheduled = True
        self.loop.add_callback(self._drain)

    def _drain(self) -> None:
        with self._lock:
            self._scheduled = False
        for event in self._subscription.drain():
            self._dispatch(event)

    def _dispatch(self, event: BacktestEvent) -> None:
        clients = self.clients.get(event.backtest_id)
        if not clients:
            return
        if isinstance(event, ProgressEvent):
            text = json.dumps(progress_frame(event))
            for client in list(clients):
                client.send_text(text, droppable=True)
        elif isinstance(event, CompletedEvent | FailedEvent | CancelledEvent):
            self._track(self._finish(event.backtest_id))

    def _track(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)

        def report(done: asyncio.Future[None]) -> None:
            if not done.cancelled() and done.exception() is not None:
                log.error("monitor: %s", done.exception())

        task.add_done_callback(report)

    async def _finish(self, backtest_id: str) -> None:
        frame = await self.loop.run_in_executor(self.context.executor, self.final_frame, backtest_id)
        text = json.dumps(frame)
        for client in list(self.clients.pop(backtest_id, ())):
            client.send_final(text, frame["event"])

    def final_frame(self, backtest_id: str) -> dict[str, Any]:
        """The closing frame of a finished backtest (blocking: reads its record and summary)."""
        workbench = self.context.workbench
        record = workbench.backtests.ensure_summary(workbench.orchestrator.store.get(backtest_id))
        if record.status == "completed":
            summary = workbench.results.summary_of(record).model_dump(mode="json")
            summary["metrics_summary"] = workbench.backtests.backtest_of(record).model_dump(
                mode="json")["metrics_summary"]
            return {"event": "backtest_completed", "backtest_id": backtest_id, "result": summary}
        if record.status == "cancelled":
            return {"event": "backtest_cancelled", "backtest_id": backtest_id,
                    "message": record.error or f"Backtest '{backtest_id}' was cancelled"}
        return {"event": "backtest_failed", "backtest_id": backtest_id, "error": record.error or "failed"}

    # -- clients ---------------------------------------------------------------------------------------------------
    def add(self, client: MonitorHandler) -> None:
        self.clients[client.backtest_id].add(client)

    def remove(self, client: MonitorHandler) -> None:
        clients = self.clients.get(client.backtest_id)
        if clients is not None:
            clients.discard(client)
            if not clients:
                self.clients.pop(client.backtest_id, None)


class MonitorHandler(WebSocketHandler):
    """One client watching one backtest."""

    hub: MonitorHub
    backtest_id: str

    def initialize(self, hub: MonitorHub) -> None:
        self.hub = hub
        self._pending_writes = 0
        self._ready = False
        self._early: list[tuple[str, bool]] = []
        self._final: tuple[str, str] | None = None
        self.dropped = 0

    async def open(self, backtest_id: str) -> None:
        self.backtest_id = backtest_id
        context = self.hub.context
        header = self.request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else self.get_query_argument("token", None)
        try:
            caller = caller_for(context, token)
        except BacktestRunError as error:
            self._send_error(error, CLOSE_UNAUTHORIZED)
            return
        # Registered before the snapshot is read, so nothing published in between is missed.
        self.hub.add(self)
        try:
            snapshot = await IOLoop.current().run_in_executor(
                context.executor, context.workbench.backtests.snapshot, backtest_id, caller)
        except BacktestRunError as error:
            self.hub.remove(self)
            self._send_error(error, CLOSE_NOT_FOUND if error.http_status == 404 else CLOSE_UNAUTHORIZED)
            return
        self._write(json.dumps(connected_frame(snapshot)))
        self._ready = True
        for text, droppable in self._early:
            self.send_text(text, droppable=droppable)
        self._early.clear()
        if self._final is not None:  # it ended while the snapshot was read
            self.send_final(*self._final)
        elif snapshot.status in ("completed", "failed", "cancelled"):
            self.hub.remove(self)
            frame = await IOLoop.current().run_in_executor(context.executor, self.hub.final_frame, backtest_id)
            self._write(json.dumps(frame))
            self.close(1000, frame["event"])

    def _send_error(self, error: BacktestRunError, close_code: int) -> None:
        self._write(json.dumps({"event": "error", "backtest_id": self.backtest_id,
                                "error": {"code": error.code, "message": error.message}}))
        self.close(close_code, error.code)

    def send_final(self, text: str, event: str) -> None:
        """The closing frame (never dropped), then the close."""
        if not self._ready:
            self._final = (text, event)
            return
        self._write(text)
        self.close(1000, event)

    def send_text(self, text: str, *, droppable: bool) -> None:
        if not self._ready:
            self._early.append((text, droppable))
            return
        if droppable and self._pending_writes >= MAX_PENDING_WRITES:
            self.dropped += 1
            return
        self._write(text)

    def _write(self, text: str) -> None:
        try:
            future = self.write_message(text)
        except WebSocketClosedError:
            return
        self._pending_writes += 1
        future.add_done_callback(self._written)

    def _written(self, future: asyncio.Future[None]) -> None:
        self._pending_writes -= 1
        if not future.cancelled():
            future.exception()  # a closed connection: nothing to do, but do not leave it unretrieved

    def on_message(self, message: str | bytes) -> None:
        try:
            frame = json.loads(message)
        except (ValueError, UnicodeDecodeError):
            frame = None
        if isinstance(frame, dict) and frame.get("event") == "ping":
            self._write(json.dumps({"event": "pong", "backtest_id": self.backtest_id}))
            return
        self._write(json.dumps({"event": "error", "backtest_id": self.backtest_id,
                                "error": {"code": "bad_frame", "message": "this endpoint only understands "
                                                                          "{\"event\": \"ping\"}"}}))

    def on_close(self) -> None:
        self.hub.remove(self)
