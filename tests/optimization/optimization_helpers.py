"""Helpers of the optimization tests (imported by them; pytest puts this folder on the path)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def processes_working_in(folder: Path) -> list[int]:
    """Pids of live processes whose working directory is inside ``folder`` (engine runs work in their
    result folder, both cold processes and warm children)."""
    pids = []
    root = str(folder.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = str((entry / "cwd").resolve(strict=True))
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (cwd == root or cwd.startswith(root + "/")):
            pids.append(int(entry.name))
    return pids


@dataclass
class ServedWorkbench:
    url: str
    process: subprocess.Popen[str]

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[len("http"):]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()


def serve_workbench(project: Path, lean_data: Path, cache: Path, log: Path) -> ServedWorkbench:
    """``workbench serve --port 0`` over ``project`` in its own process; waits for its "Serving ..." line."""
    env = {**os.environ, "WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
           "WORKBENCH_CACHE_FOLDER": str(cache), "WORKBENCH_ENGINE": "local", "WORKBENCH_MAX_CONCURRENT": "2",
           "WORKBENCH_HOST": "127.0.0.1", "WORKBENCH_PORT": "0", "WORKBENCH_TOKENS": "", "WORKBENCH_STOP_TIMEOUT": "5"}
    with open(log, "w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "lean_runner.cli", "serve"], env=env, stdout=subprocess.PIPE,
                                   stderr=errors, text=True, cwd=project.parent)
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = re.search(r"Serving the LEAN workbench on (http://\S+)", line)
        if match:
            return ServedWorkbench(match.group(1), process)
    process.kill()
    raise AssertionError(f"the server did not start: {log.read_text()}")
