"""``LocalRunner``: the embedded engine as a subprocess in its own process group.

With a memory limit (Docker's syntax, the same setting as the containers') the engine
process runs under ``RLIMIT_DATA``; a run that exhausts it ends with
``RunExit(oom_killed=True)``, and only that process is affected.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from lean_runner.runners.base import LineSink, RunExit, RunRef
from lean_runner.runners.errors import EngineUnavailableError
from lean_runner.runners.lean_config import build_lean_config, local_config_paths, write_lean_config
from lean_runner.runners.request import RunPlan
from lean_runner.runners.warm_pool import WarmEnginePool, WarmRun

_MEMORY_SIZE = re.compile(r"(\d+(?:\.\d+)?)(?:([kmg])b?|b)?", re.IGNORECASE)
_UNIT_BYTES = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_memory_size(text: str | None) -> int | None:
    """Bytes of a Docker-style memory size; None (no limit) for None, ``""`` or ``"0"``.

    The units are Docker's (binary, case-insensitive, an optional trailing ``b``), as the
    docker SDK reads ``mem_limit``, so one setting means the same for both engines::

        parse_memory_size("512m")  # 536870912
        parse_memory_size("4g")    # 4294967296
    """
    if text is None or not text.strip():
        return None
    match = _MEMORY_SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"memory size {text!r} is not understood: write a number with an optional unit "
                         f"b, k, m or g, like '4g' or '512m' (empty for no limit)")
    size = int(float(match.group(1)) * _UNIT_BYTES[(match.group(2) or "").lower()])
    return size or None


# The engine reports a MemoryError raised in the algorithm as "Runtime Error: MemoryError: ..."
# (numpy's as "_ArrayMemoryError"); one raised outside it ends Python with a bare traceback whose
# last line names it. Native code that cannot allocate says so in its own words: OpenBLAS
# "Memory allocation still failed", C++ "std::bad_alloc", the OS "Cannot allocate memory" (ENOMEM).
_MEMORY_FAILURE = re.compile(r"Runtime Error: \w*MemoryError\b|^(?:[\w.]+\.)?\w*MemoryError\b(?::|$)|"
                             r"std::bad_alloc|Fatal Python error: .*out of memory|"
                             r"Memory allocation (?:still )?failed|Cannot allocate memory|^MEMORY LIMIT:: ")

# Runs inside the engine's process before anything else is imported: limits it, then starts the
# engine as ``-m`` would. Done there rather than in a preexec_fn, which is not safe in a process
# with threads (the orchestrator starts runs from its worker threads). The hard limit is set too, so
# the algorithm cannot lift it. The command line keeps the word ``lean_runner.engine`` that
# ``_is_engine_of`` looks for. Not every failed allocation says "memory" (a C extension may end in
# "SystemError: error return without exception set"), so a failed run that ends with its data
# close to the limit says so in a MEMORY LIMIT line; a stop (130) is never counted.
_LIMITED_ENGINE_LAUNCHER = """\
import resource, runpy, sys
limit = int(sys.argv.pop(1))
hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
try:
    runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
