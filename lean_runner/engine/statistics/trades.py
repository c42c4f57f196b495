"""Closed trades built from fills, like LEAN's ``TradeBuilder`` (reference §3.5).

LEAN's default groups fills "fill to fill" and matches them FIFO: every fill that
reduces a position closes (part of) the oldest open entry, giving one closed trade
per matched piece. "Flat to flat" (one trade per round trip to flat) and "flat to
reduced" (one trade per reducing fill, with averaged entries) are also supported,
with FIFO or LIFO matching.

The engine calls :meth:`TradeBuilder.process_fill` for every fill (partial fills
included) and :meth:`TradeBuilder.set_market_price` with each new price of a
security (or :meth:`TradeBuilder.set_market_price_range` with the extremes of several);
these only track the extreme prices of open positions (for MAE/MFE) and are a
dictionary lookup when the symbol has no open position.

Example::

    >>> builder = TradeBuilder()
    >>> builder.process_fill("SPY", 0.0, price=100.0, quantity=10, fee=1.0)
    >>> builder.set_market_price("SPY", 95.0)
    >>> builder.process_fill("SPY", 60.0, price=103.0, quantity=-10, fee=1.0)
    >>> trade = builder.closed_trades[0]
    >>> trade.profit_loss, trade.total_fees, trade.mae, trade.mfe
    (Decimal('30'), Decimal('2'), Decimal('-50'), Decimal('30'))
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, localcontext

from lean_runner.engine.dotnet_format import decimal_round, to_decimal
from lean_runner.engine.statistics.closed_trade import (
    FillGroupingMethod,
    FillMatchingMethod,
    Trade,
    TradeDirection,
)
from lean_runner.engine.statistics.decimal_casts import DECIMAL_CONTEXT
from lean_runner.engine.statistics.trade_statistics import TradeStatistics, compute_trade_statistics

__all__ = [
    "FillGroupingMethod",
    "FillMatchingMethod",
    "Trade",
    "TradeBuilder",
    "TradeDirection",
    "TradeStatistics",
    "compute_trade_statistics",
]

_ZERO = Decimal(0)
_MONEY_DECIMALS = 2
# LEAN remembers which orders already had their fee assigned in a bounded queue.
_FEE_MEMORY = 1000


@dataclass
class _Fill:
    time: float
    price: Decimal
    quantity: Decimal  # signed

    @property
    def sign(self) -> int:
        return 1 if self.quantity > 0 else -1 if self.quantity < 0 else 0


@dataclass
class _OpenEntry:
    """An open piece of a position in fill-to-fill grouping."""

    time: float
    price: Decimal
    direction: TradeDirection
    quantity: Decimal  # unsigned
    fees: Decimal


@dataclass
class _Position:
    """Open entries of one symbol plus the price extremes seen while it was open."""

    max_price: float
    min_price: float
    entries: list[_OpenEntry] = field(default_factory=list)
    fills: list[_Fill] = field(default_factory=list)
    fees: Decimal = _ZERO

    def observe(self, price: float) -> None:
        if price > self.max_price:
            self.max_price = price
        elif price < self.min_price:
            self.min_price = price

    def excursions(
        self, direction: TradeDirection, entry_price: Decimal, quantity: Decimal, scale: Decimal
    ) -> tuple[Decimal, Decimal]:
        """(MAE, MFE) of ``quantity`` entered at ``entry_price``, rounded to cents."""
        low, high = to_decimal(self.min_price), to_decimal(self.max_price)
        if direction is TradeDirection.LONG:
            adverse, favourable = low - entry_price, high - entry_price
        else:
            adverse, favourable = entry_price - high, entry_price - low
        return (
            decimal_round(adverse * quantity * scale, _MONEY_DECIMALS),
            decimal_round(favourable * quantity * scale, _MONEY_DECIMALS),
        )


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


class TradeBuilder:
    """Builds LEAN-style closed trades from fills and market prices.

    Default grouping is fill-to-fill with FIFO matching, LEAN's default.
    """

    def __init__(
        self,
        grouping: FillGroupingMethod = FillGroupingMethod.FILL_TO_FILL,
        matching: FillMatchingMethod = FillMatchingMethod.FIFO,
    ) -> None:
        self._grouping = grouping
        self._matching = matching
        self._positions: dict[str, _Position] = {}
        self._closed: list[Trade] = []
        self._fee_orders: deque[int] = deque()
        self._fee_order_set: set[int] = set()

    @property
    def closed_trades(self) -> list[Trade]:
        """Closed trades in the order they were closed."""
        return list(self._closed)

    def has_open_position(self, symbol: str) -> bool:
        position = self._positions.get(symbol)
        if position is None:
            return False
        return bool(position.entries if self._grouping is FillGroupingMethod.FILL_TO_FILL else position.fills)

    def set_market_price(self, symbol: str, price: float) -> None:
        """Record a new market price; only affects symbols with an open position."""
        position = self._positions.get(symbol)
        if position is not None:
            position.observe(price)

    def set_market_price_range(self, symbol: str, high: float, low: float) -> None:
        """Record several market prices at once by their highest and lowest (the extremes are all that count)."""
        position = self._positions.get(symbol)
        if position is not None:
            position.observe(high)
            position.observe(low)

    def process_fill(
        self,
        symbol: str,
        time_utc: float,
        price: float,
        quantity: float,
        fee: float,
        multiplier: float = 1.0,
        *,
        conversion_rate: float = 1.0,
        order_id: int | None = None,
    ) -> None:
        """Process one (partial) fill: ``quantity`` is signed, ``fee`` in account currency.

        ``time_utc`` is the fill's UTC unix time. When ``order_id`` is given, only the
        first fill of that order carries its fee (later partial fills add none), as
        LEAN assigns an order's fee once; without it, ``fee`` is always used.
        """
        if quantity == 0:
            return
        order_fee = to_decimal(fee)
        if order_id is not None:
            if order_id in self._fee_order_set:
                order_fee = _ZERO
            else:
                self._remember_fee_order(order_id)
        fill = _Fill(time=time_utc, price=to_decimal(price), quantity=to_decimal(quantity))
        scale = to_decimal(conversion_rate) * to_decimal(multiplier)
        with localcontext(DECIMAL_CONTEXT):
            if self._grouping is FillGroupingMethod.FILL_TO_FILL:
                self._fill_to_fill(symbol, fill, price, order_fee, scale)
            elif self._grouping is FillGroupingMethod.FLAT_TO_FLAT:
                self._flat_to_flat(symbol, fill, price, order_fee, scale)
            else:
                self._flat_to_reduced(symbol, fill, price, order_fee, scale)

    def _remember_fee_order(self, order_id: int) -> None:
        self._fee_orders.append(order_id)
        self._fee_order_set.add(order_id)
        if len(self._fee_orders) > _FEE_MEMORY:
            self._fee_order_set.discard(self._fee_orders.popleft())

    def _match_index(self, count: int) -> int:
        return 0 if self._matching is FillMatchingMethod.FIFO else count - 1

    def _record(self, trade: Trade) -> None:
        self._closed.append(trade)

    def _fill_to_fill(self, symbol: str, fill: _Fill, price: float, fee: Decimal, scale: Decimal) -> None:
        position = self._positions.get(symbol)
        if position is None or not position.entries:
            self._positions[symbol] = _Position(
                max_price=price, min_price=price, entries=[_entry_from(fill, fee)]
            )
            return
        position.observe(price)
        reference = position.entries[self._match_index(len(position.entries))]
        if fill.sign == reference.direction.sign:
            position.entries.append(_entry_from(fill, fee))
            return

        fill_size = abs(fill.quantity)
        executed = _ZERO  # unsigned quantity matched so far
        fee_pending = fee  # the order's fee goes to the first trade it closes
        while position.entries and executed < fill_size:
            index = self._match_index(len(position.entries))
            entry = position.entries[index]
            unexecuted = fill_size - executed
            closed = entry.quantity if unexecuted >= entry.quantity else unexecuted
            fees = entry.fees + fee_pending
            if closed == entry.quantity:
                del position.entries[index]
            else:
                entry.quantity -= closed
                entry.fees = _ZERO
            executed += closed
            fee_pending = _ZERO
            profit = (fill.price - entry.price) * closed * entry.direction.sign * scale
            mae, mfe = position.excursions(entry.direction, entry.price, closed, scale)
            self._record(
                Trade(
                    symbol=symbol,
                    entry_time=_utc(entry.time),
                    entry_price=entry.price,
                    direction=entry.direction,
                    quantity=closed,
                    exit_time=_utc(fill.time),
                    exit_price=fill.price,
                    profit_loss=decimal_round(profit, _MONEY_DECIMALS),
                    total_fees=fees,
                    mae=mae,
                    mfe=mfe,
                )
            )

        if executed == fill_size and not position.entries:
            del self._positions[symbol]
        elif executed < fill_size:
            # The fill reversed the position: the rest opens a new entry (its fee is spent).
            remainder = _Fill(time=fill.time, price=fill.price, quantity=(fill_size - executed) * fill.sign)
            self._positions[symbol] = _Position(
                max_price=price, min_price=price, entries=[_entry_from(remainder, _ZERO)]
            )

    def _flat_to_flat(self, symbol: str, fill: _Fill, price: float, fee: Decimal, scale: Decimal) -> None:
        position = self._positions.get(symbol)
        if position is None or not position.fills:
            self._positions[symbol] = _Position(max_price=price, min_price=price, fills=[fill], fees=fee)
            return
        position.observe(price)
        open_quantity = sum((f.quantity for f in position.fills), _ZERO)
        if position.fills[0].sign == fill.sign or (
            open_quantity + fill.quantity != 0 and abs(fill.quantity) <= abs(open_quantity)
        ):
            # Same direction, or a reduction that leaves the position open.
            position.fills.append(fill)
            position.fees += fee
            return

        position.fills.append(fill)
        position.fees += fee
        reversal = open_quantity + fill.quantity
        entry_quantity, entry_price = _ZERO, _ZERO
        exit_quantity, exit_price = _ZERO, _ZERO
        for candidate in _in_matching_order(position.fills, self._matching):
            # Running volume-weighted averages of the entry side and of the exit side.
            if candidate.sign != fill.sign:
                entry_quantity += candidate.quantity
                entry_price += (candidate.price - entry_price) * candidate.quantity / entry_quantity
            else:
                exit_quantity += candidate.quantity
                exit_price += (candidate.price - exit_price) * candidate.quantity / exit_quantity
        direction = TradeDirection.LONG if fill.sign < 0 else TradeDirection.SHORT
        size = abs(entry_quantity)
        mae, mfe = position.excursions(direction, entry_price, size, scale)
        self._record(
            Trade(
                symbol=symbol,
                entry_time=_utc(position.fills[0].time),
                entry_price=entry_price,
                direction=direction,
                quantity=size,
                exit_time=_utc(fill.time),
                exit_price=exit_price,
                profit_loss=decimal_round(
                    (exit_price - entry_price) * entry_quantity * scale, _MONEY_DECIMALS
                ),
                total_fees=position.fees,
                mae=mae,
                mfe=mfe,
            )
        )
        del self._positions[symbol]
        if reversal != 0:
            remainder = _Fill(time=fill.time, price=fill.price, quantity=reversal)
            self._positions[symbol] = _Position(max_price=price, min_price=price, fills=[remainder])

    def _flat_to_reduced(self, symbol: str, fill: _Fill, price: float, fee: Decimal, scale: Decimal) -> None:
        position = self._positions.get(symbol)
        if position is None or not position.fills:
            self._positions[symbol] = _Position(max_price=price, min_price=price, fills=[fill], fees=fee)
            return
        position.observe(price)
        index = self._match_index(len(position.fills))
        if fill.sign == position.fills[index].sign:
            position.fills.append(fill)
            position.fees += fee
            return

        entry_time = position.fills[index].time
        position.fees += fee
        fill_size = abs(fill.quantity)
        executed = _ZERO  # signed, in the direction of the reducing fill
        entry_price = _ZERO
        while position.fills and abs(executed) < fill_size:
            index = self._match_index(len(position.fills))
            entry = position.fills[index]
            unexecuted = fill_size - abs(executed)
            if unexecuted >= abs(entry.quantity):
                if self._matching is FillMatchingMethod.LIFO:
                    entry_time = entry.time
                executed -= entry.quantity
                entry_price -= (entry.price - entry_price) * entry.quantity / executed
                del position.fills[index]
            else:
                piece = unexecuted * fill.sign
                executed += piece
                entry_price += (entry.price - entry_price) * piece / executed
                entry.quantity += piece

        direction = TradeDirection.LONG if executed < 0 else TradeDirection.SHORT
        size = abs(executed)
        mae, mfe = position.excursions(direction, entry_price, size, scale)
        self._record(
            Trade(
                symbol=symbol,
                entry_time=_utc(entry_time),
                entry_price=entry_price,
                direction=direction,
                quantity=size,
                exit_time=_utc(fill.time),
                exit_price=fill.price,
                profit_loss=decimal_round(
                    (fill.price - entry_price) * size * direction.sign * scale, _MONEY_DECIMALS
                ),
                total_fees=position.fees,
                mae=mae,
                mfe=mfe,
            )
        )
        if size < fill_size:
            remainder = _Fill(time=fill.time, price=fill.price, quantity=fill.quantity - executed)
            self._positions[symbol] = _Position(max_price=price, min_price=price, fills=[remainder])
        elif not position.fills:
            del self._positions[symbol]
        else:
            position.fees = _ZERO


def _entry_from(fill: _Fill, fee: Decimal) -> _OpenEntry:
    direction = TradeDirection.LONG if fill.quantity > 0 else TradeDirection.SHORT
    return _OpenEntry(
        time=fill.time, price=fill.price, direction=direction, quantity=abs(fill.quantity), fees=fee
    )


def _in_matching_order(fills: list[_Fill], matching: FillMatchingMethod) -> Iterable[_Fill]:
    return fills if matching is FillMatchingMethod.FIFO else reversed(fills)
