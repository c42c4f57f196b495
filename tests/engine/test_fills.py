"""Fill rules checked against LEAN's (FillModel.cs, TrailingStopOrder.cs) on hand-made bars."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.symbol_properties import SymbolProperties
from lean_runner.engine.enums import OrderType, Resolution
from lean_runner.engine.fills import trailing_stop_fill
from lean_runner.engine.market_data import Bar, QuoteBar, TradeBar
from lean_runner.engine.orders import Order
from lean_runner.engine.securities import Security, SecurityExchange
from lean_runner.engine.symbol import Symbol

SUBMITTED = datetime(2013, 10, 7, 10, 0)
BAR_START = datetime(2013, 10, 7, 10, 0)


def _security(resolution: int, trade: tuple[float, float, float, float],
              bid: tuple[float, float, float, float] | None = None,
              ask: tuple[float, float, float, float] | None = None) -> Security:
    clock = AlgorithmClock(ZoneInfo("America/New_York"))
    clock.set_local(BAR_START + timedelta(minutes=1))
    symbol = Symbol.create("AAA")
    security = Security(symbol, SecurityExchange(ExchangeHours.us_equity_default(), clock),
                        SymbolProperties.default(), resolution=resolution)
    security.update_trade_bar(TradeBar(BAR_START, symbol, *trade, volume=1000))
    if bid is not None or ask is not None:
        security.update_quote_bar(QuoteBar(BAR_START, symbol, Bar(*bid) if bid else None, 100,
                                           Bar(*ask) if ask else None, 100))
    return security


def _trailing(quantity: float, stop: float, amount: float, as_percentage: bool = False) -> Order:
    order = Order(1, Symbol.create("AAA"), quantity, OrderType.TRAILING_STOP, SUBMITTED)
    order.stop_price, order.trailing_amount, order.trailing_as_percentage = stop, amount, as_percentage
    return order


# (open, high, low, close) for trade, bid and ask bars.
TRADE = (100.0, 101.0, 99.5, 100.5)
BID = (99.9, 100.6, 99.4, 100.4)
ASK = (100.1, 101.4, 99.7, 100.6)


@pytest.mark.parametrize(("quantity", "stop", "amount", "expected_stop"), [
    (-10, 98.0, 1.0, 100.6 - 1.0),    # a sell trails the bid high, not the trade high (101.0)
    (10, 102.0, 1.0, 99.7 + 1.0),     # a buy trails the ask low, not the trade low (99.5)
    (-10, 99.2, 1.5, 99.2),           # the bid high is within the amount of the stop: unchanged
])
def test_trailing_stop_follows_the_quote_side(quantity: float, stop: float, amount: float,
                                              expected_stop: float) -> None:
    security = _security(Resolution.MINUTE, TRADE, BID, ASK)
    order = _trailing(quantity, stop, amount)
    assert trailing_stop_fill(security, order, SUBMITTED, security.local_time) is None
    assert order.stop_price == pytest.approx(expected_stop)


def test_trailing_stop_percentage_follows_the_bid_high() -> None:
    security = _security(Resolution.MINUTE, TRADE, BID, ASK)
    order = _trailing(-10, 95.0, 0.01, as_percentage=True)
    trailing_stop_fill(security, order, SUBMITTED, security.local_time)
    assert order.stop_price == pytest.approx(100.6 * 0.99)


@pytest.mark.parametrize(("quantity", "stop", "price"), [
    (-10, 99.6, 99.6),    # the bid low 99.4 crosses the stop; min(stop, bid close 100.4)
    (10, 101.2, 101.2),   # the ask high 101.4 crosses; max(stop, ask close 100.6)
])
def test_trailing_stop_fills_when_the_quote_side_crosses(quantity: float, stop: float, price: float) -> None:
    security = _security(Resolution.MINUTE, TRADE, BID, ASK)
    fill = trailing_stop_fill(security, _trailing(quantity, stop, 1.0), SUBMITTED, security.local_time)
    assert fill == (pytest.approx(price), quantity)


def test_trailing_stop_sell_is_not_filled_by_the_trade_low_when_the_bid_stays_above() -> None:
    security = _security(Resolution.MINUTE, (100.0, 101.0, 99.0, 100.5), BID, ASK)  # trade low 99.0
    assert trailing_stop_fill(security, _trailing(-10, 99.2, 1.0), SUBMITTED, security.local_time) is None


def test_trailing_stop_without_quotes_trails_the_trade_bar() -> None:
    security = _security(Resolution.HOUR, TRADE)
    order = _trailing(-10, 98.0, 1.0)
    trailing_stop_fill(security, order, SUBMITTED, security.local_time)
    assert order.stop_price == pytest.approx(101.0 - 1.0)


def test_trailing_stop_waits_for_data_after_the_order() -> None:
    security = _security(Resolution.MINUTE, TRADE, BID, ASK)
    order = _trailing(-10, 99.6, 1.0)
    assert trailing_stop_fill(security, order, BAR_START + timedelta(minutes=1), security.local_time) is None
    assert order.stop_price == 99.6
