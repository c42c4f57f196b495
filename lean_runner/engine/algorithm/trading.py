"""Order methods of ``QCAlgorithm``: market and conditional orders, ``set_holdings`` and ``liquidate``."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from lean_runner.engine.enums import OrderResponseErrorCode, OrderType, Resolution, SecurityType
from lean_runner.engine.fees import compute_fee
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.orders import (
    MarketOnCloseOrder,
    Order,
    OrderProperties,
    OrderResponse,
    OrderTicket,
    SubmitOrderRequest,
)
from lean_runner.engine.securities import Security, missing_security_error
from lean_runner.engine.symbol import Symbol

if TYPE_CHECKING:
    from lean_runner.engine.algorithm.settings import AlgorithmSettings
    from lean_runner.engine.portfolio import SecurityPortfolioManager
    from lean_runner.engine.securities import SecurityManager
    from lean_runner.engine.transactions import SecurityTransactionManager

MOO_WARNING = ("Warning: market orders submitted while the market is closed are automatically converted into "
               "MarketOnOpen orders.")


@lean_names
class PortfolioTarget(PascalCaseAttributes):
    """A target quantity (or, with ``percent``, a portfolio weight) for one symbol."""

    __slots__ = ("quantity", "symbol", "tag")

    def __init__(self, symbol: Any, quantity: float, tag: str = "") -> None:
        self.symbol = symbol
        self.quantity = float(quantity)
        self.tag = tag

    @staticmethod
    def percent(algorithm: Any, symbol: Any, percent: float) -> PortfolioTarget:
        return PortfolioTarget(symbol, float(percent), "__percent__")


class OrderRejected(ValueError):
    """A pre-order check failed; LEAN returns an invalid ticket that does not count as an order."""


class TradingMixin:
    """The trading half of ``QCAlgorithm``."""

    if TYPE_CHECKING:  # provided by QCAlgorithm
        securities: SecurityManager
        portfolio: SecurityPortfolioManager
        transactions: SecurityTransactionManager
        settings: AlgorithmSettings
        live_mode: bool
        _moo_warning_sent: bool

        @property
        def time(self) -> datetime: ...

        @property
        def utc_time(self) -> datetime: ...

        @property
        def is_warming_up(self) -> bool: ...

        def debug(self, message: Any) -> None: ...

        def error(self, message: Any) -> None: ...

    # --- market orders ----------------------------------------------------------------------------
    def buy(self, symbol: Any, quantity: float) -> OrderTicket:
        """Buy ``abs(quantity)`` at market (LEAN's alias of ``order``)."""
        return self.order(symbol, abs(quantity))

    def sell(self, symbol: Any, quantity: float) -> OrderTicket:
        """Sell ``abs(quantity)`` at market (LEAN's alias of ``order`` with a negative quantity)."""
        return self.order(symbol, -abs(quantity))

    def order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
              order_properties: OrderProperties | None = None) -> OrderTicket:
        return self.market_order(symbol, quantity, asynchronous, tag, order_properties)

    def market_order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
                     order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.MARKET, quantity, tag)
        if not security.exchange.exchange_open:
            if not self._moo_warning_sent:
                self._moo_warning_sent = True
                self.debug(MOO_WARNING)
            return self.market_on_open_order(security, quantity, asynchronous, tag, order_properties)
        if security.resolution == Resolution.DAILY and not self.live_mode:
            # A daily-only security has no intraday price to fill at: LEAN turns it into MOC/MOO.
            close = security.exchange.hours.market_close(self.time.date())
            if close is not None and self.time < close - MarketOnCloseOrder.submission_time_buffer:
                return self.market_on_close_order(security, quantity, asynchronous, tag, order_properties)
            return self.market_on_open_order(security, quantity, asynchronous, tag, order_properties)
        return self._submit(security, OrderType.MARKET, quantity, tag, order_properties)

    def market_on_open_order(self, symbol: Any, quantity: float, asynchronous: bool = False,
                             tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.MARKET_ON_OPEN, quantity, tag)
        return self._submit(security, OrderType.MARKET_ON_OPEN, quantity, tag, order_properties)

    def market_on_close_order(self, symbol: Any, quantity: float, asynchronous: bool = False,
                              tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.MARKET_ON_CLOSE, quantity, tag)
        close = security.exchange.hours.market_close(self.time.date())
        buffer = MarketOnCloseOrder.submission_time_buffer
        if close is not None and close - buffer < self.time < close:
            message = f"MarketOnClose orders must be placed at least {buffer} before the market close."
            self.error(message)
            return self._invalid_ticket(security.symbol, OrderType.MARKET_ON_CLOSE, quantity, tag,
                                        OrderResponseErrorCode.MARKET_ON_CLOSE_ORDER_TOO_LATE, message)
        return self._submit(security, OrderType.MARKET_ON_CLOSE, quantity, tag, order_properties)

    # --- conditional orders -----------------------------------------------------------------------
    def limit_order(self, symbol: Any, quantity: float, limit_price: float, asynchronous: bool = False,
                    tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.LIMIT, quantity, tag)
        return self._submit(security, OrderType.LIMIT, quantity, tag, order_properties, limit_price=limit_price)

    def stop_market_order(self, symbol: Any, quantity: float, stop_price: float, asynchronous: bool = False,
                          tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.STOP_MARKET, quantity, tag)
        return self._submit(security, OrderType.STOP_MARKET, quantity, tag, order_properties, stop_price=stop_price)

    def stop_limit_order(self, symbol: Any, quantity: float, stop_price: float, limit_price: float,
                         asynchronous: bool = False, tag: str = "",
                         order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.STOP_LIMIT, quantity, tag)
        return self._submit(security, OrderType.STOP_LIMIT, quantity, tag, order_properties,
                            stop_price=stop_price, limit_price=limit_price)

    def limit_if_touched_order(self, symbol: Any, quantity: float, trigger_price: float, limit_price: float,
                               asynchronous: bool = False, tag: str = "",
                               order_properties: OrderProperties | None = None) -> OrderTicket:
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.LIMIT_IF_TOUCHED, quantity, tag)
        return self._submit(security, OrderType.LIMIT_IF_TOUCHED, quantity, tag, order_properties,
                            limit_price=limit_price, trigger_price=trigger_price)

    def trailing_stop_order(self, symbol: Any, quantity: float, *args: Any, **kwargs: Any) -> OrderTicket:
        """LEAN's two overloads: ``trailing_stop_order(symbol, quantity, trailing_amount, trailing_as_percentage,
        asynchronous=False, tag="", order_properties=None)``, and the same with ``stop_price`` before
        ``trailing_amount`` (without it the stop starts at the current price plus or minus the amount)."""
        names = ["trailing_amount", "trailing_as_percentage", "asynchronous", "tag", "order_properties"]
        # The stop-price overload: a stop price by name, or a number (not the flag) in the second place.
        if "stop_price" in kwargs or (len(args) >= 2 and not isinstance(args[1], bool | np.bool_)):
            names.insert(0, "stop_price")
        if len(args) > len(names):
            raise TypeError(f"trailing_stop_order() takes at most {len(names) + 2} positional arguments")
        bound: dict[str, Any] = dict(zip(names, args, strict=False))
        unknown = set(kwargs) - {*names, "stop_price"}
        if unknown:
            raise TypeError(f"trailing_stop_order() got unexpected keyword arguments {sorted(unknown)}")
        bound.update(kwargs)
        if "trailing_amount" not in bound or "trailing_as_percentage" not in bound:
            raise TypeError("trailing_stop_order(symbol, quantity, [stop_price,] trailing_amount, "
                            "trailing_as_percentage, asynchronous=False, tag='', order_properties=None)")
        tag = bound.get("tag", "")
        security = self._security_for_order(symbol)
        if security is None:
            return self._missing_security_ticket(symbol, OrderType.TRAILING_STOP, quantity, tag)
        amount, as_percentage = float(bound["trailing_amount"]), bool(bound["trailing_as_percentage"])
        if "stop_price" in bound:
            stop = float(bound["stop_price"])
        else:
            price = security.price
            if quantity < 0:
                stop = price * (1 - amount) if as_percentage else price - amount
            else:
                stop = price * (1 + amount) if as_percentage else price + amount
        return self._submit(security, OrderType.TRAILING_STOP, quantity, tag, bound.get("order_properties"),
                            stop_price=stop, trailing_amount=amount, trailing_as_percentage=as_percentage)

    # --- symbols and invalid tickets --------------------------------------------------------------
    def _security_for_order(self, symbol: Any) -> Security | None:
        """The security an order is for: a Symbol, a ticker or a Security (LEAN converts one to its Symbol)."""
        key = getattr(symbol, "symbol", symbol) if not isinstance(symbol, str | Symbol) else symbol
        return self.securities.get(key)

    def _missing_security_ticket(self, symbol: Any, order_type: int, quantity: float, tag: str) -> OrderTicket:
        message = (f"You haven't requested {symbol} data. Add this with AddSecurity() in the Initialize() Method "
                   f"(self.add_equity(\"{symbol}\")).")
        self.error(message)
        unknown = symbol if isinstance(symbol, Symbol) else Symbol.create(str(getattr(symbol, "symbol", symbol)))
        return self._invalid_ticket(unknown, order_type, quantity, tag, OrderResponseErrorCode.MISSING_SECURITY,
                                    message)

    def _invalid_ticket(self, symbol: Symbol, order_type: int, quantity: float, tag: str, error_code: int,
                        message: str) -> OrderTicket:
        """LEAN's ``OrderTicket.InvalidSubmitRequest``: the request never became an order and is not counted."""
        request = SubmitOrderRequest(order_type, SecurityType.EQUITY, symbol, quantity, 0.0, 0.0, self.utc_time, tag)
        return OrderTicket.invalid_submit_request(self.transactions, request, OrderResponse(
            OrderResponseErrorCode.UNABLE_TO_FIND_ORDER, error_code, message))

    # --- submission -------------------------------------------------------------------------------
    def _submit(self, security: Security, order_type: int, quantity: float, tag: str,
                order_properties: OrderProperties | None, *, limit_price: float = 0.0, stop_price: float = 0.0,
                trigger_price: float = 0.0, trailing_amount: float = 0.0,
                trailing_as_percentage: bool = False) -> OrderTicket:
        request = SubmitOrderRequest(order_type, SecurityType.EQUITY, security.symbol, quantity, stop_price,
                                     limit_price, self.utc_time, tag, order_properties, trigger_price,
                                     trailing_amount, trailing_as_percentage)
        return self.submit_order_request(request)

    def submit_order_request(self, request: SubmitOrderRequest) -> OrderTicket:
        """LEAN's pre-order checks, then the transaction manager. A rejected request gets an invalid ticket
        (status Invalid, order id -10 like LEAN's) and does not count as an order."""
        error_code, problem = self._pre_order_problem(request)
        if problem:
            self.error(problem)
            return OrderTicket.invalid_submit_request(self.transactions, request, OrderResponse(
                OrderResponseErrorCode.UNABLE_TO_FIND_ORDER, error_code, problem))
        return self.transactions.add_order(request)

    def _pre_order_problem(self, request: SubmitOrderRequest) -> tuple[int, str]:
        codes = OrderResponseErrorCode
        if self.is_warming_up:
            return codes.ALGORITHM_WARMING_UP, "This operation is not allowed while the algorithm is warming up."
        if request.symbol not in self.securities:
            return codes.MISSING_SECURITY, (f"You haven't requested {request.symbol} data. Add it with "
                                            f"self.add_equity(\"{request.symbol}\").")
        security = self.securities[request.symbol]
        if request.quantity == 0:
            return codes.ORDER_QUANTITY_ZERO, (f"Unable to submit order with id -1 that has zero quantity "
                                               f"({security.symbol}).")
        if security.price == 0:
            return codes.SECURITY_PRICE_ZERO, (f"Order Error: {security.symbol}: asset price is $0. If using custom "
                                               f"data make sure you've set the 'Value' property.")
        lot = security.lot_size
        if lot and abs(request.quantity) % lot:
            return codes.ORDER_QUANTITY_LESS_THAN_LOT_SIZE, (f"Order quantity {request.quantity} of "
                                                             f"{security.symbol} is not a multiple of its lot size "
                                                             f"{lot}.")
        return codes.NONE, ""

    # --- targets ------------------------------------------------------------------------------------
    def set_holdings(self, symbol: Any, percentage: float | None = None,
                     liquidate_existing_holdings: bool = False, asynchronous: bool = False, tag: str = "",
                     order_properties: OrderProperties | None = None) -> list[OrderTicket]:
        """Order toward ``percentage`` of the portfolio value, or toward a list of ``PortfolioTarget`` weights.

        With several targets, every order quantity is worked out first (on the same portfolio value), then
        reducing orders go first and the rest by decreasing order value, as LEAN's
        ``OrderTargetsByMarginImpact``: ``set_holdings([PortfolioTarget("SPY", 0.5), PortfolioTarget("IBM", 0.3)])``.
        """
        if isinstance(symbol, list | tuple):
            targets = [(self._security_for_order(t.symbol), t.symbol, float(t.quantity)) for t in symbol]
            tickets: list[OrderTicket] = []
            if liquidate_existing_holdings:
                keep = {security.symbol for security, _, _ in targets if security is not None}
                for held in [s for s in self.securities.values() if s.invested and s.symbol not in keep]:
                    tickets.extend(self.liquidate(held.symbol, tag=tag, order_properties=order_properties))
            deltas = []
            for security, requested, weight in targets:
                if security is None:
                    self.error(f"{requested} not found in portfolio. Request this data when initializing the "
                               f"algorithm.")
                    continue
                deltas.append((security, self.calculate_order_quantity(security.symbol, weight)))
            for security, quantity in self._order_by_margin_impact(deltas):
                tickets.extend(self._set_holdings_impl(security, quantity, tag, order_properties))
            return tickets
        if percentage is None:
            raise TypeError("set_holdings(symbol, percentage) needs a percentage.")
        tickets = []
        target = self._security_for_order(symbol)
        if liquidate_existing_holdings:
            for held in [s for s in self.securities.values()
                         if s.invested and (target is None or s.symbol != target.symbol)]:
                tickets.extend(self.liquidate(held.symbol, tag=tag, order_properties=order_properties))
        if target is None:
            self.error(f"{symbol} not found in portfolio. Request this data when initializing the algorithm.")
            return tickets
        quantity = self.calculate_order_quantity(target.symbol, float(percentage))
        tickets.extend(self._set_holdings_impl(target, quantity, tag, order_properties))
        return tickets

    def _order_by_margin_impact(self, deltas: list[tuple[Security, float]]) -> list[tuple[Security, float]]:
        """Targets with data and at least a lot to trade: position-reducing ones first, then by order value."""
        if self.is_warming_up:
            return []
        ranked = []
        for security, quantity in deltas:
            lot = security.lot_size or 1.0
            quantity = math.trunc(quantity / lot) * lot
            if not security.has_data or not security.is_tradable or abs(quantity) < lot:
                continue
            existing = security.holdings.quantity + self.transactions.get_open_orders_remaining_quantity(
                security.symbol)
            reducing = existing != 0 and abs(quantity + existing) < abs(existing)
            ranked.append((not reducing, -abs(quantity * security.price), security, quantity))
        ranked.sort(key=lambda item: (item[0], item[1]))  # stable, like LEAN's OrderBy
        return [(security, quantity) for _, _, security, quantity in ranked]

    def _set_holdings_impl(self, security: Security, quantity: float, tag: str,
                           order_properties: OrderProperties | None) -> list[OrderTicket]:
        pending = sum(o.quantity for o in self.transactions.get_open_orders(security.symbol)
                      if o.type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN))
        quantity -= pending
        if quantity == 0:
            return []
        return [self.market_order(security.symbol, quantity, tag=tag, order_properties=order_properties)]

    def calculate_order_quantity(self, symbol: Any, target: float) -> float:
        """Shares to order to move ``symbol`` to ``target`` of the portfolio value (LEAN's sizing rules).

        The final position is rounded to whole lots toward zero (down for a long target, up for a short
        one), so it never exceeds the target; then the order shrinks until the target, less the order's fee,
        covers it. A partial reduction therefore sells at least what the target asks for."""
        security = self._security_for_order(symbol)
        if security is None:
            raise missing_security_error(symbol)
        price = security.price
        if price == 0:
            return 0.0
        tpv = self.portfolio.total_portfolio_value
        holdings = security.holdings.quantity
        free_value = self.settings.free_portfolio_value
        if free_value is None:
            free_value = tpv * self.settings.free_portfolio_value_percentage
        adjusted = target * (tpv - free_value) / tpv if tpv else 0.0
        target_value = adjusted * tpv
        if target_value == 0:
            return -holdings
        leverage = security.leverage
        unit_value = price * security.multiplier
        if abs(target_value - holdings * unit_value) / leverage < \
                tpv * self.settings.minimum_order_margin_portfolio_percentage:
            return 0.0
        lot = security.lot_size or 1.0
        last = None
        while True:
            raw = -holdings + target_value / unit_value
            lots = math.floor(raw / lot) if target_value > 0 else math.ceil(raw / lot)
            quantity = lots * lot
            if quantity == 0:
                return 0.0
            final_value = (quantity + holdings) * unit_value
            fee = compute_fee(security.fee_model, security, _hypothetical_order(security, quantity, self.utc_time))
            target_value = (tpv - fee) * adjusted
            if quantity == last:  # no longer moving: LEAN stops with an error here; keep the last quantity
                return float(quantity)
            last = quantity
            if abs(final_value) <= abs(target_value):
                return float(quantity)

    def liquidate(self, symbol: Any = None, asynchronous: bool = False, tag: str = "Liquidated",
                  order_properties: OrderProperties | None = None) -> list[OrderTicket]:
        """Cancel open orders and close the position of ``symbol`` (or of every symbol)."""
        if symbol is None:
            securities = list(self.securities.values())
        else:
            security = self._security_for_order(symbol)
            securities = [security] if security is not None else []
        tickets: list[OrderTicket] = []
        for security in securities:
            for order in self.transactions.get_open_orders(security.symbol):
                if order.type != OrderType.MARKET:
                    self.transactions.cancel_order(order, tag)
            quantity = security.holdings.quantity
            if quantity == 0:
                continue
            tickets.append(self.market_order(security.symbol, -quantity, tag=tag, order_properties=order_properties))
        return tickets

    def is_market_open(self, symbol: Any) -> bool:
        return self.securities[symbol].exchange.exchange_open


def _hypothetical_order(security: Security, quantity: float, now: datetime) -> Order:
    return Order(0, security.symbol, quantity, OrderType.MARKET, now)
