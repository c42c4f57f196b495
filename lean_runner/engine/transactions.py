"""``self.transactions``: order submission, buying-power checks, fills, updates and cancels."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.enums import OrderDirection, OrderRequestStatus, OrderResponseErrorCode, OrderStatus, OrderType
from lean_runner.engine.fees import compute_fee
from lean_runner.engine.fills import EquityFillModel, FillModel, FillModelParameters
from lean_runner.engine.naming import lean_names
from lean_runner.engine.orders import (
    CLOSED_STATUSES,
    CashAmount,
    Order,
    OrderEvent,
    OrderFee,
    OrderProperties,
    OrderResponse,
    OrderTicket,
    SubmitOrderRequest,
    UpdateOrderFields,
    new_order,
)
from lean_runner.engine.portfolio import SecurityPortfolioManager
from lean_runner.engine.securities import Security, SecurityManager
from lean_runner.engine.shortable import is_shortable, shortable_quantity

FillListener = Callable[[Security, Order, OrderEvent], None]
EventListener = Callable[[OrderEvent], None]


@lean_names
class SecurityTransactionManager:
    """Places orders, fills them with the security's fill model and reports every event."""

    def __init__(self, securities: SecurityManager, portfolio: SecurityPortfolioManager, clock: AlgorithmClock,
                 on_event: EventListener, on_fill: FillListener) -> None:
        self._securities = securities
        self._portfolio = portfolio
        self._clock = clock
        self._on_event = on_event
        self._on_fill = on_fill
        self._default_fill_model = EquityFillModel()
        self._orders: dict[int, Order] = {}
        self._tickets: dict[int, OrderTicket] = {}
        self._submitted_local: dict[int, datetime] = {}
        self._event_counts: dict[int, int] = {}
        self._open: dict[int, Order] = {}
        self.order_events: list[OrderEvent] = []

    # --- LEAN's trade records and settings -------------------------------------------------
    market_order_fill_timeout = timedelta(seconds=5)  # live trading's wait; backtest fills are immediate
    minimum_order_size = 0.0

    @property
    def utc_time(self) -> datetime:
        return self._clock.utc_time

    @property
    def transaction_record(self) -> dict[datetime, float]:
        """Each closed trade's profit (net of fees) by its close time, as LEAN's ``TransactionRecord``."""
        return dict(self._portfolio.transaction_records)

    @property
    def winning_transactions(self) -> int:
        return sum(pnl > 0 for _, pnl in self._portfolio.transaction_records)

    @property
    def losing_transactions(self) -> int:
        return sum(pnl < 0 for _, pnl in self._portfolio.transaction_records)

    @property
    def win_count(self) -> int:
        return self.winning_transactions

    @property
    def loss_count(self) -> int:
        return self.losing_transactions

    def minimum_order_quantity(self, security: Any, target_portfolio_value: float) -> float:
        """The smallest quantity worth ordering toward a target: the lot size, or more when the
        ``minimum_order_margin_portfolio_percentage`` setting asks for a bigger order."""
        return float(security.symbol_properties.lot_size)

    def get_orders_by_brokerage_id(self, brokerage_id: Any) -> list[Order]:
        return [order for order in self._orders.values() if str(order.id) == str(brokerage_id)]

    def get_projected_holdings(self, security: Any) -> tuple[float, float]:
        """(holdings now, holdings once the open orders fill)."""
        held = float(security.holdings.quantity)
        return held, held + self.get_open_orders_remaining_quantity(security.symbol)

    def wait_for_order(self, order_id: int) -> bool:
        """True: backtest orders are processed synchronously, so there is nothing to wait for."""
        return order_id in self._orders

    # --- queries --------------------------------------------------------------------------
    @property
    def orders_count(self) -> int:
        return len(self._orders)

    @property
    def last_order_id(self) -> int:
        return len(self._orders)

    def get_order_by_id(self, order_id: int) -> Order | None:
        return self._orders.get(int(order_id))

    def get_order_ticket(self, order_id: int) -> OrderTicket | None:
        return self._tickets.get(int(order_id))

    def get_orders(self, filter: Callable[[Order], bool] | None = None) -> list[Order]:
        orders = list(self._orders.values())
        return [o for o in orders if filter(o)] if filter else orders

    def get_order_tickets(self, filter: Callable[[OrderTicket], bool] | None = None) -> list[OrderTicket]:
        tickets = list(self._tickets.values())
        return [t for t in tickets if filter(t)] if filter else tickets

    def get_open_orders(self, symbol: Any = None) -> list[Order]:
        return [o for o in self._open.values() if symbol is None or o.symbol == symbol]

    def get_open_order_tickets(self, filter: Any = None) -> list[OrderTicket]:
        tickets = [self._tickets[o.id] for o in self._open.values()]
        if filter is None:
            return tickets
        if callable(filter):
            return [t for t in tickets if filter(t)]
        return [t for t in tickets if t.symbol == filter]

    def get_open_orders_remaining_quantity(self, symbol: Any = None) -> float:
        return sum(o.quantity for o in self.get_open_orders(symbol))

    def cancel_open_orders(self, symbol: Any = None, tag: str | None = None) -> list[OrderTicket]:
        tickets = [self._tickets[o.id] for o in list(self._open.values()) if symbol is None or o.symbol == symbol]
        for ticket in tickets:
            ticket.cancel(tag)
        return tickets

    # --- submission -----------------------------------------------------------------------
    def add_order(self, request: SubmitOrderRequest) -> OrderTicket:
        """Register an order (it counts toward Total Orders), check it, and fill market orders at once."""
        security = self._securities[request.symbol]
        order = new_order(len(self._orders) + 1, security.symbol, request.quantity, request.order_type,
                      self._clock.utc_time, request.tag, request.properties or OrderProperties())
        if request.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED):
            order.limit_price = request.limit_price
        if request.order_type in (OrderType.STOP_MARKET, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP):
            order.stop_price = request.stop_price
        if request.order_type == OrderType.LIMIT_IF_TOUCHED:
            order.trigger_price = request.trigger_price
        if request.order_type == OrderType.TRAILING_STOP:
            order.trailing_amount = request.trailing_amount
            order.trailing_as_percentage = request.trailing_as_percentage
        order.order_submission_data = {"bidPrice": security.bid_price, "askPrice": security.ask_price,
                                       "lastPrice": security.price}
        self._orders[order.id] = order
        ticket = OrderTicket(self, order, request)
        self._tickets[order.id] = ticket
        self._submitted_local[order.id] = self._clock.local_time

        open_quantity = self.get_open_orders_remaining_quantity(security.symbol)
        if request.quantity < 0 and not is_shortable(security, request.quantity, open_quantity):
            # LEAN's transaction handler: counted, invalid from the start, tagged with the reason.
            message = self._shortable_message(security, request.quantity)
            order.tag = message
            request.response = OrderResponse(order.id, OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY, message)
            request.status = OrderRequestStatus.ERROR
            self._invalidate(order, message)
            return ticket
        request.response = OrderResponse(order.id)
        request.status = OrderRequestStatus.PROCESSED
        if not self.has_sufficient_buying_power(security, order):
            self._invalidate(order, self._insufficient_buying_power_message(security, order))
            return ticket
        order.status = OrderStatus.SUBMITTED
        self._open[order.id] = order
        self._emit(order, OrderStatus.SUBMITTED)
        if order.type == OrderType.MARKET:
            self._try_fill(security, order)
        return ticket

    @staticmethod
    def _shortable_message(security: Security, quantity: float) -> str:
        return (f"Order exceeds shortable quantity {shortable_quantity(security) or 0} for Symbol "
                f"{security.symbol} requested {quantity})")

    def has_sufficient_buying_power(self, security: Security, order: Order) -> bool:
        """LEAN's margin check: reducing orders always pass; others need initial margin plus fees."""
        holding_quantity = security.holdings.quantity
        if holding_quantity and (holding_quantity > 0) != (order.quantity > 0) \
                and abs(order.quantity) <= abs(holding_quantity):
            return True
        price = security.price
        order_margin = abs(order.quantity) * price * security.multiplier / security.leverage
        order_margin += compute_fee(security.fee_model, security, order)
        remaining = self._portfolio.margin_remaining
        if holding_quantity and (holding_quantity > 0) != (order.quantity > 0):
            remaining += 2 * abs(holding_quantity) * price * security.multiplier / security.leverage
        return order_margin <= remaining + 1e-9

    def _insufficient_buying_power_message(self, security: Security, order: Order) -> str:
        value = abs(order.quantity) * security.price * security.multiplier
        return (f"Insufficient buying power to complete orders (Value:[{value:.2f}]), Reason: Id: {order.id}, "
                f"Initial Margin: {value / security.leverage:.2f}, Free Margin: "
                f"{self._portfolio.margin_remaining:.2f}.")

    # --- processing -----------------------------------------------------------------------
    def scan(self) -> None:
        """Try to fill every open order on the data that just arrived (LEAN's brokerage scan)."""
        if not self._open:
            return
        for order in list(self._open.values()):
            if order.id in self._open:
                security = self._securities[order.symbol]
                if self._expired(security, order):
                    self._expire(order)
                    continue
                self._try_fill(security, order)

    def _expired(self, security: Security, order: Order) -> bool:
        """LEAN's time in force: DAY orders end with their trading day, good-til-date orders at the date."""
        kind = order.properties.time_in_force.kind
        if kind == "gtc":
            return False
        now = self._clock.local_time
        submitted = self._submitted_local[order.id]
        if kind == "day":
            close = security.exchange.hours.market_close(submitted.date())
            if close is None or submitted >= close:  # placed after the close: valid for the next session
                close = security.exchange.hours.market_close(security.exchange.hours.next_trading_day(
                    submitted.date()))
            return close is not None and now >= close
        expiry = order.properties.time_in_force.expiry
        if expiry is None:
            return False
        close = security.exchange.hours.market_close(expiry.date())
        return now >= (close if close is not None else expiry)

    def _expire(self, order: Order) -> None:
        order.status = OrderStatus.CANCELED
        order.canceled_time = self._clock.utc_time
        self._open.pop(order.id, None)
        self._emit(order, OrderStatus.CANCELED, message="Order expired (time in force).")

    def _try_fill(self, security: Security, order: Order) -> None:
        model = security.fill_model
        now = self._clock.local_time
        submitted = self._submitted_local[order.id]
        if model is None or type(model) is EquityFillModel:
            fill = self._default_fill_model.engine_fill(security, order, submitted, now)
        elif isinstance(model, FillModel) or hasattr(model, "fill"):
            fill = _fill_from_events(model.fill(FillModelParameters(security, order)))
        else:
            fill = _user_model_fill(model, security, order)
        if fill is None:
            return
        price, quantity = fill
        if order.type != OrderType.MARKET and not self.has_sufficient_buying_power(security, order):
            self._invalidate(order, self._insufficient_buying_power_message(security, order))
            return
        fee = compute_fee(security.fee_model, security, order)
        self._portfolio.process_fill(security, self._clock.utc_time, price, quantity, fee)
        order.status = OrderStatus.FILLED
        order.price = price
        order.last_fill_time = self._clock.utc_time
        self._open.pop(order.id, None)
        event = self._emit(order, OrderStatus.FILLED, fee=fee, fill_price=price, fill_quantity=quantity)
        self._on_fill(security, order, event)

    def _invalidate(self, order: Order, message: str) -> None:
        order.status = OrderStatus.INVALID
        self._open.pop(order.id, None)
        self._emit(order, OrderStatus.INVALID, message=message)

    def _emit(self, order: Order, status: int, *, fee: float = 0.0, fill_price: float = 0.0,
              fill_quantity: float = 0.0, message: str = "") -> OrderEvent:
        event = OrderEvent(order, self._clock.utc_time, OrderFee(CashAmount(fee, "USD")), message, status,
                           fill_price, fill_quantity)
        count = self._event_counts.get(order.id, 0) + 1
        self._event_counts[order.id] = count
        event.id = count
        ticket = self._tickets.get(order.id)
        event.ticket = ticket
        if ticket is not None:
            ticket.order_events.append(event)
        self.order_events.append(event)
        self._on_event(event)
        return event

    # --- updates and cancels -------------------------------------------------------------
    def update_order(self, order: Order, fields: UpdateOrderFields) -> OrderResponse:
        if order.status in CLOSED_STATUSES:
            tag_only = (fields.quantity is None and fields.limit_price is None and fields.stop_price is None
                        and fields.trigger_price is None and fields.trailing_amount is None)
            if not tag_only:
                return OrderResponse(order.id, OrderResponseErrorCode.INVALID_ORDER_STATUS,
                                     f"Unable to update order with id {order.id} because it already has "
                                     f"{OrderStatus(order.status).name} status.")
            # LEAN lets a closed order's tag change; nothing reaches the brokerage, so no event is sent.
            if fields.tag is not None:
                order.tag = fields.tag
            return OrderResponse(order.id)
        quantity = order.quantity if fields.quantity is None else float(fields.quantity)
        if order.direction == OrderDirection.SELL or quantity < 0:
            security = self._securities[order.symbol]
            others = sum(o.quantity for o in self.get_open_orders(order.symbol) if o.id != order.id)
            if not is_shortable(security, quantity, others):
                return OrderResponse(order.id, OrderResponseErrorCode.EXCEEDS_SHORTABLE_QUANTITY,
                                     self._shortable_message(security, order.quantity))
        if fields.quantity is not None:
            order.quantity = float(fields.quantity)
        if fields.limit_price is not None:
            order.limit_price = float(fields.limit_price)
        if fields.stop_price is not None:
            order.stop_price = float(fields.stop_price)
        if fields.trigger_price is not None:
            order.trigger_price = float(fields.trigger_price)
        if fields.trailing_amount is not None:
            order.trailing_amount = float(fields.trailing_amount)
        if fields.tag is not None:
            order.tag = fields.tag
        order.last_update_time = self._clock.utc_time
        self._emit(order, OrderStatus.UPDATE_SUBMITTED)
        return OrderResponse(order.id)

    def cancel_order(self, order: Order, tag: str | None = None) -> OrderResponse:
        if order.status in CLOSED_STATUSES:
            return OrderResponse(order.id, OrderResponseErrorCode.INVALID_ORDER_STATUS,
                                 f"Unable to cancel order with id {order.id} because it already has "
                                 f"{OrderStatus(order.status).name} status.")
        if tag is not None:
            order.tag = tag
        order.status = OrderStatus.CANCELED
        order.canceled_time = self._clock.utc_time
        self._open.pop(order.id, None)
        self._emit(order, OrderStatus.CANCELED, message="")
        return OrderResponse(order.id)

    def all_orders(self) -> Iterable[Order]:
        return self._orders.values()


def _fill_from_events(events: Any) -> tuple[float, float] | None:
    """The (price, quantity) of the filled event among those a fill model returned, or None."""
    for event in events or []:
        if getattr(event, "status", None) in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
            return float(event.fill_price), float(event.fill_quantity)
    return None


def _user_model_fill(model: Any, security: Security, order: Order) -> tuple[float, float] | None:
    """Call a user's Python fill model (``market_fill(asset, order)`` style) and read its event."""
    names = {OrderType.MARKET: "market_fill", OrderType.LIMIT: "limit_fill", OrderType.STOP_MARKET: "stop_market_fill",
             OrderType.STOP_LIMIT: "stop_limit_fill", OrderType.MARKET_ON_OPEN: "market_on_open_fill",
             OrderType.MARKET_ON_CLOSE: "market_on_close_fill"}
    name = names.get(order.type)
    method = getattr(model, name, None) if name else None
    if method is None and name:
        method = getattr(model, "".join(p.title() for p in name.split("_")), None)
    if method is None:
        raise NotImplementedError(f"Custom fill model {type(model).__name__} has no {name} method.")
    event = method(security, order)
    status = getattr(event, "status", None)
    if status not in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
        return None
    return float(event.fill_price), float(event.fill_quantity)
