"""The store tests run against both backends: a SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from lean_runner.runners.fixtures import require_postgres
from lean_runner.store import BacktestStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BacktestStore]:
    """An empty store; PostgreSQL fails under CI=true when the server is missing, and skips otherwise."""
    if request.param == "sqlite":
        opened = BacktestStore.open(None, project=tmp_path / "project")
    else:
        opened = BacktestStore.open(require_postgres(), project=tmp_path / "project")
        with opened.engine.begin() as connection:
            connection.execute(text("delete from backtest"))
    yield opened
    opened.close()
