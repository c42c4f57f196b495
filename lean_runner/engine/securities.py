"""Securities: prices, holdings and the exchange each tradable symbol lives on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.enums import DataNormalizationMode, Resolution, SecurityType
from lean_runner.engine.market_data import QuoteBar, TradeBar
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.symbol import Symbol

if TYPE_CHECKING:
    from lean_runner.engine.data.market_hours import ExchangeHours
    from lean_runner.engine.data.symbol_properties import SymbolProperties


@lean_names
class SecurityExchange(PascalCaseAttributes):
    """The exchange a security trades on, answering 'is it open now?' from the algorithm clock."""

    __slots__ = ("_clock", "hours")

    def __init__(self, hours: ExchangeHours, clock: AlgorithmClock) -> None:
        self.hours = hours
        self._clock = clock

    @property
    def time_zone(self) -> Any:
        return self.hours.time_zone

    @property
    def local_time(self) -> datetime:
        return self._clock.local_time

    @property
    def exchange_open(self) -> bool:
        return self.hours.is_open(self._clock.local_time, False)

    def date_is_open(self, day: date | datetime) -> bool:
        return self.hours.is_trading_day(day.date() if isinstance(day, datetime) else day)

    def is_open_during_bar(self, start: datetime, end: datetime, extended: bool) -> bool:
        return self.hours.is_open(start, extended) or self.hours.is_open(end - timedelta(microseconds=1), extended)

    def is_closing_soon(self, minutes_to_close: int) -> bool:
        close = self.hours.market_close(self._clock.local_time.date())
        return close is not None and close - self._clock.local_time <= timedelta(minutes=minutes_to_close)


@lean_names
class SecurityHolding(PascalCaseAttributes):
    """What the portfolio holds of one security."""

    __slots__ = ("_security", "average_price", "last_trade_profit", "net_profit_total", "profit", "quantity",
                 "total_fees", "total_sale_volume")

    def __init__(self, security: Security) -> None:
        self._security = security
        self.quantity = 0.0
        self.average_price = 0.0
        self.total_fees = 0.0
        self.profit = 0.0
        self.last_trade_profit = 0.0
        self.net_profit_total = 0.0
        self.total_sale_volume = 0.0

    @property
    def symbol(self) -> Symbol:
        return self._security.symbol

    @property
    def security(self) -> Security:
        return self._security

    @property
    def price(self) -> float:
        return self._security.price

    @property
    def invested(self) -> bool:
        return self.quantity != 0

    @property
    def is_long(self) -> bool:
        return self.quantity > 0

    @property
    def is_short(self) -> bool:
        return self.quantity < 0

    @property
    def absolute_quantity(self) -> float:
        return abs(self.quantity)

    @property
    def holdings_cost(self) -> float:
        return self.average_price * self.quantity * self._security.multiplier

    @property
    def absolute_holdings_cost(self) -> float:
        return abs(self.holdings_cost)

    @property
    def holdings_value(self) -> float:
        return self.quantity * self._security.price * self._security.multiplier

    @property
    def absolute_holdings_value(self) -> float:
        return abs(self.holdings_value)

    @property
    def unrealized_profit(self) -> float:
        return self.holdings_value - self.holdings_cost

    unrealised_profit = unrealized_profit

    @property
    def unrealized_profit_percent(self) -> float:
        cost = self.absolute_holdings_cost
        return self.unrealized_profit / cost if cost else 0.0

    @property
    def net_profit(self) -> float:
        return self.profit - self.total_fees

    @property
    def is_short_position(self) -> bool:
        return self.quantity < 0

    def __repr__(self) -> str:
        return f"{self.symbol}: {self.quantity} @ {self.average_price}"


@lean_names
class Security(PascalCaseAttributes):
    """A tradable security with its latest prices, models and holdings."""

    __slots__ = ("ask_price", "ask_size", "bid_price", "bid_size", "buying_power_model", "close",
                 "data_normalization_mode",
                 "exchange", "extended_market_hours", "fee_model", "fill_forward", "fill_model", "high",
                 "holdings", "is_delisted", "is_internal", "is_tradable", "last_quote_bar", "last_trade_bar",
                 "leverage", "low", "open", "price", "resolution", "settlement_model", "slippage_model",
                 "subscribes_quotes", "symbol", "symbol_properties", "volume")

    def __init__(self, symbol: Symbol, exchange: SecurityExchange, symbol_properties: SymbolProperties,
                 resolution: int = Resolution.MINUTE, leverage: float = 2.0, fill_forward: bool = True,
                 extended_market_hours: bool = False,
                 data_normalization_mode: int = DataNormalizationMode.ADJUSTED) -> None:
        self.symbol = symbol
        self.exchange = exchange
        self.symbol_properties = symbol_properties
        self.resolution = resolution
        self.leverage = leverage
        self.fill_forward = fill_forward
        self.extended_market_hours = extended_market_hours
        self.data_normalization_mode = data_normalization_mode
        self.subscribes_quotes = resolution in (Resolution.TICK, Resolution.SECOND, Resolution.MINUTE)
        self.holdings = SecurityHolding(self)
        self.price = 0.0
        self.open = self.high = self.low = self.close = 0.0
        self.volume = 0.0
        self.bid_price = self.ask_price = 0.0
        self.bid_size = self.ask_size = 0.0
        self.last_trade_bar: TradeBar | None = None
        self.last_quote_bar: QuoteBar | None = None
        self.is_tradable = True
        self.is_delisted = False
        self.is_internal = False
        self.fee_model: Any = None
        self.fill_model: Any = None
        self.slippage_model: Any = None
        self.buying_power_model: Any = None
        self.settlement_model: Any = None

    @property
    def type(self) -> int:
        return int(self.symbol.security_type)

    @property
    def local_time(self) -> datetime:
        return self.exchange.local_time

    @property
    def has_data(self) -> bool:
        return self.last_trade_bar is not None or self.last_quote_bar is not None

    @property
    def invested(self) -> bool:
        return self.holdings.quantity != 0

    @property
    def multiplier(self) -> float:
        return float(self.symbol_properties.contract_multiplier)

    @property
    def lot_size(self) -> float:
        return float(self.symbol_properties.lot_size)

    @property
    def price_variation(self) -> float:
        return float(self.symbol_properties.minimum_price_variation)

    @property
    def is_market_open(self) -> bool:
        return self.exchange.hours.is_open(self.exchange.local_time, self.extended_market_hours)

    @property
    def cache(self) -> Security:
        return self

    def get_last_data(self) -> TradeBar | QuoteBar | None:
        return self.last_trade_bar or self.last_quote_bar

    def set_leverage(self, leverage: float) -> None:
        self.leverage = float(leverage)

    def set_fee_model(self, model: Any) -> None:
        self.fee_model = model

    def set_fill_model(self, model: Any) -> None:
        self.fill_model = model

    def set_slippage_model(self, model: Any) -> None:
        self.slippage_model = model

    def set_buying_power_model(self, model: Any) -> None:
        self.buying_power_model = model

    def set_data_normalization_mode(self, mode: int) -> None:
        if int(mode) != int(DataNormalizationMode.ADJUSTED):
            raise NotImplementedError(
                "Security.set_data_normalization_mode: only DataNormalizationMode.ADJUSTED (LEAN's default) "
                "is supported by the embedded engine.")

    def update_trade_bar(self, bar: TradeBar) -> None:
        """Price update from a trade bar: LEAN prices equities from trades."""
        self.last_trade_bar = bar
        self.price = self.close = bar.close
        self.open = bar.open
        self.high = bar.high
        self.low = bar.low
        self.volume = bar.volume

    def update_quote_bar(self, bar: QuoteBar) -> None:
        """Quote update: bid/ask only (quote bars do not move an equity's price)."""
        self.last_quote_bar = bar
        if bar.bid is not None:
            self.bid_price = bar.bid.close
            self.bid_size = bar.last_bid_size
        if bar.ask is not None:
            self.ask_price = bar.ask.close
            self.ask_size = bar.last_ask_size
        if self.price == 0 and not self.last_trade_bar:
            self.price = bar.close

    def __repr__(self) -> str:
        return f"{self.symbol}: {self.price}"


Equity = Security


class SecurityManager(dict[Any, Security]):
    """All securities of the algorithm, keyed by ``Symbol`` (ticker strings work too)."""

    def contains_key(self, key: Any) -> bool:
        return key in self

    ContainsKey = contains_key

    def __getitem__(self, key: Any) -> Security:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise KeyError(f"'{key}' was not found in the securities collection; add it first with "
                           f"self.add_equity(\"{key}\").") from None

    @property
    def count(self) -> int:
        return len(self)

    Count = count

    def total(self) -> Iterator[Security]:
        return iter(self.values())

    @property
    def Keys(self) -> list[Any]:
        return list(self.keys())

    @property
    def Values(self) -> list[Security]:
        return list(self.values())


SECURITY_TYPE_EQUITY = SecurityType.EQUITY
