"""``BacktestStore``: backtest records in SQLite (a file in the project) or PostgreSQL (a database URL).

Result folders stay the source of truth for results; the store indexes them (status,
request, where it ran, summary statistics) and :meth:`BacktestStore.rebuild_from_folders`
rebuilds that index from the folders. :meth:`BacktestStore.open` brings the schema up to date
with the Alembic migrations (``lean_runner.store.schema``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import ColumnElement, Engine, create_engine, event, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlmodel import Session, col, select

from lean_runner.results_index.index import ResultEntry, ResultIndex
from lean_runner.runners.errors import (
    BacktestNotFoundError,
    StoreConfigurationError,
    StoreUnavailableError,
    TransitionConflictError,
)
from lean_runner.store.models import BacktestRecord
from lean_runner.store.schema import upgrade_schema

SQLITE_FILE = "workbench.db"
_LEAN_STATUS = {"Completed": "completed", "RuntimeError": "failed", "Stopped": "cancelled"}
_WAL_ATTEMPTS = 50
POOL_SIZE, POOL_OVERFLOW = 16, 32
_URL_HELP = "use sqlite:///path/to/workbench.db or postgresql://user:password@host:5432/database"
# Strategy-API fields a result folder's ``workbench.json`` may carry in ``extra``, so a lost
# database rebuilt from the folders keeps each backtest's owner and strategy version.
REBUILT_EXTRA_FIELDS = ("user_id", "strategy_version_id", "config", "metrics_summary", "tags", "conversation_id")


def default_database_url(project: Path) -> str:
    """The SQLite file beside the project's results: ``<project>/backtests/workbench.db``."""
    return f"sqlite:///{project.resolve() / 'backtests' / SQLITE_FILE}"


