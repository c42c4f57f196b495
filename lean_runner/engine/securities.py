"""Securities: prices, holdings and the exchange each tradable symbol lives on."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.enums import DataNormalizationMode, Resolution, SecurityType
from lean_runner.engine.market_data import KeyValuePair, QuoteBar, TradeBar
from lean_runner.engine.naming import PascalCaseAttributes, lean_names
from lean_runner.engine.shortable import NullShortableProvider, shortable_quantity
from lean_runner.engine.symbol import Symbol
from lean_runner.engine.volatility import NULL_VOLATILITY_MODEL

# Security._quote_index when the latest quote bar is the quote source's bar at the clock's time.
FOLLOWS_CLOCK = -2

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
    def clock(self) -> AlgorithmClock:
        return self._clock

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

    __slots__ = ("_quantity", "_security", "average_price", "invested", "last_trade_profit", "net_profit_total",
                 "profit", "total_dividends", "total_fees", "total_sale_volume")

    def __init__(self, security: Security) -> None:
        self._security = security
        self.quantity = 0.0
        self.average_price = 0.0
        self.total_fees = 0.0
        self.profit = 0.0
        self.last_trade_profit = 0.0
        self.net_profit_total = 0.0
        self.total_sale_volume = 0.0
        self.total_dividends = 0.0

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
    def quantity(self) -> float:
        return self._quantity

    @quantity.setter
    def quantity(self, value: float) -> None:
        # ``invested`` is kept as a plain attribute: algorithms read it on every bar, fills change it.
        self._quantity = value
        self.invested = value != 0

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

    # LEAN's holding members beyond the basics.
    @property
    def hold_stock(self) -> bool:
        return self._quantity != 0

    @property
    def leverage(self) -> float:
        return float(self._security.leverage)

    @property
    def type(self) -> int:
        return int(self._security.symbol.security_type)

    @property
    def target(self) -> Any:
        return None  # portfolio targets belong to the algorithm framework

    @property
    def unlevered_holdings_cost(self) -> float:
        return self.holdings_cost / self.leverage if self.leverage else self.holdings_cost

    @property
    def unlevered_absolute_holdings_cost(self) -> float:
        return abs(self.unlevered_holdings_cost)

    def get_quantity_value(self, quantity: float, price: float | None = None) -> float:
        """What ``quantity`` shares are worth at ``price`` (the current price by default)."""
        at = self._security.price if price is None else price
        return float(quantity) * float(at) * float(self._security.symbol_properties.contract_multiplier)

    def total_close_profit(self, include_fees: bool = True, exit_price: float | None = None,
                           entry_price: float | None = None, quantity: float | None = None) -> float:
        """The profit of closing the position now, after the closing order's fee by default (LEAN's
        ``TotalCloseProfit``)."""
        held = self._quantity if quantity is None else quantity
        exit_at = self._security.price if exit_price is None else exit_price
        entry_at = self.average_price if entry_price is None else entry_price
        profit = (exit_at - entry_at) * held * float(self._security.symbol_properties.contract_multiplier)
        if include_fees and held and self._security.fee_model is not None:
            from lean_runner.engine.fees import close_fee

            profit -= close_fee(self._security, held)
        return profit

    def set_holdings(self, average_price: float, quantity: float) -> None:
        """Set the position directly (LEAN's ``SetHoldings``; no order, no cash)."""
        self.average_price = float(average_price)
        self.quantity = float(quantity)

    @property
    def is_short_position(self) -> bool:
        return self.quantity < 0

    def __repr__(self) -> str:
        return f"{self.symbol}: {self.quantity} @ {self.average_price}"


class SecurityLatestData:
    """``security.data``: the latest trade bar, quote bar or ticks, by type."""

    def __init__(self, security: Security) -> None:
        self._security = security

    def get(self, data_type: Any = None) -> Any:
        security = self._security
        if data_type is None:
            return security.get_last_data()
        name = getattr(data_type, "__name__", str(data_type))
        if name == "QuoteBar":
            return security.last_quote_bar
        if name == "Tick":
            ticks = security.last_trade_ticks or security.last_quote_ticks
            return ticks[-1] if ticks else None
        return security.last_trade_bar

    def get_all(self, data_type: Any = None) -> list[Any]:
        name = getattr(data_type, "__name__", str(data_type))
        if name == "Tick":
            return [*self._security.last_trade_ticks, *self._security.last_quote_ticks]
        latest = self.get(data_type)
        return [latest] if latest is not None else []


@lean_names
class SecurityDataFilter:
    """Decides which data points reach the algorithm: subclass it and override ``filter(vehicle, data)``
    (True keeps the point). The default, LEAN's ``EquityDataFilter``, keeps everything."""

    def filter(self, vehicle: Any, data: Any) -> bool:
        return True


DEFAULT_DATA_FILTER = SecurityDataFilter()


@lean_names
class Security(PascalCaseAttributes):
    """A tradable security with its latest prices, models and holdings."""

    # ``__dict__``: LEAN securities are dynamic objects on which algorithms store their own properties.
    __slots__ = (
        "__dict__",
        "_ask",
        "_bid",
        "_data_subscribed",
        "_quote_bar",
        "_quote_bar_index",
        "_quote_index",
        "_quote_source",
        "_trade_bar",
        "_trade_index",
        "_trade_source",
        "buying_power_model",
        "data_filter",
        "data_normalization_mode",
        "exchange",
        "extended_market_hours",
        "fee_model",
        "fill_forward",
        "fill_model",
        "holdings",
        "is_delisted",
        "is_internal",
        "is_tradable",
        "last_quote_ticks",
        "last_trade_ticks",
        "leverage",
        "margin_model",
        "price",
        "resolution",
        "settlement_model",
        "shortable_provider",
        "slippage_model",
        "subscribes_quotes",
        "symbol",
        "symbol_properties",
        "volatility_model",
    )

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
        self._data_subscribed = False  # the engine has read its data (in its normalization mode)
        self.subscribes_quotes = resolution in (Resolution.TICK, Resolution.SECOND, Resolution.MINUTE)
        self.holdings = SecurityHolding(self)
        self.price = 0.0
        # Bid and ask as of before the current quote source; while one is set they are read from it.
        self._bid = self._ask = 0.0
        # The latest bars are kept as (source, index) and made into objects only when read.
        self._trade_source: Any = None
        self._trade_index = -1
        self._trade_bar: TradeBar | None = None
        self._quote_source: Any = None
        self._quote_index = -1  # or FOLLOWS_CLOCK: the source's bar at the clock's time
        self._quote_bar: QuoteBar | None = None
        self._quote_bar_index = -1  # the source index _quote_bar was made from
        # Tick subscriptions: the ticks of the latest instant that had trades, and of the latest with quotes
        # (LEAN's cache keeps the two lists apart; the fill model reads them).
        self.last_trade_ticks: list[Any] = []
        self.last_quote_ticks: list[Any] = []
        self.is_tradable = True
        self.is_delisted = False
        self.is_internal = False
        self.fee_model: Any = None
        self.fill_model: Any = None
        self.slippage_model: Any = None
        self.buying_power_model: Any = None
        self.settlement_model: Any = None
        self.shortable_provider: Any = NullShortableProvider()
        self.volatility_model: Any = NULL_VOLATILITY_MODEL
        self.data_filter: Any = DEFAULT_DATA_FILTER
        self.margin_model: Any = None  # LEAN's name for the buying power model

    @property
    def type(self) -> int:
        return int(self.symbol.security_type)

    @property
    def local_time(self) -> datetime:
        return self.exchange.local_time

    @property
    def has_data(self) -> bool:
        return (self._trade_source is not None or self._trade_bar is not None or self._quote_source is not None
                or self._quote_bar is not None or bool(self.last_trade_ticks) or bool(self.last_quote_ticks))

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

    def get_data(self, data_type: Any = None) -> Any:
        """The latest data point of ``data_type`` (``TradeBar``, ``QuoteBar``, ``Tick``), or the latest of any
        (LEAN's ``security.cache.get_data``)."""
        return SecurityLatestData(self).get(data_type)

    def get_all(self, data_type: Any = None) -> list[Any]:
        return SecurityLatestData(self).get_all(data_type)

    def get_last_data(self) -> Any:
        bar = self.last_trade_bar or self.last_quote_bar
        if bar is None and (self.last_trade_ticks or self.last_quote_ticks):
            latest = [ticks[-1] for ticks in (self.last_trade_ticks, self.last_quote_ticks) if ticks]
            return max(latest, key=lambda tick: tick.time)
        return bar

    def set_leverage(self, leverage: float) -> None:
        self.leverage = float(leverage)

    def set_fee_model(self, model: Any) -> None:
        self.fee_model = model

    def set_fill_model(self, model: Any) -> None:
        self.fill_model = model

    def set_slippage_model(self, model: Any) -> None:
        self.slippage_model = model

    def set_shortable_provider(self, provider: Any) -> None:
        self.shortable_provider = provider

    @property
    def shortable(self) -> bool:
        """Whether any shares can be shorted now (holdings and open orders aside), as LEAN's Equity.Shortable."""
        quantity = shortable_quantity(self)
        return quantity is None or quantity > 0

    @property
    def total_shortable_quantity(self) -> int | None:
        return shortable_quantity(self)

    def set_volatility_model(self, model: Any) -> None:
        """A volatility model the engine updates with each trade bar; set it in ``initialize``."""
        if self._data_subscribed and self.volatility_model is not model:
            raise NotImplementedError(f"{self.symbol}.set_volatility_model after initialize: the embedded engine "
                                      f"attaches volatility models when the data starts; set it in initialize.")
        self.volatility_model = model

    def set_data_filter(self, data_filter: Any) -> None:
        """A ``SecurityDataFilter`` deciding which of this security's data points the algorithm gets; set it in
        ``initialize`` (the engine applies it as the data is read)."""
        if self._data_subscribed and self.data_filter is not data_filter:
            raise NotImplementedError(f"{self.symbol}.set_data_filter after initialize: the embedded engine "
                                      f"filters a security's data when it reads it; set the filter in initialize.")
        self.data_filter = data_filter

    def set_margin_model(self, model: Any) -> None:
        self.set_buying_power_model(model)

    DEFAULT_SETTLEMENT_TIME = timedelta(hours=8)  # LEAN's Equity: cash settles at 08:00 (T+n days)

    @property
    def price_variation_model(self) -> Any:
        return self

    def get_minimum_price_variation(self, parameters: Any = None) -> float:
        """LEAN's ``IPriceVariationModel``: the tick size of this security (0.01 for US equities)."""
        return self.price_variation

    @property
    def portfolio_model(self) -> Any:
        return None  # fills go through the portfolio's own processing; custom portfolio models are not used

    def reset(self) -> None:
        """Forget the latest data (LEAN's ``Security.Reset``, used when a security is removed and added back)."""
        self.price = 0.0
        self._bid = self._ask = 0.0
        self._trade_source = self._quote_source = None
        self._trade_bar = self._quote_bar = None
        self.last_trade_ticks, self.last_quote_ticks = [], []

    def update(self, data: list[Any], data_type: Any = None, contains_fill_forward_data: bool | None = None) -> None:
        """Take data points as the latest (LEAN's ``Security.Update``): bars and ticks set the prices."""
        for point in data:
            if isinstance(point, TradeBar):
                self.update_trade_bar(point)
            elif isinstance(point, QuoteBar):
                self.update_quote_bar(point)
            elif getattr(point, "tick_type", None) is not None:
                self.update_ticks([point], point.tick_type == 1)

    # LEAN's names for the subscription settings.
    NULL_LEVERAGE = 0.0

    @property
    def is_extended_market_hours(self) -> bool:
        return self.extended_market_hours

    @property
    def is_fill_data_forward(self) -> bool:
        return self.fill_forward

    @property
    def is_custom_data(self) -> bool:
        return self.type != int(SecurityType.EQUITY)

    @property
    def hold_stock(self) -> bool:
        return self.holdings.quantity != 0

    @property
    def data(self) -> Any:
        """The latest data of each type (LEAN's ``security.data``): ``security.data.get(TradeBar)``."""
        return SecurityLatestData(self)

    @property
    def subscriptions(self) -> list[Any]:
        from lean_runner.engine.algorithm.core import subscription_configs

        return subscription_configs(self)

    def set_buying_power_model(self, model: Any) -> None:
        self.buying_power_model = model
        self.margin_model = model

    def set_data_normalization_mode(self, mode: int) -> None:
        """How this equity's prices are normalised; set it in ``initialize`` (its data is read from then on)."""
        if self._data_subscribed:
            raise NotImplementedError(
                f"{self.symbol}.set_data_normalization_mode after initialize: the embedded engine reads a "
                f"security's data once; set the mode in initialize (or add_equity(..., data_normalization_mode=)).")
        self.data_normalization_mode = int(mode)

    def apply_split(self, split_factor: float) -> None:
        """Scale the latest price by ``split_factor`` (LEAN's cache after a split on raw prices). The latest bars
        keep their pre-split values: the next bar, at the open after the split, replaces them."""
        self.price *= split_factor

    # --- custom properties (LEAN's Security is a DynamicObject) ---------------------------------
    # ``security.slow_ema = x``, ``security.add("slow_ema", x)`` and ``security["slow_ema"] = x`` are one store.
    def add(self, key: str, value: Any) -> None:
        self.__dict__[str(key)] = value

    def set(self, key: str, value: Any) -> None:
        self.__dict__[str(key)] = value

    def __setitem__(self, key: str, value: Any) -> None:
        self.__dict__[str(key)] = value

    def __getitem__(self, key: str) -> Any:
        try:
            return self.__dict__[str(key)]
        except KeyError:
            raise KeyError(f"{self.symbol} has no custom property '{key}'; set it with "
                           f"security.add('{key}', value) or security['{key}'] = value.") from None

    @property
    def get(self) -> CustomPropertyGetter:
        """``security.get("key")`` or, typed as in LEAN, ``security.get[ExponentialMovingAverage]("key")``."""
        return CustomPropertyGetter(self)

    def try_get(self, key: str) -> tuple[bool, Any]:
        value = self.__dict__.get(str(key))
        return (str(key) in self.__dict__), value

    def remove(self, key: str) -> bool:
        return self.__dict__.pop(str(key), _MISSING) is not _MISSING

    def clear(self) -> None:
        self.__dict__.clear()

    # --- latest data ------------------------------------------------------------------------
    def set_trade_source(self, source: Any, index: int, close: float) -> None:
        """Hot path: the trade bar ``index`` of ``source`` is now the latest; it prices the security."""
        self._trade_source = source
        self._trade_index = index
        self._trade_bar = None
        self.price = close

    def set_quote_source(self, source: Any, index: int) -> None:
        """A new quote source: bid and ask are read from its forward-filled closes from now on.

        While the source stays the same, moving ``_quote_index`` is all a new quote bar needs (the
        quote bar object is remade when its index changes); the engine does that inline. With
        ``index`` FOLLOWS_CLOCK the engine stops moving it: reads take the source's bar at the clock's time.
        """
        self._bid, self._ask = self.bid_price, self.ask_price
        self._quote_source = source
        self._quote_index = index
        self._quote_bar = None
        if index == FOLLOWS_CLOCK:
            return
        if self.price == 0 and self._trade_source is None and self._trade_bar is None:
            # Quotes price an equity only until its first trade: the mid, or the side that is there.
            bid, ask = float(source.bars.bid_close[index]), float(source.bars.ask_close[index])
            self.price = (bid + ask) / 2 if bid == bid and ask == ask else (bid if bid == bid else ask)

    def _quote_position(self) -> int:
        """The quote source's index of the latest quote bar (-1 before its first)."""
        index = self._quote_index
        if index == FOLLOWS_CLOCK:
            return int(self._quote_source.index_at(self.exchange.clock.utc_ns))
        return index

    def pin_quotes(self) -> None:
        """Stop following the clock: the latest quote bar stays the one of now (the source was removed)."""
        if self._quote_index == FOLLOWS_CLOCK:
            self._quote_index = self._quote_position()
            self._quote_bar = None

    @property
    def bid_price(self) -> float:
        return self._latest_quote_side("bid_closes", self._bid)

    @property
    def ask_price(self) -> float:
        return self._latest_quote_side("ask_closes", self._ask)

    def _latest_quote_side(self, column: str, before_source: float) -> float:
        """A side's close from the quote source (forward-filled), or the value from before the source's first."""
        source = self._quote_source
        if source is not None:
            index = self._quote_position()
            value = getattr(source, column).item(index) if index >= 0 else math.nan
            if value == value:  # NaN until the source's first quote on this side
                return float(value)
        return before_source

    def update_ticks(self, ticks: list[Any], quotes: bool) -> None:
        """One instant's trade or quote ticks, in order: as LEAN's cache, every tick with a value moves the
        price (a quote tick's value is its mid), and quote ticks move each side they carry."""
        if quotes:
            self.last_quote_ticks = ticks
            for tick in ticks:
                if tick.value != 0:
                    self.price = tick.value
                if tick.bid_price != 0:
                    self._bid = tick.bid_price
                if tick.ask_price != 0:
                    self._ask = tick.ask_price
            return
        self.last_trade_ticks = ticks
        for tick in ticks:
            if tick.value != 0:
                self.price = tick.value

    def update_trade_bar(self, bar: TradeBar) -> None:
        """Price update from a trade bar object (custom code, the benchmark's first price)."""
        self._trade_source = None
        self._trade_bar = bar
        self.price = bar.close

    def update_quote_bar(self, bar: QuoteBar) -> None:
        self._bid, self._ask = self.bid_price, self.ask_price
        self._quote_source = None
        self._quote_bar = bar
        if bar.bid is not None:
            self._bid = bar.bid.close
        if bar.ask is not None:
            self._ask = bar.ask.close

    def latest_trade(self) -> tuple[float, float, float, bool] | None:
        """(close, volume, bar seconds, is fill-forward) of the latest trade bar, without making the bar."""
        source = self._trade_source
        if self._trade_bar is None and source is not None and hasattr(source, "trade_values"):
            return source.trade_values(self._trade_index)
        bar = self.last_trade_bar
        if bar is None:
            return None
        return bar.close, bar.volume, (bar.end_time - bar.time).total_seconds(), bar.is_fill_forward

    @property
    def last_trade_bar(self) -> TradeBar | None:
        if self._trade_bar is None and self._trade_source is not None:
            self._trade_bar = self._trade_source.bar(self._trade_index)
        return self._trade_bar

    @property
    def last_quote_bar(self) -> QuoteBar | None:
        source = self._quote_source
        if source is None:
            return self._quote_bar
        index = self._quote_position()
        if self._quote_bar is None or self._quote_bar_index != index:
            self._quote_bar = source.bar(index) if index >= 0 else None
            self._quote_bar_index = index
        return self._quote_bar

    @property
    def open(self) -> float:
        bar = self.last_trade_bar
        return bar.open if bar is not None else 0.0

    @property
    def high(self) -> float:
        bar = self.last_trade_bar
        return bar.high if bar is not None else 0.0

    @property
    def low(self) -> float:
        bar = self.last_trade_bar
        return bar.low if bar is not None else 0.0

    @property
    def close(self) -> float:
        return self.price

    @property
    def volume(self) -> float:
        bar = self.last_trade_bar
        return bar.volume if bar is not None else 0.0

    @property
    def bid_size(self) -> float:
        bar = self.last_quote_bar
        return bar.last_bid_size if bar is not None else 0.0

    @property
    def ask_size(self) -> float:
        bar = self.last_quote_bar
        return bar.last_ask_size if bar is not None else 0.0

    def __repr__(self) -> str:
        return f"{self.symbol}: {self.price}"


Equity = Security

_MISSING = object()


class CustomPropertyGetter:
    """``security.get(key)`` and ``security.get[SomeType](key)``: a custom property, checked against the type."""

    __slots__ = ("_security",)

    def __init__(self, security: Security) -> None:
        self._security = security

    def __call__(self, key: str) -> Any:
        return self._security[key]

    def __getitem__(self, expected_type: Any) -> Any:
        def typed(key: str) -> Any:
            value = self._security[key]
            if isinstance(expected_type, type) and not isinstance(value, expected_type):
                raise TypeError(f"{self._security.symbol}'s custom property '{key}' is a {type(value).__name__}, "
                                f"not a {expected_type.__name__}.")
            return value
        return typed


def missing_security_error(key: Any) -> KeyError:
    return KeyError(f"'{key}' was not found in the securities collection; add it first with "
                    f"self.add_equity(\"{key}\").")


class SecurityManager(dict[Any, Security]):
    """All securities of the algorithm, keyed by ``Symbol`` (ticker strings work too).

    Lookups stay the dict's own (algorithms index securities and the portfolio on every bar);
    a missing key raises through ``__missing__``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._holdings_mirror: dict[Any, SecurityHolding] | None = None

    def mirror_holdings_into(self, holdings: dict[Any, SecurityHolding]) -> None:
        """Keep ``holdings`` (the portfolio) mapping every key here to its security's holdings."""
        self._holdings_mirror = holdings
        for key, security in self.items():
            dict.__setitem__(holdings, key, security.holdings)

    def __setitem__(self, key: Any, security: Security) -> None:
        dict.__setitem__(self, key, security)
        if self._holdings_mirror is not None:
            dict.__setitem__(self._holdings_mirror, key, security.holdings)

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self, key)
        if self._holdings_mirror is not None:
            dict.__delitem__(self._holdings_mirror, key)

    def __missing__(self, key: Any) -> Security:
        if isinstance(key, Security) and dict.__contains__(self, key.symbol):
            return dict.__getitem__(self, key.symbol)  # a Security stands for its Symbol, as in LEAN
        raise missing_security_error(key)

    def __iter__(self) -> Iterator[Any]:
        # LEAN's SecurityManager enumerates KeyValuePair<Symbol, Security>: ``kvp.key``, ``kvp.value``.
        return (KeyValuePair(key, value) for key, value in dict.items(self) if isinstance(key, Symbol))

    def contains_key(self, key: Any) -> bool:
        return key in self

    ContainsKey = contains_key

    @property
    def count(self) -> int:
        return len(self)

    Count = count

    def total(self) -> Iterator[Security]:
        return iter(self.values())

    # LEAN's dictionary members.
    def contains(self, key: Any) -> bool:
        return key in self

    def try_get_value(self, key: Any) -> tuple[bool, Security | None]:
        return (True, self[key]) if key in self else (False, None)

    def get_keys(self) -> list[Any]:
        return list(self.keys())

    def get_values(self) -> list[Security]:
        return list(self.values())

    def get_items(self) -> list[tuple[Any, Security]]:
        return list(self.items())

    def add(self, *args: Any) -> None:
        raise ValueError("Add securities with self.add_equity(...): the engine subscribes their data.")

    def remove(self, key: Any) -> bool:
        raise ValueError("Remove securities with self.remove_security(symbol): the engine ends their data.")

    @property
    def utc_time(self) -> Any:
        first = next(iter(self.values()), None)
        return first.exchange.clock.utc_time if first is not None else None

    @property
    def Keys(self) -> list[Any]:
        return list(self.keys())

    @property
    def Values(self) -> list[Security]:
        return list(self.values())


SECURITY_TYPE_EQUITY = SecurityType.EQUITY
