"""Prepare one run's result folder (code copy, metadata) and the plan a runner executes; read how it ended."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from lean_runner.engine.launcher import ENGINE_VERSION
from lean_runner.results_index.index import read_entry
from lean_runner.results_index.metadata import (
    CODE_FOLDER,
    RunMetadata,
    copy_project_code,
    data_folder_checksum,
    read_metadata,
    write_metadata,
)
from lean_runner.runners.base import RunExit, Runner
from lean_runner.runners.container_spec import container_name
from lean_runner.runners.request import BacktestRequest, RunPlan
from lean_runner.store.models import BacktestRecord


@dataclass(frozen=True)
class PlanningContext:
    project: Path
    data_folder: Path
    cache_folder: Path | None
    progress_interval: float


def prepare_run(record: BacktestRecord, folder: Path, runner: Runner, context: PlanningContext) -> RunPlan:
    """Snapshot the project's code into ``folder/code``, write ``workbench.json``, and plan the run."""
    request = BacktestRequest.from_dict(record.request)
    algorithm = request.algorithm_path(context.project)
    code = folder / CODE_FOLDER
    copy_project_code(context.project, code)
    storage = context.project / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    if context.cache_folder is not None:
        context.cache_folder.mkdir(parents=True, exist_ok=True)
    image = runner.image_for(request.image)
    now = datetime.now(UTC)
    metadata = RunMetadata(
        backtest_id=record.id, algorithm_id=record.algorithm_id, strategy=record.strategy,
        algorithm=algorithm.relative_to(context.project.resolve()).as_posix(), request=record.request,
        engine=record.engine, image=image, image_id=runner.image_id(image) if image else None,
        container_name=container_name(record.id) if record.engine == "docker" else None,
        data_folder=str(context.data_folder), data_folder_checksum=data_folder_checksum(context.data_folder),
        created_at=record.created_at.astimezone(UTC).isoformat(), started_at=now.isoformat(),
        workbench_version=ENGINE_VERSION)
    write_metadata(folder, metadata)
    return RunPlan(
        backtest_id=record.id, algorithm_id=record.algorithm_id, project=context.project.resolve(),
        code_folder=code, algorithm=code / algorithm.relative_to(context.project.resolve()),
        data_folder=context.data_folder.resolve(), result_folder=folder, storage_folder=storage.resolve(),
        cache_folder=context.cache_folder.resolve() if context.cache_folder else None,
        parameters=dict(request.parameters), backtest_name=request.name, image=image,
        progress_interval=context.progress_interval, window=dict(request.window))


def record_engine_ref(folder: Path, engine_ref: str, engine: str) -> None:
    """Add the container id to ``workbench.json`` once the container exists."""
    metadata = read_metadata(folder)
    if metadata is not None and engine == "docker":
        write_metadata(folder, replace(metadata, container_id=engine_ref))


@dataclass(frozen=True)
class Outcome:
    """How a run ended, as the store records it."""

    status: str
    error: str | None
    statistics: dict[str, str]


def judge_outcome(exit_: RunExit, folder: Path | None, *, cancelled: bool, timed_out: float | None,
                  monitor_error: str | None, monitor_statistics: dict[str, str]) -> Outcome:
    """Completed, failed or cancelled, from the exit, the result files and the output lines.

    The result folder is the source of truth for statistics; the ``STATISTICS::`` lines are the
    fallback. A cancel that arrives after the run completed leaves it completed.
    """
    entry = read_entry(folder) if folder is not None and folder.is_dir() else None
    statistics = dict(entry.statistics) if entry and entry.statistics else dict(monitor_statistics)
    if exit_.exit_code == 0 and not timed_out:
        return Outcome("completed", None, statistics)
    if cancelled:
        return Outcome("cancelled", None, statistics)
    if timed_out:
        return Outcome("failed", f"timed out after {timed_out:g} s and was stopped", statistics)
    error = exit_.describe() if (exit_.signal or exit_.oom_killed) else None
    error = error or _runtime_error(folder) or monitor_error or exit_.describe()
    return Outcome("failed", error, statistics)


def _runtime_error(folder: Path | None) -> str | None:
    if folder is None:
        return None
    entry = read_entry(folder)
    if entry.algorithm_id is None:
        return None
    import json

    for name in (f"{entry.algorithm_id}-summary.json", f"{entry.algorithm_id}.json"):
        try:
            state = json.loads((folder / name).read_text(encoding="utf-8")).get("state") or {}
        except (OSError, ValueError, AttributeError):
            continue
        message = state.get("RuntimeError") if isinstance(state, dict) else None
        if message:
            return str(message)
    return None
