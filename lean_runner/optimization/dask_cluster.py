"""Child backtests on a Dask distributed cluster, for sweeps larger than one machine.

:class:`DaskChildExecutor` sends each child to the scheduler as one task: the task carries the
optimization's code snapshot, the child's parameters and window; a worker runs it on the
embedded engine in a process of its own (a crash in the algorithm ends that process, not the
worker), and sends LEAN's result files back, which are written into the child's folder in
the project. Every worker needs this package installed and the data folder: a path it can
read, or an fsspec URL (``s3://bucket/lean-data``, ``file:///mnt/data``) that it copies once
into its temporary folder.

Start a cluster (see ``docs/optimization.md``)::

    dask scheduler --host 10.0.0.5 --port 8786
    dask worker tcp://10.0.0.5:8786 --nworkers 4 --nthreads 1
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lean_runner.optimization.children import ChildJob, ChildOutcome, OnChildDone, SweepContext, child_plan
from lean_runner.orchestration.planning import judge_outcome
from lean_runner.runners.base import LineSink, RunExit, RunRef
from lean_runner.runners.lean_config import build_lean_config, local_config_paths, write_lean_config
from lean_runner.runners.request import RunPlan

_TIMED_OUT = -1000
_OUTPUT_TAIL = 400


def task_for(plan: RunPlan, data_folder: str, timeout: float | None) -> dict[str, Any]:
    """The Dask task of one run: its code snapshot (as bytes), algorithm, parameters and window."""
    code = {path.relative_to(plan.code_folder).as_posix(): path.read_bytes()
            for path in plan.code_folder.rglob("*") if path.is_file()}
    return {"code": code, "algorithm": plan.algorithm.relative_to(plan.code_folder).as_posix(),
            "backtest_id": plan.algorithm_id, "parameters": dict(plan.parameters), "window": dict(plan.window),
            "data_folder": data_folder, "timeout": timeout}


def run_child_on_worker(task: dict[str, Any]) -> dict[str, Any]:
    """Run one child backtest where this is called (a Dask worker); returns its exit and result files.

    ``task``: ``code`` (relative path → bytes), ``algorithm`` (relative path), ``backtest_id``,
    ``parameters``, ``window``, ``data_folder`` (path or fsspec URL), ``timeout`` (s or None).
    """
    with tempfile.TemporaryDirectory(prefix="workbench-dask-") as scratch:
        root = Path(scratch)
        code = root / "code"
        for relative, content in task["code"].items():
            target = code / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        result = root / "result"
        result.mkdir()
        (root / "storage").mkdir()
        plan = RunPlan(backtest_id=task["backtest_id"], algorithm_id=task["backtest_id"], project=root,
                       code_folder=code, algorithm=code / task["algorithm"],
                       data_folder=worker_data_folder(str(task["data_folder"])), result_folder=result,
                       storage_folder=root / "storage", parameters=task["parameters"], window=task["window"],
                       progress_interval=5.0)
        config_path = write_lean_config(result, build_lean_config(plan, local_config_paths(plan)))
        try:
            finished = subprocess.run([sys.executable, "-m", "lean_runner.engine", "--config", str(config_path)],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      text=True, errors="replace", timeout=task.get("timeout"), cwd=result,
                                      check=False)
            returncode, output = finished.returncode, finished.stdout
        except subprocess.TimeoutExpired as expired:
            returncode = _TIMED_OUT
            output = expired.stdout if isinstance(expired.stdout, str) else ""
        files = {path.name: path.read_bytes() for path in result.iterdir()
                 if path.is_file() and path.name != config_path.name}
        return {"returncode": returncode, "files": files, "output": output.splitlines()[-_OUTPUT_TAIL:]}


def worker_data_folder(location: str, *, copies: Path | None = None) -> Path:
    """The data folder on this worker: ``location`` itself, or a local copy of an fsspec URL, made once under
    ``copies`` (the temporary folder by default) and reused by every later task."""
    if "://" not in location or location.startswith("file://"):
        return Path(location.removeprefix("file://"))
    import fsspec

    root = copies if copies is not None else Path(tempfile.gettempdir())
    local = root / f"workbench-data-{hashlib.sha256(location.encode()).hexdigest()[:16]}"
    if not (local / ".complete").is_file():
        partial = local.with_name(local.name + f".{os.getpid()}")
        filesystem, path = fsspec.core.url_to_fs(location)
        filesystem.get(path.rstrip("/") + "/", str(partial), recursive=True)
        shutil.rmtree(local, ignore_errors=True)
        partial.rename(local)
        (local / ".complete").touch()
    return local


class DaskChildExecutor:
    """Runs children as tasks on the Dask scheduler at ``address`` (``tcp://host:8786``).

    ``data_folder`` is what the workers read (a shared path or an fsspec URL; by default the
    optimization's own data folder path).
    """

    def __init__(self, address: str, *, data_folder: str | None = None) -> None:
        self.address = address
        self.data_folder = data_folder
        self._client: Any = None
        self._lock = threading.Lock()

    def connect(self) -> Any:
        with self._lock:
            if self._client is None:
                from distributed import Client

                self._client = Client(self.address, set_as_default=False, timeout=30)
            return self._client

    def run(self, context: SweepContext, jobs: Sequence[ChildJob], on_done: OnChildDone,
            cancel: threading.Event) -> None:
        from distributed import as_completed

        client = self.connect()
        futures = {}
        for job in jobs:
            task = task_for(child_plan(context, job), self.data_folder or str(context.data_folder),
                            context.child_timeout)
            futures[client.submit(run_child_on_worker, task, pure=False, key=f"workbench-{job.backtest_id}")] = job
        for future in as_completed(list(futures), loop=client.loop):
            job = futures[future]
            if cancel.is_set():
                client.cancel(list(futures))
                on_done(ChildOutcome(job, "cancelled", {}, "the optimization was cancelled"))
                continue
            on_done(self._collect(context, job, future))

    @staticmethod
    def _collect(context: SweepContext, job: ChildJob, future: Any) -> ChildOutcome:
        try:
            answer = future.result()
        except Exception as error:  # the task itself failed (a worker died, the payload did not arrive)
            return ChildOutcome(job, "failed", {}, f"the Dask task failed: {type(error).__name__}: {error}")
        folder = context.child_folder(job)
        exit_, timed_out = _land(answer, folder)
        errors = [line.split(" ERROR:: ", 1)[1] for line in answer["output"] if " ERROR:: " in line]
        outcome = judge_outcome(exit_, folder, cancelled=False, timed_out=context.child_timeout if timed_out else None,
                                monitor_error=errors[-1] if errors else None, monitor_statistics={})
        return ChildOutcome(job, outcome.status, outcome.statistics, outcome.error)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def _land(answer: dict[str, Any], folder: Path) -> tuple[RunExit, bool]:
    """Write a task's result files into ``folder``; the run's exit and whether it timed out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in answer["files"].items():
        (folder / Path(name).name).write_bytes(content)
    timed_out = answer["returncode"] == _TIMED_OUT
    return RunExit(exit_code=1 if timed_out else answer["returncode"]), timed_out


class DaskRun:
    """One queued backtest running as a task on the cluster (``WORKBENCH_DASK_BACKTESTS``).

    Its output lines arrive when the task ends (a worker sends no live progress); stop cancels
    the task (one already running on a worker finishes there and is discarded).
    """

    def __init__(self, future: Any, plan: RunPlan, on_line: LineSink) -> None:
        self._future = future
        self._plan = plan
        self._on_line = on_line
        self._exit: RunExit | None = None
        self._lock = threading.Lock()

    @property
    def engine_ref(self) -> str:
        return f"dask:{self._future.key}"

    def wait(self, timeout: float | None = None) -> RunExit | None:
        with self._lock:
            if self._exit is not None:
                return self._exit
            if self._future.cancelled():
                self._exit = RunExit(exit_code=130)
                return self._exit
            try:
                answer = self._future.result(timeout=timeout)
            except TimeoutError:
                if not self._future.cancelled():
                    return None
                self._exit = RunExit(exit_code=130)
                return self._exit
            except Exception as error:  # a cancelled task or a lost worker
                self._on_line(f"ERROR:: the Dask task failed: {type(error).__name__}: {error}")
                self._exit = RunExit(exit_code=130 if self._future.cancelled() else 1)
                return self._exit
            for line in answer["output"]:
                self._on_line(line)
            self._exit = _land(answer, self._plan.result_folder)[0]
            return self._exit

    def stop(self, grace: float) -> RunExit:
        self._future.cancel()
        exit_ = self.wait(grace + 30)
        return exit_ if exit_ is not None else RunExit(exit_code=130)

    def cleanup(self) -> None:
        if not self._future.done():
            self._future.cancel()


class DaskRunner:
    """Runs queued embedded-engine backtests on a Dask cluster in place of this machine's processes.

    Same engine, same result files; ``engine`` stays ``local`` (the request's engine) because the run
    is the embedded engine, only elsewhere.
    """

    engine = "local"

    def __init__(self, executor: DaskChildExecutor, *, timeout: float | None = None) -> None:
        self._executor = executor
        self._timeout = timeout

    def image_for(self, plan_image: str | None) -> str | None:
        return None

    def image_id(self, image: str) -> str | None:
        return None

    def start(self, plan: RunPlan, on_line: LineSink) -> DaskRun:
        client = self._executor.connect()
        task = task_for(plan, self._executor.data_folder or str(plan.data_folder), self._timeout)
        future = client.submit(run_child_on_worker, task, pure=False, key=f"workbench-{plan.backtest_id}")
        return DaskRun(future, plan, on_line)

    def reattach(self, ref: RunRef, on_line: LineSink) -> None:
        return None  # a restarted workbench cannot follow a task of the previous one's client

    def sweep_orphans(self, project: Path, keep: set[str]) -> list[str]:
        return []

    def close(self) -> None:
        self._executor.close()
