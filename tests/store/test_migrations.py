"""Schema migrations on SQLite and PostgreSQL: from today's schema, from nothing, again, and two processes at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlmodel import SQLModel

from lean_runner.runners.errors import StoreConfigurationError
from lean_runner.store import BacktestStore, StrategyStore, parse_database_url
from lean_runner.store.schema import alembic_config, current_revision, head_revision

# The schema that shipped before migrations, as SQLModel's create_all wrote it (copied from its DDL):
# the two backends differ only in the name of the timestamp type.
_LEGACY_DDL = """
CREATE TABLE backtest (
    id VARCHAR(64) NOT NULL,
    algorithm_id VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL,
    strategy VARCHAR(200) NOT NULL,
    request JSON NOT NULL,
    engine VARCHAR(16) NOT NULL,
    image VARCHAR(300),
    engine_ref VARCHAR(100),
    result_folder VARCHAR(200),
    error VARCHAR,
    statistics JSON NOT NULL,
    created_at {timestamp} NOT NULL,
    started_at {timestamp},
    finished_at {timestamp},
    PRIMARY KEY (id)
);
CREATE INDEX ix_backtest_status ON backtest (status);
CREATE INDEX ix_backtest_strategy ON backtest (strategy);
CREATE INDEX ix_backtest_created_at ON backtest (created_at);
CREATE INDEX ix_backtest_result_folder ON backtest (result_folder)
"""
_TIMESTAMP = {"sqlite": "DATETIME", "postgresql": "TIMESTAMP WITH TIME ZONE"}
# Rows as today's code stored them (SQLite keeps UTC times without an offset).
_LEGACY_ROWS = [
    ("bt-old-1", "1000000001", "completed", "main", '{"algorithm": "main.py", "parameters": {"fast": "10"}}',
     "docker", "lean-workbench/engine:latest", "c0ffee", "2024-05-01_12-00-00", None, '{"Net Profit": "2%"}',
     "2024-05-01 12:00:00.000000", "2024-05-01 12:00:05.000000", "2024-05-01 12:01:00.000000"),
    ("bt-old-2", "1000000002", "failed", "ema", '{"algorithm": "ema.py"}', "local", None, "pid:42",
     "2024-05-02_09-30-00", "the algorithm failed", "{}", "2024-05-02 09:30:00.250000", None, None),
    ("bt-old-3", "1000000003", "queued", "main", '{"algorithm": "main.py"}', "local", None, None, None, None,
     "{}", "2024-05-03 00:00:00.000000", None, None),
]
_LEGACY_DICTS: list[dict[str, Any]] = [
    {"id": "bt-old-1", "algorithm_id": "1000000001", "status": "completed", "strategy": "main",
     "request": {"algorithm": "main.py", "parameters": {"fast": "10"}}, "engine": "docker",
     "image": "lean-workbench/engine:latest", "engine_ref": "c0ffee", "result_folder": "2024-05-01_12-00-00",
     "error": None, "statistics": {"Net Profit": "2%"}, "created_at": "2024-05-01T12:00:00Z",
     "started_at": "2024-05-01T12:00:05Z", "finished_at": "2024-05-01T12:01:00Z"},
    {"id": "bt-old-2", "algorithm_id": "1000000002", "status": "failed", "strategy": "ema",
     "request": {"algorithm": "ema.py"}, "engine": "local", "image": None, "engine_ref": "pid:42",
     "result_folder": "2024-05-02_09-30-00", "error": "the algorithm failed", "statistics": {},
     "created_at": "2024-05-02T09:30:00.250000Z", "started_at": None, "finished_at": None},
    {"id": "bt-old-3", "algorithm_id": "1000000003", "status": "queued", "strategy": "main",
     "request": {"algorithm": "main.py"}, "engine": "local", "image": None, "engine_ref": None,
     "result_folder": None, "error": None, "statistics": {}, "created_at": "2024-05-03T00:00:00Z",
     "started_at": None, "finished_at": None},
]
_NEW_BACKTEST_FIELDS: dict[str, Any] = dict.fromkeys(("user_id", "strategy_version_id", "config", "metrics_summary",
                                                        "tags", "conversation_id"))
SHIPPED_DATABASE = Path(__file__).parent / "data" / "workbench-before-migrations.db"
_OUR_TABLES = {"backtest", "strategy", "strategy_version", "alembic_version"}


def _engine(url: str) -> Engine:
    return create_engine(parse_database_url(url))


@contextmanager
def _transaction(url: str) -> Iterator[Connection]:
    """A connection in a transaction on a throwaway engine (disposed, so no connection outlives the test)."""
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _build_legacy_database(url: str) -> None:
    """Today's schema and rows, in plain SQL: what a ``workbench.db`` from before migrations holds."""
    with _transaction(url) as connection:
        dialect = connection.dialect.name
        for statement in _LEGACY_DDL.format(timestamp=_TIMESTAMP[dialect]).split(";"):
            connection.execute(text(statement))
        for row in _LEGACY_ROWS:
            values = [None if v is None else (f"{v}+00:00" if dialect == "postgresql" and n >= 11 else v)
                      for n, v in enumerate(row)]
            connection.execute(text("INSERT INTO backtest VALUES (:v0, :v1, :v2, :v3, :v4, :v5, :v6, :v7, :v8, "
                                    ":v9, :v10, :v11, :v12, :v13)"),
                               {f"v{n}": value for n, value in enumerate(values)})


