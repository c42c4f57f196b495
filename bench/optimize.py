"""Benchmark a parameter sweep: a new engine process per backtest, the warm pool, and backtesting.py's optimize.

``python bench/optimize.py [--fast-values 5:50:5] [--slow-values 60:240:20] [--start 2010-01-01] [--end 2014-12-31]
[--workers N] [--launches 5] [--json out.json]`` runs, in one go, the same 100-point grid of the EMA crossover
(``test-project/ema_crossover.py``) on SPY daily data from ``../shared/lean-data``:

(a) one new ``python -m lean_runner.engine`` process per backtest, as lean-cli starts a container per backtest;
(b) the warm engine pool (each backtest forked from a server that has the engine imported);
(c) backtesting.py's ``Backtest.optimize`` over the same bars and grid (its own multiprocessing);

(a) and (b) go through the workbench's optimizer (``ParameterOptimizer``), ``--workers`` backtests at once
(default: the CPU count), writing every child's LEAN result folder. It prints backtests per second and the
ratios, and the time from launching one backtest to its first progress line, cold process against warm worker
(median of ``--launches``). Not a test: figures depend on the machine (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from backtesting import Backtest, Strategy

from lean_runner.engine.data.reader import LeanDataReader
from lean_runner.optimization import (
    LocalChildExecutor,
    OptimizationSpec,
    ParameterOptimizer,
    ParameterRange,
    Target,
)
from lean_runner.optimization.children import ChildJob, child_plan
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work" / "optimize"
DATA = REPO.parent / "shared" / "lean-data"
CASH = 100_000.0


@dataclass
class SweepMeasurement:
    label: str
    backtests: int
    seconds: float
    failed: int = 0
    best: str = ""

    @property
    def per_second(self) -> float:
        return self.backtests / self.seconds


def value_range(text: str) -> tuple[int, int, int]:
    low, high, step = (int(part) for part in text.split(":"))
    return low, high, step


def prepare_project() -> Path:
    project = WORK / "project"
    shutil.rmtree(WORK, ignore_errors=True)
    project.mkdir(parents=True)
    shutil.copy(REPO / "test-project" / "ema_crossover.py", project)
    shutil.copy(REPO / "test-project" / "config.json", project)
    return project


def engine_sweep(label: str, runner: LocalRunner, spec: OptimizationSpec, project: Path, workers: int,
                 cache: Path) -> SweepMeasurement:
    optimizer = ParameterOptimizer(executor=LocalChildExecutor(runner, max_concurrent=workers), data_folder=DATA,
                                   cache_folder=cache)
    started = time.perf_counter()
    result = optimizer.run(spec, project=project, folder=project / "optimizations" / label.split()[0])
    seconds = time.perf_counter() - started
    best = result.best
    return SweepMeasurement(label, len(result.children), seconds, result.failed,
                            f"{best.parameters} Sharpe {best.target_value}" if best else "none")


def _ema(values: npt.NDArray[np.float64], span: int) -> npt.NDArray[np.float64]:
    return pd.Series(values).ewm(span=span, adjust=False, min_periods=span).mean().to_numpy()


class EmaCross(Strategy):
    """The crossover in backtesting.py: long while EMA(fast) > EMA(slow), flat otherwise (module level: its
    optimize pickles the strategy to its worker processes)."""

    fast = 10
    slow = 50

    def init(self) -> None:
        self.fast_ema = self.I(_ema, self.data.Close, self.fast)
        self.slow_ema = self.I(_ema, self.data.Close, self.slow)

    def next(self) -> None:
        if self.fast_ema[-1] > self.slow_ema[-1]:
            if not self.position:
                self.buy()
        elif self.position:
            self.position.close()


def fast_below_slow(parameters: Any) -> bool:
    return bool(parameters.fast < parameters.slow)


def backtesting_sweep(fast: tuple[int, int, int], slow: tuple[int, int, int], start: date, end: date,
                      cache: Path) -> SweepMeasurement:
    """backtesting.py's Backtest.optimize over the same daily SPY bars (split- and dividend-adjusted by the reader)."""
    bars = LeanDataReader(DATA, cache).trade_bars("SPY", "daily", start, end)
    frame = pd.DataFrame({"Open": bars.open, "High": bars.high, "Low": bars.low, "Close": bars.close,
                          "Volume": bars.volume}, index=pd.DatetimeIndex(pd.to_datetime(bars.time, unit="ns")))

    backtest = Backtest(frame, EmaCross, cash=CASH, commission=0, trade_on_close=True, finalize_trades=True)
    grid = {"fast": range(fast[0], fast[1] + 1, fast[2]), "slow": range(slow[0], slow[1] + 1, slow[2])}
    started = time.perf_counter()
    stats, heatmap = backtest.optimize(**grid, maximize="Sharpe Ratio", return_heatmap=True,
                                       constraint=fast_below_slow)
    seconds = time.perf_counter() - started
    strategy = stats["_strategy"]
    return SweepMeasurement("(c) backtesting.py optimize", len(heatmap), seconds, 0,
                            f"fast={strategy.fast} slow={strategy.slow} Sharpe {stats['Sharpe Ratio']:.3f}")


