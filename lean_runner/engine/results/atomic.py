"""Crash-safe file writes: a reader sees the old file or the new one, never half of one.

Each write goes to a temp file in the target's folder, named
``.<name>.tmp-<pid>``, which is flushed, fsynced and then renamed over the
target with :func:`os.replace` (atomic on POSIX and Windows within one file
system). If the writer dies, even by SIGKILL, only the temp file is left;
:func:`remove_stale_temp_files` cleans those up.

Two threads of one process must not write the same target at the same time
(they would share the temp name); different processes may.

Example::

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_json_atomic(folder / "a.json", {"x": 1})
    >>> (folder / "a.json").read_text()
    '{\\n  "x": 1\\n}'
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "remove_stale_temp_files",
    "temp_path_for",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_text_atomic",
]

_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>\d+)$")


def temp_path_for(path: Path, pid: int | None = None) -> Path:
    """The temp file used while writing ``path``: ``<folder>/.<name>.tmp-<pid>``."""
    return path.with_name(f".{path.name}.tmp-{os.getpid() if pid is None else pid}")


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _atomic_binary_file(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary file that replaces ``path`` when the block ends without error."""
    path = Path(path)
    tmp = temp_path_for(path)
    # O_TRUNC, not O_EXCL: a temp file left by a killed process that had our pid
    # (pids are reused, often in containers) must not block this write.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with _atomic_binary_file(path) as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (no newline translation)."""
    write_bytes_atomic(path, text.encode(encoding))


class _Utf8Writer:
    """A minimal text sink over a binary file, so ``json.dump`` can stream large objects."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def write(self, chunk: str) -> int:
        return self._handle.write(chunk.encode("utf-8"))


def write_json_atomic(
    path: Path,
    obj: Any,
    *,
    indent: int | None = 2,
    default: Callable[[Any], Any] | None = None,
) -> None:
    """Serialise ``obj`` to ``path`` atomically.

    ``indent=2`` gives Json.NET's indented layout (``"key": value``);
    ``indent=None`` gives its compact layout (no spaces at all). Non-ASCII text
    is written as UTF-8, like Json.NET does. NaN and infinity are rejected,
    because they are not JSON: replace them with ``None`` first.
    """
    separators = (",", ": ") if indent is not None else (",", ":")
    with _atomic_binary_file(Path(path)) as handle:
        json.dump(
            obj,
            _Utf8Writer(handle),
            indent=indent,
            separators=separators,
            ensure_ascii=False,
            allow_nan=False,
            default=default,
        )


def _pid_is_running(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def remove_stale_temp_files(folder: Path, *, force: bool = False, min_age_seconds: float = 0.0) -> list[Path]:
    """Delete temp files left in ``folder`` by writers that died; return what was removed.

    A temp file is stale when the process named by its pid is no longer running
    on this host. Pids of a container's processes mean nothing on the host, so
    after a run has ended (no writer can remain) call this with ``force=True``
    to remove every temp file. ``min_age_seconds`` spares files modified more
    recently than that. A missing folder is not an error.
    """
    folder = Path(folder)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for entry in folder.iterdir():
        match = _TEMP_NAME.match(entry.name)
        if match is None or not entry.is_file():
            continue
        try:
            age = now - entry.stat().st_mtime
        except OSError:
            continue
        if age < min_age_seconds:
            continue
        if not force and _pid_is_running(int(match.group("pid"))):
            continue
        try:
            entry.unlink()
        except FileNotFoundError:
            continue
        removed.append(entry)
    return removed