def _schema(url: str) -> dict[str, Any]:
    """Every table's columns (name, type, nullable), primary key, indexes and foreign keys, as reflected."""
    engine = _engine(url)
    inspector = inspect(engine)
    snapshot = {
        table: {"columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in inspector.get_indexes(table)),
                "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                        tuple(f["referred_columns"])) for f in inspector.get_foreign_keys(table))}
        for table in inspector.get_table_names()}
    engine.dispose()
    return snapshot


def _open(url: str, tmp_path: Path) -> BacktestStore:
    return BacktestStore.open(url, project=tmp_path / "project")


def test_revision_0001_is_exactly_the_schema_that_shipped_before_migrations(database_url: str) -> None:
    with _transaction(database_url) as connection:
        command.upgrade(alembic_config(connection=connection), "0001")
    built = _schema(database_url)
    built.pop("alembic_version")
    with _transaction(database_url) as connection:  # start again from today's DDL
        connection.execute(text("DROP TABLE backtest"))
        connection.execute(text("DROP TABLE alembic_version"))
    _build_legacy_database(database_url)
    assert built == _schema(database_url)


def test_database_from_before_migrations_keeps_every_record_and_gains_the_new_schema(database_url: str,
                                                                                     tmp_path: Path) -> None:
    _build_legacy_database(database_url)

    store = _open(database_url, tmp_path)

    assert current_revision(store.engine) == head_revision()
    items, total = store.list(limit=10)
    assert total == 3
    assert [r.to_dict() for r in reversed(items)] == [{**d, **_NEW_BACKTEST_FIELDS} for d in _LEGACY_DICTS]
    assert store.get("bt-old-1").created_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    # The old records take the new columns, and the new tables work beside them.
    strategies = StrategyStore(store.engine, write_lock=store.write_lock)
    _, version = strategies.create_strategy(user_id="u_1", name="Trend", json_spec={"entry": {}}, origin="user")
    store.update("bt-old-3", user_id="u_1", strategy_version_id=version.id, config={"initial_capital": 100000},
                 tags=["chat_session:conv_789"], conversation_id="conv_789")
    assert [r.id for r in store.list(user_id="u_1", strategy_version_id=version.id)[0]] == ["bt-old-3"]
    assert store.get("bt-old-3").tags == ["chat_session:conv_789"]
    store.close()


def test_a_workbench_db_written_before_migrations_keeps_its_records(tmp_path: Path) -> None:
    database = tmp_path / "project" / "backtests" / "workbench.db"
    database.parent.mkdir(parents=True)
    shutil.copyfile(SHIPPED_DATABASE, database)

    store = BacktestStore.open(None, project=tmp_path / "project")

    assert current_revision(store.engine) == head_revision()
    records = {r.id: r.to_dict() for r in store.list(limit=10)[0]}
    assert sorted(r["status"] for r in records.values()) == ["completed", "failed", "queued"]
    completed = records["0b5c2a52-6a43-4f7e-9d7e-1f0c9e5b1a01"]
    assert completed == {
        "id": "0b5c2a52-6a43-4f7e-9d7e-1f0c9e5b1a01", "algorithm_id": "1234567890", "status": "completed",
        "strategy": "main", "request": {"algorithm": "main.py", "parameters": {"fast": "10"}}, "engine": "docker",
        "image": "lean-workbench/engine:latest", "engine_ref": "3f1c9a", "result_folder": "2024-05-01_12-00-00",
        "error": None, "statistics": {"Net Profit": "2.5%", "Sharpe Ratio": "1.1"},
        "created_at": "2024-05-01T12:00:00.123456Z", "started_at": "2024-05-01T12:00:05Z",
        "finished_at": "2024-05-01T12:01:00Z", **_NEW_BACKTEST_FIELDS}
    assert [r.id for r in store.with_status("queued")] == ["e2a4b6c8-0000-4000-8000-000000000003"]
    store.close()
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    _open(fresh, tmp_path).close()
    assert _schema(f"sqlite:///{database}") == _schema(fresh)  # migrated, it is the schema a new database gets


@pytest.mark.parametrize("start", ["empty", "before migrations"])
def test_migrated_schema_matches_the_models(database_url: str, tmp_path: Path, start: str) -> None:
    if start == "before migrations":
        _build_legacy_database(database_url)
    _open(database_url, tmp_path).close()
    engine = _engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    ours = [d for d in differences if _table_of(d) in _OUR_TABLES]
    assert ours == []


def _table_of(difference: Any) -> str:
    # compare_metadata gives ("add_table", Table), ("add_column", schema, table, Column),
    # ("add_index", Index), ... and lists of ("modify_type", schema, table, column, ...).
    operation, *rest = difference[0] if isinstance(difference, list) else difference
    if operation in ("add_table", "remove_table"):
        return str(rest[0].name)
    if operation.endswith("_column") or operation.startswith("modify_"):
        return str(rest[1])
    return str(rest[0].table.name)


def test_empty_database_is_built_to_the_newest_revision(database_url: str, tmp_path: Path) -> None:
    store = _open(database_url, tmp_path)
    assert current_revision(store.engine) == head_revision() == "0003"
    assert set(inspect(store.engine).get_table_names()) >= _OUR_TABLES
    store.close()


@pytest.mark.parametrize("start", ["empty", "before migrations"])
def test_reopening_a_database_at_the_newest_revision_changes_nothing(database_url: str, tmp_path: Path,
                                                                     start: str) -> None:
    if start == "before migrations":
        _build_legacy_database(database_url)
    first = _open(database_url, tmp_path)
    StrategyStore(first.engine).create_strategy(user_id="u_1", name="Trend", json_spec={}, origin="user")
    before = ([r.to_dict() for r in first.list(limit=100)[0]], _schema(database_url))
    first.close()

    for _ in range(2):
        again = _open(database_url, tmp_path)
        assert current_revision(again.engine) == head_revision()
        assert ([r.to_dict() for r in again.list(limit=100)[0]], _schema(database_url)) == before
        assert len(StrategyStore(again.engine).list_strategies("u_1")) == 1
        again.close()


def test_downgrading_to_0001_gives_back_the_schema_that_shipped_before_migrations(database_url: str,
                                                                                 tmp_path: Path) -> None:
    _build_legacy_database(database_url)
    legacy = _schema(database_url)
    _open(database_url, tmp_path).close()
    with _transaction(database_url) as connection:
        command.downgrade(alembic_config(connection=connection), "0001")
    downgraded = _schema(database_url)
    downgraded.pop("alembic_version")
    assert downgraded == legacy


def test_database_from_a_newer_workbench_is_refused_clearly(database_url: str, tmp_path: Path) -> None:
    _open(database_url, tmp_path).close()
    with _transaction(database_url) as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreConfigurationError, match=r"9999.*a newer version wrote it"):
        _open(database_url, tmp_path)


_OPEN_AND_ADD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from lean_runner.store import BacktestRecord, BacktestStore
    url, start, number = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    (start.parent / f"ready-{number}").touch()
    while not start.exists():  # every process starts opening at the same moment
        time.sleep(0.001)
    store = BacktestStore.open(url, project=start.parent)
    store.add(BacktestRecord(id=f"bt-process-{number}", algorithm_id=number, status="queued", strategy="main",
                             engine="local"))
    store.close()
""")


@pytest.mark.parametrize("start", ["empty", "before migrations"])
def test_processes_opening_one_database_at_once_all_succeed(database_url: str, tmp_path: Path, start: str) -> None:
    if start == "before migrations":
        _build_legacy_database(database_url)
    go = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", _OPEN_AND_ADD, database_url, str(go), str(number)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONWARNINGS": "error"})
                 for number in range(4)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, "\n".join(errors)

    store = _open(database_url, tmp_path)
    assert current_revision(store.engine) == head_revision()
    ids = {r.id for r in store.list(limit=100)[0]}
    assert {f"bt-process-{n}" for n in range(4)} <= ids
    assert len(ids) == (4 if start == "empty" else 7)
    if store.engine.dialect.name == "sqlite":  # whichever process switched it, the file ends up in WAL
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()
