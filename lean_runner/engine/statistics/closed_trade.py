"""A closed trade and the options that control how fills are grouped into trades.

Example::

    >>> TradeDirection.SHORT.sign
    -1
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum, IntEnum

__all__ = ["FillGroupingMethod", "FillMatchingMethod", "Trade", "TradeDirection"]


class TradeDirection(IntEnum):
    """Direction of a trade; the integer values are LEAN's JSON enum values."""

    LONG = 0
    SHORT = 1

    @property
    def sign(self) -> int:
        return 1 if self is TradeDirection.LONG else -1


class FillGroupingMethod(Enum):
    """How fills are grouped into trades."""

    FILL_TO_FILL = "FillToFill"
    FLAT_TO_FLAT = "FlatToFlat"
    FLAT_TO_REDUCED = "FlatToReduced"


class FillMatchingMethod(Enum):
    """Which open entry a reducing fill is matched against first."""

    FIFO = "FIFO"
    LIFO = "LIFO"


@dataclass(frozen=True)
class Trade:
    """A closed trade. Money fields are in account currency, rounded to cents."""

    symbol: str
    entry_time: datetime
    entry_price: Decimal
    direction: TradeDirection
    quantity: Decimal
    exit_time: datetime
    exit_price: Decimal
    profit_loss: Decimal
    total_fees: Decimal
    mae: Decimal
    mfe: Decimal

    @property
    def duration(self) -> timedelta:
        return self.exit_time - self.entry_time

    @property
    def end_trade_drawdown(self) -> Decimal:
        """Profit given back before the exit: ``profit_loss - mfe`` (never positive)."""
        return self.profit_loss - self.mfe

    @property
    def is_win(self) -> bool:
        return self.profit_loss > 0
