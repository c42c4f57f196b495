"""LEAN's Interactive Brokers fee for US equities (lean-engine-reference.md §4; InteractiveBrokersFeeModel.cs):
$0.005 a share; below $1 the fee is $1 (the minimum wins, even over the 0.5% cap); above it, at most 0.5% of
the order value."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.symbol_properties import SymbolProperties
from lean_runner.engine.enums import OrderType
from lean_runner.engine.fees import InteractiveBrokersFeeModel, OrderFeeParameters, compute_fee
from lean_runner.engine.orders import Order
from lean_runner.engine.securities import Security, SecurityExchange
from lean_runner.engine.symbol import Symbol


def _security(price: float) -> Security:
    clock = AlgorithmClock(ZoneInfo("America/New_York"))
    security = Security(Symbol.create("AAA"), SecurityExchange(ExchangeHours.us_equity_default(), clock),
                        SymbolProperties.default())
    security.price = price
    security.fee_model = InteractiveBrokersFeeModel()
    return security


@pytest.mark.parametrize(("quantity", "price", "fee"), [
    (1, 10.0, 1.0),          # $0.005 a share, 0.5% cap $0.05: the $1 minimum applies
    (-3, 168.0, 1.0),        # sells too; cap $2.52 does not lower the minimum
    (100, 0.5, 1.0),         # a penny stock: cap $0.25, still $1
    (697, 143.0779, 3.485),  # BasicTemplateDaily's order: per share
    (1000, 0.9, 4.5),        # per share $5 above the minimum, capped at 0.5% of $900
    (-250, 1.0, 1.25),       # per share $1.25, cap $1.25
])
def test_interactive_brokers_fee_applies_the_minimum_before_the_cap(quantity: int, price: float, fee: float) -> None:
    security = _security(price)
    order = Order(1, security.symbol, quantity, OrderType.MARKET, datetime(2013, 10, 7, 14))
    assert compute_fee(security.fee_model, security, order) == pytest.approx(fee, abs=1e-12)
    # The model object answers the same through LEAN's API.
    assert InteractiveBrokersFeeModel().get_order_fee(OrderFeeParameters(security, order)).value.amount == \
        pytest.approx(fee, abs=1e-12)
