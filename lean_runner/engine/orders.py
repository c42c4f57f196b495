"""Orders, order events, tickets and requests with LEAN's names, statuses and JSON forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from lean_runner.engine.dotnet_format import smart_round
from lean_runner.engine.enums import (
    OrderDirection,
    OrderField,
    OrderRequestStatus,
    OrderResponseErrorCode,
    OrderStatus,
    OrderType,
)
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.symbol import Symbol

if TYPE_CHECKING:
    from lean_runner.engine.transactions import SecurityTransactionManager

CLOSED_STATUSES = frozenset({OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.INVALID})
STATUS_NAMES = {0: "new", 1: "submitted", 2: "partiallyFilled", 3: "filled", 5: "canceled", 6: "none",
                7: "invalid", 8: "cancelPending", 9: "updateSubmitted"}
DIRECTION_NAMES = {0: "buy", 1: "sell", 2: "hold"}


def _iso_utc(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


@lean_names
class TimeInForce:
    """How long an order stays open: GTC (LEAN's default), DAY, or good-til-date."""

    __slots__ = ("expiry", "kind")

    def __init__(self, kind: str, expiry: datetime | None = None) -> None:
        self.kind = kind
        self.expiry = expiry

    @staticmethod
    def good_til_date(expiry: datetime) -> TimeInForce:
        return TimeInForce("gtd", expiry)

    def to_json(self) -> dict[str, Any]:
        return {} if self.expiry is None else {"expiry": _iso_utc(self.expiry)}


TimeInForce.GOOD_TIL_CANCELED = TimeInForce("gtc")  # type: ignore[attr-defined]
TimeInForce.GoodTilCanceled = TimeInForce.GOOD_TIL_CANCELED  # type: ignore[attr-defined]
TimeInForce.DAY = TimeInForce("day")  # type: ignore[attr-defined]
TimeInForce.Day = TimeInForce.DAY  # type: ignore[attr-defined]
TimeInForce.GoodTilDate = TimeInForce.good_til_date  # type: ignore[attr-defined]


@lean_names
class OrderProperties(PascalCaseAttributes):
    """Per-order options; ``time_in_force`` defaults to the algorithm's default order properties."""

    __slots__ = ("exchange", "time_in_force")

    def __init__(self, time_in_force: TimeInForce | None = None, exchange: Any = None) -> None:
        self.time_in_force = time_in_force or TimeInForce.GOOD_TIL_CANCELED  # type: ignore[attr-defined]
        self.exchange = exchange  # a routing preference: backtest fills ignore it


@lean_names
class Order(PascalCaseAttributes):
    """One order. ``price`` is the average fill price; times are UTC like LEAN's."""

    __slots__ = ("_utc_to_local", "canceled_time", "contingent_id", "created_time", "id", "last_fill_time",
                 "last_update_time", "limit_price", "order_submission_data", "price", "properties", "quantity",
                 "security_type", "status", "stop_price", "stop_triggered", "symbol", "tag", "time",
                 "trailing_amount", "trailing_as_percentage", "trigger_price", "trigger_touched", "type")

    def __init__(self, order_id: int, symbol: Symbol, quantity: float, order_type: int, time_utc: datetime,
                 tag: str = "", properties: OrderProperties | None = None) -> None:
        self.id = order_id
        self.contingent_id = 0
        self.symbol = symbol
        self.quantity = float(quantity)
        self.type = int(order_type)
        self.status = OrderStatus.NEW
        self.tag = tag or ""
        self.properties = properties or OrderProperties()
        self.time = time_utc
        self.created_time = time_utc
        self.last_fill_time: datetime | None = None
        self.last_update_time: datetime | None = None
        self.canceled_time: datetime | None = None
        self.price = 0.0
        self.security_type = int(symbol.security_type)
        self.limit_price: float | None = None
        self.stop_price: float | None = None
        self.trigger_price: float | None = None
        self.stop_triggered = False
        self.trigger_touched = False
        self.trailing_amount: float | None = None
        self.trailing_as_percentage = False
        self.order_submission_data: dict[str, float] = {"bidPrice": 0.0, "askPrice": 0.0, "lastPrice": 0.0}

    @property
    def direction(self) -> int:
        if self.quantity > 0:
            return OrderDirection.BUY
        if self.quantity < 0:
            return OrderDirection.SELL
        return OrderDirection.HOLD

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def value(self) -> float:
        return self.quantity * self.price

    @property
    def time_in_force(self) -> TimeInForce:
        return self.properties.time_in_force

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    # LEAN's values for what a backtest of US equities has no other answer to.
    @property
    def broker_id(self) -> list[str]:
        return [str(self.id)]

    @property
    def contingency(self) -> None:
        return None  # combo and contingent (OTO/OCO) orders are not modelled

    @property
    def price_currency(self) -> str:
        return "USD"

    @property
    def price_adjustment_mode(self) -> int:
        return 0  # DataNormalizationMode.RAW: order prices are the security's own prices

    @property
    def is_marketable(self) -> bool:
        return False  # as the result files say (LEAN sets it for live orders only)

    def get_default_tag(self) -> str:
        return ""

    def get_value(self, security: Any) -> float:
        """The order's value in dollars: quantity times its price (the limit or stop price where it has one,
        else the security's price), times the contract multiplier (LEAN's ``Order.GetValue``)."""
        price = self.limit_price if self.limit_price is not None else self.stop_price
        if self.type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN, OrderType.MARKET_ON_CLOSE) or price is None:
            price = security.price
        return self.quantity * float(price) * float(security.symbol_properties.contract_multiplier)

    def to_json(self) -> dict[str, Any]:
        """The order as LEAN writes it into ``<id>.json``'s ``orders``."""
        data: dict[str, Any] = {
            "type": self.type,
            "id": self.id,
            "contingentId": self.contingent_id,
            "brokerId": [str(self.id)],
            "symbol": self.symbol.to_json(),
            "price": smart_round(self.price),
            "priceCurrency": "USD",
            "time": _iso_utc(self.time),
            "createdTime": _iso_utc(self.created_time),
            "lastFillTime": _iso_utc(self.last_fill_time),
            "lastUpdateTime": _iso_utc(self.last_update_time),
            "canceledTime": _iso_utc(self.canceled_time),
            "quantity": self.quantity,
            "status": int(self.status),
            "tag": self.tag,
            "properties": {"timeInForce": self.properties.time_in_force.to_json()},
            "securityType": self.security_type,
            "direction": int(self.direction),
            "value": self.value,
            "orderSubmissionData": self.order_submission_data,
            "isMarketable": False,
            "priceAdjustmentMode": 0,
        }
        if self.limit_price is not None:
            data["limitPrice"] = self.limit_price
        if self.stop_price is not None:
            data["stopPrice"] = self.stop_price
            if self.type in (OrderType.STOP_LIMIT, OrderType.TRAILING_STOP):
                data["stopTriggered"] = self.stop_triggered
        if self.trigger_price is not None:
            data["triggerPrice"] = self.trigger_price
            data["triggerTouched"] = self.trigger_touched
        if self.trailing_amount is not None:
            data["trailingAmount"] = self.trailing_amount
            data["trailingAsPercentage"] = self.trailing_as_percentage
        return {key: value for key, value in data.items() if value is not None}

    def __repr__(self) -> str:
        return (f"OrderId: {self.id} {STATUS_NAMES.get(int(self.status), self.status)} "
                f"{OrderType(self.type).name} order for {self.quantity} unit{'s' if abs(self.quantity) != 1 else ''}"
                f" of {self.symbol}")


