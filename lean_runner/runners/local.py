"""``LocalRunner``: the embedded engine as a subprocess in its own process group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from lean_runner.runners.base import LineSink, RunExit, RunRef
from lean_runner.runners.errors import EngineUnavailableError
from lean_runner.runners.lean_config import build_lean_config, local_config_paths, write_lean_config
from lean_runner.runners.request import RunPlan


class LocalRun:
    """A running ``python -m lean_runner.engine`` process; its stdout and stderr go to ``on_line``."""

    def __init__(self, process: subprocess.Popen[str], on_line: LineSink) -> None:
        self._process = process
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
                on_line(line.rstrip("\r\n"))

    def wait(self, timeout: float | None = None) -> RunExit | None:
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join()
        return _exit_of(code)

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


def _exit_of(code: int) -> RunExit:
    if code < 0:
        return RunExit(exit_code=128 - code, signal=signal.Signals(-code).name)
    return RunExit(exit_code=code)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class LocalRunner:
    """Runs backtests on the embedded engine in subprocesses of this machine.

    ``python`` is the interpreter that has ``lean_runner`` installed (this one by default).
    """

    engine = "local"

    def __init__(self, *, python: str = sys.executable, environment: Mapping[str, str] | None = None) -> None:
        self._python = python
        self._environment = dict(os.environ if environment is None else environment)

    def image_for(self, plan_image: str | None) -> str | None:
        return None

    def image_id(self, image: str) -> str | None:
        return None

    def start(self, plan: RunPlan, on_line: LineSink) -> LocalRun:
        config = build_lean_config(plan, local_config_paths(plan))
        config_path = write_lean_config(plan.result_folder, config)
        try:
            process = subprocess.Popen(
                [self._python, "-m", "lean_runner.engine", "--config", str(config_path)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                encoding="utf-8", errors="replace", bufsize=1, cwd=plan.result_folder, start_new_session=True,
                env={**self._environment, "PYTHONUNBUFFERED": "1"})
        except OSError as error:
            raise EngineUnavailableError(f"cannot start the embedded engine with {self._python}: {error}") from error
        return LocalRun(process, on_line)

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
