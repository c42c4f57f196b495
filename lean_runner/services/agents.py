"""The agent tools of ``strategy-and-backtest-api.md`` section 3, over whichever agent the settings choose.

Each write follows the documented flow — generate, validate, persist — and a spec that does not
validate is never stored. The agent only ever hands back data (a spec, a summary, text); who
the strategy belongs to and which strategy a version is added to come from the request's
checked ``user_id`` and path, never from the text.

The preview methods are what the dashboard calls before saving: :meth:`AgentService.preview_from_text`
and :meth:`AgentService.preview_refine` (with the diff it would make), and :meth:`AgentService.explain`.

Example::

    created = workbench.agent.from_text(models.AgentFromTextRequest(
        user_id="u_1", name="RSI", natural_language_prompt="Buy SPY when RSI(14) is below 30"), ANYONE)
    created.version.origin      # "agent"
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from lean_runner.agent.agents import OfflineAgent, StrategyAgent
from lean_runner.agent.drafts import Draft, Explanation
from lean_runner.agent.facts import ResultFacts, result_facts
from lean_runner.agent.model_agent import ModelAgent, ModelEndpoint
from lean_runner.agent.spec_diff import spec_diff
from lean_runner.engine.results.reader import ResultFolderError, read_result_folder
from lean_runner.orchestration.status import BacktestStatus
from lean_runner.runners.errors import TransitionConflictError
from lean_runner.services import models
from lean_runner.services.access import Caller
from lean_runner.services.backtests import BacktestService
from lean_runner.services.errors import ForbiddenError, NotFoundError, ValidationFailedError
from lean_runner.services.strategies import StrategyService
from lean_runner.settings import Settings

__all__ = ["AGENT_USER", "AgentService", "build_agent"]

log = logging.getLogger(__name__)
AGENT_USER = "agent_system"  # created_by of every version an agent writes


def build_agent(settings: Settings, strategies: StrategyService) -> StrategyAgent:
    """The agent the settings choose: ``offline`` (the default) or ``model`` (an OpenAI-compatible endpoint)."""
    universe_names = strategies.universes.names()
    offline = OfflineAgent(universe_names=universe_names, known_symbols=_known_symbols(strategies))
    if settings.agent == "offline":
        return offline
    endpoint = ModelEndpoint(base_url=settings.agent_base_url, model=settings.agent_model,
                             api_key=settings.agent_api_key, timeout=settings.agent_timeout,
                             max_attempts=settings.agent_max_attempts)
    return ModelAgent(endpoint, validate=lambda spec: [p.as_json() for p in strategies.validate(spec).errors],
                      offline=offline)


def _known_symbols(strategies: StrategyService) -> set[str]:
    """Tickers a description may name in capitals: the data folder's daily equities and the named universes'."""
    folder = strategies.data_folder / "equity" / "usa" / "daily"
    symbols = {path.stem.upper() for path in folder.glob("*.zip")} if folder.is_dir() else set()
    for name in strategies.universes.names():
        try:
            symbols.update(strategies.universes.load(name).symbols)
        except LookupError:
            log.warning("universe %s is unreadable; its tickers are not known to the agent", name)
    return symbols


def _origin_after(origin: str) -> models.Origin:
    """An agent's edit of an agent's version stays ``agent``; of a user's (or mixed) one it is ``mixed``."""
    return "agent" if origin == "agent" else "mixed"


