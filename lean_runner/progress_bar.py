"""The command line's progress bars, drawn by rich: one backtest (percent, date, equity) or a sweep (count, rate, ETA).

On a terminal the bar redraws in place and messages print above it; elsewhere (a pipe, a log
file) the bar is not drawn and messages print as plain lines.
"""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Backtests per second, over the whole run so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:.2f} backtests/s")


class _Bar:
    def __init__(self, stream: TextIO, *columns: object, total: float, description: str) -> None:
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.interactive = self.console.is_terminal
        self._progress = Progress(*columns, console=self.console, transient=False,  # type: ignore[arg-type]
                                  disable=not self.interactive)
        self._task: TaskID = self._progress.add_task(description, total=total, detail="")

    def message(self, text: str) -> None:
        """A line above the bar (or a plain line without a terminal)."""
        self.console.print(text, markup=False, emoji=False)

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._progress.stop()

    def _update(self, **fields: object) -> None:
        self._progress.update(self._task, **fields)  # type: ignore[arg-type]


class BacktestProgressBar(_Bar):
    """One backtest: ``[#####.....]  42.0%  2013-05-02  equity 104,210.55  0:00:03``."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, BarColumn(), TaskProgressColumn(), TextColumn("{task.fields[detail]}"),
                         TimeElapsedColumn(), total=1.0, description="backtest")

    def show(self, fraction: float, current_date: str, equity: float | None) -> None:
        detail = f"{current_date[:10]}  equity {equity:,.2f}" if equity is not None else current_date[:10]
        self._update(completed=fraction, detail=detail)

    def __enter__(self) -> BacktestProgressBar:
        super().__enter__()
        return self


class SweepProgressBar(_Bar):
    """An optimization: ``[#####.....]  12/40  best Sharpe Ratio 1.07  0:00:09 elapsed, 0:00:21 left``."""

    def __init__(self, stream: TextIO, total: int) -> None:
        super().__init__(stream, BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[detail]}"),
                         _RateColumn(), TimeElapsedColumn(),
                         TimeRemainingColumn(), total=total, description="optimization")

    def show(self, done: int, total: int, detail: str) -> None:
        self._update(completed=done, total=max(total, done), detail=detail)

    def __enter__(self) -> SweepProgressBar:
        super().__enter__()
        return self
