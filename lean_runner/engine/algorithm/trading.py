"""Order methods of ``QCAlgorithm``: market and conditional orders, ``set_holdings`` and ``liquidate``."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lean_runner.engine.enums import OrderType, Resolution, SecurityType
from lean_runner.engine.fees import compute_fee
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.orders import Order, OrderProperties, OrderTicket, SubmitOrderRequest

if TYPE_CHECKING:
    from lean_runner.engine.algorithm.settings import AlgorithmSettings
    from lean_runner.engine.portfolio import SecurityPortfolioManager
    from lean_runner.engine.securities import Security, SecurityManager
    from lean_runner.engine.transactions import SecurityTransactionManager

# LEAN rejects market-on-close submissions this close to the market close.
MARKET_ON_CLOSE_SUBMISSION_BUFFER = timedelta(minutes=15.5)
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
    def market_order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
                     order_properties: OrderProperties | None = None) -> OrderTicket | None:
        security = self.securities[symbol]
        if not security.exchange.exchange_open:
            if not self._moo_warning_sent:
                self._moo_warning_sent = True
                self.debug(MOO_WARNING)
            return self.market_on_open_order(symbol, quantity, tag=tag, order_properties=order_properties)
        if security.resolution == Resolution.DAILY and not self.live_mode:
            # A daily-only security has no intraday price to fill at: LEAN turns it into MOC/MOO.
            close = security.exchange.hours.market_close(self.time.date())
            if close is not None and self.time < close - MARKET_ON_CLOSE_SUBMISSION_BUFFER:
                return self.market_on_close_order(symbol, quantity, tag=tag, order_properties=order_properties)
            return self.market_on_open_order(symbol, quantity, tag=tag, order_properties=order_properties)
        return self._submit(security, OrderType.MARKET, quantity, tag, order_properties)

    def market_on_open_order(self, symbol: Any, quantity: float, asynchronous: bool = False,
                             tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self._submit(self.securities[symbol], OrderType.MARKET_ON_OPEN, quantity, tag, order_properties)

    def market_on_close_order(self, symbol: Any, quantity: float, asynchronous: bool = False,
                              tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket | None:
        security = self.securities[symbol]
        close = security.exchange.hours.market_close(self.time.date())
        if close is not None and close - MARKET_ON_CLOSE_SUBMISSION_BUFFER < self.time < close:
            self.error(f"MarketOnClose orders must be placed at least {MARKET_ON_CLOSE_SUBMISSION_BUFFER} before "
                       f"the market close.")
            return None
        return self._submit(security, OrderType.MARKET_ON_CLOSE, quantity, tag, order_properties)

    def order(self, symbol: Any, quantity: float, asynchronous: bool = False, tag: str = "",
              order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self.market_order(symbol, quantity, asynchronous, tag, order_properties)

    # --- conditional orders -----------------------------------------------------------------------
    def limit_order(self, symbol: Any, quantity: float, limit_price: float, tag: str = "",
                    order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self._submit(self.securities[symbol], OrderType.LIMIT, quantity, tag, order_properties,
                            limit_price=limit_price)

    def stop_market_order(self, symbol: Any, quantity: float, stop_price: float, tag: str = "",
                          order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self._submit(self.securities[symbol], OrderType.STOP_MARKET, quantity, tag, order_properties,
                            stop_price=stop_price)

    def stop_limit_order(self, symbol: Any, quantity: float, stop_price: float, limit_price: float,
                         tag: str = "", order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self._submit(self.securities[symbol], OrderType.STOP_LIMIT, quantity, tag, order_properties,
                            stop_price=stop_price, limit_price=limit_price)

    def limit_if_touched_order(self, symbol: Any, quantity: float, trigger_price: float,
                               limit_price: float, tag: str = "",
                               order_properties: OrderProperties | None = None) -> OrderTicket | None:
        return self._submit(self.securities[symbol], OrderType.LIMIT_IF_TOUCHED, quantity, tag, order_properties,
                            limit_price=limit_price, trigger_price=trigger_price)

    def trailing_stop_order(self, symbol: Any, quantity: float, *args: Any, tag: str = "",
                            order_properties: OrderProperties | None = None, **kwargs: Any) -> OrderTicket | None:
        """``trailing_stop_order(symbol, qty, trailing_amount, trailing_as_percentage)`` or with a stop price first."""
        security = self.securities[symbol]
        values = list(args)
        if "stop_price" in kwargs:
            values.insert(0, kwargs.pop("stop_price"))
        if "trailing_amount" in kwargs:
            values.append(kwargs.pop("trailing_amount"))
        if "trailing_as_percentage" in kwargs:
            values.append(kwargs.pop("trailing_as_percentage"))
        if len(values) == 2:
            amount, as_percentage = float(values[0]), bool(values[1])
            price = security.price
            if quantity < 0:
                stop = price * (1 - amount) if as_percentage else price - amount
            else:
                stop = price * (1 + amount) if as_percentage else price + amount
        elif len(values) == 3:
            stop, amount, as_percentage = float(values[0]), float(values[1]), bool(values[2])
        else:
            raise TypeError("trailing_stop_order(symbol, quantity, [stop_price,] trailing_amount, "
                            "trailing_as_percentage)")
        return self._submit(security, OrderType.TRAILING_STOP, quantity, tag, order_properties, stop_price=stop,
                            trailing_amount=amount, trailing_as_percentage=as_percentage)

    # --- submission -------------------------------------------------------------------------------
    def _submit(self, security: Security, order_type: int, quantity: float, tag: str,
                order_properties: OrderProperties | None, *, limit_price: float = 0.0, stop_price: float = 0.0,
                trigger_price: float = 0.0, trailing_amount: float = 0.0,
                trailing_as_percentage: bool = False) -> OrderTicket | None:
        request = SubmitOrderRequest(order_type, SecurityType.EQUITY, security.symbol, quantity, stop_price,
                                     limit_price, self.utc_time, tag, order_properties, trigger_price,
                                     trailing_amount, trailing_as_percentage)
        return self.submit_order_request(request)

    def submit_order_request(self, request: SubmitOrderRequest) -> OrderTicket | None:
        """LEAN's pre-order checks (rejections here do not count as orders), then the transaction manager."""
        problem = self._pre_order_problem(request)
        if problem:
            self.error(problem)
            return None
        return self.transactions.add_order(request)

    def _pre_order_problem(self, request: SubmitOrderRequest) -> str:
        if self.is_warming_up:
            return "This operation is not allowed while the algorithm is warming up."
        if request.symbol not in self.securities:
            return f"You haven't requested {request.symbol} data. Add it with self.add_equity(\"{request.symbol}\")."
        security = self.securities[request.symbol]
        if request.quantity == 0:
            return f"Unable to submit order with id -1 that has zero quantity ({security.symbol})."
        if security.price == 0:
            return (f"Order Error: {security.symbol}: asset price is $0. If using custom data make sure you've set "
                    f"the 'Value' property.")
        lot = security.lot_size
        if lot and abs(request.quantity) % lot:
            return f"Order quantity {request.quantity} of {security.symbol} is not a multiple of its lot size {lot}."
        return ""

    # --- targets ------------------------------------------------------------------------------------
    def set_holdings(self, symbol: Any, percentage: float | None = None,
                     liquidate_existing_holdings: bool = False, tag: str = "",
                     order_properties: OrderProperties | None = None) -> list[OrderTicket]:
        """Order toward ``percentage`` of the portfolio value (a list of PortfolioTarget works too)."""
        if isinstance(symbol, list | tuple):
            targets = [(t.symbol, t.quantity) for t in symbol]
            tickets: list[OrderTicket] = []
            target_symbols = {self.securities[s].symbol for s, _ in targets}
            if liquidate_existing_holdings:
                for held in [s for s in self.securities.values() if s.invested and s.symbol not in target_symbols]:
                    tickets.extend(self.liquidate(held.symbol, tag=tag))
            # Sells first so that buys find the freed buying power, as LEAN orders them.
            ordered = sorted(targets, key=lambda t: self._target_delta(t[0], t[1]))
            for target_symbol, weight in ordered:
                tickets.extend(self._set_holdings_single(target_symbol, weight, tag, order_properties))
            return tickets
        if percentage is None:
            raise TypeError("set_holdings(symbol, percentage) needs a percentage.")
        tickets = []
        if liquidate_existing_holdings:
            for held in [s for s in self.securities.values() if s.invested and s.symbol != symbol]:
                tickets.extend(self.liquidate(held.symbol, tag=tag))
        tickets.extend(self._set_holdings_single(symbol, float(percentage), tag, order_properties))
        return tickets

    def _target_delta(self, symbol: Any, weight: float) -> float:
        security = self.securities[symbol]
        return weight * self.portfolio.total_portfolio_value - security.holdings.holdings_value

    def _set_holdings_single(self, symbol: Any, percentage: float, tag: str,
                             order_properties: OrderProperties | None) -> list[OrderTicket]:
        security = self.securities[symbol]
        quantity = self.calculate_order_quantity(security.symbol, percentage)
        pending = sum(o.quantity for o in self.transactions.get_open_orders(security.symbol)
                      if o.type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN))
        quantity -= pending
        if quantity == 0:
            return []
        ticket = self.market_order(security.symbol, quantity, tag=tag, order_properties=order_properties)
        return [ticket] if ticket is not None else []

    def calculate_order_quantity(self, symbol: Any, target: float) -> float:
        """Shares to order to move ``symbol`` to ``target`` of the portfolio value (LEAN's sizing rules)."""
        security = self.securities[symbol]
        price = security.price
        if price == 0:
            return 0.0
        tpv = self.portfolio.total_portfolio_value
        free_value = self.settings.free_portfolio_value
        if free_value is None:
            free_value = tpv * self.settings.free_portfolio_value_percentage
        adjusted = target * (tpv - free_value) / tpv if tpv else 0.0
        leverage = security.leverage
        unit_value = price * security.multiplier
        current_value = security.holdings.quantity * unit_value
        target_value = adjusted * tpv
        if abs(target_value - current_value) / leverage < tpv * self.settings.minimum_order_margin_portfolio_percentage:
            return 0.0
        lot = security.lot_size or 1.0
        raw = (target_value - current_value) / unit_value
        # Toward zero, in whole lots: never order more than the target allows.
        quantity = math.floor(abs(raw) / lot) * lot * (1 if raw > 0 else -1)
        while quantity != 0:
            fee = compute_fee(security.fee_model, security, _hypothetical_order(security, quantity, self.utc_time))
            final_value = current_value + quantity * unit_value
            if abs(final_value) <= abs((tpv - fee) * adjusted) + 1e-9:
                break
            quantity -= lot if quantity > 0 else -lot
        return float(quantity)

    def liquidate(self, symbol: Any = None, asynchronous: bool = False, tag: str = "Liquidated",
                  order_properties: OrderProperties | None = None) -> list[OrderTicket]:
        """Cancel open orders and close the position of ``symbol`` (or of every symbol)."""
        securities = [self.securities[symbol]] if symbol is not None else list(self.securities.values())
        tickets: list[OrderTicket] = []
        for security in securities:
            for order in self.transactions.get_open_orders(security.symbol):
                if order.type != OrderType.MARKET:
                    self.transactions.cancel_order(order, tag)
            quantity = security.holdings.quantity
            if quantity == 0:
                continue
            ticket = self.market_order(security.symbol, -quantity, tag=tag, order_properties=order_properties)
            if ticket is not None:
                tickets.append(ticket)
        return tickets

    def is_market_open(self, symbol: Any) -> bool:
        return self.securities[symbol].exchange.exchange_open


def _hypothetical_order(security: Security, quantity: float, now: datetime) -> Order:
    return Order(0, security.symbol, quantity, OrderType.MARKET, now)
