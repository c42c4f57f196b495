"""Market data objects handed to algorithms: ``TradeBar``, ``QuoteBar``, ``Bar``, ``Tick`` and the ``Slice``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from lean_runner.engine.enums import Resolution
from lean_runner.engine.exchanges import exchange_name
from lean_runner.engine.naming import lean_names
from lean_runner.engine.symbol import Symbol

_EPOCH = datetime(1970, 1, 1)
MARKET_DATA_TYPE_TRADE_BAR = 1
MARKET_DATA_TYPE_QUOTE_BAR = 2
MARKET_DATA_TYPE_TICK = 3
TICK_TYPE_TRADE, TICK_TYPE_QUOTE = 0, 1


class MarketDataDefaults:
    """What LEAN's ``BaseData`` says about its market data types (resolutions, time zone, caching)."""

    __slots__ = ()

    ALL_RESOLUTIONS = (Resolution.TICK, Resolution.SECOND, Resolution.MINUTE, Resolution.HOUR, Resolution.DAILY)
    DAILY_RESOLUTION = (Resolution.DAILY,)
    MINUTE_RESOLUTION = (Resolution.MINUTE,)
    HIGH_RESOLUTION = (Resolution.MINUTE, Resolution.SECOND, Resolution.TICK)
    OPTION_RESOLUTIONS = (Resolution.MINUTE, Resolution.HOUR, Resolution.DAILY)

    def data_time_zone(self) -> str:
        return "America/New_York"  # US equity data files (market-hours database)

    def default_resolution(self) -> int:
        return Resolution.MINUTE

    def supported_resolutions(self) -> list[int]:
        return list(self.ALL_RESOLUTIONS)

    def is_sparse_data(self) -> bool:
        return False

    def should_cache_to_security(self) -> bool:
        return True

    def update_trade(self, last_trade: float, trade_size: float) -> None:
        self.update(last_trade, 0.0, 0.0, trade_size, 0.0, 0.0)  # type: ignore[attr-defined]

    def update_quote(self, bid_price: float, bid_size: float, ask_price: float, ask_size: float) -> None:
        self.update(0.0, bid_price, ask_price, 0.0, bid_size, ask_size)  # type: ignore[attr-defined]

    def update_bid(self, bid_price: float, bid_size: float) -> None:
        self.update(0.0, bid_price, 0.0, 0.0, bid_size, 0.0)  # type: ignore[attr-defined]

    def update_ask(self, ask_price: float, ask_size: float) -> None:
        self.update(0.0, 0.0, ask_price, 0.0, 0.0, ask_size)  # type: ignore[attr-defined]


@lean_names
class Bar:
    """One side of a quote bar (or the OHLC of anything)."""

    __slots__ = ("close", "high", "low", "open")

    def __init__(self, open: float = 0.0, high: float = 0.0, low: float = 0.0, close: float = 0.0) -> None:
        self.open = open
        self.high = high
        self.low = low
        self.close = close

    def __repr__(self) -> str:
        return f"O: {self.open} H: {self.high} L: {self.low} C: {self.close}"


@lean_names
class TradeBar(MarketDataDefaults):
    """A bar of trades. ``time`` is the bar start, ``end_time`` when it was delivered (local time)."""

    __slots__ = ("close", "end_time", "high", "is_fill_forward", "low", "open", "period", "symbol", "time",
                 "volume")

    data_type = MARKET_DATA_TYPE_TRADE_BAR

    def __init__(self, time: datetime | None = None, symbol: Symbol | None = None, open: float = 0.0,
                 high: float = 0.0, low: float = 0.0, close: float = 0.0, volume: float = 0.0,
                 period: timedelta = timedelta(minutes=1), is_fill_forward: bool = False) -> None:
        self.time = time if time is not None else datetime(1998, 1, 1)
        self.symbol = symbol
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.period = period
        self.end_time = self.time + period
        self.is_fill_forward = is_fill_forward

    @property
    def price(self) -> float:
        return self.close

    @property
    def value(self) -> float:
        return self.close

    def update(self, last_trade: float, bid_price: float = 0.0, ask_price: float = 0.0, volume: float = 0.0,
               bid_size: float = 0.0, ask_size: float = 0.0) -> None:
        """Fold a trade into the bar (used by consolidators and custom code); quotes leave it alone."""
        if last_trade == 0:
            return
        if self.open == 0:
            self.open = self.high = self.low = last_trade
        self.high = max(self.high, last_trade)
        self.low = min(self.low, last_trade)
        self.close = last_trade
        self.volume += volume

    def clone(self) -> TradeBar:
        return TradeBar(self.time, self.symbol, self.open, self.high, self.low, self.close, self.volume,
                        self.period, self.is_fill_forward)

    def __repr__(self) -> str:
        return (f"{self.symbol}: O: {self.open} H: {self.high} L: {self.low} C: {self.close} "
                f"V: {self.volume}")


