"""Reading LEAN's equity tick files (``equity/usa/tick/{ticker}/{yyyyMMdd}_{trade|quote}.zip``).

Rows (reference §1.2): trades are ``ms,price,quantity,exchange,saleCondition,suspicious`` and quotes
``ms,bidPrice,bidSize,askPrice,askSize,exchange,condition,suspicious``; prices are stored x10000 and a
quote side whose price is 0 is absent from that tick. The sale condition is a hexadecimal set of
LEAN's ``TradeConditionFlags``. Ticks are kept in file order (time order, several per millisecond).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from .map_files import MapFile
from .timeconv import date_to_ns

__all__ = ["TickColumns", "read_tick_days", "read_tick_file", "tick_zip_path"]

_PRICE_SCALE = 10_000.0
_NS_PER_MS = 1_000_000
_TRADE_COLUMNS = ["ms", "price", "quantity", "exchange", "condition", "suspicious"]
_QUOTE_COLUMNS = ["ms", "bid_price", "bid_size", "ask_price", "ask_size", "exchange", "condition", "suspicious"]
Windows = Sequence[tuple[timedelta, timedelta]]


@dataclass(frozen=True)
class TickColumns:
    """One tick stream as columns; ``bid_price``/``ask_price`` are 0 where a quote tick lacks that side."""

    kind: str  # "trade" or "quote"
    time: npt.NDArray[np.int64]  # exchange-local naive nanoseconds
    price: npt.NDArray[np.float64]  # trades: the last price; quotes: LEAN's Tick.Value (mid, or the one side)
    quantity: npt.NDArray[np.float64]
    bid_price: npt.NDArray[np.float64]
    bid_size: npt.NDArray[np.float64]
    ask_price: npt.NDArray[np.float64]
    ask_size: npt.NDArray[np.float64]
    exchange: list[str]
    condition: list[str]
    suspicious: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.time)

    def take(self, keep: npt.NDArray[np.bool_]) -> TickColumns:
        exchange = [value for value, kept in zip(self.exchange, keep.tolist(), strict=True) if kept]
        condition = [value for value, kept in zip(self.condition, keep.tolist(), strict=True) if kept]
        return TickColumns(self.kind, self.time[keep], self.price[keep], self.quantity[keep], self.bid_price[keep],
                           self.bid_size[keep], self.ask_price[keep], self.ask_size[keep], exchange, condition,
                           self.suspicious[keep])

    @staticmethod
    def concatenate(kind: str, parts: list[TickColumns]) -> TickColumns:
        if not parts:
            empty = np.empty(0)
            return TickColumns(kind, np.empty(0, dtype=np.int64), empty, empty, empty, empty, empty, empty, [], [],
                               np.empty(0, dtype=bool))
        if len(parts) == 1:
            return parts[0]
        return TickColumns(kind, np.concatenate([p.time for p in parts]), np.concatenate([p.price for p in parts]),
                           np.concatenate([p.quantity for p in parts]), np.concatenate([p.bid_price for p in parts]),
                           np.concatenate([p.bid_size for p in parts]), np.concatenate([p.ask_price for p in parts]),
                           np.concatenate([p.ask_size for p in parts]), [e for p in parts for e in p.exchange],
                           [c for p in parts for c in p.condition], np.concatenate([p.suspicious for p in parts]))


def tick_zip_path(ticker: str, day: date, kind: str) -> Path:
    """The zip of one day's ticks relative to the data folder: ``equity/usa/tick/spy/20131007_trade.zip``."""
    return Path("equity") / "usa" / "tick" / ticker.lower() / f"{day:%Y%m%d}_{kind}.zip"


def read_tick_file(path: Path, kind: str, day: date) -> TickColumns:
    """Every tick of one day's zip, prices unscaled to dollars, times as local nanoseconds of ``day``."""
    with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as entry:
        names = _TRADE_COLUMNS if kind == "trade" else _QUOTE_COLUMNS
        frame = pd.read_csv(entry, header=None, names=names, dtype={"exchange": str, "condition": str},
                            keep_default_na=False)
    time = date_to_ns(day) + frame["ms"].to_numpy(dtype=np.int64) * _NS_PER_MS
    count = len(frame)
    zeros = np.zeros(count)
    exchange = frame["exchange"].str.strip().tolist()
    condition = frame["condition"].tolist()
    suspicious = frame["suspicious"].to_numpy() == 1
    if kind == "trade":
        price = frame["price"].to_numpy(dtype=np.float64) / _PRICE_SCALE
        return TickColumns(kind, time, price, frame["quantity"].to_numpy(dtype=np.float64), zeros, zeros, zeros,
                           zeros, exchange, condition, suspicious)
    bid = frame["bid_price"].to_numpy(dtype=np.float64) / _PRICE_SCALE
    ask = frame["ask_price"].to_numpy(dtype=np.float64) / _PRICE_SCALE
    both = (bid != 0) & (ask != 0)
    value = np.where(both, (bid + ask) / 2, bid + ask)  # LEAN's Tick.SetValue: the mid, or the side present
    return TickColumns(kind, time, value, zeros, bid, frame["bid_size"].to_numpy(dtype=np.float64), ask,
                       frame["ask_size"].to_numpy(dtype=np.float64), exchange, condition, suspicious)


def read_tick_days(data_folder: Path, map_file: MapFile, days: Sequence[date], kind: str,
                   open_windows: Callable[[date], Windows] | None) -> TickColumns:
    """The ticks of ``days`` (files that are missing are days without data), in time order.

    With ``open_windows`` only ticks at ``open <= time < close`` of a window are kept (the exchange is
    closed at its closing instant, so a 16:00:00.000 print is after hours).
    """
    parts = []
    for day in days:
        if not map_file.has_data(day):
            continue
        path = data_folder / tick_zip_path(map_file.mapped_ticker(day), day, kind)
        if not path.is_file():
            continue
        columns = read_tick_file(path, kind, day)
        if open_windows is not None:
            base = date_to_ns(day)
            keep = np.zeros(len(columns), dtype=bool)
            for start, end in open_windows(day):
                keep |= (columns.time >= base + _ns(start)) & (columns.time < base + _ns(end))
            columns = columns.take(keep)
        parts.append(columns)
    return TickColumns.concatenate(kind, parts)


def _ns(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000_000 + span.microseconds * 1000
