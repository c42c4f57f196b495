"""What the agents hand back: a drafted spec, a refinement, an explanation — plain values, no I/O.

Example::

    draft = OfflineAgent(universe_names=["SP500"]).from_text("Buy SPY when RSI(14) is below 30")
    draft.json_spec["entry"]["conditions"][0]["op"]    # "<"
    draft.not_understood                               # []
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Draft", "Explanation", "Refinement"]


@dataclass(frozen=True)
class Draft:
    """A spec drafted from a description.

    ``not_understood`` are the phrases of the description that the agent could not map (word for
    word); ``notes`` say what it assumed (a default it filled in); ``backtest_config`` holds what the
    text said about the backtest itself (dates, capital, costs), which a spec does not carry.
    """

    json_spec: dict[str, Any]
    nl_summary: str
    not_understood: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    backtest_config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refinement:
    """A new spec made from an old one by an instruction; ``edits`` say, one by one, what changed."""

    json_spec: dict[str, Any]
    nl_summary: str
    edits: list[str]
    not_understood: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    """An explanation of a result and suggested changes (each one an instruction refine accepts as is)."""

    explanation: str
    suggested_changes: list[str]