@lean_names
class MarketOrder(Order):
    __slots__ = ()


@lean_names
class LimitOrder(Order):
    __slots__ = ()


@lean_names
class StopMarketOrder(Order):
    __slots__ = ()


@lean_names
class StopLimitOrder(Order):
    __slots__ = ()

    @property
    def stop_triggered_time(self) -> datetime | None:
        return None  # the fill model marks stop_triggered; the moment is not recorded


@lean_names
class MarketOnOpenOrder(Order):
    __slots__ = ()


@lean_names
class MarketOnCloseOrder(Order):
    """``MarketOnCloseOrder.submission_time_buffer``: how long before the close submissions are refused
    (15.5 minutes by default; algorithms may change it, as in LEAN)."""

    __slots__ = ()
    DEFAULT_SUBMISSION_TIME_BUFFER = timedelta(minutes=15.5)
    submission_time_buffer = DEFAULT_SUBMISSION_TIME_BUFFER


@lean_names
class LimitIfTouchedOrder(Order):
    __slots__ = ()


@lean_names
class TrailingStopOrder(Order):
    __slots__ = ()

    @staticmethod
    def calculate_stop_price(current_market_price: float, trailing_amount: float, trailing_as_percentage: bool,
                             direction: int) -> float:
        """The stop a trailing amount away from the market: below it for sells, above it for buys."""
        offset = current_market_price * trailing_amount if trailing_as_percentage else trailing_amount
        return current_market_price - offset if direction == OrderDirection.SELL else current_market_price + offset

    @staticmethod
    def try_update_stop_price(current_market_price: float, current_stop_price: float, trailing_amount: float,
                              trailing_as_percentage: bool, direction: int) -> tuple[bool, float]:
        """(moved, stop): the stop follows the market once it is more than the trailing amount away."""
        offset = current_market_price * trailing_amount if trailing_as_percentage else trailing_amount
        if direction == OrderDirection.SELL and current_market_price - current_stop_price > offset:
            return True, current_market_price - offset
        if direction == OrderDirection.BUY and current_stop_price - current_market_price > offset:
            return True, current_market_price + offset
        return False, current_stop_price


