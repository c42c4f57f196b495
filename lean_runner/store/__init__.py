"""Backtest records, strategies and strategy versions in a SQLModel store: SQLite in the project by default,
PostgreSQL through a URL; the schema is kept up to date by Alembic migrations applied on open."""

from lean_runner.store.database import (
    BacktestStore,
    RebuildReport,
    default_database_url,
    parse_database_url,
    sqlite_write_lock,
)
from lean_runner.store.errors import ImmutableVersionError, StrategyNotFoundError
from lean_runner.store.ids import new_id
from lean_runner.store.models import ORIGINS, BacktestRecord, Origin, StrategyRecord, StrategyVersionRecord
from lean_runner.store.schema import upgrade_schema
from lean_runner.store.strategies import StrategyStore, StrategySummary

__all__ = ["ORIGINS", "BacktestRecord", "BacktestStore", "ImmutableVersionError", "Origin", "RebuildReport",
           "StrategyNotFoundError", "StrategyRecord", "StrategyStore", "StrategySummary", "StrategyVersionRecord",
           "default_database_url", "new_id", "parse_database_url", "sqlite_write_lock", "upgrade_schema"]
