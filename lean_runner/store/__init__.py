"""Backtest records in a SQLModel store: SQLite in the project by default, PostgreSQL through a URL."""

from lean_runner.store.database import BacktestStore, RebuildReport, default_database_url, parse_database_url
from lean_runner.store.models import BacktestRecord

__all__ = ["BacktestRecord", "BacktestStore", "RebuildReport", "default_database_url", "parse_database_url"]
