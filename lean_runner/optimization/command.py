"""``workbench optimize``: lean-cli's ``lean optimize`` flags, run on the warm engine pool (or a Dask cluster).

    workbench optimize PROJECT_OR_FILE --strategy "Grid Search" --target "Sharpe Ratio" --target-direction max
        --parameter ema-fast 5 20 5 --parameter ema-slow 30 90 10 --constraint "Drawdown < 0.25"
        [--max-concurrent-backtests N] [--output DIR] [--optimizer-config FILE] [--start-date D --end-date D]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import TextIO

from lean_runner.optimization.errors import OptimizationSpecError
from lean_runner.optimization.optimizer import OptimizationEvent
from lean_runner.optimization.parameters import spec_parameter_ranges
from lean_runner.optimization.spec import LEAN_STRATEGY_TYPES
from lean_runner.progress_bar import SweepProgressBar
from lean_runner.runners.errors import BacktestRunError
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.warm_pool import WarmEnginePool
from lean_runner.services import models
from lean_runner.services.optimizations import OptimizationService
from lean_runner.settings import Settings


def add_optimize_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``workbench optimize`` (lean-cli's names, plus the workbench's window and data folder)."""
    parser.add_argument("project", type=Path, help="the project folder (its main.py) or the strategy file "
                                                   "(.py, or a DSL spec .json) to optimize")
    parser.add_argument("--output", type=Path, help="result folder (default: <project>/optimizations/<timestamp>)")
    parser.add_argument("--optimizer-config", type=Path, help="a lean-cli optimizer-config.json to read the "
                                                              "strategy, target, parameters and constraints from")
    parser.add_argument("--strategy", choices=["Grid Search", "Euler Search"], type=_strategy_name,
                        help="the optimization strategy (default: Grid Search)")
    parser.add_argument("--target", help="the target statistic, e.g. 'Sharpe Ratio' (default) or 'Drawdown'")
    parser.add_argument("--target-direction", choices=["min", "max"], type=str.lower,
                        help="whether the target must be minimized or maximized (default: max)")
    parser.add_argument("--parameter", nargs=4, action="append", default=[], metavar=("NAME", "MIN", "MAX", "STEP"),
                        help="a parameter to vary (repeatable); a DSL spec's declared ranges when none is given")
    parser.add_argument("--constraint", action="append", default=[],
                        help="'statistic operator value', e.g. 'Drawdown < 0.25' (repeatable)")
    parser.add_argument("--max-concurrent-backtests", type=int, default=0,
                        help="backtests at once (default: WORKBENCH_MAX_CONCURRENT, 0 = the CPU count)")
    parser.add_argument("--data-folder", type=Path, help="LEAN data folder (default: WORKBENCH_DATA_FOLDER)")
    parser.add_argument("--start-date", help="first day of every backtest, YYYY-MM-DD (default: the algorithm's)")
    parser.add_argument("--end-date", help="last day of every backtest, YYYY-MM-DD (default: the algorithm's)")
    parser.add_argument("--child-timeout", type=float, help="seconds before a backtest is stopped and counted failed")


def _strategy_name(text: str) -> str:
    wanted = text.strip().lower()
    return next((name for name in LEAN_STRATEGY_TYPES if name.lower() == wanted), text)


