"""Bring a database to the newest schema with the Alembic revisions in ``lean_runner/store/migrations``.

:func:`upgrade_schema` is what :meth:`BacktestStore.open` runs: an empty database is built
from revision 0001 up; a database from before migrations (a ``backtest`` table and no
``alembic_version``) is stamped at 0001, the schema it has, and upgraded, keeping its records;
a database at the head is left alone. The upgrade runs in one transaction under a lock
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so two processes opening the
same database at once take turns and the second finds the work done.

A new revision, for developers (there is no ``alembic.ini``)::

    from alembic import command
    from lean_runner.store.schema import alembic_config
    command.revision(alembic_config("sqlite:///scratch.db"), message="what changes", rev_id="0003",
                     autogenerate=True)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"  # the schema that shipped before migrations
VERSION_TABLE = "alembic_version"
# Any constant that no other application on the server uses for pg_advisory_xact_lock.
_POSTGRES_LOCK_KEY = 0x1EA9_0001
# Alembic's ``context`` and ``op`` are module-level proxies: two upgrades in one process must not overlap.
_alembic_lock = threading.Lock()


def alembic_config(url: str | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic config for the store's revisions, on ``connection`` or else on ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision in ``migrations/versions``."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no Alembic revisions in {MIGRATIONS / 'versions'}: the package is incomplete")
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it has none (empty, or from before migrations)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_schema(engine: Engine) -> None:
    """Apply every missing revision (see the module docstring); raises SQLAlchemy or Alembic errors."""
    head = head_revision()
    if current_revision(engine) == head:
        return
    with _alembic_lock, _locked_transaction(engine) as connection:
        # Read again under the lock: another process may have finished the upgrade meanwhile.
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
        tables = set(inspect(connection).get_table_names())
        config = alembic_config(connection=connection)
        if "backtest" in tables and VERSION_TABLE not in tables:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the database's migration lock until commit or rollback."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # pysqlite begins transactions only before DML, so DDL would autocommit; an explicit
            # BEGIN IMMEDIATE takes the write lock now and makes the DDL part of the transaction.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
