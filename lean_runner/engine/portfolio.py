"""The portfolio: cash, holdings, fills and the P&L records LEAN's statistics read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lean_runner.engine.market_data import KeyValuePair
from lean_runner.engine.naming import lean_names
from lean_runner.engine.securities import Security, SecurityHolding, SecurityManager, missing_security_error


@lean_names
class CashBook(dict[str, Any]):
    """Account currency cash only (the embedded engine trades USD equities)."""

    def __init__(self, portfolio: SecurityPortfolioManager) -> None:
        super().__init__()
        self._portfolio = portfolio

    @property
    def total_value_in_account_currency(self) -> float:
        return self._portfolio.cash

    @property
    def account_currency(self) -> str:
        return "USD"


@lean_names
class SecurityPortfolioManager(dict[Any, SecurityHolding]):
    """``self.portfolio``: holdings by symbol, cash and portfolio-level totals.

    A real dict of holdings (the securities collection keeps it in step), because algorithms
    read ``self.portfolio[symbol]`` on every bar and a dict lookup costs no Python call.
    """

    def __init__(self, securities: SecurityManager) -> None:
        super().__init__()
        self._securities = securities
        securities.mirror_holdings_into(self)
        self.cash = 100_000.0
        self.total_fees = 0.0
        self.total_sale_volume_value = 0.0
        # (utc time, pnl) of every position-reducing fill; LEAN's win/loss statistics read these.
        self.transaction_records: list[tuple[datetime, float]] = []
        self._open_positions = 0  # kept by process_fill so `invested` costs nothing per slice
        self.cash_book = CashBook(self)

    # --- dictionary access (the dict's own, plus LEAN's names) ------------------------------
    def __missing__(self, key: Any) -> SecurityHolding:
        if isinstance(key, Security) and dict.__contains__(self, key.symbol):
            return dict.__getitem__(self, key.symbol)  # a Security stands for its Symbol, as in LEAN
        raise missing_security_error(key)

    def __iter__(self) -> Iterator[Any]:
        # LEAN's portfolio enumerates KeyValuePair<Symbol, SecurityHolding>: ``kvp.key``, ``kvp.value``.
        return (KeyValuePair(key, value) for key, value in dict.items(self))

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("The portfolio's holdings follow its securities; add one with self.add_equity(...).")

    __hash__ = object.__hash__  # type: ignore[assignment]  # compared and hashed by identity, as before
    __eq__ = object.__eq__
    __ne__ = object.__ne__

    def contains_key(self, key: Any) -> bool:
        return key in self

    def keys(self) -> list[Any]:  # type: ignore[override]
        return list(dict.keys(self))

    def values(self) -> list[SecurityHolding]:  # type: ignore[override]
        return list(dict.values(self))

    def items(self) -> list[tuple[Any, SecurityHolding]]:  # type: ignore[override]
        return list(dict.items(self))

    @property
    def Keys(self) -> list[Any]:
        return self.keys()

    @property
    def Values(self) -> list[SecurityHolding]:
        return self.values()

    # --- totals ---------------------------------------------------------------------------
    # LEAN's dictionary and lookup members.
    def contains(self, key: Any) -> bool:
        return key in self

    @property
    def count(self) -> int:
        return len(self)

    def get_keys(self) -> list[Any]:
        return self.keys()

    def get_values(self) -> list[SecurityHolding]:
        return self.values()

    def get_items(self) -> list[tuple[Any, SecurityHolding]]:
        return self.items()

    def try_get_value(self, key: Any) -> tuple[bool, SecurityHolding | None]:
        return (True, self[key]) if key in self else (False, None)

    def add(self, *args: Any) -> None:
        raise ValueError("The portfolio's holdings follow its securities: add the security with add_equity.")

    def remove(self, key: Any) -> bool:
        raise ValueError("The portfolio's holdings follow its securities: remove the security with "
                         "remove_security.")

    @property
    def securities(self) -> SecurityManager:
        return self._securities

    def get_security(self, symbol: Any) -> Security:
        return self._securities[symbol]

    @property
    def positions(self) -> list[Any]:
        """The open positions, one per invested security (LEAN groups them; equities are one each)."""
        return [holding for holding in self.values() if holding.quantity != 0]

    @property
    def total_unlevered_absolute_holdings_cost(self) -> float:
        return sum(holding.unlevered_absolute_holdings_cost for holding in self.values())

    def get_margin_remaining(self, symbol: Any, direction: int = 0) -> float:
        return self.get_buying_power(symbol, direction) / self._securities[symbol].leverage

    def has_sufficient_buying_power_for_order(self, orders: Any) -> Any:
        """Whether the orders fit the buying power left (LEAN returns a result with ``is_sufficient``)."""
        items = orders if isinstance(orders, list | tuple) else [orders]
        value = sum(abs(order.get_value(self._securities[order.symbol])) for order in items)
        sufficient = value <= self.margin_remaining * max(
            (self._securities[order.symbol].leverage for order in items), default=1.0)
        return _BuyingPowerResult(sufficient)

    def set_cash(self, cash: float) -> None:
        self.cash = float(cash)

    @property
    def total_holdings_value(self) -> float:
        return sum(s.holdings.quantity * s.price * s.multiplier for s in self._securities.values()
                   if s.holdings.quantity)

    @property
    def total_absolute_holdings_cost(self) -> float:
        return sum(abs(s.holdings.holdings_cost) for s in self._securities.values())

    @property
    def total_portfolio_value(self) -> float:
        value = self.cash
        for security in self._securities.values():
            quantity = security.holdings.quantity
            if quantity:
                value += quantity * security.price * security.multiplier
        return value

    @property
    def total_unrealized_profit(self) -> float:
        return sum(s.holdings.unrealized_profit for s in self._securities.values())

    total_unrealised_profit = total_unrealized_profit

    @property
    def total_profit(self) -> float:
        return sum(s.holdings.profit for s in self._securities.values())

    @property
    def total_net_profit(self) -> float:
        return self.total_profit - self.total_fees

    @property
    def invested(self) -> bool:
        return self._open_positions > 0

    @property
    def hold_stock(self) -> bool:
        return self.invested

    @property
    def total_margin_used(self) -> float:
        return sum(abs(s.holdings.quantity * s.price * s.multiplier) / s.leverage
                   for s in self._securities.values() if s.holdings.quantity)

    @property
    def margin_remaining(self) -> float:
        return self.total_portfolio_value - self.total_margin_used

    @property
    def unsettled_cash(self) -> float:
        return 0.0

    def get_buying_power(self, symbol: Any, direction: int = 0) -> float:
        return self.margin_remaining * self._securities[symbol].leverage

    # --- fills ----------------------------------------------------------------------------
    def process_fill(self, security: Security, time_utc: datetime, fill_price: float, fill_quantity: float,
                     fee: float) -> float:
        """Apply a fill to cash and holdings; return the realised profit of any closed part."""
        holding = security.holdings
        multiplier = security.multiplier
        self.cash -= fill_price * fill_quantity * multiplier + fee
        self.total_fees += fee
        holding.total_fees += fee
        sale_value = abs(fill_quantity) * fill_price * multiplier
        holding.total_sale_volume += sale_value
        self.total_sale_volume_value += sale_value

        old_quantity = holding.quantity
        new_quantity = old_quantity + fill_quantity
        realised = 0.0
        if old_quantity == 0 or (old_quantity > 0) == (fill_quantity > 0):
            # Opening or adding: the average price moves to the weighted cost.
            total_cost = holding.average_price * old_quantity + fill_price * fill_quantity
            holding.average_price = total_cost / new_quantity if new_quantity else 0.0
        else:
            closed = min(abs(fill_quantity), abs(old_quantity))
            sign = 1.0 if old_quantity > 0 else -1.0
            realised = (fill_price - holding.average_price) * closed * sign * multiplier
            holding.profit += realised
            holding.last_trade_profit = realised
            self.transaction_records.append((time_utc, realised - 2 * fee))
            if new_quantity == 0:
                holding.average_price = 0.0
            elif (new_quantity > 0) != (old_quantity > 0):
                holding.average_price = fill_price  # flipped side: the remainder opens at the fill
        if (old_quantity == 0) != (new_quantity == 0):
            self._open_positions += 1 if old_quantity == 0 else -1
        holding.quantity = new_quantity
        return realised

    # --- corporate actions (raw-priced securities) ----------------------------------------------
    def apply_dividend(self, security: Security, distribution: float) -> None:
        """A cash dividend on the holdings: longs receive it, shorts pay it (LEAN's ``ApplyDividend``)."""
        amount = security.holdings.quantity * distribution
        self.cash += amount
        security.holdings.total_dividends += amount

    def apply_split(self, security: Security, split_factor: float, reference_price: float) -> None:
        """A split on raw-priced holdings (LEAN's ``ApplySplit``): whole shares are kept at a scaled average
        price, the fraction is paid out in cash at the scaled price, and the security's prices are scaled."""
        holding = security.holdings
        old_quantity = holding.quantity
        quantity = old_quantity / split_factor
        whole = float(int(quantity))  # towards zero, as C#'s (int) cast
        holding.average_price = holding.average_price * split_factor
        holding.quantity = whole
        if (old_quantity == 0) != (whole == 0):
            self._open_positions += 1 if old_quantity == 0 else -1
        if not security.has_data:
            self.cash += (quantity - whole) * reference_price * split_factor
            return
        security.apply_split(split_factor)
        self.cash += (quantity - whole) * security.price

    @property
    def total_sale_volume(self) -> float:
        return self.total_sale_volume_value


class _BuyingPowerResult:
    def __init__(self, is_sufficient: bool) -> None:
        self.is_sufficient = is_sufficient
        self.reason = "" if is_sufficient else "Insufficient buying power to complete the orders."
