"""Walk-forward: the windows tile the period, and the stitched out-of-sample curve is the out-of-sample runs'."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from lean_runner.engine.results.reader import read_result_folder
from lean_runner.optimization import (
    LocalChildExecutor,
    OptimizationSpec,
    OptimizationSpecError,
    ParameterOptimizer,
    ParameterRange,
    Target,
)
from lean_runner.optimization.walk_forward import WALK_FORWARD_FILE, run_walk_forward, split_walk_forward
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool


@pytest.mark.parametrize(("start", "end", "folds", "segments"), [
    (date(2012, 1, 1), date(2014, 12, 31), 3, 2), (date(2013, 1, 1), date(2013, 12, 31), 2, 1),
    (date(2010, 3, 7), date(2011, 2, 1), 4, 3), (date(2020, 1, 1), date(2020, 2, 9), 1, 7)])
def test_walk_forward_windows_are_contiguous(start: date, end: date, folds: int, segments: int) -> None:
    plan = split_walk_forward(start, end, folds=folds, in_sample_segments=segments)
    assert len(plan) == folds
    day = timedelta(days=1)
    for fold in plan:
        assert fold.in_sample.start <= fold.in_sample.end < fold.out_of_sample.start <= fold.out_of_sample.end
        assert fold.in_sample.end + day == fold.out_of_sample.start
    for earlier, later in pairwise(plan):
        assert earlier.out_of_sample.end + day == later.out_of_sample.start
        assert earlier.in_sample.start < later.in_sample.start
    assert plan[-1].out_of_sample.end == end
    assert plan[0].in_sample.start == start
    lengths = [(f.out_of_sample.end - f.out_of_sample.start).days for f in plan]
    assert max(lengths) - min(lengths) <= 1


def test_a_period_too_short_for_its_folds_is_refused() -> None:
    with pytest.raises(OptimizationSpecError, match="too short"):
        split_walk_forward(date(2020, 1, 1), date(2020, 1, 10), folds=3)


def test_the_stitched_out_of_sample_curve_equals_the_out_of_sample_runs(sweep_project: Path, lean_data: Path,
                                                                       parse_cache: Path) -> None:
    spec = OptimizationSpec(algorithm="ema_crossover.py", target=Target("Sharpe Ratio"),
                            parameters=[ParameterRange("ema-fast", 5, 10, 5), ParameterRange("ema-slow", 20, 20, 10)])
    with WarmEnginePool(data_folder=lean_data) as pool:
        optimizer = ParameterOptimizer(executor=LocalChildExecutor(LocalRunner(warm_pool=pool), max_concurrent=2),
                                       data_folder=lean_data, cache_folder=parse_cache)
        result = run_walk_forward(optimizer, spec, project=sweep_project, folder=sweep_project / "optimizations" / "wf",
                                  start=date(2012, 1, 1), end=date(2013, 6, 30), folds=2, in_sample_segments=2)
    assert result.status == "completed" and len(result.folds) == 2
    stitched: list[tuple[float, float]] = []
    cash = 100_000.0
    for fold in result.folds:
        assert fold.parameters is not None and fold.out_of_sample_status == "completed"
        in_sample = read_result_folder(result.folder / fold.optimization / _best_id(result.folder / fold.optimization))
        assert in_sample.statistics == fold.in_sample_statistics
        assert in_sample.statistics["Start Equity"] == "100000"  # every in-sample window starts afresh
        assert fold.out_of_sample_id is not None
        run = read_result_folder(result.folder / fold.out_of_sample_id)
        assert run.statistics == fold.out_of_sample_statistics
        curve = run.equity_curve()
        assert curve[0][1] == pytest.approx(cash)  # each out-of-sample run starts where the previous one ended
        first_day = date.fromtimestamp(curve[0][0])
        assert abs((first_day - fold.fold.out_of_sample.start).days) <= 4
        stitched.extend(curve)
        cash = curve[-1][1]
    assert result.stitched_equity == stitched
    written = (result.folder / WALK_FORWARD_FILE).read_text()
    assert '"out_of_sample_mean_sharpe"' in written and '"stitched_equity"' in written


def _best_id(folder: Path) -> str:
    from lean_runner.optimization import read_summary

    best = read_summary(folder)["best"]
    assert best is not None
    return str(best["backtest_id"])
