"""Atomic writes: a crash mid-write never leaves a partial file under the final name."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lean_runner.engine.results.atomic import (
    remove_stale_temp_files,
    temp_path_for,
    write_json_atomic,
    write_text_atomic,
)

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_indented_json_uses_json_net_layout_without_trailing_newline(tmp_path):
    target = tmp_path / "a.json"
    write_json_atomic(target, {"name": "Équité", "values": [[1, 2.5]], "empty": {}})
    assert target.read_text(encoding="utf-8") == (
        '{\n  "name": "Équité",\n  "values": [\n    [\n      1,\n      2.5\n    ]\n  ],\n  "empty": {}\n}'
    )


def test_compact_json_has_no_spaces(tmp_path):
    target = tmp_path / "events.json"
    write_json_atomic(target, [{"id": "a-1-1", "time": 1.5}], indent=None)
    assert target.read_text() == '[{"id":"a-1-1","time":1.5}]'


def test_text_is_written_verbatim(tmp_path):
    target = tmp_path / "log.txt"
    write_text_atomic(target, "one\ntwo\n")
    assert target.read_bytes() == b"one\ntwo\n"


def test_failed_serialisation_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.json"
    write_json_atomic(target, {"v": 1})
    with pytest.raises(ValueError):
        write_json_atomic(target, {"v": math.nan})
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_temp_name_is_hidden_and_carries_the_pid(tmp_path):
    assert temp_path_for(tmp_path / "x.json", pid=42) == tmp_path / ".x.json.tmp-42"
    assert temp_path_for(tmp_path / "x.json").name == f".x.json.tmp-{os.getpid()}"


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lean_runner.engine.results.atomic import write_json_atomic

    big = [{"time": i, "value": i * 0.5, "note": "x" * 20} for i in range(1_500_000)]
    print("ready", flush=True)
    write_json_atomic(Path(sys.argv[1]), big)
    print("done", flush=True)
    """
)


def test_sigkill_mid_write_leaves_old_content_intact(tmp_path):
    target = tmp_path / "result.json"
    write_json_atomic(target, {"old": True})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        temp = temp_path_for(target, pid=child.pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if temp.exists() and temp.stat().st_size > 0:
                break
            assert child.poll() is None, "the writer finished before it could be killed"
            time.sleep(0.002)
        else:
            pytest.fail("the writer never started its temp file")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()

    assert child.returncode == -signal.SIGKILL
    assert json.loads(target.read_text()) == {"old": True}
    assert temp.exists(), "the partial write should be in the temp file only"
    assert remove_stale_temp_files(tmp_path) == [temp]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_remove_stale_temp_files_spares_live_writers_unless_forced(tmp_path):
    live = temp_path_for(tmp_path / "a.json")  # our own pid: alive
    dead = tmp_path / ".b.json.tmp-999999999"
    unrelated = tmp_path / "b.json"
    for path in (live, dead, unrelated):
        path.write_text("{")
    assert remove_stale_temp_files(tmp_path) == [dead]
    assert remove_stale_temp_files(tmp_path, min_age_seconds=3600, force=True) == []
    assert remove_stale_temp_files(tmp_path, force=True) == [live]
    assert [p.name for p in tmp_path.iterdir()] == ["b.json"]
    assert remove_stale_temp_files(tmp_path / "missing") == []