ORDER_CLASSES: dict[int, type[Order]] = {
    OrderType.MARKET: MarketOrder, OrderType.LIMIT: LimitOrder, OrderType.STOP_MARKET: StopMarketOrder,
    OrderType.STOP_LIMIT: StopLimitOrder, OrderType.MARKET_ON_OPEN: MarketOnOpenOrder,
    OrderType.MARKET_ON_CLOSE: MarketOnCloseOrder, OrderType.LIMIT_IF_TOUCHED: LimitIfTouchedOrder,
    OrderType.TRAILING_STOP: TrailingStopOrder,
}


def new_order(order_id: int, symbol: Symbol, quantity: float, order_type: int, time_utc: datetime, tag: str = "",
              properties: OrderProperties | None = None) -> Order:
    """An order of LEAN's class for its type, so ``type(order) is LimitOrder`` holds as in LEAN."""
    return ORDER_CLASSES.get(int(order_type), Order)(order_id, symbol, quantity, order_type, time_utc, tag,
                                                     properties)


@lean_names
class CashAmount(PascalCaseAttributes):
    __slots__ = ("amount", "currency")

    def __init__(self, amount: float, currency: str = "USD") -> None:
        self.amount = float(amount)
        self.currency = currency


@lean_names
class OrderFee(PascalCaseAttributes):
    """A fee in the account currency: ``fee.value.amount``."""

    __slots__ = ("value",)

    def __init__(self, value: CashAmount) -> None:
        self.value = value

    @staticmethod
    def zero() -> OrderFee:
        return OrderFee(CashAmount(0.0, "USD"))

    def __repr__(self) -> str:
        return f"{self.value.amount} {self.value.currency}"


OrderFee.ZERO = OrderFee.zero()  # type: ignore[attr-defined]
OrderFee.Zero = OrderFee.ZERO  # type: ignore[attr-defined]


