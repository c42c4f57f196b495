"""The agents' errors, in the runners' tree (a code and an HTTP status each), so the API maps them in one place.

- :class:`NotUnderstoodError` (422): nothing usable in the text; ``details`` name the phrases.
- :class:`AgentSpecInvalidError` (422): the model's last spec still failed validation; ``details`` are its errors.
- :class:`ModelReplyError` (502): the model answered with something unusable, or the endpoint failed (5xx).
- :class:`ModelUnavailableError` (503): the endpoint cannot be reached, or it is rate limiting (429).
- :class:`ModelTimeoutError` (504): no answer within the timeout setting.
"""

from __future__ import annotations

from lean_runner.runners.errors import BacktestRunError

__all__ = ["AgentError", "AgentSpecInvalidError", "ModelReplyError", "ModelTimeoutError", "ModelUnavailableError",
           "NotUnderstoodError"]


class AgentError(BacktestRunError):
    """Base of the agent errors."""

    code = "agent_error"
    http_status = 502


class NotUnderstoodError(AgentError):
    """The text has nothing the agent can turn into a spec (or an edit); ``details`` name each phrase."""

    code = "not_understood"
    http_status = 422


class AgentSpecInvalidError(AgentError):
    """The model's spec did not validate after every allowed attempt; ``details`` are the last errors."""

    code = "agent_spec_invalid"
    http_status = 422


class ModelReplyError(AgentError):
    """The model endpoint failed (a 5xx) or kept answering with something that is not the JSON asked for."""

    code = "agent_bad_gateway"
    http_status = 502


class ModelUnavailableError(AgentError):
    """The model endpoint is unreachable, refuses the key, or rate limits (429)."""

    code = "agent_unavailable"
    http_status = 503


class ModelTimeoutError(AgentError):
    """The model endpoint did not answer within WORKBENCH_AGENT_TIMEOUT seconds."""

    code = "agent_timeout"
    http_status = 504
