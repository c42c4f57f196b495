"""What each handler method accepts and answers, declared beside it; ``api/openapi.py`` reads these."""

from __future__ import annotations

from dataclasses import dataclass, field

import pydantic


@dataclass(frozen=True)
class QueryParameter:
    name: str
    kind: str  # "string" | "integer"
    description: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    default: int | None = None


@dataclass(frozen=True)
class Operation:
    """One method of one route: its summary, body model, success response and the error statuses it can give."""

    summary: str
    success: int
    response: type[pydantic.BaseModel] | None
    errors: tuple[int, ...] = ()
    body: type[pydantic.BaseModel] | None = None
    query: tuple[QueryParameter, ...] = ()
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


Operations = dict[str, Operation]
"""A handler's ``operations``: HTTP method → :class:`Operation`."""