except BaseException as ending:
    if not (isinstance(ending, SystemExit) and ending.code in (0, None, 130)):
        try:
            with open("/proc/self/status") as status:
                used = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:")), 0)
        except OSError:
            used = 0
        if used >= limit - max(limit // 10, 32 << 20):
            print(f"MEMORY LIMIT:: the engine ended using {used >> 20} MB of its {limit >> 20} MB limit",
                  file=sys.stderr, flush=True)
    raise
"""


def engine_command(python: str, config_path: Path, memory_limit: int | None) -> list[str]:
    """The engine's command line, under ``memory_limit`` bytes of ``RLIMIT_DATA`` when given.

    ``RLIMIT_DATA`` (heap and private writable mappings, thread stacks included), not
    ``RLIMIT_AS``: address space counts what is merely reserved, and glibc reserves 64 MB per
    malloc arena, so 16 threads that allocate take 1.2 GB of address space while 218 MB is
    writable and 25 MB resident. Under ``RLIMIT_AS`` a threaded numpy run would fail far
    below its real use; ``RLIMIT_DATA`` tracks what the process can actually fill.
    """
    if memory_limit is None:
        return [python, "-m", "lean_runner.engine", "--config", str(config_path)]
    return [python, "-c", _LIMITED_ENGINE_LAUNCHER, str(memory_limit), "lean_runner.engine", "--config",
            str(config_path)]


class LocalRun:
    """A running ``python -m lean_runner.engine`` process; its stdout and stderr go to ``on_line``."""

    def __init__(self, process: subprocess.Popen[str], on_line: LineSink) -> None:
        self._process = process
        self._memory_failed = False
        self._reader = threading.Thread(target=self._read, args=(on_line,), name=f"local-run-{process.pid}",
                                        daemon=True)
        self._reader.start()
        self._stop_lock = threading.Lock()

    @property
    def engine_ref(self) -> str:
        return f"pid:{self._process.pid}"

    @property
    def pid(self) -> int:
        return self._process.pid

    def _read(self, on_line: LineSink) -> None:
        assert self._process.stdout is not None
        with self._process.stdout:
            for line in self._process.stdout:
                text = line.rstrip("\r\n")
                if not self._memory_failed and _MEMORY_FAILURE.search(text):
                    self._memory_failed = True
                on_line(text)

    def wait(self, timeout: float | None = None) -> RunExit | None:
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join()  # the output is read to its end: the memory verdict is final
        return _exit_of(code, memory_failed=self._memory_failed)

    def stop(self, grace: float) -> RunExit:
        with self._stop_lock:
            if self._process.poll() is None:
                _signal_group(self._process.pid, signal.SIGINT)
                try:
                    self._process.wait(grace)
                except subprocess.TimeoutExpired:
                    _signal_group(self._process.pid, signal.SIGKILL)
        exit_ = self.wait()
        assert exit_ is not None
        return exit_

    def cleanup(self) -> None:
        # The engine's own children (none today) die with its process group.
        if self._process.poll() is None:
            _signal_group(self._process.pid, signal.SIGKILL)
            self._process.wait()


class WarmLocalRun:
    """A run forked from the warm engine server, with :class:`LocalRun`'s out-of-memory verdict."""

    def __init__(self, pool: WarmEnginePool, config_path: Path, on_line: LineSink, *, cwd: Path) -> None:
        self._memory_failed = False

        def feed(text: str) -> None:
            if not self._memory_failed and _MEMORY_FAILURE.search(text):
                self._memory_failed = True
            on_line(text)

        self._run: WarmRun = pool.start(config_path, feed, cwd=cwd)

    @property
    def engine_ref(self) -> str:
        return self._run.engine_ref

    @property
    def pid(self) -> int | None:
        return self._run.pid

    def wait(self, timeout: float | None = None) -> RunExit | None:
        exit_ = self._run.wait(timeout)
        return None if exit_ is None else self._verdict(exit_)

    def stop(self, grace: float) -> RunExit:
        return self._verdict(self._run.stop(grace))

    def cleanup(self) -> None:
        self._run.cleanup()

    def _verdict(self, exit_: RunExit) -> RunExit:
        return replace(exit_, oom_killed=self._memory_failed and exit_.exit_code != 0)


def _exit_of(code: int, *, memory_failed: bool = False) -> RunExit:
    """The exit of a return code; a failed run whose output said memory ran out is out of memory."""
    oom = memory_failed and code != 0
    if code < 0:
        return RunExit(exit_code=128 - code, signal=signal.Signals(-code).name, oom_killed=oom)
    return RunExit(exit_code=code, oom_killed=oom)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class LocalRunner:
    """Runs backtests on the embedded engine in subprocesses of this machine.

    ``python`` is the interpreter that has ``lean_runner`` installed (this one by default).
    ``memory_limit`` is the containers' memory setting in Docker's syntax (``"4g"``,
    ``"512m"``; None or ``""`` for none), applied to each engine process; a bad value raises
    ValueError here, before any run. A run that exhausts it exits with ``oom_killed=True``.
    ``warm_pool`` (the ``WORKBENCH_WARM_WORKERS`` setting): runs fork from a warm engine server
    instead of starting a new interpreter each (see :mod:`.warm_pool`); None = a new process per run.
    """

    engine = "local"

    def __init__(self, *, python: str = sys.executable, environment: Mapping[str, str] | None = None,
                 memory_limit: str | None = None, warm_pool: WarmEnginePool | None = None) -> None:
        self._python = python
        self._environment = dict(os.environ if environment is None else environment)
        self.memory_limit_bytes = parse_memory_size(memory_limit)
        self.warm_pool = warm_pool
        if warm_pool is not None:
            warm_pool.memory_limit = self.memory_limit_bytes

    def image_for(self, plan_image: str | None) -> str | None:
        return None

    def image_id(self, image: str) -> str | None:
        return None

    def start(self, plan: RunPlan, on_line: LineSink) -> LocalRun | WarmLocalRun:
        config = build_lean_config(plan, local_config_paths(plan))
        config_path = write_lean_config(plan.result_folder, config)
        if self.warm_pool is not None:
            return WarmLocalRun(self.warm_pool, config_path, on_line, cwd=plan.result_folder)
        try:
            process = subprocess.Popen(
                engine_command(self._python, config_path, self.memory_limit_bytes),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                encoding="utf-8", errors="replace", bufsize=1, cwd=plan.result_folder, start_new_session=True,
                env=self._engine_environment())
        except OSError as error:
            raise EngineUnavailableError(f"cannot start the embedded engine with {self._python}: {error}") from error
        return LocalRun(process, on_line)

    def _engine_environment(self) -> dict[str, str]:
        environment = {**self._environment, "PYTHONUNBUFFERED": "1"}
        if self.memory_limit_bytes is not None:
            # numpy's OpenBLAS starts a thread per core at import, each taking 40 MB of RLIMIT_DATA
            # (stack and buffer): 2.5 GB on a 64-core host before the algorithm runs. The engine makes
            # no BLAS calls, so one thread costs nothing; an explicit setting is kept.
            environment.setdefault("OPENBLAS_NUM_THREADS", "1")
        return environment

    def reattach(self, ref: RunRef, on_line: LineSink) -> None:
        """A local run cannot be followed again once its orchestrator is gone; end it if it is still alive."""
        pid = _pid_of(ref.engine_ref)
        if pid is not None and ref.result_folder is not None and _is_engine_of(pid, ref.result_folder):
            _signal_group(pid, signal.SIGINT)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            _signal_group(pid, signal.SIGKILL)
        return None

    def sweep_orphans(self, project: Path, keep: set[str]) -> list[str]:
        return []


def _pid_of(engine_ref: str) -> int | None:
    if engine_ref.startswith("pid:") and engine_ref[4:].isdigit():
        return int(engine_ref[4:])
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    state = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        return state.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _is_engine_of(pid: int, result_folder: Path) -> bool:
    """Whether ``pid`` is the engine started for ``result_folder`` (pids are reused, so check its command)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    words = [part.decode(errors="replace") for part in command]
    return "lean_runner.engine" in words and any(word.startswith(str(result_folder)) for word in words)
