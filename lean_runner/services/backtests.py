"""Launch, cancel, watch and read backtests: a project ``.py`` strategy (v2) or a DSL version compiled on launch.

Both kinds are records of the one orchestrator, so every endpoint of both documents sees both
(``GET /api/v2/backtest/status/{id}`` for a DSL backtest, ``GET /backtests/{id}`` for a v2 run).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lean_runner.dsl import UniverseLibrary, compile_spec, validate_spec
from lean_runner.dsl.results import backtest_results
from lean_runner.engine.results.reader import ResultFolderError, read_result_folder
from lean_runner.orchestration import BacktestOrchestrator, RunSnapshot
from lean_runner.orchestration.status import BacktestStatus
from lean_runner.runners.engine_choice import choose_engine
from lean_runner.runners.errors import EngineUnavailableError
from lean_runner.runners.request import BacktestRequest
from lean_runner.services import models
from lean_runner.services.access import Caller
from lean_runner.services.errors import NotFoundError, ValidationFailedError
from lean_runner.services.project import ProjectStrategies
from lean_runner.services.result_shapes import lean_number, read_summary_file, result_facts, running_statistics
from lean_runner.store.database import BacktestStore
from lean_runner.store.models import BacktestRecord
from lean_runner.store.strategies import StrategyStore

log = logging.getLogger(__name__)

COMPILED_FOLDER = "compiled"
TICKER = re.compile(r"[A-Z][A-Z0-9.\-]{0,11}")
LOG_ENTRIES = 50
# The run request's fields that reach the algorithm as LEAN parameters (the test-project strategies read them).
WINDOW_PARAMETERS = ("start_date", "end_date", "initial_cash", "symbols", "resolution")


@dataclass(frozen=True)
class EngineSelection:
    """How a run's engine is chosen: the setting's default (``auto``/``local``/``docker``), whether Docker can
    run it now (``docker_status()``: None, or why not), and whether the local engine is refused (several users)."""

    default: str
    docker_status: Callable[[], str | None]
    containers_only: bool = False


class BacktestService:
    """Backtests of both documents.

    Example::

        status = service.run_v2(models.RunRequestV2(strategy_name="main"), ANYONE)
        service.progress_v2(status.backtest_id, ANYONE).progress_percentage
    """

    def __init__(self, *, orchestrator: BacktestOrchestrator, project: ProjectStrategies,
                 strategies: StrategyStore, universes: UniverseLibrary, engines: EngineSelection,
                 data_folder: Path) -> None:
        self.orchestrator = orchestrator
        self.store: BacktestStore = orchestrator.store
        self.project = project
        self.strategies = strategies
        self.universes = universes
        self.engines = engines
        self.data_folder = data_folder

    # -- launching ---------------------------------------------------------------------------------------------
    def run_v2(self, body: models.RunRequestV2, caller: Caller) -> models.BacktestStatusV2:
        """Queue a project strategy over the requested window (``POST /api/v2/backtest/run``)."""
        strategy = self.project.describe(body.strategy_name)
        problems = []
        if body.start_date and body.end_date and body.start_date > body.end_date:
            problems.append({"path": "end_date", "message": f"must not be before start_date ({body.start_date})"})
        for position, symbol in enumerate(body.symbols or []):
            if not TICKER.fullmatch(symbol):
                problems.append({"path": f"symbols[{position}]",
                                 "message": f"'{symbol}' is not an upper-case ticker like 'SPY'"})
        if problems:
            raise ValidationFailedError("the run request is invalid: " + "; ".join(
                f"{p['path']}: {p['message']}" for p in problems), details=problems)
        parameters = {name: _parameter_text(value) for name, value in body.parameters.items()}
        given = {"start_date": body.start_date.isoformat() if body.start_date else None,
                 "end_date": body.end_date.isoformat() if body.end_date else None,
                 "initial_cash": _parameter_text(body.initial_cash) if body.initial_cash is not None else None,
                 "symbols": ",".join(body.symbols) if body.symbols else None, "resolution": body.resolution}
        parameters.update({name: value for name, value in given.items() if value is not None})
        window = {"start-date": given["start_date"], "end-date": given["end_date"], "cash": body.initial_cash}
        request = BacktestRequest(
            algorithm=strategy.path.name, parameters=parameters, engine=self._engine(body.engine),
            name=strategy.name, window={k: v for k, v in window.items() if v is not None},
            context={"api": "v2", "request": body.model_dump(mode="json", exclude_none=True)})
        record = self.orchestrator.submit(request, record_fields={"user_id": caller.user_id})
        return self.status_of(record)

    def create(self, body: models.CreateBacktestRequest, caller: Caller, *,
               conversation_id: str | None = None) -> models.BacktestEnvelope:
        """Compile a DSL version with its config and queue it (``POST /backtests``); 202 + ``queued``."""
        user_id = caller.acting_as(body.user_id)
        version = self.strategies.get_version(body.strategy_version_id)
        owner = self.strategies.get_strategy(version.strategy_id).user_id
        caller.check_owner(owner, f"strategy version '{version.id}'")
        report = validate_spec(version.json_spec, body.config, universes=self.universes,
                               data_folder=self.data_folder)
        if not report.valid:
            raise ValidationFailedError(
                "the backtest config is invalid for this version: "
                + "; ".join(f"{p.path}: {p.message}" for p in report.errors[:5]),
                details=[p.as_json() for p in report.errors])
        algorithm = self._write_compiled(version.id, compile_spec(version.json_spec, body.config,
                                                                  universes=self.universes), body.config)
        request = BacktestRequest(algorithm=algorithm, engine=self._engine(body.engine), name=version.id,
                                  context={"api": "strategies", "strategy_version_id": version.id})
        record = self.orchestrator.submit(request, record_fields={
            "user_id": user_id, "strategy_version_id": version.id, "config": dict(body.config),
            "tags": list(body.tags), "conversation_id": conversation_id})
        return models.BacktestEnvelope(backtest=self.backtest_of(record))

    def _engine(self, requested: str | None) -> str:
        choice = choose_engine(requested or self.engines.default, docker_available=self.engines.docker_status)
        if self.engines.containers_only and choice.engine != "docker":
            raise EngineUnavailableError(
                "this server has several users, so strategies run in containers, and Docker is not available: "
                f"{choice.reason or 'the local engine is not allowed'}")
        return choice.engine

    def _write_compiled(self, version_id: str, code: str, config: dict[str, Any]) -> str:
        """Write ``compiled/<version>_<config hash>.py`` (inside the project, so runs snapshot it)."""
        digest = hashlib.sha256(repr(sorted(config.items())).encode()).hexdigest()[:10]
        folder = self.project.project / COMPILED_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{version_id}_{digest}.py"
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(code, encoding="utf-8")
        os.replace(temporary, path)
        return f"{COMPILED_FOLDER}/{path.name}"

    # -- reading -----------------------------------------------------------------------------------------------
    def record(self, backtest_id: str, caller: Caller) -> BacktestRecord:
        record = self.store.find(backtest_id)
        if record is None:
            raise NotFoundError(f"no backtest with id '{backtest_id}'")
        caller.check_owner(record.user_id, f"backtest '{backtest_id}'")
        return record

    def status_v2(self, backtest_id: str, caller: Caller) -> models.BacktestStatusV2:
        return self.status_of(self.record(backtest_id, caller))

    def status_of(self, record: BacktestRecord) -> models.BacktestStatusV2:
        shown = record.to_dict()
        context = (record.request or {}).get("context") or {}
        return models.BacktestStatusV2(
            backtest_id=record.id, status=record.status,  # type: ignore[arg-type]
            request=context.get("request") or {"strategy_version_id": record.strategy_version_id,
                                                "config": record.config or {}},
            created_at=shown["created_at"], started_at=shown["started_at"],
            container_id=record.engine_ref if record.engine == "docker" and record.engine_ref else None,
            completed_at=shown["finished_at"], error=record.error)

    def snapshot(self, backtest_id: str, caller: Caller) -> RunSnapshot:
        self.record(backtest_id, caller)
        return self.orchestrator.snapshot(backtest_id)

    def progress_v2(self, backtest_id: str, caller: Caller) -> models.ProgressV2:
        snapshot = self.snapshot(backtest_id, caller)
        return models.ProgressV2(backtest_id=backtest_id, status=snapshot.status,  # type: ignore[arg-type]
                                 progress_percentage=snapshot.percent, current_date=snapshot.current_date or None,
                                 log_entries=list(snapshot.logs[-LOG_ENTRIES:]),
                                 statistics=running_statistics(snapshot.statistics))

    def cancel(self, backtest_id: str, caller: Caller) -> BacktestRecord:
        """Stop a queued or running backtest; a finished one is a 409 conflict."""
        self.record(backtest_id, caller)
        return self.orchestrator.cancel(backtest_id)

    def get(self, backtest_id: str, caller: Caller) -> models.Backtest:
        return self.backtest_of(self.ensure_summary(self.record(backtest_id, caller)))

    def list(self, user_id: str | None, caller: Caller, *, conversation_id: str | None = None,
             limit: int = 1000) -> models.BacktestList:
        user = caller.acting_as(user_id)
        records, _ = self.store.list(user_id=user, conversation_id=conversation_id, limit=limit, offset=0)
        return models.BacktestList(items=[self._list_item(self.ensure_summary(r)) for r in records])

    def results(self, backtest_id: str, caller: Caller) -> models.BacktestResults:
        """Equity curve, drawdowns, trades and yearly returns of a finished backtest, in fractions."""
        record = self.record(backtest_id, caller)
        if record.status != BacktestStatus.COMPLETED or not record.result_folder:
            raise NotFoundError(f"backtest '{backtest_id}' is {record.status}: results exist once it has completed")
        try:
            shaped = backtest_results(read_result_folder(self.orchestrator.index.path_of(record.result_folder)))
        except ResultFolderError as error:
            raise NotFoundError(f"the result folder of backtest '{backtest_id}' is unreadable: {error}") from error
        return models.BacktestResults(id=record.id, equity_curve=shaped["equity_curve"],
                                      drawdowns=shaped["drawdowns"], trades=shaped["trades"],
                                      per_period_metrics=shaped["per_period_metrics"])

    # -- summaries ---------------------------------------------------------------------------------------------
    def ensure_summary(self, record: BacktestRecord) -> BacktestRecord:
        """The record with its summary computed from the result folder (once; stored for the lists)."""
        if record.status != BacktestStatus.COMPLETED or not record.result_folder or record.metrics_summary:
            return record
        try:
            summary = summarize_folder(self.orchestrator.index.backtests / record.result_folder, record.algorithm_id)
            return self.store.update(record.id, metrics_summary=summary)
        except Exception:  # a damaged folder must not break a listing; it shows without metrics
            log.exception("backtest %s: cannot summarize its result folder", record.id)
            return record

    def backtest_of(self, record: BacktestRecord) -> models.Backtest:
        shown = record.to_dict()
        return models.Backtest(id=record.id, user_id=record.user_id, strategy_version_id=record.strategy_version_id,
                               status=record.status, config=dict(record.config or {}),  # type: ignore[arg-type]
                               metrics_summary=_metrics(record), tags=list(record.tags or []),
                               created_at=shown["created_at"], started_at=shown["started_at"],
                               completed_at=shown["finished_at"], error=record.error)

    def _list_item(self, record: BacktestRecord) -> models.BacktestListItem:
        shown = record.to_dict()
        return models.BacktestListItem(id=record.id, user_id=record.user_id,
                                       strategy_version_id=record.strategy_version_id,
                                       status=record.status,  # type: ignore[arg-type]
                                       created_at=shown["created_at"], completed_at=shown["finished_at"],
                                       metrics_summary=_metrics(record))


def summarize_folder(folder: Path, algorithm_id: str | None) -> dict[str, Any]:
    """What the lists show of a finished run, from its small summary file: the strategy document's
    ``metrics_summary`` (fractions) and, under ``v2``, the v2 result list's facts (percent and dollars)."""
    summary = read_summary_file(folder, algorithm_id)
    facts = result_facts(summary)
    statistics = summary["statistics"] if isinstance(summary.get("statistics"), dict) else {}
    v2 = facts["statistics"]
    cagr = lean_number(statistics.get("Compounding Annual Return"))
    drawdown = lean_number(statistics.get("Drawdown"))
    return {"total_return": v2["total_return"] / 100 if v2["total_return"] is not None else None,
            "cagr": cagr / 100 if cagr is not None else None,
            "max_drawdown": drawdown / 100 if drawdown is not None else None,
            "sharpe": v2["sharpe_ratio"], "v2": facts}


def _metrics(record: BacktestRecord) -> models.MetricsSummary | None:
    stored = record.metrics_summary
    if not stored:
        return None
    return models.MetricsSummary(total_return=stored.get("total_return"), cagr=stored.get("cagr"),
                                 max_drawdown=stored.get("max_drawdown"), sharpe=stored.get("sharpe"))


def _parameter_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