@lean_names
class QuoteBar(MarketDataDefaults):
    """A bar of quotes with ``bid`` and ``ask`` sides; ``close`` is the mid (or the side present)."""

    __slots__ = ("ask", "bid", "end_time", "is_fill_forward", "last_ask_size", "last_bid_size", "period",
                 "symbol", "time")

    data_type = MARKET_DATA_TYPE_QUOTE_BAR

    def __init__(self, time: datetime | None = None, symbol: Symbol | None = None, bid: Bar | None = None,
                 last_bid_size: float = 0.0, ask: Bar | None = None, last_ask_size: float = 0.0,
                 period: timedelta = timedelta(minutes=1), is_fill_forward: bool = False) -> None:
        self.time = time if time is not None else datetime(1998, 1, 1)
        self.symbol = symbol
        self.bid = bid
        self.ask = ask
        self.last_bid_size = last_bid_size
        self.last_ask_size = last_ask_size
        self.period = period
        self.end_time = self.time + period
        self.is_fill_forward = is_fill_forward

    def update(self, last_trade: float, bid_price: float = 0.0, ask_price: float = 0.0, volume: float = 0.0,
               bid_size: float = 0.0, ask_size: float = 0.0) -> None:
        """Fold a quote into the bar: each side with a price moves (LEAN's ``QuoteBar.Update``)."""
        for side, price, size in (("bid", bid_price, bid_size), ("ask", ask_price, ask_size)):
            if price == 0:
                continue
            bar = getattr(self, side)
            if bar is None:
                setattr(self, side, Bar(price, price, price, price))
            else:
                bar.close, bar.high, bar.low = price, max(bar.high, price), min(bar.low, price)
            if size:
                setattr(self, f"last_{side}_size", size)

    def collapse(self) -> TradeBar:
        """The bar's mid prices as a trade bar with no volume (LEAN's ``QuoteBar.Collapse``)."""
        bar = TradeBar(self.time, self.symbol, self.open, self.high, self.low, self.close, 0.0, self.period)
        bar.end_time = self.end_time
        return bar

    def _side(self, name: str) -> float:
        bid = getattr(self.bid, name) if self.bid is not None else 0.0
        ask = getattr(self.ask, name) if self.ask is not None else 0.0
        if self.bid is not None and self.ask is not None:
            return (bid + ask) / 2
        return bid if self.bid is not None else ask

    @property
    def open(self) -> float:
        return self._side("open")

    @property
    def high(self) -> float:
        return self._side("high")

    @property
    def low(self) -> float:
        return self._side("low")

    @property
    def close(self) -> float:
        return self._side("close")

    @property
    def price(self) -> float:
        return self.close

    @property
    def value(self) -> float:
        return self.close

    def __repr__(self) -> str:
        return f"{self.symbol}: Bid: {self.bid} Ask: {self.ask}"


