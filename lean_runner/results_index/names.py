"""Result folder names: new unique ones, and validation of names that come from outside."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lean_runner.runners.errors import InvalidResultNameError

RESULT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
TIMESTAMP_FORMAT = "%Y-%m-%d_%H-%M-%S"


def new_result_folder(backtests: Path, now: datetime | None = None) -> Path:
    """Create ``<backtests>/<YYYY-MM-DD_HH-MM-SS>``, or ``..._2``, ``..._3`` when that second is taken.

    ``mkdir`` is the lock, so two runs starting in the same second (even in two processes)
    get two folders.
    """
    stamp = (now or datetime.now()).strftime(TIMESTAMP_FORMAT)
    backtests.mkdir(parents=True, exist_ok=True)
    candidate, suffix = backtests / stamp, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            suffix += 1
            candidate = backtests / f"{stamp}_{suffix}"


def validate_result_name(name: object) -> str:
    """``name`` if it can only mean a folder directly inside ``backtests/``; InvalidResultNameError otherwise."""
    if not isinstance(name, str) or not RESULT_NAME.match(name) or ".." in name:
        raise InvalidResultNameError(
            f"{name!r} is not a result name: use the folder's name, like '2024-05-01_12-00-00' (letters, digits, "
            f"'-', '_' and '.', at most 100 characters, no path separators)")
    return name


def resolve_result_folder(backtests: Path, name: object) -> Path:
    """The folder ``name`` inside ``backtests``, checked so nothing (not even a symlink) escapes it."""
    valid = validate_result_name(name)
    root = backtests.resolve()
    path = (root / valid).resolve()
    if path.parent != root:
        raise InvalidResultNameError(f"{valid!r} points outside {root}")
    return path