class AgentService:
    """From text, refine, agent backtests and explanations (``/agent/...``), and the dashboard's previews."""

    def __init__(self, agent: StrategyAgent, *, strategies: StrategyService, backtests: BacktestService) -> None:
        self.agent = agent
        self.strategies = strategies
        self.backtests = backtests

    # -- previews (nothing is saved) --------------------------------------------------------------------------
    def _preview(self, spec: dict[str, Any], summary: str, **extra: Any) -> models.AgentPreview:
        report = self.strategies.validate(spec)
        response = report.as_response()
        return models.AgentPreview(json_spec=spec, nl_summary=summary, valid=report.valid,
                                   errors=response["errors"], warnings=response.get("warnings", []), **extra)

    def draft(self, text: str, *, name: str | None = None) -> Draft:
        """The agent's spec for a description, not validated and not saved."""
        return self.agent.draft(text, name=name)

    def preview_from_text(self, text: str, *, name: str | None = None) -> models.AgentPreview:
        """The spec a description gives, its summary, validation and the phrases not understood; not saved."""
        draft = self.draft(text, name=name)
        return self._preview(draft.json_spec, draft.nl_summary, not_understood=draft.not_understood,
                             notes=draft.notes, backtest_config=draft.backtest_config)

    def preview_refine(self, version_id: str, instruction: str, caller: Caller) -> models.AgentPreview:
        """The spec an instruction would make of a version, with the edits and the diff; not saved."""
        version = self.strategies.version(version_id, caller)
        refinement = self.agent.refine(version.json_spec, instruction)
        return self._preview(refinement.json_spec, refinement.nl_summary, edits=refinement.edits,
                             not_understood=refinement.not_understood,
                             diff=[models.SpecChangeItem(**c.as_json())
                                   for c in spec_diff(version.json_spec, refinement.json_spec)])

    # -- writes ----------------------------------------------------------------------------------------------
    def _require_valid(self, spec: dict[str, Any], field: str) -> None:
        report = self.strategies.validate(spec)
        if not report.valid:
            raise ValidationFailedError(
                f"the agent's spec from '{field}' does not validate, so nothing was stored: "
                + "; ".join(f"{p.path}: {p.message}" for p in report.errors[:5]),
                details=[p.as_json() for p in report.errors])

    def from_text(self, request: models.AgentFromTextRequest, caller: Caller) -> models.StrategyCreated:
        """``POST /agent/strategies/from-text``: generate, validate, persist (origin ``agent``)."""
        caller.acting_as(request.user_id)  # refuse another user's id before any model is asked
        draft = self.draft(request.natural_language_prompt, name=request.name)
        self._require_valid(draft.json_spec, "natural_language_prompt")
        create = models.CreateStrategyRequest(user_id=request.user_id, name=request.name,
                                              description=request.description, json_spec=draft.json_spec,
                                              nl_summary=draft.nl_summary, origin="agent")
        return self.strategies.create(create, caller, created_by=AGENT_USER)

    def refine(self, version_id: str, request: models.AgentRefineRequest, caller: Caller) -> models.AgentRefined:
        """``POST /agent/strategies/{version_id}/refine``: a new version of the same strategy (origin ``agent``,
        or ``mixed`` when the refined version was not the agent's alone)."""
        caller.acting_as(request.user_id)
        old = self.strategies.version(version_id, caller)
        owner = self.strategies.store.get_strategy(old.strategy_id).user_id
        caller.check_owner(owner, f"strategy version '{version_id}'")
        if owner != request.user_id:
            raise ForbiddenError(f"strategy version '{version_id}' belongs to another user than '{request.user_id}'")
        refinement = self.agent.refine(old.json_spec, request.instruction)
        self._require_valid(refinement.json_spec, "instruction")
        created = self.strategies.add_version(
            old.strategy_id, models.CreateVersionRequest(json_spec=refinement.json_spec,
                                                         nl_summary=refinement.nl_summary,
                                                         origin=_origin_after(old.origin), created_by=AGENT_USER),
            caller)
        return models.AgentRefined(old_version_id=old.id, new_version=created.version)

    def backtest(self, request: models.AgentBacktestRequest, caller: Caller) -> models.BacktestEnvelope:
        """``POST /agent/backtests``: ``POST /backtests`` with the conversation kept (202, ``queued``)."""
        body = models.CreateBacktestRequest(user_id=request.user_id, strategy_version_id=request.strategy_version_id,
                                            config=request.config, tags=request.tags, engine=request.engine)
        return self.backtests.create(body, caller, conversation_id=request.conversation_id)

    # -- explanations ----------------------------------------------------------------------------------------
    def facts(self, backtest_id: str, caller: Caller) -> ResultFacts:
        """The facts of a completed backtest's result folder (409 while it is not completed)."""
        record = self.backtests.record(backtest_id, caller)
        if record.status != BacktestStatus.COMPLETED or not record.result_folder:
            raise TransitionConflictError(f"backtest '{backtest_id}' is {record.status}: it can be explained once "
                                          "it has completed")
        try:
            folder = read_result_folder(self.backtests.orchestrator.index.path_of(record.result_folder))
        except ResultFolderError as error:
            raise NotFoundError(f"the result folder of backtest '{backtest_id}' is unreadable: {error}") from error
        return result_facts(folder, config=dict(record.config or {}))

    def explain(self, backtest_id: str, caller: Caller, *, user_id: str | None = None,
                detail_level: str = "summary", focus: Sequence[str] = ()) -> Explanation:
        """``POST /agent/backtests/{backtest_id}/explain``: the result's facts in words, and suggested changes
        (each one an instruction :meth:`refine` accepts as is)."""
        caller.acting_as(user_id)
        record = self.backtests.record(backtest_id, caller)
        if user_id is not None and record.user_id not in (None, user_id):
            raise ForbiddenError(f"backtest '{backtest_id}' belongs to another user than '{user_id}'")
        facts = self.facts(backtest_id, caller)
        if not record.strategy_version_id:  # a project .py run: explained, but there is no spec to change
            explanation = self.agent.explain(facts, {}, detail_level=detail_level, focus=focus)
            return Explanation(explanation=explanation.explanation, suggested_changes=[])
        version = self.strategies.version(record.strategy_version_id, caller)
        return self.agent.explain(facts, version.json_spec, nl_summary=version.nl_summary,
                                  detail_level=detail_level, focus=focus)
