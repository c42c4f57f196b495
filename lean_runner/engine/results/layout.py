"""File names of a LEAN result folder.

Example::

    >>> files = ResultFiles(Path("/r"), "1234")
    >>> files.result.name, files.summary.name, files.order_events.name, files.algorithm_log.name
    ('1234.json', '1234-summary.json', '1234-order-events.json', '1234-log.txt')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENGINE_LOG_NAME", "ResultFiles", "check_algorithm_id"]

ENGINE_LOG_NAME = "log.txt"

# Suffixes of the files that sit next to <id>.json; a JSON file with one of them is not a result.
SUMMARY_SUFFIX = "-summary.json"
ORDER_EVENTS_SUFFIX = "-order-events.json"
ALGORITHM_LOG_SUFFIX = "-log.txt"


def check_algorithm_id(algorithm_id: str) -> str:
    """Reject ids that cannot be a plain file name (empty, path separators, leading dot)."""
    if not algorithm_id or algorithm_id.strip() != algorithm_id:
        raise ValueError(f"algorithm id {algorithm_id!r} must be a non-empty name without surrounding spaces")
    if "/" in algorithm_id or "\\" in algorithm_id or algorithm_id.startswith(".") or "\0" in algorithm_id:
        raise ValueError(
            f"algorithm id {algorithm_id!r} must be a plain file name (no '/', '\\' or leading '.')"
        )
    return algorithm_id


@dataclass(frozen=True)
class ResultFiles:
    """Paths of the files LEAN writes for one backtest into ``folder``."""

    folder: Path
    algorithm_id: str

    def __post_init__(self) -> None:
        check_algorithm_id(self.algorithm_id)

    @property
    def result(self) -> Path:
        """``<id>.json``: the full result."""
        return self.folder / f"{self.algorithm_id}.json"

    @property
    def summary(self) -> Path:
        """``<id>-summary.json``: statistics and a down-sampled equity chart."""
        return self.folder / f"{self.algorithm_id}{SUMMARY_SUFFIX}"

    @property
    def order_events(self) -> Path:
        """``<id>-order-events.json``: every order event, compact JSON."""
        return self.folder / f"{self.algorithm_id}{ORDER_EVENTS_SUFFIX}"

    @property
    def algorithm_log(self) -> Path:
        """``<id>-log.txt``: the algorithm's Debug/Log/Error messages."""
        return self.folder / f"{self.algorithm_id}{ALGORITHM_LOG_SUFFIX}"

    @property
    def engine_log(self) -> Path:
        """``log.txt``: the engine's own log."""
        return self.folder / ENGINE_LOG_NAME