@lean_names
class Tick(MarketDataDefaults):
    """One trade or quote print (LEAN's ``Tick``); ``time`` and ``end_time`` are the same instant.

    A trade tick has ``value``/``last_price`` and ``quantity``; a quote tick has ``bid_price``/``ask_price``
    (0 for a side the print does not update) and ``value`` is their mid, or the one side present.
    ``sale_condition`` is a hexadecimal set of ``TradeConditionFlags``.
    """

    __slots__ = ("_code", "ask_price", "ask_size", "bid_price", "bid_size", "quantity", "sale_condition",
                 "suspicious", "symbol", "tick_type", "time", "value")

    data_type = MARKET_DATA_TYPE_TICK
    is_fill_forward = False

    def __init__(self, time: datetime | None = None, symbol: Symbol | None = None, value: float = 0.0,
                 tick_type: int = TICK_TYPE_TRADE, quantity: float = 0.0, bid_price: float = 0.0,
                 ask_price: float = 0.0, bid_size: float = 0.0, ask_size: float = 0.0, exchange: str = "",
                 sale_condition: str = "", suspicious: bool = False) -> None:
        self.time = time if time is not None else datetime(1998, 1, 1)
        self.symbol = symbol
        self.value = value
        self.tick_type = tick_type
        self.quantity = quantity
        self.bid_price = bid_price
        self.ask_price = ask_price
        self.bid_size = bid_size
        self.ask_size = ask_size
        self.exchange = exchange
        self.sale_condition = sale_condition
        self.suspicious = suspicious

    @property
    def end_time(self) -> datetime:
        return self.time

    @end_time.setter
    def end_time(self, value: datetime) -> None:
        self.time = value

    @property
    def price(self) -> float:
        return self.value

    @property
    def last_price(self) -> float:
        return self.value

    @property
    def period(self) -> timedelta:
        return timedelta(0)

    @property
    def parsed_sale_condition(self) -> int:
        return int(self.sale_condition, 16) if self.sale_condition else 0

    @property
    def exchange_code(self) -> str:
        """The SIP letter of the tick's exchange (``P``); ``exchange`` is its name (``ARCA``)."""
        return self._code

    @property
    def exchange(self) -> str:
        return exchange_name(self._code)

    @exchange.setter
    def exchange(self, value: str) -> None:
        self._code = str(getattr(value, "code", value) or "")

    def set_value(self) -> None:
        """A quote tick's value: the mid of its sides, or the one side it has (LEAN's ``Tick.SetValue``)."""
        both = self.bid_price * self.ask_price != 0
        self.value = (self.bid_price + self.ask_price) / 2 if both else self.bid_price + self.ask_price

    def update(self, last_trade: float, bid_price: float = 0.0, ask_price: float = 0.0, volume: float = 0.0,
               bid_size: float = 0.0, ask_size: float = 0.0) -> None:
        """A tick takes the new values as they are (LEAN's ``Tick.Update``)."""
        self.value, self.quantity = last_trade, volume
        self.bid_price, self.ask_price, self.bid_size, self.ask_size = bid_price, ask_price, bid_size, ask_size

    def is_valid(self) -> bool:
        """LEAN's ``Tick.IsValid``: a trade needs a positive price and quantity, a quote a positive side."""
        if self.tick_type == TICK_TYPE_TRADE:
            return self.value > 0 and self.quantity > 0
        return self.bid_price > 0 or self.ask_price > 0

    def clone(self) -> Tick:
        return Tick(self.time, self.symbol, self.value, self.tick_type, self.quantity, self.bid_price,
                    self.ask_price, self.bid_size, self.ask_size, self.exchange, self.sale_condition,
                    self.suspicious)

    def __repr__(self) -> str:
        if self.tick_type == TICK_TYPE_TRADE:
            return f"{self.symbol}: Price: {self.value} Quantity: {self.quantity}"
        return (f"{self.symbol}: Bid: {self.bid_size}@{self.bid_price} Ask: {self.ask_size}@{self.ask_price} "
                f"Price: {self.value}")


@lean_names
class KeyValuePair:
    """What iterating a LEAN dictionary yields, as .NET's ``KeyValuePair``: ``kvp.key`` and ``kvp.value``."""

    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def __iter__(self) -> Iterator[Any]:  # ``symbol, bar = kvp``
        yield self.key
        yield self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyValuePair) and self.key == other.key and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"[{self.key}, {self.value}]"


def _symbol_of(key: Any) -> Any:
    """A Security where a Symbol is expected stands for its Symbol (LEAN converts it implicitly)."""
    symbol = getattr(key, "symbol", None)
    return symbol if symbol is not None and not isinstance(key, str) else None


class DataDictionary(dict[Any, Any]):
    """A dict keyed by ``Symbol`` that also answers to ticker strings and LEAN's method names.

    Iterating it yields ``KeyValuePair`` objects (``kvp.key``, ``kvp.value``) as LEAN's dictionaries do;
    ``keys()``, ``values()`` and ``items()`` are the Python views.
    """

    def __iter__(self) -> Iterator[Any]:
        return (KeyValuePair(key, value) for key, value in dict.items(self))

    def contains_key(self, key: Any) -> bool:
        return key in self

    ContainsKey = contains_key

    def try_get_value(self, key: Any) -> tuple[bool, Any]:
        value = self.get(key)
        return value is not None, value

    TryGetValue = try_get_value

    @property
    def count(self) -> int:
        return len(self)

    Count = count

    @property
    def Keys(self) -> list[Any]:
        return list(self.keys())

    @property
    def Values(self) -> list[Any]:
        return list(self.values())

    def __getitem__(self, key: Any) -> Any:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            symbol = _symbol_of(key)
            if symbol is not None and dict.__contains__(self, symbol):
                return dict.__getitem__(self, symbol)
            raise KeyError(
                f"'{key}' wasn't found in the Slice object, likely because there was no data for this "
                f"time step. Check with data.contains_key(\"{key}\") first.") from None


