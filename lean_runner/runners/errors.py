"""The errors of running backtests: one tree, each with a code and the HTTP status an API maps it to."""

from __future__ import annotations


class BacktestRunError(Exception):
    """Base of the runner, orchestrator, store and result-index errors.

    ``code`` is a short machine-readable name and ``http_status`` the status an API
    answers with; ``details`` lists individual problems (``{"path": ..., "message": ...}``).
    """

    code = "backtest_error"
    http_status = 500

    def __init__(self, message: str, *, details: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidRequestError(BacktestRunError):
    """A backtest request is unusable; ``details`` names every problem at once."""

    code = "validation_error"
    http_status = 400


class BacktestNotFoundError(BacktestRunError):
    code = "not_found"
    http_status = 404


class TransitionConflictError(BacktestRunError):
    """A status change the lifecycle does not allow (for example cancelling a completed backtest)."""

    code = "conflict"
    http_status = 409


class InvalidResultNameError(BacktestRunError):
    code = "invalid_result_name"
    http_status = 400


class ResultNotFoundError(BacktestRunError):
    code = "not_found"
    http_status = 404


class ResultFolderBusyError(BacktestRunError):
    """The result folder belongs to a backtest that is still running."""

    code = "conflict"
    http_status = 409


class EngineUnavailableError(BacktestRunError):
    """The engine cannot be started: no Docker daemon, a missing image, no Python."""

    code = "engine_unavailable"
    http_status = 503


class StoreConfigurationError(BacktestRunError):
    """The database URL is not usable."""

    code = "store_configuration_error"
    http_status = 500


class StoreUnavailableError(BacktestRunError):
    """The database cannot be reached."""

    code = "store_unavailable"
    http_status = 503
