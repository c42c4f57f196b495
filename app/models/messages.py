"""Errors as messages a person understands: the service's message, then each problem with its path."""

from __future__ import annotations

from lean_runner.runners.errors import BacktestRunError


def message_of(error: Exception) -> str:
    """``ValidationFailedError("...", details=[{"path": "end_date", ...}])`` → its message (the services already
    name the paths); anything else unexpected → a short sentence with the exception's text."""
    if isinstance(error, BacktestRunError):
        return error.message
    return f"Something went wrong: {error}" if str(error) else f"Something went wrong ({type(error).__name__})"


def problems_of(error: Exception) -> list[dict[str, str]]:
    """The ``{"path", "message"}`` problems an error carries (empty when it carries none)."""
    details = getattr(error, "details", None)
    return [dict(d) for d in details] if isinstance(details, list) else []
