"""Risk-free interest rate models an algorithm may set (LEAN's ``IRiskFreeInterestRateModel`` family).

The default is the data folder's ``InterestRateProvider`` (``alternative/interest-rate/usa``); the Sharpe,
Sortino, Alpha and PSR statistics read whichever model the algorithm has when the statistics are built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from lean_runner.engine.naming import lean_names


@lean_names
class ConstantRiskFreeRateInterestRateModel:
    """The same annual rate (a fraction) on every date."""

    def __init__(self, risk_free_rate: float) -> None:
        self._rate = float(risk_free_rate)

    def get_interest_rate(self, date: datetime) -> float:
        return self._rate


@lean_names
class FuncRiskFreeRateInterestRateModel:
    """The rate a function of the date returns: ``FuncRiskFreeRateInterestRateModel(lambda dt: 0.01)``."""

    def __init__(self, get_interest_rate_function: Callable[[datetime], Any]) -> None:
        self._function = get_interest_rate_function

    def get_interest_rate(self, date: datetime) -> float:
        return float(self._function(date))


def rate_function(model: Any) -> Callable[[date], float]:
    """A ``date -> rate`` function for the statistics, from any model (called with the date at midnight,
    as LEAN passes a DateTime)."""
    method = getattr(model, "get_interest_rate", None) or model.GetInterestRate

    def rate(day: date) -> float:
        return float(method(datetime.combine(day, time())))
    return rate
