"""Fixtures for the scheduling tests: real US equity hours and schedule managers over them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from lean_runner.engine.data.market_hours import ExchangeHours, MarketHoursDatabase
from lean_runner.engine.scheduling import DateRules, ScheduleManager, TimeRules


@pytest.fixture(scope="session")
def equity_hours(lean_data: Path) -> ExchangeHours:
    return MarketHoursDatabase.load(lean_data).exchange_hours("Equity", "usa")


@pytest.fixture(scope="session")
def hours_for(equity_hours: ExchangeHours) -> Callable[[Any], ExchangeHours]:
    known = {"SPY", "AAPL", "IBM"}

    def resolve(symbol: Any) -> ExchangeHours:
        if str(symbol).upper() not in known:
            raise KeyError(f"{symbol} not found in portfolio. Request this data when initializing the algorithm.")
        return equity_hours

    return resolve


@pytest.fixture
def date_rules(hours_for) -> DateRules:
    return DateRules(hours_for, "America/New_York")


@pytest.fixture
def time_rules(hours_for) -> TimeRules:
    return TimeRules(hours_for, "America/New_York")


class Clock:
    """A stand-in for the algorithm clock: ``now()`` is what ``algorithm.time`` would return."""

    def __init__(self) -> None:
        self.time = datetime(1998, 1, 1)

    def __call__(self) -> datetime:
        return self.time


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def schedule(hours_for, clock) -> ScheduleManager:
    return ScheduleManager.create(hours_for, "America/New_York", now=clock)