@lean_names
class Dividend:
    """A cash dividend paid on ``time`` (ex-date); in Adjusted mode prices already carry it."""

    __slots__ = ("distribution", "end_time", "reference_price", "symbol", "time")

    def __init__(self, symbol: Symbol | None, time: datetime, distribution: float, reference_price: float) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.distribution = distribution
        self.reference_price = reference_price

    @property
    def value(self) -> float:
        return self.distribution

    def __repr__(self) -> str:
        return f"Dividend: {self.symbol}: {self.distribution}"


@lean_names
class Delisting:
    """A delisting: ``DelistingType.WARNING`` on the delisting date, ``DELISTED`` the day after; ``price`` is
    the last price the security had."""

    __slots__ = ("end_time", "price", "symbol", "time", "type")

    def __init__(self, symbol: Symbol | None, time: datetime, price: float, type: int) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.price = price
        self.type = type

    @property
    def value(self) -> float:
        return self.price

    def __repr__(self) -> str:
        kind = "Warning" if self.type == 0 else "Delisted"
        return f"Delisting: {self.symbol} {kind} {self.time:%Y-%m-%d}"


@lean_names
class Split:
    """A split effective on ``time``; ``split_factor`` < 1 for a forward split (4-for-1 is 0.25)."""

    __slots__ = ("end_time", "reference_price", "split_factor", "symbol", "time", "type")

    def __init__(self, symbol: Symbol | None, time: datetime, split_factor: float, reference_price: float) -> None:
        self.symbol = symbol
        self.time = time
        self.end_time = time
        self.split_factor = split_factor
        self.reference_price = reference_price
        self.type = 1  # SplitType.SplitOccurred

    @property
    def value(self) -> float:
        return self.split_factor

    def __repr__(self) -> str:
        return f"Split: {self.symbol}: {self.split_factor}"


