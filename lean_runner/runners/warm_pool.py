"""``WarmEnginePool``: backtests on the embedded engine without paying a process start each.

The pool owns one warm server process (:mod:`.warm_server`) that has the engine imported and
forks a child per backtest: the child starts in milliseconds with everything loaded, and is
still a process of its own (its own session, stopped with SIGINT then SIGKILL like a cold run),
so a crash or ``sys.exit`` in one algorithm never touches another run or the server. How many
children run at once is up to the caller (the orchestrator's slots, an optimization's
``max_concurrent``), one per core by default.

Example::

    pool = WarmEnginePool(data_folder=Path("data"))
    run = pool.start(config_path, print)     # a RunHandle, like LocalRunner's
    run.wait()                                # RunExit(exit_code=0)
    pool.close()                              # ends the server and any child still running
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from lean_runner.runners.base import LineSink, RunExit
from lean_runner.runners.errors import EngineUnavailableError

# The warm server's protocol lines (see :mod:`.warm_server`).
STARTED_PREFIX = "WARM-STARTED:: "
EXIT_PREFIX = "WARM-EXIT:: "
READY_LINE = "READY"
_START_TIMEOUT = 60.0


class WarmRun:
    """One backtest running in a child of the warm server; its output lines go to ``on_line``."""

    def __init__(self, connection: socket.socket, on_line: LineSink) -> None:
        self._connection = connection
        self._pid: int | None = None
        self._pid_known = threading.Event()
        self._returncode: int | None = None
        self._done = threading.Event()
        self._stop_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, args=(on_line,), name="warm-run", daemon=True)
        self._reader.start()
        self._pid_known.wait(_START_TIMEOUT)

    @property
    def engine_ref(self) -> str:
        return f"pid:{self._pid}" if self._pid is not None else "pid:?"

    @property
    def pid(self) -> int | None:
        return self._pid

    def _read(self, on_line: LineSink) -> None:
        try:
            with self._connection, self._connection.makefile("r", encoding="utf-8", errors="replace") as stream:
                for line in stream:
                    text = line.rstrip("\r\n")
                    if self._pid is None and text.startswith(STARTED_PREFIX):
                        self._pid = int(text[len(STARTED_PREFIX):])
                        self._pid_known.set()
                        continue
                    if text.startswith(EXIT_PREFIX):
                        self._returncode = int(text[len(EXIT_PREFIX):])
                        continue
                    on_line(text)
        except (OSError, ValueError):
            pass
        finally:
            self._pid_known.set()
            self._done.set()

    def wait(self, timeout: float | None = None) -> RunExit | None:
        if not self._done.wait(timeout):
            return None
        self._reader.join()
        return _exit_of(self._returncode)

    def stop(self, grace: float) -> RunExit:
        with self._stop_lock:
            if not self._done.is_set() and self._pid is not None:
                _signal_group(self._pid, signal.SIGINT)
                if not self._done.wait(grace):
                    _signal_group(self._pid, signal.SIGKILL)
        exit_ = self.wait()
        assert exit_ is not None
        return exit_

    def cleanup(self) -> None:
        if not self._done.is_set() and self._pid is not None:
            _signal_group(self._pid, signal.SIGKILL)
            self._done.wait(10)


def _exit_of(returncode: int | None) -> RunExit:
    if returncode is None:  # the server went away before the child's end was reported
        return RunExit(exit_code=1, signal="the warm engine server ended")
    if returncode < 0:
        return RunExit(exit_code=128 - returncode, signal=signal.Signals(-returncode).name)
    return RunExit(exit_code=returncode)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class WarmEnginePool:
    """Starts (lazily, once) and owns the warm engine server; :meth:`start` runs one backtest on it.

    ``python`` is the interpreter with ``lean_runner`` installed; ``data_folder`` is read once by
    the server so its children find it cached; ``memory_limit`` (bytes) caps each child as
    :class:`LocalRunner` caps a cold engine process. A server that died is started again on the
    next run.
    """

    def __init__(self, *, python: str = sys.executable, data_folder: Path | None = None,
                 environment: Mapping[str, str] | None = None, memory_limit: int | None = None) -> None:
        self._python = python
        self._data_folder = data_folder
        self._environment = dict(os.environ if environment is None else environment)
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._server: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._socket_path: Path | None = None
        self._drainer = threading.Thread()

    @property
    def server_pid(self) -> int | None:
        """The warm server's pid while it runs."""
        server = self._server
        return server.pid if server is not None and server.poll() is None else None

    def warm_up(self) -> None:
        """Start the server now (the first :meth:`start` does it otherwise)."""
        self._ensure_server()

    def start(self, config_path: Path, on_line: LineSink, *, cwd: Path | None = None) -> WarmRun:
        """Run the engine on ``config_path`` in a fresh warm child; raises EngineUnavailableError."""
        import json

        socket_path = self._ensure_server()
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(str(socket_path))
            request = {"config": str(config_path), "cwd": str(cwd or config_path.parent),
                       "memory_limit": self.memory_limit}
            connection.sendall((json.dumps(request) + "\n").encode())
        except OSError as error:
            connection.close()
            raise EngineUnavailableError(f"the warm engine server does not answer: {error}") from error
        return WarmRun(connection, on_line)

    def close(self) -> None:
        """End the server; it kills any child still running."""
        with self._lock:
            server, self._server = self._server, None
            if server is not None:
                _end_server(server)
                self._drainer.join(10)
            if self._folder is not None:
                self._folder.cleanup()
                self._folder = None

    def __enter__(self) -> WarmEnginePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_server(self) -> Path:
        with self._lock:
            if self._server is not None and self._server.poll() is None and self._socket_path is not None:
                return self._socket_path
            if self._server is not None:
                _end_server(self._server)
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="workbench-warm-")
            self._socket_path = Path(self._folder.name) / f"engine-{len(os.listdir(self._folder.name))}.sock"
            command = [self._python, "-m", "lean_runner.runners.warm_server", "--socket", str(self._socket_path)]
            if self._data_folder is not None:
                command += ["--data-folder", str(self._data_folder)]
            environment = {**self._environment, "PYTHONUNBUFFERED": "1"}
            if self.memory_limit is not None:
                environment.setdefault("OPENBLAS_NUM_THREADS", "1")  # see LocalRunner._engine_environment
            try:
                server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, env=environment, start_new_session=True)
            except OSError as error:
                raise EngineUnavailableError(f"cannot start the warm engine server with {self._python}: "
                                             f"{error}") from error
            assert server.stdout is not None
            first = server.stdout.readline().decode(errors="replace").strip()
            if first != READY_LINE:
                rest = server.stdout.read().decode(errors="replace") if server.poll() is not None else ""
                _end_server(server)
                server.stdout.close()
                raise EngineUnavailableError(f"the warm engine server did not start: {first} {rest}".strip())
            self._server = server
            self._drainer = threading.Thread(target=_drain, args=(server,), name="warm-server-output", daemon=True)
            self._drainer.start()
            return self._socket_path


def _drain(server: subprocess.Popen[bytes]) -> None:
    """Read what the server prints after READY (nothing, normally), so it never blocks on a full pipe."""
    assert server.stdout is not None
    with contextlib.suppress(OSError, ValueError), server.stdout:
        for _ in server.stdout:
            pass


def _end_server(server: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError, ValueError):
        if server.stdin is not None:
            server.stdin.close()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        _signal_group(server.pid, signal.SIGKILL)
        server.wait()
