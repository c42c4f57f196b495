"""The services' errors: the same tree as the runners' (a code and an HTTP status each), mapped to HTTP in one place."""

from __future__ import annotations

from lean_runner.runners.errors import BacktestRunError


class NotFoundError(BacktestRunError):
    """An unknown strategy, version, backtest or result."""

    code = "not_found"
    http_status = 404


class ValidationFailedError(BacktestRunError):
    """The input is well-formed JSON but not valid; ``details`` lists every problem with its path."""

    code = "validation_error"
    http_status = 422


class BadRequestError(BacktestRunError):
    """A malformed request: bad JSON, a bad query parameter, a name that would leave the project."""

    code = "bad_request"
    http_status = 400


class ForbiddenError(BacktestRunError):
    """The caller's token belongs to another user than the data asked for."""

    code = "forbidden"
    http_status = 403


class UnauthorizedError(BacktestRunError):
    """No token, or a token the server does not know."""

    code = "unauthorized"
    http_status = 401


class PayloadTooLargeError(BacktestRunError):
    code = "payload_too_large"
    http_status = 413
