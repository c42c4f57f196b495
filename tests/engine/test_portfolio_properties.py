"""Property tests: whatever fills happen, the portfolio's value is the cash flows of those fills."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.symbol_properties import SymbolProperties
from lean_runner.engine.enums import OrderType
from lean_runner.engine.fees import InteractiveBrokersFeeModel, compute_fee
from lean_runner.engine.orders import Order
from lean_runner.engine.portfolio import SecurityPortfolioManager
from lean_runner.engine.securities import Security, SecurityExchange, SecurityManager
from lean_runner.engine.symbol import Symbol

HOURS = ExchangeHours.us_equity_default()
TICKERS = ("AAA", "BBB", "CCC")

fills = st.lists(
    st.tuples(st.sampled_from(TICKERS), st.integers(-500, 500).filter(bool),
              st.floats(1.0, 500.0, allow_nan=False, allow_infinity=False)),
    min_size=1, max_size=60)


def _portfolio() -> tuple[SecurityPortfolioManager, dict[str, Security]]:
    clock = AlgorithmClock(ZoneInfo("America/New_York"))
    securities = SecurityManager()
    for ticker in TICKERS:
        security = Security(Symbol.create(ticker), SecurityExchange(HOURS, clock), SymbolProperties.default())
        security.fee_model = InteractiveBrokersFeeModel()
        securities[security.symbol] = security
    portfolio = SecurityPortfolioManager(securities)
    portfolio.set_cash(100_000)
    return portfolio, {s.symbol.value: s for s in securities.values()}


@settings(max_examples=300, deadline=None)
@given(fills)
def test_portfolio_value_equals_cash_flows_of_fills_and_fees(sequence: list[tuple[str, int, float]]) -> None:
    portfolio, securities = _portfolio()
    cash_flow = 0.0
    fees = 0.0
    quantities = dict.fromkeys(TICKERS, 0)
    when = datetime(2020, 1, 2, 15)
    for ticker, quantity, price in sequence:
        security = securities[ticker]
        security.price = price
        fee = compute_fee(security.fee_model, security, Order(1, security.symbol, quantity, OrderType.MARKET, when))
        portfolio.process_fill(security, when, price, quantity, fee)
        cash_flow -= quantity * price
        fees += fee
        quantities[ticker] += quantity
    holdings_value = sum(quantities[t] * securities[t].price for t in TICKERS)
    assert abs(portfolio.cash - (100_000 + cash_flow - fees)) < 1e-6
    assert abs(portfolio.total_portfolio_value - (100_000 + cash_flow - fees + holdings_value)) < 1e-6
    assert abs(portfolio.total_fees - fees) < 1e-9
    assert {t: securities[t].holdings.quantity for t in TICKERS} == quantities
    assert portfolio.invested == any(quantities.values())


@settings(max_examples=300, deadline=None)
@given(fills)
def test_realised_plus_unrealised_profit_equals_value_change_before_fees(
        sequence: list[tuple[str, int, float]]) -> None:
    portfolio, securities = _portfolio()
    when = datetime(2020, 1, 2, 15)
    for ticker, quantity, price in sequence:
        security = securities[ticker]
        security.price = price
        portfolio.process_fill(security, when, price, quantity, 0.0)
    realised = sum(s.holdings.profit for s in securities.values())
    unrealised = sum(s.holdings.unrealized_profit for s in securities.values())
    assert abs(portfolio.total_portfolio_value - 100_000 - (realised + unrealised)) < 1e-6
    records = sum(pnl for _, pnl in portfolio.transaction_records)
    assert abs(records - realised) < 1e-6  # no fees here, so LEAN's 2x-fee adjustment is zero
