"""``strategy-and-backtest-api.md`` section 3: the agent tools (from text, refine, agent backtests, explain)."""

from __future__ import annotations

from api.base import APIHandler
from api.operations import Operation
from lean_runner.services import models

TAGS = ("agent",)
# 502/503/504 come from a model endpoint (WORKBENCH_AGENT=model): it failed, is unreachable or rate limits, or
# did not answer in time.
_MODEL_ERRORS = (502, 503, 504)


class FromTextHandler(APIHandler):
    operations = {"post": Operation(
        "Create a strategy (and version) from a plain-English description", 201, models.StrategyCreated,
        (400, 403, 413, 422, *_MODEL_ERRORS), body=models.AgentFromTextRequest, tags=TAGS,
        description="The agent writes the spec and its nl_summary (which names any phrase it did not understand); "
                    "the spec is validated and stored with origin `agent`, created_by `agent_system`. 422 when "
                    "nothing usable is in the text (details name the phrases) or the spec does not validate; "
                    "nothing is stored then.")}

    async def post(self) -> None:
        body = self.body(models.AgentFromTextRequest)
        created = await self.run(self.workbench.agent.from_text, body, self.caller)
        self.set_header("Location", f"/strategies/{created.strategy.id}")
        self.send(created, status=201)


class RefineHandler(APIHandler):
    operations = {"post": Operation(
        "Refine a strategy version by a plain-English instruction", 201, models.AgentRefined,
        (400, 403, 404, 413, 422, *_MODEL_ERRORS), body=models.AgentRefineRequest, tags=TAGS,
        description="A new version of the same strategy (it becomes the current one): origin `agent`, or `mixed` "
                    "when the refined version was not the agent's; its nl_summary lists the edits. 422 when the "
                    "instruction asks for no change the agent can make (details name the phrases).")}

    async def post(self, version_id: str) -> None:
        body = self.body(models.AgentRefineRequest)
        refined = await self.run(self.workbench.agent.refine, version_id, body, self.caller)
        self.set_header("Location", f"/strategy-versions/{refined.new_version.id}")
        self.send(refined, status=201)


class AgentBacktestsHandler(APIHandler):
    operations = {"post": Operation(
        "Agent-triggered backtest (POST /backtests with a conversation_id)", 202, models.BacktestEnvelope,
        (400, 403, 404, 413, 422, 503), body=models.AgentBacktestRequest, tags=TAGS,
        description="The same schema as POST /backtests; `conversation_id` is kept and "
                    "GET /backtests?conversation_id= filters by it.")}

    async def post(self) -> None:
        body = self.body(models.AgentBacktestRequest)
        created = await self.run(self.workbench.agent.backtest, body, self.caller)
        self.set_header("Location", f"/backtests/{created.backtest.id}")
        self.send(created, status=202)


class ExplainHandler(APIHandler):
    operations = {"post": Operation(
        "Explain a completed backtest, with suggested changes", 200, models.AgentExplanation,
        (400, 403, 404, 409, 413, 422, *_MODEL_ERRORS), body=models.AgentExplainRequest, tags=TAGS,
        description="Every number in the explanation is computed from the result folder (drawdowns with dates, "
                    "best and worst years and months, trades and win rate, exposure, volatility regimes of the "
                    "benchmark, costs). Each suggested change can be passed to refine as is. 409 until the "
                    "backtest has completed.")}

    async def post(self, backtest_id: str) -> None:
        body = self.body(models.AgentExplainRequest)
        explanation = await self.run(self.workbench.agent.explain, backtest_id, self.caller, user_id=body.user_id,
                                     detail_level=body.detail_level, focus=body.focus)
        self.send(models.AgentExplanation(explanation=explanation.explanation,
                                          suggested_changes=explanation.suggested_changes))