@lean_names
class Slice:
    """All data for one moment: ``data["SPY"]``, ``data.bars``, ``data.quote_bars``, ``contains_key``.

    Built from the securities whose latest bar arrived in this moment; bar objects are
    made on first access, so a slice the algorithm does not read costs almost nothing.
    A slice should be read during ``on_data`` (its securities move on with the next slice).
    """

    __slots__ = ("_all", "_bars", "_custom", "_delistings", "_dividends", "_quote_bars", "_quote_securities",
                 "_splits", "_ticks", "_time", "_trade_securities", "_utc_time")

    def __init__(self, time: datetime | int, trade_securities: list[Any] | DataDictionary,
                 quote_securities: list[Any] | DataDictionary, utc_time: datetime | int | None = None,
                 dividends: DataDictionary | None = None, splits: DataDictionary | None = None,
                 custom: list[tuple[Any, Any]] | None = None, ticks: DataDictionary | None = None) -> None:
        # Times may be given as nanoseconds since the epoch; the datetime is built only if read.
        self._time = time
        self._utc_time = utc_time
        self._bars: DataDictionary | None = None
        self._quote_bars: DataDictionary | None = None
        self._trade_securities: list[Any] = []
        self._quote_securities: list[Any] = []
        if isinstance(trade_securities, DataDictionary):
            self._bars = trade_securities
        else:
            self._trade_securities = trade_securities
        if isinstance(quote_securities, DataDictionary):
            self._quote_bars = quote_securities
        else:
            self._quote_securities = quote_securities
        self._splits = splits
        self._dividends = dividends
        self._custom = custom
        self._ticks = ticks
        self._delistings: DataDictionary | None = None
        self._all: DataDictionary | None = None

    @property
    def dividends(self) -> DataDictionary:
        if self._dividends is None:
            self._dividends = DataDictionary()
        return self._dividends

    @property
    def splits(self) -> DataDictionary:
        if self._splits is None:
            self._splits = DataDictionary()
        return self._splits

    @property
    def ticks(self) -> DataDictionary:
        """``data.ticks[symbol]``: the list of that symbol's ticks at this moment (trades, then quotes)."""
        ticks = self._ticks_or_none()
        return ticks if ticks is not None else DataDictionary()

    def _ticks_or_none(self) -> DataDictionary | None:
        return getattr(self, "_ticks", None)  # slices made by the loop without ticks leave the slot unset

    @property
    def delistings(self) -> DataDictionary:
        delistings = getattr(self, "_delistings", None)  # the loop leaves the slot unset without any
        return delistings if delistings is not None else DataDictionary()

    @property
    def symbol_changed_events(self) -> DataDictionary:
        return DataDictionary()

    @property
    def time(self) -> datetime:
        if isinstance(self._time, int):
            self._time = _EPOCH + timedelta(microseconds=self._time // 1000)
        return self._time

    @property
    def utc_time(self) -> datetime | None:
        if isinstance(self._utc_time, int):
            self._utc_time = _EPOCH + timedelta(microseconds=self._utc_time // 1000)
        return self._utc_time

    @property
    def bars(self) -> DataDictionary:
        if self._bars is None:
            self._bars = DataDictionary((s.symbol, s.last_trade_bar) for s in self._trade_securities)
        return self._bars

    @property
    def quote_bars(self) -> DataDictionary:
        if self._quote_bars is None:
            self._quote_bars = DataDictionary((s.symbol, s.last_quote_bar) for s in self._quote_securities)
        return self._quote_bars

    @property
    def trade_bars(self) -> DataDictionary:
        return self.bars

    def _merged(self) -> DataDictionary:
        if self._all is None:
            merged = DataDictionary(self.quote_bars)
            merged.update(self.bars)  # a trade bar wins over a quote bar for the same symbol, as in LEAN
            if self._custom:
                merged.update(self._custom)
            ticks = self._ticks_or_none()
            if ticks:
                for symbol, symbol_ticks in dict.items(ticks):
                    merged.setdefault(symbol, symbol_ticks)  # LEAN: data[symbol] is the symbol's list of ticks
            self._all = merged
        return self._all

    def __getitem__(self, key: Any) -> Any:
        merged = self._merged()
        if key in merged:
            return dict.__getitem__(merged, key)
        if self._auxiliary_only(key):
            return None  # LEAN: a slice holding only a dividend or split for the symbol gives None
        return merged[key]

    def _auxiliary_only(self, key: Any) -> bool:
        symbol = _symbol_of(key)
        return any(aux is not None and (key in aux or (symbol is not None and symbol in aux))
                   for aux in (self._dividends, self._splits, getattr(self, "_delistings", None)))

    def __contains__(self, key: Any) -> bool:
        if self._custom and any(symbol == key for symbol, _ in self._custom):
            return True
        ticks = self._ticks_or_none()
        if ticks and (key in ticks or _symbol_of(key) in ticks):
            return True
        if (self._dividends or self._splits or getattr(self, "_delistings", None)) and self._auxiliary_only(key):
            return True  # LEAN's slice holds the symbol (its value is None)
        if self._bars is not None or self._quote_bars is not None:
            return key in self.bars or key in self.quote_bars
        return any(s.symbol == key for s in self._trade_securities) or \
            any(s.symbol == key for s in self._quote_securities)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._merged())

    def __len__(self) -> int:
        return len(self._merged())

    def contains_key(self, key: Any) -> bool:
        return key in self

    @property
    def all_data(self) -> list[Any]:
        """Every data point of the slice: bars, quote bars, ticks, custom data, splits and dividends."""
        points = [value for value in self._merged().values() if not isinstance(value, list)]
        ticks = self._ticks_or_none()
        if ticks:
            points.extend(tick for symbol_ticks in dict.values(ticks) for tick in symbol_ticks)
        for auxiliary in (self._dividends, self._splits):
            if auxiliary:
                points.extend(dict.values(auxiliary))
        return points

    def get_keys(self) -> list[Any]:
        return self.keys()

    def get_values(self) -> list[Any]:
        return self.values()

    def get_items(self) -> list[tuple[Any, Any]]:
        return self.items()

    def copy(self) -> DataDictionary:
        return DataDictionary(self._merged())

    @staticmethod
    def fromkeys(keys: Any, value: Any = None) -> DataDictionary:
        return DataDictionary(dict.fromkeys(keys, value))

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Slice is read-only: copy it (data.copy()) to change a dictionary of its data.")

    # LEAN's Slice cannot be changed.
    clear = pop = popitem = remove = setdefault = update = _read_only

    def get(self, key: Any, default: Any = None) -> Any:
        # Through __getitem__: a symbol with only auxiliary data in the slice gives None, as in LEAN.
        return self[key] if self.__contains__(key) else default

    def try_get_value(self, key: Any) -> tuple[bool, Any]:
        value = self._merged().get(key)
        return value is not None, value

    def keys(self) -> list[Any]:
        return list(self._merged().keys())

    def values(self) -> list[Any]:
        return list(self._merged().values())

    def items(self) -> list[tuple[Any, Any]]:
        return list(self._merged().items())

    @property
    def has_data(self) -> bool:
        return bool(self._trade_securities or self._quote_securities or self._bars or self._quote_bars
                    or self._dividends or self._splits or self._custom or self._ticks_or_none())

    @property
    def count(self) -> int:
        return len(self)
