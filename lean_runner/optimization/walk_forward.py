"""Walk-forward analysis: optimize on each in-sample window, then run the chosen parameters on the next one.

The period is cut into ``folds + in_sample_segments`` contiguous segments of (nearly) equal
length. Fold *k* optimizes over segments *k* … *k + in_sample_segments − 1* and runs its best
parameters over the segment right after them, so the out-of-sample windows are contiguous and
together cover the end of the period. Each out-of-sample run starts with the cash the previous
one ended with, so their equity curves join into one stitched out-of-sample curve.

The folder (``optimizations/<timestamp>/``) holds ``fold-<k>/`` (each an optimization folder of
its own), one result folder per out-of-sample run and ``walk-forward.json``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lean_runner.engine.results.reader import ResultFolderError, read_result_folder
from lean_runner.optimization.children import ChildJob, ChildOutcome
from lean_runner.optimization.errors import OptimizationSpecError
from lean_runner.optimization.optimizer import OnEvent, ParameterOptimizer, with_window
from lean_runner.optimization.spec import OptimizationSpec
from lean_runner.optimization.stability import result_warnings
from lean_runner.optimization.targets import statistic_value

WALK_FORWARD_FILE = "walk-forward.json"
DEFAULT_CASH = 100_000.0


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def to_config(self) -> dict[str, str]:
        return {"start-date": self.start.isoformat(), "end-date": self.end.isoformat()}


@dataclass(frozen=True)
class Fold:
    number: int
    in_sample: Window
    out_of_sample: Window


def split_walk_forward(start: date, end: date, *, folds: int, in_sample_segments: int = 2) -> list[Fold]:
    """The folds of ``start``..``end`` (both included).

    Example: 2012-01-01..2014-12-31 with 2 folds and 2 in-sample segments is four segments of
    about nine months; fold 1 optimizes over the first two and tests on the third.
    """
    if folds < 1 or in_sample_segments < 1:
        raise OptimizationSpecError("walk-forward needs at least 1 fold and 1 in-sample segment",
                                    details=[{"path": "walk_forward.folds", "message": "must be >= 1"}])
    segments = folds + in_sample_segments
    days = (end - start).days + 1
    if days < segments * 5:
        raise OptimizationSpecError(f"{start}..{end} is too short for {segments} segments of at least 5 days",
                                    details=[{"path": "walk_forward", "message": "lengthen the period"}])
    cuts = [start + timedelta(days=round(days * index / segments)) for index in range(segments + 1)]
    bounds = [Window(cuts[i], cuts[i + 1] - timedelta(days=1)) for i in range(segments)]
    return [Fold(k + 1, Window(bounds[k].start, bounds[k + in_sample_segments - 1].end),
                 bounds[k + in_sample_segments]) for k in range(folds)]


@dataclass
class FoldResult:
    fold: Fold
    optimization: str
    parameters: dict[str, str] | None
    in_sample_statistics: dict[str, str] = field(default_factory=dict)
    out_of_sample_id: str | None = None
    out_of_sample_status: str | None = None
    out_of_sample_statistics: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"fold": self.fold.number, "in_sample": self.fold.in_sample.to_config(),
                "out_of_sample": self.fold.out_of_sample.to_config(), "optimization": self.optimization,
                "parameters": self.parameters, "in_sample_statistics": self.in_sample_statistics,
                "out_of_sample_backtest_id": self.out_of_sample_id, "out_of_sample_status": self.out_of_sample_status,
                "out_of_sample_statistics": self.out_of_sample_statistics, "error": self.error}


@dataclass
class WalkForwardResult:
    folder: Path
    status: str
    folds: list[FoldResult]
    stitched_equity: list[tuple[float, float]]
    warnings: list[str]

    def mean_statistic(self, name: str, *, out_of_sample: bool) -> float | None:
        values = [statistic_value((f.out_of_sample_statistics if out_of_sample else f.in_sample_statistics).get(name))
                  for f in self.folds]
        numbers = [v for v in values if v is not None]
        return sum(numbers) / len(numbers) if numbers else None

    def to_dict(self) -> dict[str, Any]:
        equity = [value for _, value in self.stitched_equity]
        peak, drawdown = float("-inf"), 0.0
        for value in equity:
            peak = max(peak, value)
            drawdown = max(drawdown, 1 - value / peak if peak > 0 else 0.0)
        return {"name": self.folder.name, "status": self.status, "folds": [f.to_dict() for f in self.folds],
                "in_sample_mean_sharpe": self.mean_statistic("Sharpe Ratio", out_of_sample=False),
                "out_of_sample_mean_sharpe": self.mean_statistic("Sharpe Ratio", out_of_sample=True),
                "out_of_sample_net_return": (equity[-1] / equity[0] - 1) if len(equity) > 1 else None,
                "out_of_sample_max_drawdown": drawdown if equity else None,
                "stitched_equity": [[t, v] for t, v in self.stitched_equity], "warnings": self.warnings}


def run_walk_forward(optimizer: ParameterOptimizer, spec: OptimizationSpec, *, project: Path, folder: Path,
                     start: date, end: date, folds: int, in_sample_segments: int = 2,
                     on_event: OnEvent | None = None, cancel: threading.Event | None = None) -> WalkForwardResult:
    """Optimize every in-sample window, run each fold's best on its out-of-sample window, stitch those."""
    cancel = cancel or threading.Event()
    plan = split_walk_forward(start, end, folds=folds, in_sample_segments=in_sample_segments)
    context = optimizer.prepare_folder(spec, project, folder)
    cash = float(spec.window.get("cash") or DEFAULT_CASH)
    results: list[FoldResult] = []
    stitched: list[tuple[float, float]] = []
    status = "completed"
    for fold in plan:
        if cancel.is_set():
            status = "cancelled"
            break
        optimization = optimizer.run(with_window(spec, fold.in_sample.to_config()),
                                     project=project, folder=folder / f"fold-{fold.number}", on_event=on_event,
                                     cancel=cancel)
        best = optimization.best
        outcome = FoldResult(fold, optimization.folder.name, best.parameters if best else None,
                             dict(best.statistics) if best else {})
        results.append(outcome)
        if best is None:
            outcome.error = "no in-sample backtest met the constraints"
            continue
        job = ChildJob(f"oos-{fold.number}", best.parameters, {**fold.out_of_sample.to_config(), "cash": cash})
        ended: list[ChildOutcome] = []
        optimizer.executor.run(context, [job], ended.append, cancel)
        outcome.out_of_sample_id, outcome.out_of_sample_status = job.backtest_id, ended[0].status
        outcome.out_of_sample_statistics, outcome.error = dict(ended[0].statistics), ended[0].error
        curve = _equity_curve(context.child_folder(job))
        if ended[0].status != "completed" or not curve:
            continue
        stitched.extend(curve)
        cash = curve[-1][1]
    result = WalkForwardResult(folder, status, results, stitched, [])
    result.warnings = result_warnings(None, in_sample_sharpe=result.mean_statistic("Sharpe Ratio", out_of_sample=False),
                                      out_of_sample_sharpe=result.mean_statistic("Sharpe Ratio", out_of_sample=True))
    (folder / WALK_FORWARD_FILE).write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result


def _equity_curve(folder: Path) -> list[tuple[float, float]]:
    try:
        return read_result_folder(folder).equity_curve()
    except ResultFolderError:
        return []
