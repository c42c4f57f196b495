"""``strategy-and-backtest-api.md`` section 1: DSL strategies and their versions."""

from __future__ import annotations

from api.base import APIHandler
from api.operations import Operation, QueryParameter
from lean_runner.services import models

TAGS = ("strategies",)
USER = QueryParameter("user_id", "string", "Whose strategies (with a token: yours, or left out).", required=True)


class StrategiesHandler(APIHandler):
    operations = {
        "post": Operation("Create a strategy with its first version", 201, models.StrategyCreated,
                          (400, 403, 413, 422), body=models.CreateStrategyRequest, tags=TAGS,
                          description="422 lists every problem of the spec with its path; nothing is stored."),
        "get": Operation("A user's strategies", 200, models.StrategyList, (400, 403), query=(USER,), tags=TAGS),
    }

    async def post(self) -> None:
        body = self.body(models.CreateStrategyRequest)
        created = await self.run(self.workbench.strategies.create, body, self.caller)
        self.set_header("Location", f"/strategies/{created.strategy.id}")
        self.send(created, status=201)

    async def get(self) -> None:
        self.send(await self.run(self.workbench.strategies.list, self.text_argument("user_id"), self.caller))


class StrategyHandler(APIHandler):
    operations = {"get": Operation("A strategy and its current version", 200, models.StrategyWithVersion,
                                   (403, 404), tags=TAGS)}

    async def get(self, strategy_id: str) -> None:
        self.send(await self.run(self.workbench.strategies.get, strategy_id, self.caller))


class VersionsHandler(APIHandler):
    operations = {
        "post": Operation("Add a version (it becomes the current one)", 201, models.VersionCreated,
                          (400, 403, 404, 413, 422), body=models.CreateVersionRequest, tags=TAGS),
        "get": Operation("A strategy's versions, oldest first", 200, models.VersionList, (403, 404), tags=TAGS),
    }

    async def post(self, strategy_id: str) -> None:
        body = self.body(models.CreateVersionRequest)
        created = await self.run(self.workbench.strategies.add_version, strategy_id, body, self.caller)
        self.set_header("Location", f"/strategy-versions/{created.version.id}")
        self.send(created, status=201)

    async def get(self, strategy_id: str) -> None:
        self.send(await self.run(self.workbench.strategies.versions, strategy_id, self.caller))


class VersionHandler(APIHandler):
    operations = {"get": Operation("A strategy version with its full spec", 200, models.StrategyVersion,
                                   (403, 404), tags=TAGS)}

    async def get(self, version_id: str) -> None:
        self.send(await self.run(self.workbench.strategies.version, version_id, self.caller))


class ValidateHandler(APIHandler):
    operations = {"post": Operation("Validate a spec without saving it", 200, models.ValidateResponse,
                                    (400, 413, 422), body=models.ValidateRequest, tags=TAGS,
                                    description="200 whether valid or not: `valid` and every error's `path`.")}

    async def post(self) -> None:
        body = self.body(models.ValidateRequest)
        report = await self.run(self.workbench.strategies.validate, body.json_spec, body.config)
        self.send(models.ValidateResponse(**report.as_response()))
