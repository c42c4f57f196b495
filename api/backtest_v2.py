"""``backtesting-api-v2.md``: project strategies, runs, status, progress, cancel and timestamped results."""

from __future__ import annotations

from api.base import APIHandler
from api.operations import Operation, QueryParameter
from lean_runner.results_index.index import MAX_PAGE_SIZE
from lean_runner.services import models
from lean_runner.services.results import MAX_PAGE

V2 = ("backtesting API v2",)


class StrategiesHandler(APIHandler):
    operations = {"get": Operation("List the project's strategies", 200, None, tags=V2,
                                   description="Each top-level .py file of the project; a JSON list of StrategyV2.")}
    response_list_of = models.StrategyV2

    async def get(self) -> None:
        strategies = await self.run(self.workbench.project.list)
        self.send([models.StrategyV2(name=s.name, file_path=str(s.path), description=s.description,
                                     last_modified=_iso(s.last_modified)).model_dump() for s in strategies])


class StrategyHandler(APIHandler):
    operations = {"get": Operation("A strategy with its parameters", 200, models.StrategyDetailV2, (400, 404),
                                   tags=V2)}

    async def get(self, name: str) -> None:
        strategy = await self.run(self.workbench.project.describe, name)
        self.send(models.StrategyDetailV2(
            name=strategy.name, file_path=str(strategy.path), description=strategy.description,
            last_modified=_iso(strategy.last_modified),
            parameters={key: models.StrategyParameterV2(type=info.type, required=info.required,  # type: ignore[arg-type]
                                                        default=info.default)
                        for key, info in strategy.parameters.items()}))


class RunHandler(APIHandler):
    operations = {"post": Operation("Start a backtest", 202, models.BacktestStatusV2, (400, 404, 413, 422, 503),
                                    body=models.RunRequestV2, tags=V2,
                                    description="Queues the strategy; the response says `queued` or `running`. "
                                                "Dates and cash replace the algorithm's own on the embedded "
                                                "engine and reach it as parameters too.")}

    async def post(self) -> None:
        body = self.body(models.RunRequestV2)
        status = await self.run(self.workbench.backtests.run_v2, body, self.caller)
        self.set_header("Location", f"/api/v2/backtest/status/{status.backtest_id}")
        self.send(status, status=202)


class StatusHandler(APIHandler):
    operations = {"get": Operation("A backtest's status", 200, models.BacktestStatusV2, (403, 404), tags=V2)}

    async def get(self, backtest_id: str) -> None:
        self.send(await self.run(self.workbench.backtests.status_v2, backtest_id, self.caller))


class ProgressHandler(APIHandler):
    operations = {"get": Operation("A backtest's progress, recent log lines and running statistics", 200,
                                   models.ProgressV2, (403, 404), tags=V2)}

    async def get(self, backtest_id: str) -> None:
        self.send(await self.run(self.workbench.backtests.progress_v2, backtest_id, self.caller))


class CancelHandler(APIHandler):
    operations = {"delete": Operation("Cancel a queued or running backtest", 200, models.MessageV2,
                                      (403, 404, 409), tags=V2,
                                      description="409 when the backtest has already finished.")}

    async def delete(self, backtest_id: str) -> None:
        await self.run(self.workbench.backtests.cancel, backtest_id, self.caller)
        self.send(models.MessageV2(message=f"Backtest '{backtest_id}' cancelled successfully"))


class ResultsHandler(APIHandler):
    operations = {"get": Operation(
        "Completed backtests, newest first", 200, models.ResultListV2, (400,), tags=V2,
        query=(QueryParameter("page", "integer", "Page number, from 1.", minimum=1, maximum=MAX_PAGE, default=1),
               QueryParameter("page_size", "integer", "Results per page.", minimum=1, maximum=MAX_PAGE_SIZE,
                              default=20),
               QueryParameter("strategy_name", "string", "Only this strategy's results.")))}

    async def get(self) -> None:
        page = self.int_argument("page", 1)
        page_size = self.int_argument("page_size", 20)
        self.send(await self.run(self.workbench.results.list_v2, page=page, page_size=page_size,
                                 strategy_name=self.text_argument("strategy_name"), caller=self.caller))


class ResultHandler(APIHandler):
    operations = {
        "get": Operation("A whole result: statistics, equity curve, trades, orders, logs", 200,
                         models.ResultDetailV2, (400, 403, 404), tags=V2),
        "delete": Operation("Delete a result folder and its record", 204, None, (400, 403, 404, 409), tags=V2,
                            description="409 while its backtest is running."),
    }

    async def get(self, timestamp: str) -> None:
        self.send(await self.run(self.workbench.results.detail_v2, timestamp, self.caller))

    async def delete(self, timestamp: str) -> None:
        await self.run(self.workbench.results.delete_v2, timestamp, self.caller)
        self.set_status(204)
        self.clear_header("Content-Type")
        self.finish()


def _iso(moment: object) -> str:
    from datetime import UTC, datetime

    assert isinstance(moment, datetime)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
