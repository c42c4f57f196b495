"""The one agent interface (:class:`StrategyAgent`) and the offline agent, deterministic and without network.

The service calls an agent for three things: a spec from a description (:meth:`draft`), a spec
changed by an instruction (:meth:`refine`), and an explanation of a result's facts
(:meth:`explain`). An agent returns data only; the service validates every spec before it is
stored. :class:`lean_runner.agent.model_agent.ModelAgent` is the other implementation.

Example::

    agent = OfflineAgent(universe_names=["SP500", "LEAN_SAMPLE"])
    draft = agent.draft("Buy SPY when RSI(14) is below 30; sell above 70")
    agent.refine(draft.json_spec, "add a 5% stop loss").edits     # ["stop loss of 5% added"]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from lean_runner.agent.drafts import Draft, Explanation, Refinement
from lean_runner.agent.explain import explain_facts
from lean_runner.agent.facts import ResultFacts
from lean_runner.agent.from_text import draft_from_text
from lean_runner.agent.refine import refine_spec

__all__ = ["OfflineAgent", "StrategyAgent"]


class StrategyAgent(Protocol):
    """What the agent service needs of an agent."""

    kind: str  # "offline" | "model"

    def draft(self, text: str, *, name: str | None = None) -> Draft:
        """A spec from a plain-English description (raises NotUnderstoodError when nothing usable is in it)."""
        ...

    def refine(self, spec: dict[str, Any], instruction: str) -> Refinement:
        """A copy of ``spec`` changed as ``instruction`` asks, and the edits made."""
        ...

    def explain(self, facts: ResultFacts, spec: dict[str, Any], *, nl_summary: str | None = None,
                detail_level: str = "summary", focus: Sequence[str] = ()) -> Explanation:
        """An explanation that states only ``facts``' numbers, and suggested changes refine accepts as is."""
        ...


class OfflineAgent:
    """Reads plain English with the vocabulary of ``docs/agent.md``; the same input gives the same output."""

    kind = "offline"

    def __init__(self, *, universe_names: Iterable[str] = (), known_symbols: Iterable[str] = ()) -> None:
        self.universe_names = list(universe_names)
        self.known_symbols = set(known_symbols)

    def draft(self, text: str, *, name: str | None = None) -> Draft:
        return draft_from_text(text, name=name, universe_names=self.universe_names,
                               known_symbols=self.known_symbols)

    def refine(self, spec: dict[str, Any], instruction: str) -> Refinement:
        return refine_spec(spec, instruction, universe_names=self.universe_names, known_symbols=self.known_symbols)

    def explain(self, facts: ResultFacts, spec: dict[str, Any], *, nl_summary: str | None = None,
                detail_level: str = "summary", focus: Sequence[str] = ()) -> Explanation:
        return explain_facts(facts, spec, detail_level=detail_level, focus=focus)
