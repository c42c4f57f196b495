"""The store's own errors, in the one tree of ``lean_runner.runners.errors`` (a code and an HTTP status each)."""

from __future__ import annotations

from lean_runner.runners.errors import BacktestRunError


class StrategyNotFoundError(BacktestRunError):
    """No strategy, or no strategy version, with the given id."""

    code = "not_found"
    http_status = 404


class ImmutableVersionError(BacktestRunError):
    """Something tried to change a stored strategy version; versions are immutable (add a new one)."""

    code = "conflict"
    http_status = 409
