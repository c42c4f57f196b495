"""The agent's screens: describe a strategy in English (preview, then save), refine a version by instruction
(preview with its diff, then apply), and explain a finished backtest with suggested changes that refine.

Example::

    agent = AgentModel(workbench=workbench)
    agent.description = "Buy SPY when RSI(14) is below 30, sell above 70, 5% stop loss"
    agent.preview()                 # agent.spec, agent.summary, agent.errors, agent.not_understood
    version_id = agent.save("RSI dip buyer")
    agent.explain(backtest_id)      # agent.explanation, agent.suggestions
    agent.apply_suggestion(0)       # a new version refined by the first suggestion
"""

from __future__ import annotations

import json
from typing import Any

import param

from app.models.messages import message_of
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import models
from lean_runner.services.access import ANYONE, Caller


class AgentModel(param.Parameterized):
    """State of the describe, refine and explain boxes."""

    description = param.String(default="", doc="The strategy in plain English.")
    spec_text = param.String(default="", doc="The previewed spec, as JSON.")
    summary = param.String(default="", doc="What the previewed spec does, in words.")
    valid = param.Boolean(default=False, doc="True when the previewed spec validates.")
    errors = param.List(default=[], doc="The previewed spec's problems: path and message.")
    not_understood = param.List(default=[], doc="Phrases the agent could not map (it never guesses).")
    refine_version = param.String(default="", doc="The version an instruction refines (sv_...).")
    instruction = param.String(default="", doc="What to change, in plain English.")
    edits = param.List(default=[], doc="The previewed refinement's edits, in words.")
    diff = param.List(default=[], doc="The previewed refinement's changes by path: path, old, new.")
    explanation = param.String(default="", doc="The explained backtest, in words with its numbers.")
    suggestions = param.List(default=[], item_type=str, doc="Suggested changes; each one refines as is.")
    explained_version = param.String(default="", doc="The version the explained backtest ran (for suggestions).")
    message = param.String(default="", doc="What the last action did, or why it failed.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, user_id: str = "default", **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self.user_id = caller.user_id or user_id

    def _show_preview(self, preview: models.AgentPreview) -> None:
        self.param.update(spec_text=json.dumps(preview.json_spec, indent=2), summary=preview.nl_summary,
                          valid=preview.valid, errors=[e.model_dump() for e in preview.errors],
                          not_understood=list(preview.not_understood), edits=list(preview.edits),
                          diff=[d.model_dump() for d in preview.diff])

    # -- describe --------------------------------------------------------------------------------------------
    def preview(self) -> bool:
        """Show the spec the description gives, without saving; False with ``message`` when nothing is usable."""
        self.message = ""
        if not self.description.strip():
            self.message = "Describe the strategy first."
            return False
        try:
            self._show_preview(self.workbench.agent.preview_from_text(self.description))
        except BacktestRunError as error:
            self.param.update(spec_text="", summary="", valid=False, errors=[], message=message_of(error))
            return False
        return True

    def save(self, name: str) -> str | None:
        """Store the described strategy (origin ``agent``); the new version's id, or None with ``message``."""
        request = models.AgentFromTextRequest(user_id=self.user_id, name=name.strip() or "Described strategy",
                                              natural_language_prompt=self.description)
        try:
            created = self.workbench.agent.from_text(request, self.caller)
        except BacktestRunError as error:
            self.message = "Not saved: " + message_of(error)
            return None
        self.refine_version = created.version.id
        self.message = f"Saved strategy '{created.strategy.name}' as version {created.version.id}."
        return str(created.version.id)

    # -- refine ----------------------------------------------------------------------------------------------
    def preview_refinement(self) -> bool:
        self.message = ""
        if not self.refine_version or not self.instruction.strip():
            self.message = "Pick a version and write what to change."
            return False
        try:
            self._show_preview(self.workbench.agent.preview_refine(self.refine_version, self.instruction,
                                                                   self.caller))
        except BacktestRunError as error:
            self.message = message_of(error)
            return False
        return True

    def refine(self, instruction: str | None = None, version_id: str | None = None) -> str | None:
        """Store the refined version; its id, or None with ``message``."""
        target = version_id or self.refine_version
        text = instruction if instruction is not None else self.instruction
        try:
            refined = self.workbench.agent.refine(target, models.AgentRefineRequest(user_id=self.user_id,
                                                                                    instruction=text), self.caller)
        except BacktestRunError as error:
            self.message = "Not refined: " + message_of(error)
            return None
        self.refine_version = refined.new_version.id
        self.message = f"Created version {refined.new_version.id} (from {refined.old_version_id})."
        return str(refined.new_version.id)

    # -- explain ---------------------------------------------------------------------------------------------
    def explain(self, backtest_id: str, *, detail_level: str = "summary") -> bool:
        self.message = ""
        try:
            explained = self.workbench.agent.explain(backtest_id, self.caller, user_id=self.user_id,
                                                     detail_level=detail_level)
            record = self.workbench.backtests.record(backtest_id, self.caller)
        except BacktestRunError as error:
            self.param.update(explanation="", suggestions=[], message=message_of(error))
            return False
        self.param.update(explanation=explained.explanation, suggestions=list(explained.suggested_changes),
                          explained_version=record.strategy_version_id or "")
        return True

    def apply_suggestion(self, index: int) -> str | None:
        """Refine the explained backtest's version by one of the suggestions; the new version's id."""
        if not self.explained_version:
            self.message = "This backtest ran a project .py strategy: there is no spec to refine."
            return None
        return self.refine(self.suggestions[index], version_id=self.explained_version)
