"""Helpers of the optimization tests (imported by them; pytest puts this folder on the path)."""

from __future__ import annotations

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
