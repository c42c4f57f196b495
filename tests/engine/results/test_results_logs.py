"""Log line formats: console, log.txt and the algorithm log."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from lean_runner.engine.results.logs import (
    EngineLogFile,
    format_algorithm_log_line,
    format_console_line,
    format_log_file_line,
)

FILE_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z (TRACE|DEBUG|ERROR|REPORT):: .*$")


@pytest.mark.parametrize(
    ("level", "micro", "expected"),
    [
        ("TRACE", 123999, "20240501 12:34:56.123 TRACE:: hello"),  # fff truncates
        ("error", 0, "20240501 12:34:56.000 ERROR:: hello"),
        ("DEBUG", 999, "20240501 12:34:56.000 DEBUG:: hello"),
    ],
)
def test_console_line_format(level, micro, expected):
    assert format_console_line(level, "hello", datetime(2024, 5, 1, 12, 34, 56, micro)) == expected


def test_unknown_level_is_rejected():
    with pytest.raises(ValueError, match="TRACE, DEBUG, ERROR, REPORT"):
        format_console_line("WARN", "x", datetime(2024, 1, 1))


def test_log_file_line_is_iso_utc_with_seven_fraction_digits():
    local = datetime(2024, 5, 1, 14, 34, 56, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert format_log_file_line("TRACE", "Engine.Main(): Started", local) == (
        "2024-05-01T12:34:56.1234560Z TRACE:: Engine.Main(): Started"
    )
    naive = format_log_file_line("TRACE", "x", datetime(2024, 5, 1))
    assert naive == "2024-05-01T00:00:00.0000000Z TRACE:: x"


def test_algorithm_log_line_prefix():
    assert format_algorithm_log_line(datetime(2013, 10, 7, 9, 31), "Purchased Stock") == (
        "2013-10-07 09:31:00 Purchased Stock"
    )


def test_engine_log_file_appends_flushed_lines(tmp_path):
    path = tmp_path / "out" / "log.txt"
    path.parent.mkdir()
    path.write_text("2024-05-01T00:00:00.0000000Z TRACE:: earlier run\n")
    with EngineLogFile(path) as log:
        written = log.trace("first")
        # visible to a reader while the file is still open (flushed per line)
        assert path.read_text().splitlines()[-1] == written
        log.error("second")
        log.write("DEBUG", "third", datetime(2024, 5, 1, 12, tzinfo=UTC))
    lines = path.read_text().splitlines()
    assert lines[0].endswith("earlier run") and len(lines) == 4
    assert all(FILE_LINE.match(line) for line in lines)
    assert lines[2].endswith("ERROR:: second")
    assert lines[3] == "2024-05-01T12:00:00.0000000Z DEBUG:: third"
    assert log.closed
    with pytest.raises(ValueError, match="closed"):
        log.trace("late")


def test_engine_log_file_is_thread_safe(tmp_path):
    path = tmp_path / "log.txt"
    with EngineLogFile(path) as log:

        def chatter(n: int) -> None:
            for i in range(200):
                log.trace(f"t{n} m{i}")

        threads = [threading.Thread(target=chatter, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    lines = path.read_text().splitlines()
    assert len(lines) == 800 and all(FILE_LINE.match(line) for line in lines)
