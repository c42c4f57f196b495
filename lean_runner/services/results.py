"""Historical results of the v2 API: list (from the store, fast with thousands), read one whole, delete.

A result is a completed backtest's timestamped folder under ``<project>/backtests/``; the
folders are the source of truth and the store is their index (rebuilt from them when lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lean_runner.engine.results.reader import ResultFolderError, collector_paused, read_result_folder
from lean_runner.orchestration import BacktestOrchestrator
from lean_runner.results_index.index import MAX_PAGE_SIZE
from lean_runner.results_index.names import resolve_result_folder
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import models
from lean_runner.services.access import Caller
from lean_runner.services.backtests import BacktestService
from lean_runner.services.errors import BadRequestError, NotFoundError
from lean_runner.services.result_shapes import (
    benchmark_pairs,
    closed_trades,
    empty_facts,
    equity_pairs,
    ordered_orders,
)
from lean_runner.services.result_shapes import iso_utc as iso_seconds
from lean_runner.store.database import ListedBacktest
from lean_runner.store.models import BacktestRecord, iso_utc

_MAX_LOG_LINES = 5_000
MAX_PAGE = 1_000_000_000  # keeps the offset inside the databases' 64-bit integers


@dataclass(frozen=True)
class ResultDetail:
    """One result read from its folder; curves as ``(unix seconds, value)`` pairs."""

    summary: models.ResultSummaryV2
    lean_statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    equity: list[tuple[float, float]]
    benchmark: list[tuple[float, float]]
    trades: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    logs: list[str]


class ResultService:
    """``GET/DELETE /api/v2/backtest/results[/{timestamp}]``.

    Example::

        page = results.list_v2(page=1, page_size=20, strategy_name="main", caller=ANYONE)
        results.detail_v2(page.results[0].timestamp, ANYONE).equity_curve[-1]
    """

    def __init__(self, orchestrator: BacktestOrchestrator, backtests: BacktestService, *,
                 synthetic_data: bool = False) -> None:
        self.orchestrator = orchestrator
        self.backtests = backtests
        self.synthetic_data = synthetic_data

    def list_v2(self, *, page: int, page_size: int, strategy_name: str | None, caller: Caller) -> models.ResultListV2:
        problems = []
        if not 1 <= page <= MAX_PAGE:
            problems.append({"path": "page", "message": f"must be an integer from 1 to {MAX_PAGE:,}"})
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            problems.append({"path": "page_size", "message": f"must be an integer from 1 to {MAX_PAGE_SIZE}"})
        if problems:
            raise BadRequestError("invalid page: " + "; ".join(f"{p['path']} {p['message']}" for p in problems),
                                  details=problems)
        store = self.orchestrator.store
        listed, total = store.summary_page(status="completed", strategy=strategy_name, user_id=caller.user_id,
                                           limit=page_size, offset=(page - 1) * page_size)
        # A record without its summary yet (a run that just finished) is summarised once, from its files.
        items = [self.summary_of(row if row.metrics_summary else self.backtests.ensure_summary(store.get(row.id)))
                 for row in listed]
        return models.ResultListV2(results=items, total_count=total, page=page, page_size=page_size)

    def summary_of(self, record: BacktestRecord | ListedBacktest) -> models.ResultSummaryV2:
        facts: dict[str, Any] = (record.metrics_summary or {}).get("v2") or empty_facts()
        folder = self.orchestrator.index.backtests / (record.result_folder or "")
        return models.ResultSummaryV2(
            backtest_id=record.id, strategy_name=record.strategy, start_date=facts["start_date"],
            end_date=facts["end_date"], initial_cash=facts["initial_cash"], final_value=facts["final_value"],
            statistics=models.ResultStatisticsV2(**facts["statistics"]), created_at=iso_utc(record.created_at) or "",
            result_path=str(folder), timestamp=record.result_folder or "",
            status=record.status,  # type: ignore[arg-type]
            synthetic_data=self.synthetic_data)

    def _record_of_folder(self, timestamp: str, caller: Caller) -> BacktestRecord | None:
        try:
            resolve_result_folder(self.orchestrator.index.backtests, timestamp)
        except BacktestRunError as error:
            raise BadRequestError(error.message, details=[{"path": "timestamp", "message": "invalid"}]) from None
        record = self.orchestrator.store.find_by_result_folder(timestamp)
        if record is not None:
            caller.check_owner(record.user_id, f"result '{timestamp}'")
        elif not caller.unrestricted:
            raise NotFoundError(f"no result '{timestamp}'")
        return record

    def detail(self, timestamp: str, caller: Caller) -> ResultDetail:
        """The whole result, read once: the v2 summary, LEAN's statistics, the curves as (seconds, value) pairs,
        trades, orders, logs. The dashboard uses it as it is; :meth:`detail_v2` shapes it for the API."""
        record = self._record_of_folder(timestamp, caller)
        with collector_paused():
            return self._read_detail(timestamp, record)

    def _read_detail(self, timestamp: str, record: BacktestRecord | None) -> ResultDetail:
        try:
            folder = self.orchestrator.index.path_of(timestamp)
            result = read_result_folder(folder)
        except ResultFolderError as error:
            raise NotFoundError(f"result '{timestamp}' has no readable result file: {error}") from error
        if record is not None:
            summary = self.summary_of(self.backtests.ensure_summary(record))
        else:  # a folder the store does not know (copied in by hand): show what it says
            from lean_runner.services.backtests import summarize_folder

            facts = summarize_folder(folder, result.algorithm_id)["v2"]
            summary = models.ResultSummaryV2(
                backtest_id="", strategy_name=str(result.algorithm_configuration.get("name") or ""),
                start_date=facts["start_date"], end_date=facts["end_date"], initial_cash=facts["initial_cash"],
                final_value=facts["final_value"], statistics=models.ResultStatisticsV2(**facts["statistics"]),
                created_at="", result_path=str(folder), timestamp=timestamp,
                status="completed" if result.status == "Completed" else "failed",
                synthetic_data=self.synthetic_data)
        return ResultDetail(summary=summary, lean_statistics=dict(result.statistics),
                            runtime_statistics=dict(result.runtime_statistics), equity=equity_pairs(result),
                            benchmark=benchmark_pairs(result), trades=closed_trades(result),
                            orders=ordered_orders(result), logs=result.algorithm_log()[-_MAX_LOG_LINES:])

    def detail_v2(self, timestamp: str, caller: Caller) -> models.ResultDetailV2:
        """The whole result in the v2 document's shape (``GET /api/v2/backtest/results/{timestamp}``)."""
        detail = self.detail(timestamp, caller)
        return models.ResultDetailV2(
            **detail.summary.model_dump(), lean_statistics=detail.lean_statistics,
            runtime_statistics=detail.runtime_statistics,
            equity_curve=[models.EquityPointV2(time=iso_seconds(t), value=v) for t, v in detail.equity],
            benchmark_curve=[models.EquityPointV2(time=iso_seconds(t), value=v) for t, v in detail.benchmark],
            trades=detail.trades, orders=detail.orders, logs=detail.logs)

    def delete_v2(self, timestamp: str, caller: Caller) -> None:
        """Delete the folder and its record; a running backtest's folder is a 409 conflict."""
        self._record_of_folder(timestamp, caller)
        try:
            self.orchestrator.delete_result(timestamp)
        except BacktestRunError as error:
            if error.http_status == 404:
                raise NotFoundError(error.message) from error
            raise
