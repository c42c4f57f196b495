"""Backtest records in SQLite and PostgreSQL: add, compare-and-set updates, pages, errors, rebuild from folders."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lean_runner.results_index import ResultIndex, RunMetadata, write_metadata
from lean_runner.runners.errors import (
    BacktestNotFoundError,
    StoreConfigurationError,
    StoreUnavailableError,
    TransitionConflictError,
)
from lean_runner.store import BacktestRecord, BacktestStore, default_database_url

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _record(number: int, **fields: object) -> BacktestRecord:
    values: dict[str, object] = {"id": f"bt-{number:03d}", "algorithm_id": f"1{number:09d}", "status": "queued",
                                 "strategy": "main" if number % 2 else "ema", "request": {"algorithm": "main.py"},
                                 "engine": "local", "created_at": T0 + timedelta(seconds=number)}
    values.update(fields)
    return BacktestRecord(**values)  # type: ignore[arg-type]


def test_records_round_trip_with_json_fields_and_utc_times(store: BacktestStore) -> None:
    store.add(_record(1, request={"algorithm": "main.py", "parameters": {"fast": "10"}}))
    record = store.get("bt-001")
    assert record.request == {"algorithm": "main.py", "parameters": {"fast": "10"}}
    assert record.created_at == T0 + timedelta(seconds=1)
    assert record.to_dict()["created_at"] == "2024-05-01T12:00:01Z"


def test_update_with_expected_status_is_an_atomic_compare_and_set(store: BacktestStore) -> None:
    store.add(_record(1))
    updated = store.update("bt-001", expect_status="queued", status="running", engine_ref="pid:42",
                           statistics={"Net Profit": "1.2%"})
    assert (updated.status, updated.engine_ref, updated.statistics) == ("running", "pid:42", {"Net Profit": "1.2%"})
    with pytest.raises(TransitionConflictError, match="is running, not queued"):
        store.update("bt-001", expect_status="queued", status="cancelled")


def test_missing_record_is_not_found(store: BacktestStore) -> None:
    with pytest.raises(BacktestNotFoundError):
        store.get("nope")
    assert store.find("nope") is None


def test_list_filters_and_paginates_newest_first(store: BacktestStore) -> None:
    for number in range(1, 8):
        store.add(_record(number, status="completed" if number < 6 else "queued"))
    items, total = store.list(status="completed", limit=2, offset=0)
    assert total == 5 and [r.id for r in items] == ["bt-005", "bt-004"]
    items, total = store.list(status="completed", strategy="main", limit=10, offset=1)
    assert total == 3 and [r.id for r in items] == ["bt-003", "bt-001"]
    assert [r.id for r in store.with_status("queued")] == ["bt-006", "bt-007"]  # oldest first: the queue order


def test_summary_pages_list_the_same_records_as_list_with_their_summaries(store: BacktestStore) -> None:
    for number in range(1, 30):
        store.add(_record(number, status="completed" if number % 3 else "failed", user_id=f"u{number % 2}",
                          result_folder=f"folder-{number}", metrics_summary={"sharpe": number / 10}))
    for filters in ({"status": "completed"}, {"status": "completed", "strategy": "ema"},
                    {"status": "failed", "user_id": "u1"}, {}):
        for limit, offset in ((5, 0), (5, 5), (7, 12), (100, 0), (5, 40)):
            records, total = store.list(**filters, limit=limit, offset=offset)
            listed, listed_total = store.summary_page(**filters, limit=limit, offset=offset)
            assert listed_total == total
            assert [(r.id, r.strategy, r.status, r.result_folder, r.created_at, r.metrics_summary, r.user_id)
                    for r in listed] == [(r.id, r.strategy, r.status, r.result_folder, r.created_at,
                                          r.metrics_summary, r.user_id) for r in records]
    assert store.summary_page(status="completed", limit=3)[0][0].created_at.tzinfo is not None


@pytest.mark.parametrize(("url", "error", "message"), [
    ("not a url", StoreConfigurationError, "is not a database URL"),
    ("mysql://user@localhost/db", StoreConfigurationError, "does not support"),
    ("sqlite://", StoreConfigurationError, "names no SQLite file"),
    ("postgresql://workbench:secret@127.0.0.1:1/workbench", StoreUnavailableError, "cannot reach the database"),
])
def test_bad_or_unreachable_database_urls_fail_clearly(tmp_path: Path, url: str, error: type[Exception],
                                                       message: str) -> None:
    with pytest.raises(error, match=message) as raised:
        BacktestStore.open(url, project=tmp_path)
    assert "secret" not in str(raised.value)


def test_default_store_is_a_sqlite_file_in_the_project(tmp_path: Path) -> None:
    store = BacktestStore.open(None, project=tmp_path)
    store.add(_record(1))
    store.close()
    assert default_database_url(tmp_path).endswith("/backtests/workbench.db")
    assert (tmp_path / "backtests" / "workbench.db").is_file()


def _result_folder(index: ResultIndex, name: str, status: str, backtest_id: str | None) -> Path:
    folder = index.backtests / name
    folder.mkdir(parents=True)
    if backtest_id:
        write_metadata(folder, RunMetadata(backtest_id=backtest_id, algorithm_id="1000000001", strategy="ema",
                                           algorithm="ema.py", request={"algorithm": "ema.py"}, engine="docker",
                                           image="lean-workbench/engine:latest",
                                           created_at="2024-05-01T12:00:00+00:00"))
        algorithm_id = "1000000001"
    else:  # a lean-cli result folder: only its `config` file
        (folder / "config").write_text(json.dumps({"id": 1000000002}))
        algorithm_id = "1000000002"
    summary = {"state": {"Status": status}, "statistics": {"Net Profit": "2%"}}
    (folder / f"{algorithm_id}-summary.json").write_text(json.dumps(summary))
    return folder


def test_rebuild_from_folders_indexes_every_folder_and_drops_records_of_deleted_ones(store: BacktestStore,
                                                                                    tmp_path: Path) -> None:
    index = ResultIndex(tmp_path / "project")
    _result_folder(index, "2024-05-01_12-00-00", "Completed", "bt-ours")
    lean_cli = _result_folder(index, "2024-05-02_09-30-00", "RuntimeError", None)
    store.add(_record(9, status="completed", result_folder="2023-01-01_00-00-00"))  # its folder is gone
    store.add(_record(10, status="running", result_folder="2024-05-03_00-00-00"))   # live: left alone

    report = store.rebuild_from_folders(index)

    assert (report.added, report.updated, report.removed) == (2, 0, 1)
    ours = store.get("bt-ours")
    assert (ours.status, ours.engine, ours.strategy, ours.statistics) == ("completed", "docker", "ema",
                                                                          {"Net Profit": "2%"})
    found = store.find_by_result_folder(lean_cli.name)
    assert found is not None and found.status == "failed" and found.engine == "unknown"
    assert store.find("bt-009") is None and store.get("bt-010").status == "running"
    shutil.rmtree(lean_cli)
    assert store.rebuild_from_folders(index).removed == 1


def test_strategy_api_fields_round_trip_and_appear_in_to_dict(store: BacktestStore) -> None:
    store.add(_record(1, user_id="u_123", strategy_version_id="sv_abc", config={"initial_capital": 100000},
                      metrics_summary={"sharpe": 1.1}, tags=["chat_session:conv_789"], conversation_id="conv_789"))
    store.add(_record(2))

    shown = store.get("bt-001").to_dict()
    assert {k: shown[k] for k in ("user_id", "strategy_version_id", "config", "metrics_summary", "tags",
                                  "conversation_id")} == {
        "user_id": "u_123", "strategy_version_id": "sv_abc", "config": {"initial_capital": 100000},
        "metrics_summary": {"sharpe": 1.1}, "tags": ["chat_session:conv_789"], "conversation_id": "conv_789"}
    plain = store.get("bt-002")  # a project .py run: the fields are SQL NULL, not JSON null
    assert (plain.config, plain.metrics_summary, plain.tags, plain.user_id) == (None, None, None, None)
    assert store.list(user_id="u_123")[1] == 1 and store.list(conversation_id="conv_789")[1] == 1
    assert store.list(strategy_version_id="sv_abc", status="queued")[1] == 1
    assert store.list(user_id="u_nobody") == ([], 0)


def test_rebuild_from_folders_restores_owner_and_version_from_the_metadata_extra(store: BacktestStore,
                                                                                tmp_path: Path) -> None:
    index = ResultIndex(tmp_path / "project")
    folder = index.backtests / "2024-05-01_12-00-00"
    folder.mkdir(parents=True)
    extra = {"user_id": "u_123", "strategy_version_id": "sv_abc", "config": {"initial_capital": 100000},
             "tags": ["t"], "conversation_id": "conv_789"}
    write_metadata(folder, RunMetadata(backtest_id="bt_lost", algorithm_id="1000000001", strategy="dsl",
                                       algorithm="dsl.py", request={}, engine="local", extra=extra))
    (folder / "1000000001-summary.json").write_text(json.dumps({"state": {"Status": "Completed"}}))

    assert store.rebuild_from_folders(index).added == 1
    rebuilt = store.get("bt_lost")
    assert (rebuilt.user_id, rebuilt.strategy_version_id, rebuilt.config, rebuilt.tags,
            rebuilt.conversation_id) == ("u_123", "sv_abc", {"initial_capital": 100000}, ["t"], "conv_789")

    # A folder without them leaves what the record already knows.
    store.update("bt_lost", metrics_summary={"sharpe": 1.1})
    write_metadata(folder, RunMetadata(backtest_id="bt_lost", algorithm_id="1000000001", strategy="dsl",
                                       algorithm="dsl.py", request={}, engine="local"))
    assert store.rebuild_from_folders(index).updated == 0  # a finished record keeps what it knows
    kept = store.get("bt_lost")
    assert (kept.user_id, kept.metrics_summary) == ("u_123", {"sharpe": 1.1})


def test_rebuild_keeps_the_ending_a_record_knows_when_its_folder_has_no_final_result(store: BacktestStore,
                                                                                    tmp_path: Path) -> None:
    index = ResultIndex(tmp_path / "project")
    folder = index.backtests / "2024-05-01_12-00-00"
    folder.mkdir(parents=True)
    write_metadata(folder, RunMetadata(backtest_id="bt_stopped", algorithm_id="1000000002", strategy="main",
                                       algorithm="main.py", request={}, engine="local"))
    store.add(_record(9, id="bt_stopped", status="cancelled", result_folder=folder.name,
                      error="stopped: the workbench shut down"))
    store.rebuild_from_folders(index)
    kept = store.get("bt_stopped")
    assert (kept.status, kept.error) == ("cancelled", "stopped: the workbench shut down")
