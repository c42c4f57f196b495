"""The result folders: unique names, validated names from outside, list/filter/paginate/delete, metadata."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from lean_runner.results_index import (
    ResultIndex,
    RunMetadata,
    copy_project_code,
    data_folder_checksum,
    read_metadata,
    write_metadata,
)
from lean_runner.runners.errors import (
    InvalidRequestError,
    InvalidResultNameError,
    ResultFolderBusyError,
    ResultNotFoundError,
)

NOON = datetime(2024, 5, 1, 12, 0, 0)


def _folder(index: ResultIndex, name: str, strategy: str, status: str) -> Path:
    folder = index.backtests / name
    folder.mkdir(parents=True)
    write_metadata(folder, RunMetadata(backtest_id=f"id-{name}", algorithm_id="1234567890", strategy=strategy,
                                       algorithm=f"{strategy}.py", request={}, engine="local"))
    (folder / "1234567890-summary.json").write_text(json.dumps({"state": {"Status": status},
                                                                "statistics": {"Net Profit": "1%"}}))
    return folder


def test_folders_started_in_the_same_second_are_unique(tmp_path: Path) -> None:
    index = ResultIndex(tmp_path)
    made: list[Path] = []
    threads = [threading.Thread(target=lambda: made.append(index.new_folder(NOON))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p.name for p in made) == sorted(["2024-05-01_12-00-00"] + [f"2024-05-01_12-00-00_{n}"
                                                                             for n in range(2, 9)])


def test_list_is_newest_first_filtered_and_paginated(tmp_path: Path) -> None:
    index = ResultIndex(tmp_path)
    for day, strategy, status in [(1, "main", "Completed"), (2, "ema", "Completed"), (3, "main", "RuntimeError"),
                                  (4, "main", "Completed")]:
        _folder(index, f"2024-05-0{day}_10-00-00", strategy, status)
    page = index.list(strategy="main", page=1, page_size=2)
    assert (page.total, [e.name for e in page.items]) == (3, ["2024-05-04_10-00-00", "2024-05-03_10-00-00"])
    assert [e.name for e in index.list(strategy="main", page=2, page_size=2).items] == ["2024-05-01_10-00-00"]
    assert index.list(status="runtimeerror").total == 1
    entry = index.get("2024-05-02_10-00-00")
    assert entry.to_dict()["statistics"] == {"Net Profit": "1%"} and entry.backtest_id == "id-2024-05-02_10-00-00"
    with pytest.raises(InvalidRequestError) as raised:
        index.list(page=0, page_size=500)
    assert [d["path"] for d in raised.value.details] == ["page", "page_size"]


@pytest.mark.parametrize("name", ["../etc", "..", "a/b", "/etc/passwd", "", ".hidden", "x" * 101, "a\x00b", 7,
                                  "..\\windows"])
def test_names_from_outside_cannot_escape_the_project(tmp_path: Path, name: object) -> None:
    index = ResultIndex(tmp_path)
    with pytest.raises(InvalidResultNameError):
        index.delete(name)


def test_a_symlink_out_of_backtests_is_refused(tmp_path: Path) -> None:
    index = ResultIndex(tmp_path / "project")
    index.backtests.mkdir(parents=True)
    outside = tmp_path / "precious"
    outside.mkdir()
    os.symlink(outside, index.backtests / "2024-05-01_00-00-00")
    with pytest.raises(InvalidResultNameError, match="outside"):
        index.delete("2024-05-01_00-00-00")
    assert outside.is_dir()


def test_delete_removes_a_finished_folder_and_refuses_a_running_one(tmp_path: Path) -> None:
    index = ResultIndex(tmp_path)
    running = index.new_folder(NOON)
    finished = _folder(index, "2024-04-01_10-00-00", "main", "Completed")
    with pytest.raises(ResultFolderBusyError, match="cancel it first"):
        index.delete(running.name)
    index.delete(finished.name)
    assert not finished.exists()
    with pytest.raises(ResultNotFoundError):
        index.delete(finished.name)
    index.release(running.name)
    index.delete(running.name)


def test_metadata_round_trips_and_writes_lean_clis_config(tmp_path: Path) -> None:
    metadata = RunMetadata(backtest_id="b", algorithm_id="1234567890", strategy="main", algorithm="main.py",
                           request={"algorithm": "main.py"}, engine="docker", image="img", container_name="c1")
    write_metadata(tmp_path, metadata)
    assert read_metadata(tmp_path) == metadata
    assert json.loads((tmp_path / "workbench.json").read_text())["backtestId"] == "b"
    assert json.loads((tmp_path / "config").read_text()) == {"id": 1234567890, "container": "c1"}


def test_code_copy_takes_sources_but_not_outputs_data_or_environments(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for relative in ["main.py", "lib/helpers.py", "config.json", "backtests/old/x.py", "data/equity.csv",
                     ".venv/lib.py", "env2/pyvenv.cfg", "env2/site.py", "notes.bin"]:
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text("x")
    copied = copy_project_code(project, tmp_path / "code")
    assert sorted(p.as_posix() for p in copied) == ["config.json", "lib/helpers.py", "main.py"]


def test_data_checksum_changes_when_a_file_changes(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("1")
    first = data_folder_checksum(tmp_path)
    assert first == data_folder_checksum(tmp_path) and first.startswith("sha256:")
    (tmp_path / "a.csv").write_text("12")
    assert data_folder_checksum(tmp_path) != first
