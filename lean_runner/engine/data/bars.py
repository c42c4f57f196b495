"""Columnar trade/quote bar containers (frozen dataclasses of numpy arrays, sorted by time).

``time``/``end_time`` are ``int64`` nanoseconds since the Unix epoch of the
exchange-local naive wall time (not UTC); convert with :func:`local_ns_to_utc_ns`.
Prices are float64 dollars; volume and sizes float64. A quote side whose four
prices were all zero in the file is missing: its prices are NaN and its size 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from .timeconv import local_ns_to_utc_ns, utc_ns_to_local_ns

__all__ = [
    "QuoteBars",
    "TradeBars",
    "adjust_quote_bars",
    "adjust_trade_bars",
    "local_ns_to_utc_ns",
    "utc_ns_to_local_ns",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
_B = TypeVar("_B", bound="_Bars")


@dataclass(frozen=True, eq=False)
class _Bars:
    """Shared behaviour: dtype coercion, length checks, concat and slicing."""

    time: I64
    end_time: I64

    _TIME_FIELDS: ClassVar[tuple[str, ...]] = ("time", "end_time")

    def __post_init__(self) -> None:
        length = None
        for item in fields(self):
            dtype = np.int64 if item.name in self._TIME_FIELDS else np.float64
            array = np.asarray(getattr(self, item.name), dtype=dtype)
            if array.ndim != 1:
                raise ValueError(f"{type(self).__name__}.{item.name} must be one-dimensional")
            if length is None:
                length = array.size
            elif array.size != length:
                raise ValueError(
                    f"{type(self).__name__}: column {item.name} has {array.size} rows, expected {length}"
                )
            object.__setattr__(self, item.name, array)

    def __len__(self) -> int:
        return int(self.time.size)

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Field name -> array, in declaration order."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def empty(cls: type[_B]) -> _B:
        """A container with zero rows."""
        columns: dict[str, npt.NDArray[Any]] = {
            item.name: np.empty(0, dtype=np.int64 if item.name in cls._TIME_FIELDS else np.float64)
            for item in fields(cls)
        }
        return cls(**columns)

    @classmethod
    def concat(cls: type[_B], parts: list[_B]) -> _B:
        """Concatenate containers; re-sorts (stable, by time) only if the result is out of order."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        merged = {item.name: np.concatenate([getattr(p, item.name) for p in parts]) for item in fields(cls)}
        times = merged["time"]
        if times.size > 1 and bool(np.any(times[1:] < times[:-1])):
            order = np.argsort(times, kind="stable")
            merged = {name: array[order] for name, array in merged.items()}
        return cls(**merged)

    def take(self: _B, selector: npt.NDArray[Any] | slice) -> _B:
        """Rows picked by a boolean mask, index array or slice."""
        return type(self)(**{name: array[selector] for name, array in self.columns().items()})

    def slice_between(self: _B, start_ns: int, end_ns: int, *, on: str = "time") -> _B:
        """Rows with ``start_ns <= column < end_ns`` where column is ``time`` (default) or ``end_time``."""
        if on not in self._TIME_FIELDS:
            raise ValueError(f"on must be 'time' or 'end_time', not {on!r}")
        column: I64 = getattr(self, on)
        first = int(np.searchsorted(column, start_ns, side="left"))
        last = int(np.searchsorted(column, end_ns, side="left"))
        return self.take(slice(first, max(first, last)))

    def utc_time(self, tz: Any) -> I64:
        """``time`` converted to UTC nanoseconds for the exchange time zone ``tz``."""
        return local_ns_to_utc_ns(self.time, tz)

    def utc_end_time(self, tz: Any) -> I64:
        """``end_time`` converted to UTC nanoseconds for the exchange time zone ``tz``."""
        return local_ns_to_utc_ns(self.end_time, tz)


@dataclass(frozen=True, eq=False)
class TradeBars(_Bars):
    """OHLCV trade bars."""

    open: F64
    high: F64
    low: F64
    close: F64
    volume: F64


@dataclass(frozen=True, eq=False)
class QuoteBars(_Bars):
    """Bid/ask OHLC bars with last sizes; a missing side has NaN prices and size 0."""

    bid_open: F64
    bid_high: F64
    bid_low: F64
    bid_close: F64
    bid_size: F64
    ask_open: F64
    ask_high: F64
    ask_low: F64
    ask_close: F64
    ask_size: F64

    @property
    def has_bid(self) -> npt.NDArray[np.bool_]:
        """True where the bid side is present."""
        return ~np.isnan(self.bid_close)

    @property
    def has_ask(self) -> npt.NDArray[np.bool_]:
        """True where the ask side is present."""
        return ~np.isnan(self.ask_close)

    @staticmethod
    def _mid(bid: F64, ask: F64) -> F64:
        """LEAN's QuoteBar price: the mid of both sides, else whichever side exists."""
        mid = (bid + ask) / 2.0
        return np.where(np.isnan(bid), ask, np.where(np.isnan(ask), bid, mid))

    @property
    def open(self) -> F64:
        """Mid open (one-sided when a side is missing)."""
        return self._mid(self.bid_open, self.ask_open)

    @property
    def high(self) -> F64:
        """Mid high (one-sided when a side is missing)."""
        return self._mid(self.bid_high, self.ask_high)

    @property
    def low(self) -> F64:
        """Mid low (one-sided when a side is missing)."""
        return self._mid(self.bid_low, self.ask_low)

    @property
    def close(self) -> F64:
        """Mid close (one-sided when a side is missing)."""
        return self._mid(self.bid_close, self.ask_close)


def _check_factors(count: int, factors: npt.ArrayLike) -> F64:
    array = np.asarray(factors, dtype=np.float64)
    if array.ndim == 0:
        array = np.full(count, float(array))
    if array.shape != (count,):
        raise ValueError(f"expected {count} factors, got shape {array.shape}")
    return array


def adjust_trade_bars(bars: TradeBars, factors: npt.ArrayLike, added: npt.ArrayLike | None = None) -> TradeBars:
    """Scale prices by ``factors`` (then add ``added``, LEAN's TotalReturn dividends) and volume to
    ``round(volume / factor)`` (LEAN price scaling)."""
    factor = _check_factors(len(bars), factors)
    scale = _scaler(factor, added)
    return replace(
        bars,
        open=scale(bars.open),
        high=scale(bars.high),
        low=scale(bars.low),
        close=scale(bars.close),
        volume=np.round(bars.volume / factor),
    )


def adjust_quote_bars(bars: QuoteBars, factors: npt.ArrayLike, added: npt.ArrayLike | None = None) -> QuoteBars:
    """Scale bid/ask prices by ``factors`` (then add ``added``) and sizes to ``round(size / factor)``."""
    factor = _check_factors(len(bars), factors)
    scale = _scaler(factor, added)
    return replace(
        bars,
        bid_open=scale(bars.bid_open),
        bid_high=scale(bars.bid_high),
        bid_low=scale(bars.bid_low),
        bid_close=scale(bars.bid_close),
        bid_size=np.round(bars.bid_size / factor),
        ask_open=scale(bars.ask_open),
        ask_high=scale(bars.ask_high),
        ask_low=scale(bars.ask_low),
        ask_close=scale(bars.ask_close),
        ask_size=np.round(bars.ask_size / factor),
    )


def _scaler(factor: npt.NDArray[np.float64],
            added: npt.ArrayLike | None) -> Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    if added is None or not np.any(added):
        return lambda prices: prices * factor
    offset = np.asarray(added, dtype=np.float64)
    return lambda prices: prices * factor + offset
