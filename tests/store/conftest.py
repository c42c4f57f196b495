"""The store tests run against both backends: a SQLite file and a real PostgreSQL server.

Each PostgreSQL test gets a schema of its own (dropped afterwards) through the URL's
``search_path``, so migration tests start from an empty database and never touch the tables
that other suites use in the same database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lean_runner.runners.fixtures import require_postgres
from lean_runner.store import BacktestStore, StrategyStore, parse_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database; PostgreSQL fails under CI=true when the server is missing, and skips otherwise."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'workbench.db'}"
        return
    server = require_postgres()
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(parse_database_url(server))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(server).update_query_dict({"options": f"-csearch_path={schema}"}) \
            .render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[BacktestStore]:
    """An empty store at the newest schema."""
    opened = BacktestStore.open(database_url, project=tmp_path / "project")
    yield opened
    opened.close()


@pytest.fixture
def strategies(store: BacktestStore) -> StrategyStore:
    """An empty strategy store on the backtest store's engine."""
    return StrategyStore(store.engine, write_lock=store.write_lock)