@lean_names
class OrderEvent(PascalCaseAttributes):
    """A change in an order's life: submitted, (partially) filled, canceled, invalid, updated."""

    __slots__ = ("direction", "fill_price", "fill_price_currency", "fill_quantity", "id", "is_assignment",
                 "limit_price", "message", "order_fee", "order_id", "quantity", "status", "stop_price", "symbol",
                 "ticket", "trigger_price", "utc_time")

    def __init__(self, order: Order, utc_time: datetime, order_fee: OrderFee | None = None, message: str = "",
                 status: int | None = None, fill_price: float = 0.0, fill_quantity: float = 0.0) -> None:
        self.order_id = order.id
        self.id = 0
        self.symbol = order.symbol
        self.utc_time = utc_time
        self.status = order.status if status is None else status
        self.order_fee = order_fee or OrderFee.zero()
        self.fill_price = fill_price
        self.fill_price_currency = "USD"
        self.fill_quantity = fill_quantity
        self.direction = int(order.direction)
        self.message = message
        self.is_assignment = False
        self.quantity = order.quantity
        self.limit_price = order.limit_price
        self.stop_price = order.stop_price
        self.trigger_price = order.trigger_price
        self.ticket: OrderTicket | None = None

    @property
    def absolute_fill_quantity(self) -> float:
        return abs(self.fill_quantity)

    @property
    def trailing_amount(self) -> float | None:
        order = self.ticket._order if self.ticket is not None else None
        return order.trailing_amount if order is not None else None

    @property
    def trailing_as_percentage(self) -> bool:
        order = self.ticket._order if self.ticket is not None else None
        return bool(order.trailing_as_percentage) if order is not None else False

    @property
    def is_in_the_money(self) -> bool:
        return False  # an option's exercise notion: never for equities

    def short_to_string(self) -> str:
        return (f"{self.utc_time} OID:{self.order_id} {self.symbol} {STATUS_NAMES.get(int(self.status), '')} "
                f"Q:{self.fill_quantity} FP:{self.fill_price}")

    @property
    def is_fill(self) -> bool:
        return self.status in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)

    def to_json(self, algorithm_id: str) -> dict[str, Any]:
        """One entry of ``<id>-order-events.json``."""
        data: dict[str, Any] = {
            "id": f"{algorithm_id}-{self.order_id}-{self.id}",
            "algorithmId": algorithm_id,
            "orderId": self.order_id,
            "orderEventId": self.id,
            "symbol": str(self.symbol.id),
            "symbolValue": self.symbol.value,
            "symbolPermtick": self.symbol.value,
            "time": self.utc_time.replace(tzinfo=__import__("datetime").UTC).timestamp(),
            "status": STATUS_NAMES.get(int(self.status), "none"),
        }
        if self.order_fee.value.amount != 0:
            data["orderFeeAmount"] = self.order_fee.value.amount
            data["orderFeeCurrency"] = self.order_fee.value.currency
        data.update({
            "fillPrice": self.fill_price,
            "fillPriceCurrency": self.fill_price_currency,
            "fillQuantity": self.fill_quantity,
            "direction": DIRECTION_NAMES[self.direction],
        })
        if self.message:
            data["message"] = self.message
        data["isAssignment"] = False
        data["quantity"] = self.quantity
        if self.stop_price is not None:
            data["stopPrice"] = self.stop_price
        if self.limit_price is not None:
            data["limitPrice"] = self.limit_price
        data["isInTheMoney"] = False
        return data

    def __repr__(self) -> str:
        text = (f"Time: {self.utc_time} OrderID: {self.order_id} EventID: {self.id} Symbol: {self.symbol} "
                f"Status: {OrderStatus(self.status).name.title()} Quantity: {self.quantity}")
        if self.fill_quantity:
            text += (f" FillQuantity: {self.fill_quantity} FillPrice: {self.fill_price} USD "
                     f"OrderFee: {self.order_fee.value.amount} USD")
        if self.message:
            text += f" Message: {self.message}"
        return text


@lean_names
class OrderResponse(PascalCaseAttributes):
    __slots__ = ("error_code", "error_message", "order_id")

    def __init__(self, order_id: int, error_code: int = OrderResponseErrorCode.NONE, error_message: str = "") -> None:
        self.order_id = order_id
        self.error_code = error_code
        self.error_message = error_message

    @property
    def is_success(self) -> bool:
        return self.error_code == OrderResponseErrorCode.NONE

    @property
    def is_error(self) -> bool:
        return not self.is_success

    @property
    def is_processed(self) -> bool:
        return self.order_id >= 0 or self.error_code != OrderResponseErrorCode.NONE

    # LEAN's factories for the responses the transaction handler gives.
    @staticmethod
    def success(request: Any) -> OrderResponse:
        return OrderResponse(int(getattr(request, "order_id", 0)))

    @staticmethod
    def error(request: Any, error_code: int, error_message: str) -> OrderResponse:
        return OrderResponse(int(getattr(request, "order_id", 0)), int(error_code), str(error_message))

    @staticmethod
    def invalid_status(request: Any, order: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.INVALID_ORDER_STATUS,
                                   f"Unable to update order with id {order.id} because it already has "
                                   f"{STATUS_NAMES.get(int(order.status), order.status)} status.")

    @staticmethod
    def invalid_new_status(request: Any, order: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.INVALID_NEW_ORDER_STATUS,
                                   f"Unable to update or cancel order with id {order.id} and status "
                                   f"{STATUS_NAMES.get(int(order.status), order.status)} because the submit "
                                   f"confirmation has not been received yet.")

    @staticmethod
    def unable_to_find_order(request: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.UNABLE_TO_FIND_ORDER,
                                   f"Unable to locate order with id {getattr(request, 'order_id', 0)}.")

    @staticmethod
    def zero_quantity(request: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.ORDER_QUANTITY_ZERO,
                                   "Unable to add order for zero quantity.")

    @staticmethod
    def missing_security(request: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.MISSING_SECURITY,
                                   f"You haven't requested {getattr(request, 'symbol', '')} data. Add this with "
                                   f"AddSecurity() in the Initialize() Method.")

    @staticmethod
    def warming_up(request: Any) -> OrderResponse:
        return OrderResponse.error(request, OrderResponseErrorCode.ALGORITHM_WARMING_UP,
                                   "This operation is not allowed in Initialize or during warm up: "
                                   "OrderRequest.Submit. Please move this code to the OnWarmupFinished() method.")


