"""Securities and the portfolio: dictionary behaviour and the latest bid and ask."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.data.bars import QuoteBars
from lean_runner.engine.data.market_hours import ExchangeHours
from lean_runner.engine.data.symbol_properties import SymbolProperties
from lean_runner.engine.feed import make_subscription
from lean_runner.engine.market_data import Bar, QuoteBar
from lean_runner.engine.portfolio import SecurityPortfolioManager
from lean_runner.engine.securities import FOLLOWS_CLOCK, Security, SecurityExchange, SecurityManager
from lean_runner.engine.symbol import Symbol

HOURS = ExchangeHours.us_equity_default()
NAN = math.nan


def _security(ticker: str) -> Security:
    clock = AlgorithmClock(ZoneInfo("America/New_York"))
    return Security(Symbol.create(ticker), SecurityExchange(HOURS, clock), SymbolProperties.default())


def test_portfolio_maps_every_security_to_its_holdings_as_securities_change() -> None:
    securities = SecurityManager()
    early = _security("AAA")
    securities[early.symbol] = early  # added before the portfolio exists
    portfolio = SecurityPortfolioManager(securities)
    late = _security("BBB")
    securities[late.symbol] = late
    assert portfolio[early.symbol] is early.holdings
    assert portfolio["BBB"] is late.holdings
    assert portfolio.keys() == [early.symbol, late.symbol]
    assert portfolio.values() == [early.holdings, late.holdings]
    assert "AAA" in portfolio and len(portfolio) == 2
    replacement = _security("AAA")  # a delisted security re-added under the same symbol
    securities[replacement.symbol] = replacement
    assert portfolio["AAA"] is replacement.holdings
    del securities[late.symbol]
    assert "BBB" not in portfolio


def test_missing_keys_and_writes_fail_with_a_message_that_says_what_to_do() -> None:
    securities = SecurityManager()
    portfolio = SecurityPortfolioManager(securities)
    with pytest.raises(KeyError, match=r'MSFT.* was not found.*self.add_equity\("MSFT"\)'):
        portfolio["MSFT"]
    with pytest.raises(KeyError, match=r"MSFT.* was not found"):
        securities["MSFT"]
    with pytest.raises(TypeError, match="add_equity"):
        portfolio["MSFT"] = None
    assert portfolio != SecurityPortfolioManager(SecurityManager())  # identity, like any algorithm object


def _quotes(bids: list[float], asks: list[float]) -> QuoteBars:
    n = len(bids)
    start = np.datetime64("2020-01-02T09:30").astype("datetime64[ns]").astype(np.int64)
    time = start + np.arange(n, dtype=np.int64) * 60_000_000_000
    bid, ask = np.asarray(bids), np.asarray(asks)
    return QuoteBars(time=time, end_time=time + 60_000_000_000, bid_open=bid, bid_high=bid, bid_low=bid,
                     bid_close=bid, bid_size=np.where(np.isnan(bid), 0, 100), ask_open=ask, ask_high=ask,
                     ask_low=ask, ask_close=ask, ask_size=np.where(np.isnan(ask), 0, 100))


def _replay(security: Security, subscription: object, count: int) -> list[tuple[float, float]]:
    """What the engine does for each quote bar: a new source once, then only the index moves."""
    seen = []
    for index in range(count):
        if security._quote_source is subscription and security.price:
            security._quote_index = index
            security._quote_bar = None
        else:
            security.set_quote_source(subscription, index)
        seen.append((security.bid_price, security.ask_price))
    return seen


def test_a_missing_side_keeps_the_last_bid_or_ask_even_across_sources() -> None:
    security = _security("AAA")
    first = make_subscription(security, "quote", 1, False, _quotes([NAN, 10.0, NAN, 11.0], [10.2, NAN, NAN, 11.2]),
                              np.zeros(4, dtype=bool), HOURS)
    assert _replay(security, first, 4) == [(0.0, 10.2), (10.0, 10.2), (10.0, 10.2), (11.0, 11.2)]
    assert security.price == 10.2  # before any trade, the quote that is there prices the security
    second = make_subscription(security, "quote", 1, False, _quotes([NAN, 12.0], [NAN, NAN]),
                               np.zeros(2, dtype=bool), HOURS)
    assert _replay(security, second, 2) == [(11.0, 11.2), (12.0, 11.2)]
    bar = security.last_quote_bar
    assert bar is not None and bar.bid is not None and bar.ask is None
    assert bar.bid.close == 12.0
    security.update_quote_bar(QuoteBar(bar.time, security.symbol, None, 0.0, Bar(13.0, 13.0, 13.0, 13.0), 100.0))
    assert (security.bid_price, security.ask_price) == (12.0, 13.0)


def test_quotes_that_follow_the_clock_read_the_bar_of_the_clocks_time() -> None:
    security = _security("AAA")
    quotes = make_subscription(security, "quote", 1, False, _quotes([10.0, NAN, 11.0, 12.0], [10.2, 10.4, NAN, 12.2]),
                               np.zeros(4, dtype=bool), HOURS)
    clock = security.exchange.clock
    ends = quotes.end_utc.tolist()
    security.price = 10.1  # priced by trades already
    security.set_quote_source(quotes, FOLLOWS_CLOCK)
    clock.utc_ns = ends[0] - 1  # before the source's first bar: nothing yet
    assert (security.bid_price, security.ask_price, security.last_quote_bar) == (0.0, 0.0, None)
    seen = []
    for end in ends:
        for moment in (end, end + 30_000_000_000):  # at the bar's end and between bars (a scheduled event)
            clock.utc_ns = moment
            bar = security.last_quote_bar
            assert bar is not None and bar.end_time == _naive(end)
            seen.append((security.bid_price, security.ask_price))
    assert seen[::2] == [(10.0, 10.2), (10.0, 10.4), (11.0, 10.4), (12.0, 12.2)]
    assert seen[1::2] == seen[::2]
    clock.utc_ns = ends[1]
    security.pin_quotes()  # removed: the quotes stay those of now
    clock.utc_ns = ends[3]
    assert (security.bid_price, security.ask_price) == (10.0, 10.4)
    bar = security.last_quote_bar
    assert bar is not None and bar.end_time == _naive(ends[1])


def _naive(utc_ns: int) -> datetime:
    local = datetime.fromtimestamp(utc_ns / 1e9, tz=ZoneInfo("UTC")).astimezone(HOURS.time_zone)
    return local.replace(tzinfo=None)


def test_invested_follows_the_quantity() -> None:
    holdings = _security("AAA").holdings
    assert not holdings.invested and not holdings.Invested
    holdings.quantity = -3.0
    assert holdings.invested and holdings.Invested and holdings.is_short
    holdings.quantity = 0.0
    assert not holdings.invested
