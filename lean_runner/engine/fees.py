"""Fee models. The default is LEAN's Interactive Brokers model for US equities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.orders import CashAmount, Order, OrderFee

if TYPE_CHECKING:
    from lean_runner.engine.securities import Security


@lean_names
class OrderFeeParameters(PascalCaseAttributes):
    """What a fee model sees: ``parameters.security`` and ``parameters.order``."""

    __slots__ = ("order", "security")

    def __init__(self, security: Security, order: Order) -> None:
        self.security = security
        self.order = order


@lean_names
class FeeModel:
    """Base class for custom fee models (override ``get_order_fee``)."""

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(0.0, "USD"))


@lean_names
class InteractiveBrokersFeeModel(FeeModel):
    """US equity: $0.005 a share, at least $1 an order, at most 0.5% of the order value; no rounding."""

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(_interactive_brokers_fee(parameters.security, parameters.order), "USD"))


@lean_names
class ConstantFeeModel(FeeModel):
    """A fixed fee per order."""

    def __init__(self, fee: float, currency: str = "USD") -> None:
        self._fee = float(fee)
        self._currency = currency

    def get_order_fee(self, parameters: OrderFeeParameters) -> OrderFee:
        return OrderFee(CashAmount(self._fee, self._currency))


IB_FEE_PER_SHARE, IB_MINIMUM_FEE, IB_MAXIMUM_FEE_RATE = 0.005, 1.0, 0.005


def _interactive_brokers_fee(security: Security, order: Order) -> float:
    """LEAN's rule (InteractiveBrokersFeeModel, US equities): a per-share fee below the $1 minimum becomes $1,
    even if that is more than 0.5% of the order value; only a per-share fee above the minimum is capped."""
    quantity = abs(order.quantity)
    fee = IB_FEE_PER_SHARE * quantity
    if fee < IB_MINIMUM_FEE:
        return IB_MINIMUM_FEE
    maximum = IB_MAXIMUM_FEE_RATE * quantity * security.price * security.multiplier
    return min(fee, maximum)


def compute_fee(model: Any, security: Security, order: Order) -> float:
    """Ask any fee model (ours or a user's Python class, either naming style) for a fee amount."""
    if model.__class__ is InteractiveBrokersFeeModel:  # the default: no parameter and fee objects per order
        return _interactive_brokers_fee(security, order)
    method = getattr(model, "get_order_fee", None) or model.GetOrderFee
    fee = method(OrderFeeParameters(security, order))
    value = getattr(fee, "value", None) or fee.Value
    amount = getattr(value, "amount", None)
    return float(value.Amount if amount is None else amount)


def close_fee(security: Security, quantity: float) -> float:
    """The fee of a market order closing ``quantity`` shares now (``SecurityHolding.total_close_profit``)."""
    from lean_runner.engine.enums import OrderType
    from lean_runner.engine.orders import new_order

    order = new_order(0, security.symbol, -quantity, OrderType.MARKET, security.exchange.local_time)
    return compute_fee(security.fee_model, security, order)
