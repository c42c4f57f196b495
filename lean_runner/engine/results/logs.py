"""LEAN's log line formats: the engine log file, the console, and the algorithm log.

* ``log.txt`` (the engine's own log) has one line per message,
  ``2024-05-01T12:34:56.1234567Z TRACE:: message``; :class:`EngineLogFile`
  appends them live and flushes each line so a tailing reader sees it at once.
* The console shows ``20240501 12:34:56.123 TRACE:: message``
  (:func:`format_console_line`).
* ``<id>-log.txt`` holds the algorithm's Debug/Log/Error messages, each prefixed
  with the algorithm time ``yyyy-MM-dd HH:mm:ss`` (:func:`format_algorithm_log_line`).

Example::

    >>> from datetime import datetime, timezone
    >>> format_console_line("TRACE", "hello", datetime(2024, 5, 1, 12, 34, 56, 123999))
    '20240501 12:34:56.123 TRACE:: hello'
    >>> format_log_file_line("ERROR", "boom", datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=timezone.utc))
    '2024-05-01T12:34:56.1234560Z ERROR:: boom'
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = [
    "LOG_LEVELS",
    "EngineLogFile",
    "format_algorithm_log_line",
    "format_console_line",
    "format_log_file_line",
]

LOG_LEVELS = ("TRACE", "DEBUG", "ERROR", "REPORT")


def _checked_level(level: str) -> str:
    upper = level.upper()
    if upper not in LOG_LEVELS:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}")
    return upper


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_console_line(level: str, message: str, now: datetime) -> str:
    """``yyyyMMdd HH:mm:ss.fff LEVEL:: message``; milliseconds are truncated like .NET's ``fff``.

    ``now`` is printed as given (LEAN's console uses local time).
    """
    return f"{now:%Y%m%d %H:%M:%S}.{now.microsecond // 1000:03d} {_checked_level(level)}:: {message}"


def format_log_file_line(level: str, message: str, now_utc: datetime) -> str:
    """``yyyy-MM-ddTHH:mm:ss.fffffffZ LEVEL:: message`` (.NET's round-trip ``o`` format in UTC)."""
    moment = _as_utc(now_utc)
    # .NET prints 7 fractional digits (100 ns ticks); Python has microseconds.
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0Z {_checked_level(level)}:: {message}"


def format_algorithm_log_line(algorithm_time: datetime, message: str) -> str:
    """An ``<id>-log.txt`` entry: ``yyyy-MM-dd HH:mm:ss message`` in algorithm (exchange) time."""
    return f"{algorithm_time:%Y-%m-%d %H:%M:%S} {message}"


class EngineLogFile:
    """Appends engine log lines to ``log.txt`` as they happen, one flushed line each.

    Safe to use from several threads. Use as a context manager or call
    :meth:`close`.

    Example::

        with EngineLogFile(folder / "log.txt") as log:
            log.trace("Engine.Main(): Started")
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._handle: IO[str] | None = open(  # noqa: SIM115 - kept open for the whole run
            self.path, "a", encoding="utf-8", newline="\n"
        )

    def write(self, level: str, message: str, now_utc: datetime | None = None) -> str:
        """Append one line and flush it; return the line written (without the newline)."""
        line = format_log_file_line(level, message, now_utc or datetime.now(UTC))
        with self._lock:
            if self._handle is None:
                raise ValueError(f"engine log {self.path} is closed")
            self._handle.write(line + "\n")
            self._handle.flush()
        return line

    def trace(self, message: str) -> str:
        return self.write("TRACE", message)

    def debug(self, message: str) -> str:
        return self.write("DEBUG", message)

    def error(self, message: str) -> str:
        return self.write("ERROR", message)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None

    def __enter__(self) -> EngineLogFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
