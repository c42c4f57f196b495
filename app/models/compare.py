"""Compare 2 to 5 results: equity curves normalised to 100 at their start, drawdowns, statistics side by side
with the best value of each row marked.

Example::

    compare = CompareModel(workbench=workbench)
    compare.timestamps = ["2026-12-02_07-59-17", "2026-12-02_08-01-03"]
    compare.best["sharpe_ratio"]      # the timestamp with the highest Sharpe
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import param

from app.models.detail import series_of, underwater
from app.models.messages import message_of
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services.access import ANYONE, Caller

MIN_COMPARED, MAX_COMPARED = 2, 5
# Row, label, and whether larger is better (drawdowns and losses are negative, so larger is better too).
METRICS: list[tuple[str, str, bool]] = [
    ("total_return", "Total return %", True), ("sharpe_ratio", "Sharpe ratio", True),
    ("max_drawdown", "Max drawdown %", True), ("win_rate", "Win rate %", True),
    ("total_trades", "Trades", True), ("average_win", "Average win $", True),
    ("average_loss", "Average loss $", True), ("profit_factor", "Profit factor", True),
    ("net_profit", "Net profit $", True),
]


def label_of(summary: Any) -> str:
    return f"{summary.strategy_name} · {summary.timestamp}"


class CompareModel(param.Parameterized):
    """The compared results and what the compare screen draws."""

    timestamps = param.List(default=[], item_type=str, doc="The compared results' timestamps (2 to 5).")
    curves = param.Dict(default={}, doc="Label → equity normalised to 100 at its first point.")
    drawdowns = param.Dict(default={}, doc="Label → underwater curve in percent.")
    table = param.DataFrame(default=pd.DataFrame(), doc="Metrics (rows) by result label (columns).")
    best = param.Dict(default={}, doc="Metric → label of the result with its best value.")
    message = param.String(default="", doc="Why there is nothing to compare, or what failed.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self._load()

    @param.depends("timestamps", watch=True)
    def _load(self) -> None:
        chosen = list(dict.fromkeys(self.timestamps))
        if len(chosen) < MIN_COMPARED:
            self.param.update(curves={}, drawdowns={}, table=pd.DataFrame(), best={},
                              message=f"Pick {MIN_COMPARED} to {MAX_COMPARED} results in the results table to "
                                      "compare them.")
            return
        if len(chosen) > MAX_COMPARED:
            self.message = f"At most {MAX_COMPARED} results can be compared; showing the first {MAX_COMPARED}."
            chosen = chosen[:MAX_COMPARED]
        else:
            self.message = ""
        curves, drawdowns, columns = {}, {}, {}
        for timestamp in chosen:
            try:
                read = self.workbench.results.detail(timestamp, self.caller)
            except BacktestRunError as error:
                self.message = f"Cannot read {timestamp}: {message_of(error)}"
                continue
            detail = read.summary
            label = label_of(detail)
            equity = series_of(read.equity)
            curves[label] = equity / float(equity.iloc[0]) * 100.0 if not equity.empty else equity
            drawdowns[label] = underwater(equity)
            columns[label] = detail.statistics.model_dump()
        table = pd.DataFrame({label: {m: values.get(m) for m, _, _ in METRICS} for label, values in columns.items()})
        best: dict[str, str] = {}
        for metric, _, larger_better in METRICS:
            if metric in table.index:
                row = pd.Series(pd.to_numeric(pd.Series(table.loc[metric]), errors="coerce")).dropna()
                if len(row) > 1 and row.nunique() > 1:
                    best[metric] = str(row.idxmax() if larger_better else row.idxmin())
        self.param.update(curves=curves, drawdowns=drawdowns, table=table, best=best)
