"""Starting the real server: ``workbench serve`` in its own process on a random port, over a copy of test-project.

Each module gets one server (``server``); tests that restart or kill it start their own with
:func:`start_server`. The project copy also holds the runner tests' ``slow_minute.py`` (a
week of minute SPY that sleeps in ``on_data``: long enough to watch, cancel or kill).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
SLOW_ALGORITHM = REPO / "tests" / "runners" / "algorithms" / "slow_minute.py"
_SERVING = re.compile(r"Serving the LEAN workbench on (http://\S+)")


@dataclass
class ServerProcess:
    url: str
    project: Path
    process: subprocess.Popen[str]
    log: Path
    printed: str = ""

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[len("http"):]

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def make_project(folder: Path) -> Path:
    """A copy of test-project with the slow test algorithm beside its strategies."""
    shutil.copytree(REPO / "test-project", folder, ignore=shutil.ignore_patterns("backtests", "compiled"))
    shutil.copy(SLOW_ALGORITHM, folder / "slow_minute.py")
    return folder


def start_server(project: Path, lean_data: Path, cache: Path, *, extra_env: Mapping[str, str] | None = None,
                 args: tuple[str, ...] = (), log_name: str = "server.log") -> ServerProcess:
    """Start ``workbench serve --port 0`` and wait for its "Serving ..." line."""
    env = {**os.environ, "WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
           "WORKBENCH_CACHE_FOLDER": str(cache), "WORKBENCH_ENGINE": "local", "WORKBENCH_MAX_CONCURRENT": "2",
           "WORKBENCH_HOST": "127.0.0.1", "WORKBENCH_PORT": "0", "WORKBENCH_TOKENS": "",
           "WORKBENCH_STOP_TIMEOUT": "5", **(extra_env or {})}
    log = project.parent / log_name
    with open(log, "w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "lean_runner.cli", "serve", *args], env=env,
                                   stdout=subprocess.PIPE, stderr=errors, text=True, cwd=project.parent)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = _SERVING.search(line)
        if match:
            return ServerProcess(url=match.group(1), project=project, process=process, log=log,
                                 printed="".join(lines))
    process.kill()
    raise AssertionError(f"the server did not start: {''.join(lines)}\n{log.read_text()}")


def wait_for_status(client: httpx.Client, backtest_id: str, statuses: set[str], timeout: float = 120) -> dict:
    """Poll the v2 status endpoint until the backtest reaches one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/v2/backtest/status/{backtest_id}").json()
        if body["status"] in statuses or time.monotonic() > deadline:
            return body
        time.sleep(0.2)
