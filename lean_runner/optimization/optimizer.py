"""``ParameterOptimizer``: runs a search's batches of child backtests and writes lean-cli's optimization folder.

``<project>/optimizations/<YYYY-MM-DD_HH-MM-SS>/`` holds, as ``lean optimize`` leaves it:

- ``optimizer-config.json`` — strategy, ``optimization-criterion``, ``parameters``, ``constraints``;
- ``config`` — ``{"id": <optimization id>}``;
- ``code/`` — the project's code, once, read by every child;
- ``<backtest-id>/`` — one normal LEAN result folder per child (``<backtest-id>.json`` ...);
- ``log.txt`` — a line per child, and the optimal one as
  ``Optimal ParameterSet: (name:value,...) backtestId '<id>'`` (the line lean-cli reads);

and ``optimization.json``, the workbench's summary: every child's parameters, status,
statistics and target value, the best child (``"best": true``), the stability around it and
the warnings.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lean_runner.optimization.children import ChildExecutor, ChildJob, ChildOutcome, SweepContext
from lean_runner.optimization.errors import OptimizationSpecError
from lean_runner.optimization.parameters import check_declared, declared_parameters
from lean_runner.optimization.search import PointKey, point_key
from lean_runner.optimization.spec import OptimizationSpec
from lean_runner.optimization.stability import Stability, measure_stability, result_warnings
from lean_runner.results_index.metadata import CODE_FOLDER, copy_project_code

SUMMARY_FILE = "optimization.json"
OPTIMIZER_CONFIG_FILE = "optimizer-config.json"
TERMINAL_STATUSES = ("completed", "failed", "cancelled")


@dataclass
class ChildResult:
    """One child as the summary records it."""

    backtest_id: str
    parameters: dict[str, str]
    status: str
    statistics: dict[str, str] = field(default_factory=dict)
    target_value: float | None = None
    meets_constraints: bool = False
    error: str | None = None
    best: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"backtest_id": self.backtest_id, "parameters": self.parameters, "status": self.status,
                "statistics": self.statistics, "target_value": self.target_value,
                "meets_constraints": self.meets_constraints, "error": self.error, "best": self.best}


@dataclass
class OptimizationResult:
    """The outcome of one optimization (what ``optimization.json`` holds)."""

    optimization_id: str
    folder: Path
    spec: OptimizationSpec
    status: str = "running"
    children: list[ChildResult] = field(default_factory=list)
    stability: Stability | None = None
    warnings: list[str] = field(default_factory=list)
    started_at: str = ""
    finished_at: str | None = None
    error: str | None = None

    @property
    def best(self) -> ChildResult | None:
        return next((c for c in self.children if c.best), None)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.children if c.status == "failed")

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {"optimization_id": self.optimization_id, "name": self.folder.name, "status": self.status,
                "spec": self.spec.to_dict(), "started_at": self.started_at, "finished_at": self.finished_at,
                "error": self.error, "total": len(self.children), "failed": self.failed,
                "best": best.to_dict() if best else None,
                "stability": self.stability.to_dict() if self.stability else None, "warnings": self.warnings,
                "children": [c.to_dict() for c in self.children]}


@dataclass(frozen=True)
class OptimizationEvent:
    """Progress of an optimization: ``kind`` is ``started``, ``child`` (one child ended) or a terminal status."""

    optimization_id: str
    kind: str
    done: int
    total: int
    failed: int
    best: dict[str, Any] | None = None
    child: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": f"optimization_{self.kind}", "optimization_id": self.optimization_id, "done": self.done,
                "total": self.total, "failed": self.failed, "best": self.best, "child": self.child,
                "error": self.error}


OnEvent = Callable[[OptimizationEvent], None]


class ParameterOptimizer:
    """Runs optimizations on ``executor`` (the local warm pool, process per run, or a Dask cluster).

    Example::

        optimizer = ParameterOptimizer(executor=LocalChildExecutor(LocalRunner(), max_concurrent=2),
                                       data_folder=Path("data"))
        result = optimizer.run(spec, project=Path("test-project"),
                               folder=new_result_folder(Path("test-project/optimizations")))
        result.best.parameters     # {'ema-fast': '10', 'ema-slow': '60'}
    """

    def __init__(self, *, executor: ChildExecutor, data_folder: Path, cache_folder: Path | None = None,
                 child_timeout: float | None = None, stop_timeout: float = 10.0) -> None:
        self.executor = executor
        self._data_folder = data_folder.resolve()
        self._cache_folder = cache_folder
        self._child_timeout = child_timeout
        self._stop_timeout = stop_timeout

    def check(self, spec: OptimizationSpec, project: Path) -> None:
        """Raise OptimizationSpecError when the strategy is missing or does not declare the parameters."""
        path = (project / spec.algorithm).resolve()
        if not spec.algorithm or not path.is_relative_to(project.resolve()) or not path.is_file() \
                or path.suffix not in (".py", ".json"):
            raise OptimizationSpecError(f"'{spec.algorithm}' is not a .py strategy or DSL spec (.json) in "
                                        f"{project}", details=[{"path": "algorithm", "message": "not found"}])
        check_declared(spec.parameters, declared_parameters(project, spec.algorithm), spec.algorithm)

    def run(self, spec: OptimizationSpec, *, project: Path, folder: Path, on_event: OnEvent | None = None,
            cancel: threading.Event | None = None) -> OptimizationResult:
        """Run the whole search; the result is also written to ``folder/optimization.json``."""
        self.check(spec, project)
        cancel = cancel or threading.Event()
        notify = on_event or (lambda event: None)
        result = OptimizationResult(optimization_id=optimization_id_of(folder), folder=folder, spec=spec,
                                    started_at=_now())
        context = self.prepare_folder(spec, project, folder)
        log = _OptimizerLog(folder / "log.txt")
        _write_summary(result)
        notify(OptimizationEvent(result.optimization_id, "started", 0, spec.grid_size, 0))
        search = spec.new_search()
        losses: dict[PointKey, float | None] = {}
        lock = threading.Lock()
        taken = {p.name for p in folder.iterdir()}
        try:
            while not cancel.is_set():
                batch = search.next_batch(losses)
                if not batch:
                    break
                jobs = [ChildJob(_new_child_id(taken), {**spec.fixed_parameters, **point}, spec.window)
                        for point in batch]
                planned = len(result.children) + len(jobs)

                def on_done(outcome: ChildOutcome, planned: int = planned) -> None:
                    child = _judge_child(outcome, spec)
                    with lock:
                        result.children.append(child)
                        varied = {r.name: child.parameters[r.name] for r in spec.parameters}
                        losses[point_key(varied)] = (spec.target.sort_key(child.target_value)
                                                     if child.meets_constraints and child.target_value is not None
                                                     else None)
                        log.child(child)
                        best = _best_child(result.children, spec)
                        event = OptimizationEvent(result.optimization_id, "child", len(result.children),
                                                  max(planned, spec.grid_size if spec.strategy_name == "Grid Search"
                                                      else planned), result.failed,
                                                  best=best.to_dict() if best else None, child=child.to_dict())
                    notify(event)

                self.executor.run(context, jobs, on_done, cancel)
            result.status = "cancelled" if cancel.is_set() else "completed"
        except Exception as error:
            result.status, result.error = "failed", f"{type(error).__name__}: {error}"
            raise
        finally:
            self._finish(result, spec, losses, log)
            best = result.best
            notify(OptimizationEvent(result.optimization_id, result.status, len(result.children),
                                     len(result.children), result.failed, best=best.to_dict() if best else None,
                                     error=result.error))
        return result

    def prepare_folder(self, spec: OptimizationSpec, project: Path, folder: Path) -> SweepContext:
        """Write the folder's code snapshot, ``optimizer-config.json`` and ``config``; the children's context."""
        folder.mkdir(parents=True, exist_ok=True)
        code = folder / CODE_FOLDER
        with tempfile.TemporaryDirectory(prefix="workbench-code-") as staging:
            # Copied outside first: an output folder inside the project would otherwise copy into itself.
            copy_project_code(project, Path(staging) / CODE_FOLDER)
            shutil.copytree(Path(staging) / CODE_FOLDER, code, dirs_exist_ok=True)
        algorithm = code / spec.algorithm
        if algorithm.suffix == ".json":
            algorithm = _compile_dsl(project, spec.algorithm, code)
        (folder / OPTIMIZER_CONFIG_FILE).write_text(json.dumps(spec.optimizer_config(), indent=4) + "\n",
                                                    encoding="utf-8")
        (folder / "config").write_text(json.dumps({"id": int(optimization_id_of(folder))}, indent=4) + "\n",
                                       encoding="utf-8")
        storage = project.resolve() / "storage"
        storage.mkdir(parents=True, exist_ok=True)
        if self._cache_folder is not None:
            self._cache_folder.mkdir(parents=True, exist_ok=True)
        return SweepContext(folder=folder.resolve(), code_folder=code.resolve(), algorithm=algorithm.resolve(),
                            data_folder=self._data_folder, storage_folder=storage,
                            cache_folder=self._cache_folder.resolve() if self._cache_folder else None,
                            child_timeout=spec.child_timeout or self._child_timeout, stop_timeout=self._stop_timeout)

    def _finish(self, result: OptimizationResult, spec: OptimizationSpec, losses: Mapping[PointKey, float | None],
                log: _OptimizerLog) -> None:
        best = _best_child(result.children, spec)
        if best is not None:
            best.best = True
            assert best.target_value is not None
            values = {key: (None if loss is None else spec.target.sort_key(loss)) for key, loss in losses.items()}
            varied = {r.name: best.parameters[r.name] for r in spec.parameters}
            result.stability = measure_stability(varied, best.target_value, spec.parameters, values, spec.target)
            log.optimal(best, spec)
        result.warnings = result_warnings(result.stability, failed=result.failed, total=len(result.children))
        result.finished_at = _now()
        log.close(result)
        _write_summary(result)


def with_window(spec: OptimizationSpec, window: Mapping[str, Any]) -> OptimizationSpec:
    """``spec`` over another period (walk-forward's in-sample windows)."""
    return replace(spec, window={**spec.window, **window})


def optimization_id_of(folder: Path) -> str:
    """A stable 10-digit id for an optimization folder (lean-cli's ``config`` id), from its name."""
    existing = folder / "config"
    if existing.is_file():
        try:
            return str(json.loads(existing.read_text(encoding="utf-8"))["id"])
        except (ValueError, KeyError, TypeError):
            pass
    return "2" + str(abs(hash_text(folder.name)) % 10**9).zfill(9)


def hash_text(text: str) -> int:
    import hashlib

    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


def read_summary(folder: Path) -> dict[str, Any]:
    """An optimization folder's ``optimization.json``."""
    return json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))


