"""The warm engine server: one process with the engine imported that forks a fresh child per backtest.

``python -m lean_runner.runners.warm_server --socket PATH [--data-folder DIR]`` imports the
engine (numpy, pandas, the LEAN API, the result writer), optionally reads the data folder's
reference files once so the OS holds them, prints ``READY`` and then serves a Unix socket:

- a client connects and sends one JSON line, ``{"config": ".../lean-config.json", "cwd": DIR,
  "memory_limit": BYTES | null}``;
- the server forks; the child starts its own session (so a stop signals its whole group), points
  its stdout and stderr at the connection, prints ``WARM-STARTED:: <pid>`` and runs the engine's
  launcher exactly as ``python -m lean_runner.engine --config`` would, then ends with its exit code;
- when the child has ended the server writes ``WARM-EXIT:: <returncode>`` (negative: the signal
  that killed it, as ``subprocess`` reports it) and closes the connection.

Each backtest is its own process, forked from the warm one: a crash, ``os._exit`` or
``sys.exit`` in an algorithm ends that child only, and one run's module state never reaches the
next. The server itself is single-threaded (safe to fork) and exits, killing its children, when
its standard input closes, so it never outlives the pool that started it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import selectors
import signal
import socket
import sys
from pathlib import Path

from lean_runner.runners.warm_pool import EXIT_PREFIX, READY_LINE, STARTED_PREFIX

_PR_SET_PDEATHSIG = 1


def preload_engine(data_folder: Path | None) -> None:
    """Import what every backtest needs, so that a forked child starts with it in memory."""
    import numpy  # noqa: F401
    import pandas  # noqa: F401

    import lean_runner.engine.__main__
    import lean_runner.engine.report
    import lean_runner.engine.results.writer  # noqa: F401
    from lean_runner.engine.algorithm_loader import ensure_algorithm_imports

    ensure_algorithm_imports()
    import AlgorithmImports  # noqa: F401

    if data_folder is not None:
        from lean_runner.engine.data_services import DataFolderError, DataServices

        with contextlib.suppress(DataFolderError, OSError, ValueError):
            DataServices.open(data_folder)  # reads the reference files once: the OS keeps them cached


class WarmEngineServer:
    """Accepts run requests on ``listener`` and forks one engine child per request."""

    def __init__(self, listener: socket.socket) -> None:
        self._listener = listener
        self._children: dict[int, socket.socket] = {}
        self._selector = selectors.DefaultSelector()
        self._wakeup_read, self._wakeup_write = socket.socketpair()

    def serve(self) -> None:
        """Serve until standard input closes (the owning pool is gone or closed it)."""
        self._wakeup_read.setblocking(False)
        self._wakeup_write.setblocking(False)
        signal.set_wakeup_fd(self._wakeup_write.fileno(), warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal reaches the owner, who closes us
        self._selector.register(self._listener, selectors.EVENT_READ, "accept")
        self._selector.register(self._wakeup_read, selectors.EVENT_READ, "reap")
        self._selector.register(sys.stdin, selectors.EVENT_READ, "owner")
        try:
            while True:
                for key, _ in self._selector.select(timeout=1.0):
                    if key.data == "accept":
                        self._accept()
                    elif key.data == "owner" and not os.read(sys.stdin.fileno(), 4096):
                        return
                    elif key.data == "reap":
                        with contextlib.suppress(BlockingIOError):
                            self._wakeup_read.recv(4096)
                self._reap()
        finally:
            self._kill_children()

    def _accept(self) -> None:
        connection, _ = self._listener.accept()
        try:
            connection.settimeout(10)
            request = json.loads(_read_line(connection))
            config = str(request["config"])
            cwd = str(request.get("cwd") or Path(config).parent)
            memory_limit = request.get("memory_limit")
        except (OSError, ValueError, KeyError, TypeError) as error:
            with contextlib.suppress(OSError):
                connection.sendall(f"ERROR:: bad warm run request: {error}\n{EXIT_PREFIX}2\n".encode())
            connection.close()
            return
        connection.settimeout(None)
        pid = os.fork()
        if pid == 0:
            self._become_engine(connection, config, cwd, memory_limit)
        self._children[pid] = connection

    def _become_engine(self, connection: socket.socket, config: str, cwd: str, memory_limit: int | None) -> None:
        """In the forked child: run one backtest with stdout and stderr on ``connection``; never returns."""
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_DFL)
            os.setsid()
            _die_with_parent()
            self._selector.close()
            self._listener.close()
            self._wakeup_read.close()
            self._wakeup_write.close()
            for other in self._children.values():
                other.close()
            os.dup2(connection.fileno(), 1)
            os.dup2(connection.fileno(), 2)
            connection.close()
            os.chdir(cwd)
            sys.stdin = open(os.devnull)  # noqa: SIM115 (this process ends with os._exit)
            sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115
            sys.stderr = sys.stdout
            if memory_limit:
                _limit_memory(int(memory_limit))
            print(f"{STARTED_PREFIX}{os.getpid()}", flush=True)
            from lean_runner.engine.__main__ import main

            code = main(["--config", config])
        except SystemExit as ending:  # sys.exit() in the algorithm ends this child as it would a process
            code = ending.code if isinstance(ending.code, int) else (0 if ending.code is None else 1)
            if not isinstance(ending.code, int | None):
                print(ending.code, file=sys.stderr)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            if memory_limit and code not in (0, 130):
                _report_memory_near_limit(int(memory_limit))
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            os._exit(code & 0xFF)

    def _reap(self) -> None:
        while self._children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self._children.pop(pid, None)
            if connection is None:
                continue
            returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            with contextlib.suppress(OSError):
                connection.sendall(f"{EXIT_PREFIX}{returncode}\n".encode())
            connection.close()

    def _kill_children(self) -> None:
        for pid in list(self._children):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for pid in list(self._children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self._children.pop(pid).close()


def _read_line(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8")


def _limit_memory(limit: int) -> None:
    """The same ``RLIMIT_DATA`` cap a cold engine process runs under (see ``local.engine_command``)."""
    import resource

    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    limit = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _report_memory_near_limit(limit: int) -> None:
    """Say so when a failed run ended close to its memory limit (the cold launcher's ``MEMORY LIMIT::`` line):
    not every failed allocation names memory in its error."""
    try:
        with open("/proc/self/status") as status:
            used = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:")), 0)
    except OSError:
        return
    if used >= limit - max(limit // 10, 32 << 20):
        print(f"MEMORY LIMIT:: the engine ended using {used >> 20} MB of its {limit >> 20} MB limit", flush=True)


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the server dies (a killed server cannot stop its children itself)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lean_runner.runners.warm_server",
                                     description="Serve warm embedded-engine runs on a Unix socket.")
    parser.add_argument("--socket", required=True, type=Path, help="Unix socket path to listen on")
    parser.add_argument("--data-folder", type=Path, help="LEAN data folder whose reference files to read once")
    args = parser.parse_args(argv)
    preload_engine(args.data_folder)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(args.socket))
    listener.listen(64)
    print(READY_LINE, flush=True)
    try:
        WarmEngineServer(listener).serve()
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            args.socket.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
