"""``ResultIndex``: list, filter, paginate and delete the result folders of a project.

The folders under ``<project>/backtests`` are the source of truth for results; the index
reads each folder's small files (``workbench.json``, ``config``, ``<id>-summary.json``), never
the large ``<id>.json``. Folders of running backtests are claimed and cannot be deleted.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lean_runner.results_index.metadata import LEAN_CLI_CONFIG_FILE, RunMetadata, read_metadata
from lean_runner.results_index.names import TIMESTAMP_FORMAT, new_result_folder, resolve_result_folder
from lean_runner.runners.errors import InvalidRequestError, ResultFolderBusyError, ResultNotFoundError

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ResultEntry:
    """One result folder as the index sees it; ``status`` is LEAN's ``state.Status`` (None if not written)."""

    name: str
    path: Path
    created_at: datetime
    algorithm_id: str | None
    status: str | None
    statistics: dict[str, str] = field(default_factory=dict)
    algorithm_configuration: dict[str, Any] = field(default_factory=dict)
    metadata: RunMetadata | None = None

    @property
    def backtest_id(self) -> str | None:
        return self.metadata.backtest_id if self.metadata else None

    @property
    def strategy(self) -> str | None:
        if self.metadata:
            return self.metadata.strategy
        name = self.algorithm_configuration.get("name")
        return str(name) if name else None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": str(self.path), "created_at": self.created_at.isoformat(),
                "backtest_id": self.backtest_id, "algorithm_id": self.algorithm_id, "strategy": self.strategy,
                "status": self.status, "statistics": dict(self.statistics),
                "engine": self.metadata.engine if self.metadata else None,
                "image": self.metadata.image if self.metadata else None}


@dataclass(frozen=True)
class ResultPage:
    items: list[ResultEntry]
    total: int
    page: int
    page_size: int


class ResultIndex:
    """The result folders of ``project``.

    Example::

        index = ResultIndex(Path("test-project"))
        page = index.list(strategy="main", page=1, page_size=20)
        index.delete(page.items[0].name)
    """

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        self.backtests = self.project / "backtests"
        self._claimed: set[str] = set()
        self._lock = threading.Lock()

    # -- folders of running backtests ----------------------------------------------------------------------
    def new_folder(self, now: datetime | None = None) -> Path:
        """A new, unique, claimed result folder."""
        folder = new_result_folder(self.backtests, now)
        self.claim(folder.name)
        return folder

    def claim(self, name: str) -> None:
        with self._lock:
            self._claimed.add(name)

    def release(self, name: str) -> None:
        with self._lock:
            self._claimed.discard(name)

    def is_claimed(self, name: str) -> bool:
        with self._lock:
            return name in self._claimed

    # -- reading ---------------------------------------------------------------------------------------------
    def path_of(self, name: object) -> Path:
        """The folder called ``name``; raises for a bad name or a missing folder."""
        path = resolve_result_folder(self.backtests, name)
        if not path.is_dir():
            raise ResultNotFoundError(f"no result folder '{name}' in {self.backtests}")
        return path

    def get(self, name: object) -> ResultEntry:
        return read_entry(self.path_of(name))

    def scan(self) -> list[ResultEntry]:
        """Every result folder, newest first."""
        if not self.backtests.is_dir():
            return []
        entries = [read_entry(path) for path in self.backtests.iterdir()
                   if path.is_dir() and not path.is_symlink() and not path.name.startswith(".")]
        return sorted(entries, key=lambda e: (e.created_at, e.name), reverse=True)

    def list(self, *, strategy: str | None = None, status: str | None = None, page: int = 1,
             page_size: int = 20) -> ResultPage:
        """One page of result folders, newest first, optionally only one strategy's or one status's."""
        problems = []
        if not isinstance(page, int) or page < 1:
            problems.append({"path": "page", "message": "must be an integer >= 1"})
        if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
            problems.append({"path": "page_size", "message": f"must be an integer from 1 to {MAX_PAGE_SIZE}"})
        if problems:
            raise InvalidRequestError("invalid page: " + "; ".join(f"{p['path']} {p['message']}" for p in problems),
                                      details=problems)
        entries = self.scan()
        if strategy is not None:
            entries = [e for e in entries if e.strategy == strategy]
        if status is not None:
            entries = [e for e in entries if (e.status or "").lower() == status.lower()]
        start = (page - 1) * page_size
        return ResultPage(items=entries[start:start + page_size], total=len(entries), page=page,
                          page_size=page_size)

    # -- deleting ----------------------------------------------------------------------------------------------
    def delete(self, name: object) -> None:
        """Delete a result folder; refused (ResultFolderBusyError) while its backtest runs."""
        path = self.path_of(name)
        if self.is_claimed(path.name):
            raise ResultFolderBusyError(f"result folder '{path.name}' belongs to a running backtest: cancel it "
                                        f"first, then delete it")
        shutil.rmtree(path)


def read_entry(folder: Path) -> ResultEntry:
    """What the small files of ``folder`` say; never raises for a damaged folder (fields stay empty)."""
    metadata = read_metadata(folder)
    algorithm_id = metadata.algorithm_id if metadata else _lean_cli_id(folder)
    summary = _summary(folder, algorithm_id)
    if algorithm_id is None and summary is not None:
        algorithm_id = summary[0]
    data = summary[1] if summary else {}
    state = data.get("state") if isinstance(data.get("state"), dict) else {}
    statistics = data.get("statistics") if isinstance(data.get("statistics"), dict) else {}
    configuration = data.get("algorithmConfiguration")
    return ResultEntry(name=folder.name, path=folder, created_at=_created_at(folder), algorithm_id=algorithm_id,
                       status=(state or {}).get("Status"),
                       statistics={str(k): str(v) for k, v in (statistics or {}).items()},
                       algorithm_configuration=configuration if isinstance(configuration, dict) else {},
                       metadata=metadata)


def _lean_cli_id(folder: Path) -> str | None:
    try:
        data = json.loads((folder / LEAN_CLI_CONFIG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value not in (None, "") else None


def _summary(folder: Path, algorithm_id: str | None) -> tuple[str, dict[str, Any]] | None:
    candidates = [folder / f"{algorithm_id}-summary.json"] if algorithm_id else sorted(folder.glob("*-summary.json"))
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return path.name.removesuffix("-summary.json"), data
    return None


def _created_at(folder: Path) -> datetime:
    try:
        return datetime.strptime(folder.name[:19], TIMESTAMP_FORMAT)
    except ValueError:
        return datetime.fromtimestamp(folder.stat().st_mtime)