def _judge_child(outcome: ChildOutcome, spec: OptimizationSpec) -> ChildResult:
    child = ChildResult(backtest_id=outcome.job.backtest_id, parameters=dict(outcome.job.parameters),
                        status=outcome.status, statistics=dict(outcome.statistics), error=outcome.error)
    if outcome.status == "completed":
        child.target_value = spec.target.value(outcome.statistics)
        child.meets_constraints = child.target_value is not None and all(
            c.holds(outcome.statistics) for c in spec.constraints)
    return child


def _best_child(children: list[ChildResult], spec: OptimizationSpec) -> ChildResult | None:
    ranked = [c for c in children if c.meets_constraints and c.target_value is not None]
    if not ranked:
        return None
    # Ties go to the child that ran first (the grid's order), so a sweep's best is reproducible.
    return min(ranked, key=lambda c: spec.target.sort_key(c.target_value or 0.0))


def _new_child_id(taken: set[str]) -> str:
    while True:
        candidate = "1" + "".join(random.choice("0123456789") for _ in range(9))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _compile_dsl(project: Path, spec_path: str, code: Path) -> Path:
    from lean_runner.dsl import SpecError, UniverseLibrary, compile_spec

    spec = json.loads((project / spec_path).read_text(encoding="utf-8"))
    try:
        source = compile_spec(spec, universes=UniverseLibrary(project / "universes"))
    except SpecError as error:
        raise OptimizationSpecError(f"{spec_path} does not compile: {error}") from error
    target = code / (Path(spec_path).stem + "_compiled.py")
    target.write_text(source, encoding="utf-8")
    return target