def first_progress(runner: LocalRunner, project: Path, spec: OptimizationSpec, label: str, cache: Path) -> float:
    """Seconds from ``runner.start`` to the run's first PROGRESS line (the run is then stopped)."""
    optimizer = ParameterOptimizer(executor=LocalChildExecutor(runner, max_concurrent=1), data_folder=DATA,
                                   cache_folder=cache)
    context = optimizer.prepare_folder(spec, project, project / "optimizations" / f"launch-{label}")
    job = ChildJob(f"launch-{time.monotonic_ns()}", {"ema-fast": "10", "ema-slow": "50"})
    context.child_folder(job).mkdir(parents=True)
    plan = child_plan(context, job)
    seen = threading.Event()
    plan = type(plan)(**{**plan.__dict__, "progress_interval": 0.05})

    def on_line(line: str) -> None:
        if "PROGRESS::" in line:
            seen.set()

    started = time.perf_counter()
    handle = runner.start(plan, on_line)
    seen.wait(120)
    seconds = time.perf_counter() - started
    handle.stop(5)
    handle.cleanup()
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast-values", type=value_range, default=(5, 50, 5), help="ema-fast min:max:step")
    parser.add_argument("--slow-values", type=value_range, default=(60, 240, 20), help="ema-slow min:max:step")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2010, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2014, 12, 31))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--launches", type=int, default=5, help="single launches timed, cold and warm")
    parser.add_argument("--skip-cold", action="store_true", help="skip (a), the slow one")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"error: no LEAN data at {DATA}", file=sys.stderr)
        return 2
    project = prepare_project()
    cache = WORK / "parse-cache"
    fast, slow = args.fast_values, args.slow_values
    spec = OptimizationSpec(
        algorithm="ema_crossover.py", target=Target("Sharpe Ratio"),
        window={"start-date": args.start.isoformat(), "end-date": args.end.isoformat()},
        parameters=[ParameterRange("ema-fast", *fast), ParameterRange("ema-slow", *slow)])
    print(f"{spec.grid_size}-point grid of the EMA crossover on SPY daily {args.start}..{args.end}, "
          f"{args.workers} at once, load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)
    engine_sweep("warm-up", LocalRunner(), OptimizationSpec(  # fills the parse cache (not timed)
        algorithm="ema_crossover.py", target=Target("Sharpe Ratio"), window=spec.window,
        parameters=[ParameterRange("ema-fast", 10, 10, 1)]), project, 1, cache)
    sweeps: list[SweepMeasurement] = []
    pool = WarmEnginePool(data_folder=DATA)
    try:
        started = time.perf_counter()
        pool.warm_up()
        server_start = time.perf_counter() - started
        sweeps.append(engine_sweep("(b) warm pool", LocalRunner(warm_pool=pool), spec, project, args.workers, cache))
        print(f"  {sweeps[-1].label}: {sweeps[-1].seconds:.1f} s", flush=True)
        if not args.skip_cold:
            sweeps.insert(0, engine_sweep("(a) process per backtest", LocalRunner(), spec, project, args.workers,
                                          cache))
            print(f"  {sweeps[0].label}: {sweeps[0].seconds:.1f} s", flush=True)
        sweeps.append(backtesting_sweep(fast, slow, args.start, args.end, cache))
        print(f"  {sweeps[-1].label}: {sweeps[-1].seconds:.1f} s", flush=True)
        cold = [first_progress(LocalRunner(), project, spec, f"cold-{i}", cache) for i in range(args.launches)]
        warm = [first_progress(LocalRunner(warm_pool=pool), project, spec, f"warm-{i}", cache)
                for i in range(args.launches)]
    finally:
        pool.close()
    by_label = {s.label[:3]: s for s in sweeps}
    print()
    width = max(len(s.label) for s in sweeps)
    print(f"{'mode'.ljust(width)}  backtests  seconds  backtests/s  failed  best")
    for s in sweeps:
        print(f"{s.label.ljust(width)}  {s.backtests:9d}  {s.seconds:7.2f}  {s.per_second:11.2f}  {s.failed:6d}  "
              f"{s.best}")
    ratios: dict[str, float] = {}
    warm_rate = by_label["(b)"].per_second
    if "(a)" in by_label:
        ratios["warm pool / process per backtest"] = warm_rate / by_label["(a)"].per_second
    ratios["warm pool / backtesting.py"] = warm_rate / by_label["(c)"].per_second
    for name, value in ratios.items():
        print(f"{name}: {value:.2f}x")
    launch = {"cold_median_s": statistics.median(cold), "warm_median_s": statistics.median(warm),
              "warm_server_start_s": server_start}
    print(f"launch -> first progress line: cold process {launch['cold_median_s']:.3f} s, warm worker "
          f"{launch['warm_median_s']:.3f} s (median of {args.launches}); the warm server started in "
          f"{server_start:.2f} s, once")
    if args.json:
        args.json.write_text(json.dumps({"sweeps": [asdict(s) | {"per_second": s.per_second} for s in sweeps],
                                         "ratios": ratios, "launch": launch, "cold": cold, "warm": warm,
                                         "grid": spec.grid_size, "workers": args.workers}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())


