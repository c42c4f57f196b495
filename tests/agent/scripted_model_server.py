"""A real OpenAI-compatible HTTP server on loopback that answers ``POST /v1/chat/completions`` from a script.

The only stand-in of the suite: tests queue the replies (content, HTTP status, delay) and read back every
request the agent sent (its JSON body, and its headers with lower-case names).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer: an assistant message (``content``), or an error ``status``; after ``delay`` seconds."""

    content: str = ""
    status: int = 200
    delay: float = 0.0


class ScriptedModelServer:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                server.headers.append({name.lower(): value for name, value in self.headers.items()})
                reply = server.replies.popleft() if server.replies else Reply(status=500, content="no reply scripted")
                time.sleep(reply.delay)
                if reply.status == 200:
                    body = {"id": f"chatcmpl-{len(server.requests)}", "object": "chat.completion", "created": 0,
                            "model": server.requests[-1].get("model", ""),
                            "choices": [{"index": 0, "finish_reason": "stop",
                                         "message": {"role": "assistant", "content": reply.content}}]}
                else:
                    body = {"error": {"message": reply.content or f"scripted {reply.status}", "type": "scripted",
                                      "code": reply.status}}
                data = json.dumps(body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting (the timeout tests)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, name="scripted-model", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def start(self) -> ScriptedModelServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(5)

    def script(self, *replies: Reply | str) -> None:
        """Queue replies; a string is a 200 answer with that content."""
        self.replies.clear()
        self.requests.clear()
        self.headers.clear()
        self.replies.extend(Reply(content=r) if isinstance(r, str) else r for r in replies)
