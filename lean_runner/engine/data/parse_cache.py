"""On-disk cache of parsed zip files as ``.npy`` record arrays.

An entry is keyed by a SHA-256 of the source zip's absolute path, size and
``mtime_ns`` plus :data:`PARSER_VERSION` and a tag, so editing or replacing a
zip (or changing the parser) misses the cache. Entries are plain ``.npy`` files
(no zip container, no pickle), written to a temporary file and moved into place
with ``os.replace``, so readers never see a half-written entry. An unreadable
or mismatched entry is treated as a miss and rewritten. Write failures (e.g. a
read-only cache folder) are ignored: the cache is an optimisation only.

A second kind of entry, keyed by arbitrary material (:meth:`ParsedArrayCache.entry_for_material`),
holds a whole merged range, e.g. years of minute files read as one array.

Reading thousands of small entries is dominated by ``np.load``'s header
parsing, so :meth:`ParsedArrayCache.load` first tries a strict fast path for the
exact header layout this module writes, and falls back to ``np.load``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["PARSER_VERSION", "ParsedArrayCache", "default_cache_folder"]

PARSER_VERSION = 1
_NPY_MAGIC_V1 = b"\x93NUMPY\x01\x00"
_SHAPE = re.compile(r"'shape': \((\d+),\)")

StrPath = str | os.PathLike[str]


def default_cache_folder() -> Path:
    """``~/.cache/lean-workbench/parsed``."""
    return Path.home() / ".cache" / "lean-workbench" / "parsed"


def _fast_load(entry: str, dtype: np.dtype[np.void]) -> npt.NDArray[np.void] | None:
    """Read a v1.0 ``.npy`` of a 1-D C-ordered array of ``dtype``; None if the layout differs."""
    with open(entry, "rb") as stream:
        data = stream.read()
    if not data.startswith(_NPY_MAGIC_V1) or len(data) < 10:
        return None
    header_length = int.from_bytes(data[8:10], "little")
    header = data[10 : 10 + header_length].decode("latin-1")
    expected_descr = f"'descr': {np.lib.format.dtype_to_descr(dtype)!r}"
    match = _SHAPE.search(header)
    if expected_descr not in header or "'fortran_order': False" not in header or match is None:
        return None
    count = int(match.group(1))
    offset = 10 + header_length
    if len(data) != offset + count * dtype.itemsize:
        raise ValueError("truncated cache entry")
    return np.frombuffer(data, dtype=dtype, count=count, offset=offset)


class ParsedArrayCache:
    """Parse-once cache of record arrays; ``folder=None`` disables it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._folder_text = os.fspath(self.folder) if self.folder is not None else ""

    def entry_path(self, source: StrPath, tag: str, stat: os.stat_result | None = None) -> Path | None:
        """Cache file for ``source`` (None when caching is off or the source is unreadable)."""
        text = self._entry_text(source, tag, stat)
        return Path(text) if text is not None else None

    def _entry_text(self, source: StrPath, tag: str, stat: os.stat_result | None) -> str | None:
        if self.folder is None:
            return None
        try:
            info = stat if stat is not None else os.stat(source)
        except OSError:
            return None
        material = f"{os.path.abspath(source)}\0{info.st_size}\0{info.st_mtime_ns}\0{PARSER_VERSION}\0{tag}"
        digest = hashlib.sha256(material.encode("utf-8")).hexdigest()
        return os.path.join(self._folder_text, digest[:2], digest + ".npy")

    def entry_for_material(self, material: str) -> str | None:
        """Cache file for an entry keyed by ``material`` (e.g. a list of source files), None when caching is off."""
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{PARSER_VERSION}\0{material}".encode()).hexdigest()
        return os.path.join(self._folder_text, digest[:2], digest + ".npy")

    @staticmethod
    def load(entry: StrPath, dtype: np.dtype[np.void]) -> npt.NDArray[np.void] | None:
        """The cached array, or None when missing, corrupt or of another dtype."""
        try:
            fast = _fast_load(os.fspath(entry), dtype)
            if fast is not None:
                return fast
            array = np.load(entry, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if not isinstance(array, np.ndarray) or array.dtype != dtype or array.ndim != 1:
            return None
        return array

    @staticmethod
    def store(entry: StrPath, array: npt.NDArray[np.void]) -> None:
        """Write atomically (temp file + ``os.replace``); errors are swallowed."""
        target = Path(entry)
        temp_name: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=target.stem[:16], suffix=".tmp", dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                np.save(stream, np.ascontiguousarray(array), allow_pickle=False)
            os.replace(temp_name, target)
            temp_name = None
        except OSError:
            pass
        finally:
            if temp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)

    def get_or_parse(
        self,
        source: StrPath,
        tag: str,
        dtype: np.dtype[np.void],
        parse: Callable[[], npt.NDArray[np.void]],
        stat: os.stat_result | None = None,
    ) -> npt.NDArray[np.void]:
        """Return the cached array for ``source`` or run ``parse`` and cache its result."""
        entry = self._entry_text(source, tag, stat)
        if entry is not None:
            cached = self.load(entry, dtype)
            if cached is not None:
                return cached
        array = parse()
        if entry is not None:
            self.store(entry, array)
        return array
