"""The results table: one page at a time from the store (fast with thousands), sorted, filtered, deletable.

Sorted by date (the default) a page is one query with ``LIMIT``/``OFFSET``. Sorted by a metric,
the services have no ``ORDER BY`` on the summary's numbers yet, so the summaries of the filtered
records are read once (stored in the records, no result file is opened) and sorted here; that
stays well under a second at thousands of results, and belongs in the store (see docs/dashboard.md).

Example::

    results = ResultsModel(workbench=workbench, page_size=20)
    results.sort_by, results.descending = "sharpe_ratio", True
    results.rows[0]["timestamp"]
    results.delete(results.rows[0]["timestamp"])
"""

from __future__ import annotations

from typing import Any

import param

from app.models.messages import message_of
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services.access import ANYONE, Caller

SORTABLE = {"created_at": "Date run", "strategy_name": "Strategy", "total_return": "Return %",
            "sharpe_ratio": "Sharpe", "max_drawdown": "Max drawdown %", "start_date": "Start", "end_date": "End"}
STATUSES = ["completed", "failed", "cancelled", "running", "queued", "any"]
COLUMNS = ["timestamp", "strategy_name", "status", "start_date", "end_date", "total_return", "sharpe_ratio",
           "max_drawdown", "total_trades", "final_value", "synthetic_data", "backtest_id"]
_MAX_SCAN = 100_000


def row_of(summary: Any) -> dict[str, Any]:
    """A table row from a :class:`ResultSummaryV2`: the columns of :data:`COLUMNS`."""
    statistics = summary.statistics
    return {"timestamp": summary.timestamp, "strategy_name": summary.strategy_name, "status": summary.status,
            "start_date": summary.start_date, "end_date": summary.end_date,
            "total_return": statistics.total_return, "sharpe_ratio": statistics.sharpe_ratio,
            "max_drawdown": statistics.max_drawdown, "total_trades": statistics.total_trades,
            "final_value": summary.final_value, "synthetic_data": summary.synthetic_data,
            "backtest_id": summary.backtest_id, "created_at": summary.created_at}


class ResultsModel(param.Parameterized):
    """One page of results and the actions on them."""

    page = param.Integer(default=1, bounds=(1, None), doc="The page shown, from 1.")
    page_size = param.Integer(default=20, bounds=(1, 100), doc="Rows per page.")
    strategy_filter: param.Selector[str] = param.Selector(default="", objects=[""],
                                                          doc="Only results of this strategy ('' = all).")
    status_filter: param.Selector[str] = param.Selector(default="completed", objects=STATUSES,
                                                        doc="Only results with this status.")
    sort_by: param.Selector[str] = param.Selector(default="created_at", objects=list(SORTABLE),
                                                  doc="The column the rows are sorted by.")
    descending = param.Boolean(default=True, doc="Largest (or newest) first.")
    rows = param.List(default=[], doc="The page's rows (see COLUMNS).")
    total = param.Integer(default=0, doc="How many results match the filters.")
    selected = param.List(default=[], item_type=str, doc="Timestamps picked for comparison (2 to 5).")
    message = param.String(default="", doc="What the last action did, or why it failed.")
    loading = param.Boolean(default=False, doc="True while a page is being read.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self.refresh()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def refresh(self) -> None:
        """Re-read the strategy names for the filter and the current page."""
        names = sorted({s.name for s in self.workbench.project.list()})
        self.param.strategy_filter.objects = ["", *names]
        self.load()

    @param.depends("page_size", "strategy_filter", "status_filter", "sort_by", "descending", watch=True)
    def _first_page(self) -> None:
        if self.page != 1:
            self.page = 1  # its own watcher loads
        else:
            self.load()

    @param.depends("page", watch=True)
    def load(self) -> None:
        """Read the current page through the store (and the result service's summaries)."""
        self.loading = True
        try:
            store = self.workbench.orchestrator.store
            filters = {"status": None if self.status_filter == "any" else self.status_filter,
                       "strategy": self.strategy_filter or None, "user_id": self.caller.user_id}
            offset = (self.page - 1) * self.page_size
            if self.sort_by == "created_at":
                records, total = store.list(**filters, limit=self.page_size, offset=offset)
                if not self.descending:  # the store lists newest first: read the mirrored page and reverse it
                    limit = max(0, min(self.page_size, total - offset))
                    records, total = store.list(**filters, limit=limit,
                                                offset=max(0, total - offset - self.page_size))
                    records = records[::-1] if limit else []
                rows = [self._row(r) for r in records]
            else:
                records, total = store.list(**filters, limit=_MAX_SCAN, offset=0)
                every = [self._row(r) for r in records]
                present = [r for r in every if r[self.sort_by] is not None]
                missing = [r for r in every if r[self.sort_by] is None]
                present.sort(key=lambda r: r[self.sort_by], reverse=self.descending)
                rows = (present + missing)[offset: offset + self.page_size]
            self.total = total
            if self.page > self.pages:
                self.page = self.pages
                return
            self.rows = rows
        except BacktestRunError as error:
            self.message = message_of(error)
        finally:
            self.loading = False

    def _row(self, record: Any) -> dict[str, Any]:
        return row_of(self.workbench.results.summary_of(self.workbench.backtests.ensure_summary(record)))

    # -- actions ---------------------------------------------------------------------------------------------
    def next_page(self) -> None:
        if self.page < self.pages:
            self.page += 1

    def previous_page(self) -> None:
        if self.page > 1:
            self.page -= 1

    def delete(self, timestamp: str) -> bool:
        """Delete a result's folder and record (the view asks for confirmation first)."""
        try:
            self.workbench.results.delete_v2(timestamp, self.caller)
        except BacktestRunError as error:
            self.message = f"Cannot delete {timestamp}: {message_of(error)}"
            return False
        self.selected = [t for t in self.selected if t != timestamp]
        self.message = f"Deleted {timestamp}."
        self.load()
        return True

    def toggle_selected(self, timestamp: str) -> None:
        """Add a result to the comparison (at most 5: the oldest pick drops out) or remove it."""
        if timestamp in self.selected:
            self.selected = [t for t in self.selected if t != timestamp]
        else:
            self.selected = [*self.selected, timestamp][-5:]