def _write_summary(result: OptimizationResult) -> None:
    path = result.folder / SUMMARY_FILE
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class _OptimizerLog:
    """The optimization's ``log.txt``: a line per child and the optimal parameter set."""

    def __init__(self, path: Path) -> None:
        self._stream = path.open("a", encoding="utf-8")

    def _write(self, text: str) -> None:
        now = datetime.now()
        self._stream.write(f"{now:%Y%m%d %H:%M:%S}.{now.microsecond // 1000:03d} TRACE:: {text}\n")
        self._stream.flush()

    def child(self, child: ChildResult) -> None:
        values = ", ".join(f"{k}={v}" for k, v in child.parameters.items())
        ending = f"target {child.target_value}" if child.status == "completed" else (child.error or "")
        self._write(f"Optimizer: backtest {child.backtest_id} ({values}) {child.status}: {ending}")

    def optimal(self, best: ChildResult, spec: OptimizationSpec) -> None:
        values = ",".join(f"{r.name}:{best.parameters[r.name]}" for r in spec.parameters)
        self._write(f"Optimization completed. Optimal ParameterSet: ({values}) backtestId '{best.backtest_id}' "
                    f"{spec.target.statistic} {best.target_value}")

    def close(self, result: OptimizationResult) -> None:
        self._write(f"Optimizer: {result.status}, {len(result.children)} backtests, {result.failed} failed")
        self._stream.close()
