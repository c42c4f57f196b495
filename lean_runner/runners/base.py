"""The one runner interface: start a planned run, follow its output lines, stop it, re-attach after a restart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lean_runner.runners.request import RunPlan

LineSink = Callable[[str], None]
"""Receives each output line of a run (without the newline), on the runner's reader thread."""


@dataclass(frozen=True)
class RunExit:
    """How a run ended: the engine's exit code, the signal that killed it, whether memory ran out."""

    exit_code: int
    signal: str | None = None
    oom_killed: bool = False

    def describe(self) -> str:
        """A short human reason for an unsuccessful exit."""
        if self.oom_killed:
            return "the engine ran out of memory (raise the memory limit)"
        if self.signal:
            return f"the engine was killed by {self.signal}"
        return f"the engine exited with code {self.exit_code}"


@dataclass(frozen=True)
class RunRef:
    """What is recorded about a started run so that a restarted orchestrator can find it again."""

    backtest_id: str
    engine_ref: str
    result_folder: Path | None


class RunHandle(Protocol):
    """A started run."""

    @property
    def engine_ref(self) -> str:
        """``pid:<n>`` for a local process, the container id for a container."""
        ...

    def wait(self, timeout: float | None = None) -> RunExit | None:
        """Block until the run ends and its output is read; None if ``timeout`` passed first."""
        ...

    def stop(self, grace: float) -> RunExit:
        """SIGINT, then kill after ``grace`` seconds; returns once the run has stopped."""
        ...

    def cleanup(self) -> None:
        """Release what the run holds (remove the container); safe to call twice."""
        ...


class Runner(Protocol):
    """Starts runs of one engine kind (``local`` or ``docker``)."""

    engine: str

    def start(self, plan: RunPlan, on_line: LineSink) -> RunHandle:
        """Launch the run described by ``plan``; raises EngineUnavailableError when it cannot start."""
        ...

    def reattach(self, ref: RunRef, on_line: LineSink) -> RunHandle | None:
        """The handle of a run started by an earlier orchestrator, or None when it is lost.

        A lost run's leftovers (a stray process) are ended.
        """
        ...

    def sweep_orphans(self, project: Path, keep: set[str]) -> list[str]:
        """End and remove runs of ``project`` that no record claims (ids not in ``keep``); returns their ids."""
        ...

    def image_for(self, plan_image: str | None) -> str | None:
        """The image a run would use (None for local runs)."""
        ...

    def image_id(self, image: str) -> str | None:
        """The image's content id (``sha256:...``), for the run's metadata; None if unknown."""
        ...
