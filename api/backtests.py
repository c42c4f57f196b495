"""``strategy-and-backtest-api.md`` section 2: backtests of DSL versions (plus a cancel, not in the document)."""

from __future__ import annotations

from api.base import APIHandler
from api.operations import Operation, QueryParameter
from lean_runner.services import models

TAGS = ("backtests",)


class BacktestsHandler(APIHandler):
    operations = {
        "post": Operation("Queue a backtest of a strategy version", 202, models.BacktestEnvelope,
                          (400, 403, 404, 413, 422, 503), body=models.CreateBacktestRequest, tags=TAGS,
                          description="The version is compiled to a LEAN algorithm with the config; 422 lists "
                                      "every problem of the config with its path."),
        "get": Operation("A user's backtests, newest first", 200, models.BacktestList, (400, 403), tags=TAGS,
                         query=(QueryParameter("user_id", "string", "Whose backtests (with a token: yours).",
                                               required=True),
                                QueryParameter("conversation_id", "string", "Only agent backtests of this "
                                                                            "conversation (not in the document)."))),
    }

    async def post(self) -> None:
        body = self.body(models.CreateBacktestRequest)
        created = await self.run(self.workbench.backtests.create, body, self.caller)
        self.set_header("Location", f"/backtests/{created.backtest.id}")
        self.send(created, status=202)

    async def get(self) -> None:
        self.send(await self.run(self.workbench.backtests.list, self.text_argument("user_id"), self.caller,
                                 conversation_id=self.text_argument("conversation_id")))


class BacktestHandler(APIHandler):
    operations = {"get": Operation("A backtest: status and summary metrics", 200, models.Backtest, (403, 404),
                                   tags=TAGS)}

    async def get(self, backtest_id: str) -> None:
        self.send(await self.run(self.workbench.backtests.get, backtest_id, self.caller))


class BacktestResultsHandler(APIHandler):
    operations = {"get": Operation("Full results: equity curve, drawdowns, trades, yearly returns", 200,
                                   models.BacktestResults, (403, 404), tags=TAGS,
                                   description="404 until the backtest has completed.")}

    async def get(self, backtest_id: str) -> None:
        self.send(await self.run(self.workbench.backtests.results, backtest_id, self.caller))


class BacktestCancelHandler(APIHandler):
    operations = {"post": Operation("Cancel a queued or running backtest (not in the document)", 200,
                                    models.BacktestEnvelope, (403, 404, 409), tags=TAGS,
                                    description="409 when it has already finished.")}

    async def post(self, backtest_id: str) -> None:
        record = await self.run(self.workbench.backtests.cancel, backtest_id, self.caller)
        self.send(models.BacktestEnvelope(backtest=self.workbench.backtests.backtest_of(record)))
