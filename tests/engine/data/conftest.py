"""Fixtures for the data-layer tests: the shared real LEAN data folder and readers over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.engine.data import ExchangeHours, LeanDataReader, MarketHoursDatabase

LEAN_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "lean-data"


@pytest.fixture(scope="session")
def lean_data_folder() -> Path:
    """The real LEAN-format data at ../shared/lean-data (skips when absent)."""
    if not (LEAN_DATA / "equity" / "usa" / "daily" / "spy.zip").is_file():
        pytest.skip(f"real LEAN data not found at {LEAN_DATA}")
    return LEAN_DATA


@pytest.fixture(scope="session")
def market_hours_db(lean_data_folder: Path) -> MarketHoursDatabase:
    """The parsed market-hours database."""
    return MarketHoursDatabase.load(lean_data_folder)


@pytest.fixture(scope="session")
def equity_hours(market_hours_db: MarketHoursDatabase) -> ExchangeHours:
    """US equity exchange hours from the real database."""
    return market_hours_db.exchange_hours("Equity", "usa")


@pytest.fixture(scope="session")
def real_reader(lean_data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> LeanDataReader:
    """A reader over the real data with a private, session-wide parse cache."""
    return LeanDataReader(lean_data_folder, cache_folder=tmp_path_factory.mktemp("parsed-cache"))
