"""The one ``APIHandler``: JSON bodies (bad JSON is a 400), the one error shape, auth, blocking work off the IOLoop.

Every error leaves as ``{"error": {"code", "message", "details": [{"path", "message"}]}}``: the
services' exceptions carry their HTTP status (``BacktestRunError.http_status``), pydantic's
validation errors become a 422 with every problem and its path, and anything unexpected is a
500 whose body says nothing of the code (the traceback goes to the log).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pydantic
from tornado import web
from tornado.ioloop import IOLoop

from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import ANYONE, Caller, Workbench
from lean_runner.services.errors import (
    BadRequestError,
    PayloadTooLargeError,
    UnauthorizedError,
    ValidationFailedError,
)

log = logging.getLogger("workbench.api")
Model = TypeVar("Model", bound=pydantic.BaseModel)
Result = TypeVar("Result")


@dataclass
class ServerContext:
    """What every handler receives through ``initialize``: the services, an executor, the auth table."""

    workbench: Workbench
    executor: Executor
    tokens: dict[str, str] = field(default_factory=dict)  # token -> user id
    require_token: bool = False
    max_body_bytes: int = 1_048_576


def error_body(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The one error shape."""
    return {"error": {"code": code, "message": message, "details": list(details or [])}}


def pydantic_problems(error: pydantic.ValidationError) -> list[dict[str, str]]:
    """Every problem of a validation error, with a dotted path (``symbols[0]``, ``config.start_date``)."""
    problems = []
    for item in error.errors():
        path = ""
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        problems.append({"path": path or "(body)", "message": item["msg"]})
    return problems


def caller_for(context: ServerContext, token: str | None) -> Caller:
    """The caller a token stands for; raises UnauthorizedError when a token is needed and missing or unknown."""
    if not context.require_token:
        return ANYONE
    if not token:
        raise UnauthorizedError("a token is required: send 'Authorization: Bearer <token>' (or ?token= on the "
                                "WebSocket)")
    for known, user in context.tokens.items():
        if hmac.compare_digest(known.encode(), token.encode()):
            return Caller(user)
    raise UnauthorizedError("the token is not known to this server")


class APIHandler(web.RequestHandler):
    """Base of every REST handler: ``self.workbench``, ``self.caller``, :meth:`body`, :meth:`run`, :meth:`send`."""

    context: ServerContext
    caller: Caller

    def initialize(self, context: ServerContext) -> None:
        self.context = context

    @property
    def workbench(self) -> Workbench:
        return self.context.workbench

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def prepare(self) -> None:
        length = self.request.headers.get("Content-Length")
        if (length and length.isdigit() and int(length) > self.context.max_body_bytes) or \
                len(self.request.body or b"") > self.context.max_body_bytes:
            raise PayloadTooLargeError(f"the request body is over {self.context.max_body_bytes:,} bytes")
        header = self.request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else None
        self.caller = caller_for(self.context, token)

    def check_xsrf_cookie(self) -> None:
        """Token or loopback auth, not cookies: no XSRF check (the dashboard calls services directly)."""

    # -- input -----------------------------------------------------------------------------------------------
    def body(self, model: type[Model]) -> Model:
        """The JSON body as ``model``: 400 when it is not JSON, 422 listing every problem when it does not fit."""
        try:
            data = json.loads(self.request.body or b"")
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequestError(f"the request body is not JSON: {error}",
                                  details=[{"path": "(body)", "message": "not JSON"}]) from None
        if not isinstance(data, dict):
            raise ValidationFailedError("the request body must be a JSON object",
                                        details=[{"path": "(body)", "message": "must be an object"}])
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as error:
            problems = pydantic_problems(error)
            raise ValidationFailedError(f"the request body is invalid: {problems[0]['path']}: "
                                        f"{problems[0]['message']}", details=problems) from None

    def int_argument(self, name: str, default: int) -> int:
        text = self.get_query_argument(name, None)
        if text is None or text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise BadRequestError(f"query parameter '{name}' must be an integer, got '{text}'",
                                  details=[{"path": name, "message": "must be an integer"}]) from None

    def text_argument(self, name: str) -> str | None:
        value = self.get_query_argument(name, None)
        return value if value else None

    # -- work and output -------------------------------------------------------------------------------------
    async def run(self, function: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
        """Call a (blocking) service function on the executor, never on the IOLoop."""
        return await IOLoop.current().run_in_executor(self.context.executor, lambda: function(*args, **kwargs))

    def send(self, value: pydantic.BaseModel | dict[str, Any] | list[Any], *, status: int = 200) -> None:
        self.set_status(status)
        if isinstance(value, pydantic.BaseModel):
            self.finish(value.model_dump_json(by_alias=True))
        else:
            self.finish(json.dumps(value))

    # -- errors ----------------------------------------------------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, BacktestRunError):
            self.set_status(error.http_status)
            body = error_body(error.code, error.message, error.details)
        elif isinstance(error, web.HTTPError) and status_code < 500:
            code = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}.get(status_code, "http_error")
            body = error_body(code, error.log_message or self._reason)
        elif status_code == 413:
            body = error_body("payload_too_large", "the request body is too large")
        elif status_code < 500:
            body = error_body("http_error", self._reason)
        else:
            body = error_body("internal_error", "the server failed to handle this request; the error is in its log")
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(body))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, BacktestRunError) and value.http_status < 500:
            log.info("%s %s -> %d %s", self.request.method, self.request.path, value.http_status, value.message)
            return
        super().log_exception(typ, value, tb)


class NotFoundHandler(APIHandler):
    """Unknown paths under the API get a JSON 404, not Tornado's HTML page."""

    def prepare(self) -> None:
        raise web.HTTPError(404, f"no route {self.request.path}")
