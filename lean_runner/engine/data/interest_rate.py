"""Risk-free rate from ``alternative/interest-rate/usa/interest-rate.csv`` (LEAN ``InterestRateProvider``).

The file lists ``yyyy-MM-dd,percent`` change points. LEAN divides by 100 and
forward-fills every calendar day; days before the first row take the first
value and days after the last take the last. Without a file the rate is 1%.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["DEFAULT_RISK_FREE_RATE", "InterestRateProvider"]

DEFAULT_RISK_FREE_RATE = 0.01
INTEREST_RATE_RELATIVE_PATH = Path("alternative") / "interest-rate" / "usa" / "interest-rate.csv"


class InterestRateProvider:
    """Step function of the risk-free rate (as a fraction) over calendar days."""

    def __init__(self, days: npt.NDArray[np.datetime64], rates: npt.NDArray[np.float64]) -> None:
        order = np.argsort(days, kind="stable")
        self.days = np.asarray(days, dtype="datetime64[D]")[order]
        self.values = np.asarray(rates, dtype=np.float64)[order]

    @classmethod
    def constant(cls, rate: float = DEFAULT_RISK_FREE_RATE) -> InterestRateProvider:
        """A provider that returns ``rate`` for every day."""
        return cls(np.array([0], dtype="datetime64[D]"), np.array([rate]))

    @classmethod
    def load(cls, data_folder: Path) -> InterestRateProvider:
        """Load the USA file under ``data_folder``; a missing or empty file gives the 1% default."""
        return cls.from_file(Path(data_folder) / INTEREST_RATE_RELATIVE_PATH)

    @classmethod
    def from_file(cls, path: Path) -> InterestRateProvider:
        """Parse ``DATE,PCREDIT8`` rows; unparsable lines (the header) are skipped."""
        if not Path(path).is_file():
            return cls.constant()
        days: list[np.datetime64] = []
        rates: list[float] = []
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.strip().split(",")
                if len(parts) < 2:
                    continue
                try:
                    day = np.datetime64(parts[0].strip(), "D")
                    rate = float(parts[1]) / 100.0
                except ValueError:
                    continue
                days.append(day)
                rates.append(rate)
        if not days:
            return cls.constant()
        return cls(np.array(days, dtype="datetime64[D]"), np.array(rates, dtype=np.float64))

    def rates(self, days: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Vectorised :meth:`rate` over a ``datetime64[D]`` array."""
        query = np.asarray(days, dtype="datetime64[D]")
        index = np.searchsorted(self.days, query, side="right") - 1
        return self.values[np.clip(index, 0, self.values.size - 1)]

    def get_interest_rate(self, when: date) -> float:
        """LEAN's ``IRiskFreeInterestRateModel.GetInterestRate``: the rate on ``when``'s date."""
        return self.rate(when.date() if isinstance(when, datetime) else when)

    def rate(self, day: date) -> float:
        """Rate in force on ``day`` as a fraction (0.0075 for 0.75%)."""
        return float(self.rates(np.array([np.datetime64(day, "D")]))[0])