OrderResponse.UNPROCESSED = OrderResponse(-1)  # type: ignore[attr-defined]


@lean_names
class UpdateOrderFields(PascalCaseAttributes):
    """Fields to change on an open order; ``None`` leaves a field as it is."""

    __slots__ = ("limit_price", "quantity", "stop_price", "tag", "trailing_amount", "trigger_price")

    def __init__(self, quantity: float | None = None, limit_price: float | None = None,
                 stop_price: float | None = None, trigger_price: float | None = None,
                 trailing_amount: float | None = None, tag: str | None = None) -> None:
        self.quantity = quantity
        self.limit_price = limit_price
        self.stop_price = stop_price
        self.trigger_price = trigger_price
        self.trailing_amount = trailing_amount
        self.tag = tag


@lean_names
class SubmitOrderRequest(PascalCaseAttributes):
    """A request to place an order, for ``self.transactions.add_order(request)``."""

    __slots__ = ("limit_price", "order_type", "properties", "quantity", "response", "security_type", "status",
                 "stop_price", "symbol", "tag", "time", "trailing_amount", "trailing_as_percentage", "trigger_price")

    def __init__(self, order_type: int, security_type: int, symbol: Symbol, quantity: float, stop_price: float,
                 limit_price: float, time: datetime | float | None = None, tag: str = "",
                 properties: OrderProperties | None = None, trigger_price: float = 0.0,
                 trailing_amount: float = 0.0, trailing_as_percentage: bool = False) -> None:
        # LEAN has overloads with and without trigger price; a datetime in the 'time' slot is the common one.
        self.order_type = int(order_type)
        self.security_type = int(security_type)
        self.symbol = symbol
        self.quantity = float(quantity)
        self.stop_price = float(stop_price)
        self.limit_price = float(limit_price)
        self.time = time
        self.tag = tag
        self.properties = properties
        self.trigger_price = float(trigger_price)
        self.trailing_amount = float(trailing_amount)
        self.trailing_as_percentage = trailing_as_percentage
        self.response: OrderResponse | None = None
        self.status = OrderRequestStatus.UNPROCESSED

    @property
    def order_id(self) -> int:
        return self.response.order_id if self.response is not None else 0

    @property
    def order_properties(self) -> OrderProperties | None:
        return self.properties

    @property
    def order_request_type(self) -> int:
        return 0  # OrderRequestType.SUBMIT

    @property
    def asynchronous(self) -> bool:
        return False  # backtest orders are processed at once either way

    # Combo and contingent orders are not modelled: no legs, no brackets, no triggers.
    bracket = contingency = triggers = None