def parse_database_url(url: str) -> URL:
    """The URL with a driver we ship (``postgresql://`` means psycopg 3); raises StoreConfigurationError."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:
        raise StoreConfigurationError(f"'{url}' is not a database URL: {_URL_HELP}") from error
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreConfigurationError(f"the database URL uses '{backend}', which the workbench does not support: "
                                      f"{_URL_HELP}")
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database in (None, ""):
        raise StoreConfigurationError(f"'{url}' names no SQLite file: {_URL_HELP}")
    return parsed


def _masked(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def sqlite_write_lock(engine: Engine) -> AbstractContextManager[Any]:
    """A lock for the engine's writes: a real one for SQLite, which allows one writer, else a no-op.

    Every store on one engine should share one (``StrategyStore(store.engine, write_lock=store.write_lock)``).
    """
    return threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()


@dataclass(frozen=True)
class ListedBacktest:
    """What a results page shows of a record, read without its heavy columns (request, statistics, config)."""

    id: str
    strategy: str
    status: str
    result_folder: str | None
    created_at: datetime
    metrics_summary: dict[str, Any] | None
    user_id: str | None


@dataclass(frozen=True)
class RebuildReport:
    added: int
    updated: int
    removed: int


class BacktestStore:
    """The backtest table behind one SQLAlchemy engine; every method opens its own session (thread-safe).

    Example::

        store = BacktestStore.open(None, project=Path("test-project"))   # SQLite in the project
        store = BacktestStore.open("postgresql://workbench:workbench@localhost/workbench", project=...)
        strategies = StrategyStore(store.engine, write_lock=store.write_lock)
    """

    def __init__(self, engine: Engine, *, write_lock: AbstractContextManager[Any] | None = None) -> None:
        self.engine = engine
        # SQLite allows one writer; serialising writes here avoids "database is locked" between threads.
        self.write_lock = write_lock if write_lock is not None else sqlite_write_lock(engine)

    @classmethod
    def open(cls, url: str | None, *, project: Path, connect_timeout: float = 5) -> BacktestStore:
        """Connect and apply any missing schema migrations (creating the tables in an empty database).

        Raises StoreConfigurationError (a bad URL, a database written by a newer workbench) or
        StoreUnavailableError (the server cannot be reached or refuses the migration).
        """
        parsed = parse_database_url(url or default_database_url(project))
        connect_args: dict[str, Any] = {}
        # Connections enough for the server's worker threads, kept open: a pool smaller than the threads makes
        # them queue for connections and open (and set up) short-lived extra ones under load.
        pool: dict[str, Any] = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
        if parsed.get_backend_name() == "sqlite":
            connect_args = {"check_same_thread": False, "timeout": 30}
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            connect_args = {"connect_timeout": max(1, int(connect_timeout))}
            pool["pool_pre_ping"] = True  # a server restart drops connections; a SQLite file's never drop
        if parsed.database == ":memory:" or not parsed.database:
            pool = {}  # one in-memory database per connection: SQLAlchemy picks its own pool for it
        try:
            engine = create_engine(parsed, connect_args=connect_args, **pool)
        except (NoSuchModuleError, ImportError) as error:
            raise StoreConfigurationError(f"no database driver for '{_masked(parsed)}': {error}. {_URL_HELP}") \
                from error
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            upgrade_schema(engine)
        except CommandError as error:
            engine.dispose()
            raise StoreConfigurationError(f"cannot migrate the database at {_masked(parsed)}: {error}. A revision "
                                          f"this workbench does not know means a newer version wrote it; use "
                                          f"that version, or another database URL") from error
        except OperationalError as error:
            engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreUnavailableError(f"cannot reach the database at {_masked(parsed)}: {reason}. Is the server "
                                        f"running, and are the URL's host, port, user and password right?") \
                from error
        except SQLAlchemyError as error:
            engine.dispose()
            raise StoreUnavailableError(f"the database at {_masked(parsed)} refused the schema migration: {error}") \
                from error
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- single records ------------------------------------------------------------------------------------
    def add(self, record: BacktestRecord) -> BacktestRecord:
        with self.write_lock, Session(self.engine, expire_on_commit=False) as session:
            session.add(record)
            session.commit()
            return record

    def find(self, backtest_id: str) -> BacktestRecord | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(BacktestRecord, backtest_id)

    def get(self, backtest_id: str) -> BacktestRecord:
        record = self.find(backtest_id)
        if record is None:
            raise BacktestNotFoundError(f"no backtest with id '{backtest_id}'")
        return record

    def update(self, backtest_id: str, *, expect_status: str | None = None, **fields: Any) -> BacktestRecord:
        """Set ``fields``; with ``expect_status``, only if the status is still that (atomic compare-and-set)."""
        statement = update(BacktestRecord).where(col(BacktestRecord.id) == backtest_id).values(**fields)
        if expect_status is not None:
            statement = statement.where(col(BacktestRecord.status) == expect_status)
        with self.write_lock, Session(self.engine) as session:
            result = session.execute(statement)
            session.commit()
            changed = getattr(result, "rowcount", 1)
        if changed == 0:
            current = self.get(backtest_id)
            raise TransitionConflictError(f"backtest {backtest_id} is {current.status}, not {expect_status}")
        return self.get(backtest_id)

    def delete(self, backtest_id: str) -> None:
        with self.write_lock, Session(self.engine) as session:
            record = session.get(BacktestRecord, backtest_id)
            if record is not None:
                session.delete(record)
                session.commit()

    # -- queries -------------------------------------------------------------------------------------------
    def with_status(self, *statuses: str) -> list[BacktestRecord]:
        """Records in any of ``statuses``, oldest first (the queue's order)."""
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(BacktestRecord).where(col(BacktestRecord.status).in_(statuses))
            return list(session.exec(query.order_by(col(BacktestRecord.created_at), col(BacktestRecord.id))))

    def find_by_result_folder(self, name: str) -> BacktestRecord | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.exec(select(BacktestRecord).where(col(BacktestRecord.result_folder) == name)).first()

    def summary_page(self, *, status: str | None = None, strategy: str | None = None, user_id: str | None = None,
                     limit: int = 20, offset: int = 0) -> tuple[list[ListedBacktest], int]:
        """:meth:`list` for results pages: only the columns a page shows, without building records."""
        conditions = _conditions(status=status, strategy=strategy, user_id=user_id)
        table = BacktestRecord.__table__  # type: ignore[attr-defined]
        columns = [table.c[name] for name in ("id", "strategy", "status", "result_folder", "created_at",
                                              "metrics_summary", "user_id")]
        with self.engine.connect() as connection:
            rows = connection.execute(sa_select(*columns).where(table.c.id.in_(_page_ids(conditions, limit, offset)))
                                      .order_by(table.c.created_at.desc(), table.c.id.desc())).all()
            total = int(connection.execute(sa_select(func.count()).select_from(table).where(*conditions)).scalar_one())
        return [ListedBacktest(id=row.id, strategy=row.strategy, status=row.status, result_folder=row.result_folder,
                               created_at=_aware(row.created_at), metrics_summary=row.metrics_summary,
                               user_id=row.user_id) for row in rows], total

    def list(self, *, status: str | None = None, strategy: str | None = None, user_id: str | None = None,
             strategy_version_id: str | None = None, conversation_id: str | None = None, limit: int = 20,
             offset: int = 0) -> tuple[list[BacktestRecord], int]:
        """One page of records, newest first, and the total count for the filter.

        Every filter given must match (``None`` means any), for example
        ``store.list(user_id="u_123", strategy_version_id="sv_…")``.
        """
        conditions = _conditions(status=status, strategy=strategy, user_id=user_id,
                                 strategy_version_id=strategy_version_id, conversation_id=conversation_id)
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(BacktestRecord).where(col(BacktestRecord.id).in_(_page_ids(conditions, limit, offset)))
            items = list(session.exec(query.order_by(*_NEWEST_FIRST)))
            total = int(session.exec(select(func.count()).select_from(BacktestRecord).where(*conditions)).one())
            return items, total

    # -- rebuilding from the result folders ---------------------------------------------------------------
    def rebuild_from_folders(self, index: ResultIndex) -> RebuildReport:
        """Make the store agree with the result folders.

        Every folder gets a record (a folder without ``workbench.json``, from lean-cli say, gets an
        id derived from its path); records of finished backtests whose folder is gone are removed.
        Records of queued or running backtests are left to the orchestrator; a record that already knows how
        its run ended keeps that ending (a folder of a cancelled run has no final result to say so).
        """
        added = updated = removed = 0
        entries = index.scan()
        names = {entry.name for entry in entries}
        for entry in entries:
            existing = self.find_by_result_folder(entry.name)
            if existing is not None and existing.status in ("queued", "running"):
                continue
            fields = _fields_from_entry(entry)
            if existing is None:
                record_id = str(fields.pop("id"))
                clash = self.find(record_id)
                if clash is not None and clash.status in ("queued", "running"):
                    continue
                if clash is not None:
                    self.update(record_id, **{k: v for k, v in fields.items()})
                    updated += 1
                else:
                    self.add(BacktestRecord(id=record_id, **fields))
                    added += 1
            elif entry.statistics and not existing.statistics:
                # The store knows how this run ended (cancelled on shutdown, say); the folder only adds numbers.
                self.update(existing.id, statistics=dict(entry.statistics))
                updated += 1
        for record in self.with_status("completed", "failed", "cancelled"):
            if record.result_folder and record.result_folder not in names:
                self.delete(record.id)
                removed += 1
        return RebuildReport(added=added, updated=updated, removed=removed)


def _fields_from_entry(entry: ResultEntry) -> dict[str, Any]:
    metadata = entry.metadata
    record_id = metadata.backtest_id if metadata else str(uuid.uuid5(uuid.NAMESPACE_URL, str(entry.path)))
    status = _LEAN_STATUS.get(entry.status or "", "failed")
    error = None if status != "failed" else ("interrupted: the run ended without writing its final result"
                                             if entry.status in (None, "Running") else "the algorithm failed")
    created = _parse_time(metadata.created_at) if metadata and metadata.created_at else None
    return {
        "id": record_id, "algorithm_id": entry.algorithm_id or "", "status": status,
        "strategy": entry.strategy or "", "request": dict(metadata.request) if metadata else {},
        "engine": metadata.engine if metadata else "unknown", "image": metadata.image if metadata else None,
        "engine_ref": metadata.container_id if metadata else None, "result_folder": entry.name, "error": error,
        "statistics": dict(entry.statistics), "created_at": created or entry.created_at.astimezone(UTC),
        "started_at": (_parse_time(metadata.started_at) if metadata and metadata.started_at else None),
        # Only the ones present: a folder without them must not clear what the record knows.
        **{name: metadata.extra[name] for name in REBUILT_EXTRA_FIELDS if metadata and name in metadata.extra},
    }


def _parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL is a property of the file, so only a new file's first connections switch it. The switch
    # needs the file to itself and SQLite does not wait for that: when another process holds a
    # lock (switching too, or migrating), retry briefly, then go on in the rollback journal,
    # which is correct, only slower for readers; a later connection switches the file.
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        for _ in range(_WAL_ATTEMPTS):
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError:
                time.sleep(0.02)
    cursor.close()


_NEWEST_FIRST = (col(BacktestRecord.created_at).desc(), col(BacktestRecord.id).desc())


def _conditions(**wanted: str | None) -> list[ColumnElement[bool]]:
    return [col(getattr(BacktestRecord, name)) == value for name, value in wanted.items() if value is not None]


def _page_ids(conditions: list[ColumnElement[bool]], limit: int, offset: int) -> Any:
    # The page's ids first, from the (status, created_at, id) index alone: skipping `offset` rows then reads
    # index entries, not whole records with their JSON columns.
    return sa_select(BacktestRecord.__table__.c.id).where(*conditions).order_by(  # type: ignore[attr-defined]
        *_NEWEST_FIRST).offset(offset).limit(limit).scalar_subquery()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def records_by_id(records: Iterable[BacktestRecord]) -> dict[str, BacktestRecord]:
    return {record.id: record for record in records}
