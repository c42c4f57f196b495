"""What makes a result reproducible: a metadata file, a copy of the code, a checksum of the data folder.

Each run's folder holds ``workbench.json`` (this module), lean-cli's ``config`` file
(``{"id": <algorithm id>, "container": <name>}``), ``code/`` (the project's source files as
they were when the run started) and ``lean-config.json`` (the launcher config it ran with).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

METADATA_FILE = "workbench.json"
LEAN_CLI_CONFIG_FILE = "config"
CODE_FOLDER = "code"
SOURCE_SUFFIXES = frozenset({".py", ".json", ".txt", ".ipynb", ".csv", ".yaml", ".yml", ".toml", ".cfg"})
# Folders of a LEAN project that hold outputs or data, not code (lean-cli reserves the first five).
SKIPPED_FOLDERS = frozenset({"backtests", "optimizations", "live", "storage", "report", "data", "__pycache__",
                             "node_modules", "venv", ".venv", "env"})
MAX_CODE_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class RunMetadata:
    """The ``workbench.json`` of one result folder."""

    backtest_id: str
    algorithm_id: str
    strategy: str
    algorithm: str
    request: Mapping[str, Any]
    engine: str
    image: str | None = None
    image_id: str | None = None
    container_id: str | None = None
    container_name: str | None = None
    data_folder: str = ""
    data_folder_checksum: str = ""
    code_folder: str = CODE_FOLDER
    lean_config: str = "lean-config.json"
    created_at: str = ""
    started_at: str = ""
    workbench_version: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {_camel(key): value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunMetadata:
        names = {f: f for f in cls.__dataclass_fields__}
        values = {names[_snake(key)]: value for key, value in data.items() if _snake(key) in names}
        return cls(**values)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def write_metadata(folder: Path, metadata: RunMetadata) -> None:
    """Write ``workbench.json`` and lean-cli's ``config`` (atomically, so readers never see half a file)."""
    _write_json(folder / METADATA_FILE, metadata.to_dict())
    lean_cli: dict[str, Any] = {"id": int(metadata.algorithm_id) if metadata.algorithm_id.isdigit()
                                else metadata.algorithm_id}
    if metadata.container_name:
        lean_cli["container"] = metadata.container_name
    _write_json(folder / LEAN_CLI_CONFIG_FILE, lean_cli)


def read_metadata(folder: Path) -> RunMetadata | None:
    """The folder's ``workbench.json``, or None when it has none (a lean-cli result) or it is unreadable."""
    try:
        data = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return RunMetadata.from_dict(data) if isinstance(data, dict) else None


def _write_json(path: Path, data: Any) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=4) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def data_folder_checksum(folder: Path) -> str:
    """``sha256:<hex>`` over every file's relative path, size and modification time.

    Reading the bytes of a large LEAN data folder would take minutes; this changes whenever a
    file is added, removed, rewritten or touched, which is what reproducing a run needs to know.
    """
    digest = hashlib.sha256()
    root = Path(folder)
    entries: list[tuple[str, int, int]] = []
    for directory, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in files:
            path = Path(directory) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    for relative, size, mtime in sorted(entries):
        digest.update(f"{relative}\0{size}\0{mtime}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def copy_project_code(project: Path, destination: Path) -> list[Path]:
    """Copy the project's source files (not its outputs, data or environments) into ``destination``.

    Returns the copied files' paths relative to ``destination``.
    """
    copied: list[Path] = []
    project = project.resolve()
    for directory, subfolders, files in os.walk(project):
        here = Path(directory)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS
                               and not (here / d / "pyvenv.cfg").exists())
        for name in sorted(files):
            source = here / name
            if name.startswith(".") or source.suffix not in SOURCE_SUFFIXES or not source.is_file():
                continue
            if source.stat().st_size > MAX_CODE_FILE_BYTES:
                continue
            relative = source.relative_to(project)
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            copied.append(relative)
    return copied
