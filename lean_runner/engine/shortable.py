"""Shortable providers: how many shares of a security may be shorted, and at what fee and rebate rates.

The default (LEAN's ``NullShortableProvider``) allows unlimited shorting at no cost.
``LocalDiskShortableProvider("brokerage")`` reads ``equity/usa/shortable/<brokerage>/symbols/<ticker>.csv``
(rows ``yyyyMMdd,quantity[,rebate %,fee %]``); a date without a row is unlimited, as in LEAN.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from lean_runner.engine.naming import lean_names


@lean_names
class NullShortableProvider:
    """Unlimited shorting, no borrowing fee, no rebate."""

    def fee_rate(self, symbol: Any, local_time: datetime) -> float:
        return 0.0

    def rebate_rate(self, symbol: Any, local_time: datetime) -> float:
        return 0.0

    def shortable_quantity(self, symbol: Any, local_time: datetime) -> int | None:
        return None


@lean_names
class LocalDiskShortableProvider:
    """A brokerage's shortable quantities and rates per date, from the data folder."""

    def __init__(self, brokerage: str) -> None:
        self.brokerage = str(brokerage).lower()
        self._ticker: str | None = None
        self._rows: dict[date, tuple[int | None, float, float]] = {}

    def fee_rate(self, symbol: Any, local_time: datetime) -> float:
        row = self._row(symbol, local_time)
        return row[2] if row else 0.0

    def rebate_rate(self, symbol: Any, local_time: datetime) -> float:
        row = self._row(symbol, local_time)
        return row[1] if row else 0.0

    def shortable_quantity(self, symbol: Any, local_time: datetime) -> int | None:
        row = self._row(symbol, local_time)
        return row[0] if row else None

    def _row(self, symbol: Any, local_time: datetime) -> tuple[int | None, float, float] | None:
        if symbol is None:
            return None
        ticker = str(getattr(symbol, "value", symbol)).lower()
        if ticker != self._ticker:
            self._ticker, self._rows = ticker, self._read(ticker)
        return self._rows.get(local_time.date() if isinstance(local_time, datetime) else local_time)

    def _read(self, ticker: str) -> dict[date, tuple[int | None, float, float]]:
        from lean_runner.engine.custom_data import Globals  # the run's data folder, as LEAN's Globals.DataFolder

        folder = Path(Globals.data_folder) / "equity" / "usa" / "shortable" / self.brokerage
        path = folder / "symbols" / f"{ticker}.csv"
        rows: dict[date, tuple[int | None, float, float]] = {}
        if not path.is_file():
            return rows
        for line in path.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split(",")
            day = datetime.strptime(cells[0], "%Y%m%d").date()
            quantity = int(cells[1]) if len(cells) > 1 and cells[1] else None
            rebate = float(cells[2]) / 100 if len(cells) > 2 and cells[2] else 0.0
            fee = float(cells[3]) / 100 if len(cells) > 3 and cells[3] else 0.0
            rows[day] = (quantity, rebate, fee)
        return rows


def shortable_quantity(security: Any) -> int | None:
    provider = security.shortable_provider
    method = getattr(provider, "shortable_quantity", None) or provider.ShortableQuantity
    value = method(security.symbol, security.local_time)
    return None if value is None else int(value)


def is_shortable(security: Any, quantity: float, open_quantity: float) -> bool:
    """LEAN's ``QCAlgorithm.Shortable``: can ``quantity`` more be shorted, with the holdings and the open
    orders' remaining quantity (without the order being updated, for an update)?"""
    limit = shortable_quantity(security)
    if limit is None:
        return True
    held = security.holdings.quantity
    if held + open_quantity <= -limit:
        return False
    return held - abs(quantity) + open_quantity >= -limit