def optimize_command(args: argparse.Namespace, settings: Settings, *, out: TextIO = sys.stdout,
                     err: TextIO = sys.stderr) -> int:
    """Run the optimization with a progress bar; 0 when a best point was found, 1 when none, 2 for bad input."""
    target = args.project.expanduser().resolve()
    algorithm = target / "main.py" if target.is_dir() else target
    if not algorithm.is_file():
        err.write(f"error: no strategy at {algorithm}\n")
        return 2
    project = algorithm.parent
    try:
        request = _request(args, algorithm)
    except (OptimizationSpecError, ValueError, OSError) as error:
        err.write(f"error: {error}\n")
        return 2
    with WarmEnginePool(data_folder=settings.data_folder) as pool:
        service = OptimizationService(project=project, data_folder=settings.data_folder,
                                      cache_folder=settings.cache_folder,
                                      runner=LocalRunner(memory_limit=settings.docker_memory or None, warm_pool=pool),
                                      max_concurrent=settings.max_concurrent, dask_scheduler=settings.dask_scheduler,
                                      dask_data_folder=settings.dask_data_folder,
                                      child_timeout=args.child_timeout or settings.run_timeout or None,
                                      stop_timeout=settings.stop_timeout)
        cancel = threading.Event()
        try:
            total = service.spec_of(request).grid_size
            with SweepProgressBar(err, total) as bar:
                def show(event: OptimizationEvent) -> None:
                    best = event.best
                    detail = f"best {request.target} {best['target_value']}" if best else ""
                    bar.show(event.done, event.total, f"{detail}  {event.failed} failed" if event.failed else detail)
                    child = event.child
                    if child and child["status"] != "completed":
                        bar.message(f"backtest {child['backtest_id']} {child['parameters']} {child['status']}: "
                                    f"{child['error']}")

                try:
                    detail = service.run(request, on_event=show, cancel=cancel, folder=args.output)
                except KeyboardInterrupt:
                    cancel.set()
                    err.write("\nCancelled: the running backtests were stopped.\n")
                    return 130
        except BacktestRunError as error:
            err.write(f"error: {error.message}\n")
            for problem in error.details:
                err.write(f"  {problem['path']}: {problem['message']}\n")
            return 2
    _report(detail, out, args.output.resolve() if args.output else project / "optimizations" / detail.name)
    return 0 if detail.best is not None else 1


def _request(args: argparse.Namespace, algorithm: Path) -> models.CreateOptimizationRequest:
    config: dict = {}
    if args.optimizer_config is not None:
        config = json.loads(args.optimizer_config.read_text(encoding="utf-8"))
    ranges = [{"name": n, "min": float(lo), "max": float(hi), "step": float(st)} for n, lo, hi, st in args.parameter]
    ranges = ranges or list(config.get("parameters") or [])
    if not ranges and algorithm.suffix == ".json":
        ranges = [r.to_dict() for r in spec_parameter_ranges(json.loads(algorithm.read_text(encoding="utf-8")))]
    if not ranges:
        raise OptimizationSpecError("give the parameters to vary: --parameter NAME MIN MAX STEP (repeatable)")
    criterion = config.get("optimization-criterion") or {}
    strategy = args.strategy or next((name for name, lean in LEAN_STRATEGY_TYPES.items()
                                      if lean == config.get("optimization-strategy")), "Grid Search")
    constraints = list(args.constraint) or [
        f"{c['target']} {_symbol(c['operator'])} {c['target-value']}" for c in config.get("constraints") or []]
    return models.CreateOptimizationRequest.model_validate(dict(
        algorithm=algorithm.name, strategy=strategy, target=args.target or criterion.get("target") or "Sharpe Ratio",
        target_direction=args.target_direction or criterion.get("extremum") or "max",
        parameters=[{k: r[k] for k in ("name", "min", "max", "step")} for r in ranges],
        constraints=constraints, max_concurrent=args.max_concurrent_backtests, start_date=args.start_date,
        end_date=args.end_date, child_timeout=args.child_timeout))


def _symbol(lean_operator: str) -> str:
    return {"less": "<", "lessOrEqual": "<=", "greater": ">", "greaterOrEqual": ">=", "equals": "==",
            "notEqual": "!="}.get(lean_operator, lean_operator)


def _report(detail: models.OptimizationDetail, out: TextIO, folder: Path) -> None:
    out.write(f"\n{detail.done} backtests, {detail.failed} failed ({detail.strategy}, {detail.target_direction} "
              f"{detail.target})\n")
    best = detail.best
    if best is None:
        out.write("No backtest met the constraints.\n")
    else:
        out.write("Optimal parameters: " + ", ".join(f"{k}: {v}" for k, v in best.parameters.items()) + "\n")
        width = max(len(name) for name in best.statistics) if best.statistics else 0
        out.write("\nSTATISTICS\n")
        for name, value in best.statistics.items():
            out.write(f"  {name.ljust(width)}  {value}\n")
    for warning in detail.warnings:
        out.write(f"\nWarning: {warning}\n")
    out.write(f"\nResults: {folder}\n")
