"""The optimization's domain errors, each with a code and an HTTP status (mapped to HTTP in one place)."""

from __future__ import annotations

from lean_runner.runners.errors import BacktestRunError


class OptimizationSpecError(BacktestRunError):
    """The optimization request is unusable: ``details`` lists every problem with its path."""

    code = "validation_error"
    http_status = 422


class OptimizationNotFoundError(BacktestRunError):
    code = "not_found"
    http_status = 404


class OptimizationConflictError(BacktestRunError):
    """The optimization cannot do that in its state (delete while running, cancel when finished)."""

    code = "conflict"
    http_status = 409