@lean_names
class OrderTicket(PascalCaseAttributes):
    """The handle an algorithm gets for an order: status, fills, update and cancel."""

    __slots__ = ("_manager", "_order", "order_events", "submit_request")

    def __init__(self, manager: SecurityTransactionManager, order: Order,
                 submit_request: SubmitOrderRequest | None = None) -> None:
        self._manager = manager
        self._order = order
        self.order_events: list[OrderEvent] = []
        self.submit_request = submit_request

    @staticmethod
    def invalid_submit_request(manager: SecurityTransactionManager, request: SubmitOrderRequest,
                               response: OrderResponse) -> OrderTicket:
        """The ticket LEAN returns for a request rejected before it became an order: status Invalid, the
        response's order id (LEAN's -10 for a request never numbered), not counted in Total Orders."""
        request.response = response
        request.status = OrderRequestStatus.ERROR
        order = new_order(response.order_id, request.symbol, request.quantity, request.order_type,
                      request.time if isinstance(request.time, datetime) else datetime.min, request.tag,
                      request.properties)
        order.status = OrderStatus.INVALID
        return OrderTicket(manager, order, request)

    @property
    def order_id(self) -> int:
        return self._order.id

    @property
    def symbol(self) -> Symbol:
        return self._order.symbol

    @property
    def security_type(self) -> int:
        return self._order.security_type

    @property
    def has_order(self) -> bool:
        return self._order.id > 0

    @property
    def quantity_remaining(self) -> float:
        return self._order.quantity - self.quantity_filled

    @property
    def contingency(self) -> None:
        return None  # contingent (OTO/OCO) orders are not modelled

    @property
    def update_requests(self) -> list[Any]:
        return []  # updates are applied at once; their responses come back from update()

    @property
    def cancel_request(self) -> None:
        return None

    def get_most_recent_order_request(self) -> SubmitOrderRequest | None:
        return self.submit_request

    def get_most_recent_order_response(self) -> OrderResponse | None:
        return self.submit_request.response if self.submit_request is not None else None

    @property
    def status(self) -> int:
        return self._order.status

    @property
    def order_type(self) -> int:
        return self._order.type

    @property
    def quantity(self) -> float:
        return self._order.quantity

    @property
    def tag(self) -> str:
        return self._order.tag

    @property
    def time(self) -> datetime:
        return self._order.time

    @property
    def quantity_filled(self) -> float:
        return sum(event.fill_quantity for event in self.order_events)

    @property
    def average_fill_price(self) -> float:
        filled = [event for event in self.order_events if event.fill_quantity]
        total = sum(event.fill_quantity for event in filled)
        return sum(event.fill_price * event.fill_quantity for event in filled) / total if total else 0.0

    @property
    def order_closed(self) -> bool:
        return self._order.status in CLOSED_STATUSES

    def get(self, field: int) -> float:
        """``ticket.get(OrderField.LIMIT_PRICE)`` and friends."""
        order = self._order
        values = {OrderField.LIMIT_PRICE: order.limit_price, OrderField.STOP_PRICE: order.stop_price,
                  OrderField.TRIGGER_PRICE: order.trigger_price, OrderField.TRAILING_AMOUNT: order.trailing_amount,
                  OrderField.TRAILING_AS_PERCENTAGE: float(order.trailing_as_percentage)}
        value = values.get(int(field))
        if value is None:
            raise ValueError(f"Order {order.id} of type {OrderType(order.type).name} has no field "
                             f"{OrderField(int(field)).name}.")
        return float(value)

    def update(self, fields: UpdateOrderFields) -> OrderResponse:
        return self._manager.update_order(self._order, fields)

    def update_quantity(self, quantity: float, tag: str | None = None) -> OrderResponse:
        return self.update(UpdateOrderFields(quantity=quantity, tag=tag))

    def update_limit_price(self, limit_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(UpdateOrderFields(limit_price=limit_price, tag=tag))

    def update_stop_price(self, stop_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(UpdateOrderFields(stop_price=stop_price, tag=tag))

    def update_trigger_price(self, trigger_price: float, tag: str | None = None) -> OrderResponse:
        return self.update(UpdateOrderFields(trigger_price=trigger_price, tag=tag))

    def update_trailing_amount(self, trailing_amount: float, tag: str | None = None) -> OrderResponse:
        return self.update(UpdateOrderFields(trailing_amount=trailing_amount, tag=tag))

    def update_stop_trailing_amount(self, trailing_amount: float, tag: str | None = None) -> OrderResponse:
        return self.update_trailing_amount(trailing_amount, tag)

    def update_tag(self, tag: str) -> OrderResponse:
        return self.update(UpdateOrderFields(tag=tag))

    def cancel(self, tag: str | None = None) -> OrderResponse:
        return self._manager.cancel_order(self._order, tag)

    def __repr__(self) -> str:
        return repr(self._order)
