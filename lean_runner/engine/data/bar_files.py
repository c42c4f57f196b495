"""Loading bar arrays from LEAN zip files (through the parse cache) and session filtering.

:class:`BarFileLoader` turns a map file plus a date range into raw arrays
``(time_ns, end_time_ns, values)`` where ``values`` holds the file's columns
unscaled. The helpers below apply LEAN's session rules to such arrays: a bar is
kept when ``[time, end)`` overlaps an open stretch of its day, and daily bars are
re-timed to span the regular session.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from .lean_csv import (
    QUOTE_VALUE_COLUMNS,
    TRADE_VALUE_COLUMNS,
    parse_dated_csv,
    parse_intraday_csv,
    read_first_csv_entry,
    record_dtype,
)
from .map_files import MapFile
from .market_hours import ExchangeHours
from .parse_cache import ParsedArrayCache
from .paths import bar_period_ns, relative_zip_path
from .timeconv import NS_PER_DAY, date_to_ns, datetime_to_ns, distinct_with_inverse, ns_to_date, timedelta_to_ns

__all__ = ["BarArrays", "BarFileLoader", "calendar_days", "daily_session_times", "overlaps_open"]

Records = npt.NDArray[np.void]
BarArrays = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]
Windows = tuple[tuple[timedelta, timedelta], ...]
_RANGE_CACHE_MIN_FILES = 20
_NO_START = np.iinfo(np.int64).max
_NO_END = np.iinfo(np.int64).min


def calendar_days(start: date, end: date) -> list[date]:
    """Every calendar day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _value_columns(kind: str) -> int:
    return TRADE_VALUE_COLUMNS if kind == "trade" else QUOTE_VALUE_COLUMNS


def _parse_intraday_file(path: Path, day: date, columns: int) -> Records:
    try:
        return parse_intraday_csv(read_first_csv_entry(path), day, columns)
    except (zipfile.BadZipFile, ValueError) as error:
        raise ValueError(f"cannot read LEAN bar file {path}: {error}") from error


def _parse_dated_file(path: Path, columns: int) -> Records:
    try:
        return parse_dated_csv(read_first_csv_entry(path), columns)
    except (zipfile.BadZipFile, ValueError) as error:
        raise ValueError(f"cannot read LEAN bar file {path}: {error}") from error


def _to_arrays(parts: list[Records], columns: int, period: int) -> BarArrays:
    """Times, end times and the value matrix; the matrix may be a (read-only) view of the records."""
    if len(parts) == 1:
        merged = parts[0]  # one part (a cached range): no concatenated copy
    else:
        merged = np.concatenate(parts) if parts else np.empty(0, dtype=record_dtype(columns))
    times = merged["t"].astype(np.int64, copy=True)
    return times, times + period, np.asarray(merged["v"], dtype=np.float64).reshape(-1, columns)


class BarFileLoader:
    """Reads per-day (minute/second) and single-file (daily/hour) zips of one data folder."""

    def __init__(self, data_folder: Path, cache: ParsedArrayCache) -> None:
        self.data_folder = Path(data_folder)
        self.cache = cache

    def intraday(
        self,
        map_file: MapFile,
        days: Sequence[date],
        res: str,
        kind: str,
        security_type: str,
        market: str,
        windows: Callable[[date], Windows] | None,
    ) -> BarArrays:
        """Bars of the day files for ``days``; with ``windows``, each day is sliced to its open stretches.

        Days outside the map file's life or without a file are skipped. Rows
        are sorted, so slicing is two binary searches per window.
        """
        columns = _value_columns(kind)
        dtype = record_dtype(columns)
        period = bar_period_ns(res)
        base = os.path.join(self.data_folder, security_type.lower(), market.lower(), res)
        files: list[tuple[date, str, str, os.stat_result, Windows | None]] = []
        for day in days:
            if not map_file.has_data(day):
                continue
            stamp = f"{day.year:04d}{day.month:02d}{day.day:02d}"
            path = os.path.join(base, map_file.mapped_ticker(day), f"{stamp}_{kind}.zip")
            try:
                stat = os.stat(path)
            except OSError:
                continue
            files.append((day, stamp, path, stat, windows(day) if windows is not None else None))
        # A long range is also cached whole: one read instead of one per day file (thousands for years).
        range_entry = None
        if len(files) >= _RANGE_CACHE_MIN_FILES:
            material = "\n".join(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{day_windows}"
                                  for _, _, path, stat, day_windows in files)
            range_entry = self.cache.entry_for_material(f"range:{res}:{kind}\n{material}")
            cached = self.cache.load(range_entry, dtype) if range_entry is not None else None
            if cached is not None:
                return _to_arrays([cached], columns, period)
        parts: list[Records] = []
        for day, stamp, path, stat, day_windows in files:
            parse = partial(_parse_intraday_file, Path(path), day, columns)
            records = self.cache.get_or_parse(path, f"{res}:{kind}:{stamp}", dtype, parse, stat)
            if day_windows is None:
                parts.append(records)
                continue
            times = records["t"]
            midnight = date_to_ns(day)
            for window_start, window_end in day_windows:
                # keep starts with t + period > open and t < close
                first = np.searchsorted(
                    times, midnight + timedelta_to_ns(window_start) - period, side="right"
                )
                last = np.searchsorted(times, midnight + timedelta_to_ns(window_end), side="left")
                if last > first:
                    parts.append(records[first:last])
        if range_entry is not None:
            self.cache.store(range_entry, np.concatenate(parts) if parts else np.empty(0, dtype=dtype))
        return _to_arrays(parts, columns, period)

    def dated(
        self, map_file: MapFile, res: str, start: date, end: date, kind: str, security_type: str, market: str
    ) -> BarArrays:
        """Rows dated ``start..end`` of the daily/hour zip of each mapped ticker segment."""
        columns = _value_columns(kind)
        parts: list[Records] = []
        for first, last, mapped in map_file.ticker_segments(start, end):
            path = self.data_folder / relative_zip_path(security_type, market, res, mapped, None, kind)
            if not path.is_file():
                continue
            parse = partial(_parse_dated_file, path, columns)
            records = self.cache.get_or_parse(path, f"{res}:{kind}", record_dtype(columns), parse)
            stamps = records["t"]
            low = int(np.searchsorted(stamps, date_to_ns(first), side="left"))
            high = int(np.searchsorted(stamps, date_to_ns(last + timedelta(days=1)), side="left"))
            parts.append(records[low:high])
        return _to_arrays(parts, columns, bar_period_ns(res))


def daily_session_times(
    stamps: npt.NDArray[np.int64], values: npt.NDArray[np.float64], hours: ExchangeHours
) -> BarArrays:
    """Daily bars span the regular session (LEAN DailyPreciseEndTime); closed days are dropped."""
    opens = np.empty(stamps.size, dtype=np.int64)
    closes = np.empty(stamps.size, dtype=np.int64)
    keep = np.zeros(stamps.size, dtype=bool)
    for i, stamp in enumerate(stamps.tolist()):
        day = ns_to_date(stamp)
        market_open, market_close = hours.market_open(day), hours.market_close(day)
        if market_open is None or market_close is None:
            continue
        opens[i] = datetime_to_ns(market_open)
        closes[i] = datetime_to_ns(market_close)
        keep[i] = True
    return opens[keep], closes[keep], values[keep]


def overlaps_open(
    times: npt.NDArray[np.int64], ends: npt.NDArray[np.int64], hours: ExchangeHours, extended: bool
) -> npt.NDArray[np.bool_]:
    """True for bars whose ``[time, end)`` overlaps an open stretch of their day (vectorised per day)."""
    if times.size == 0:
        return np.zeros(0, dtype=bool)
    unique_days, inverse = distinct_with_inverse(times // NS_PER_DAY)
    windows = [hours.open_windows(ns_to_date(int(d) * NS_PER_DAY), extended) for d in unique_days.tolist()]
    keep = np.zeros(times.size, dtype=bool)
    for k in range(max((len(w) for w in windows), default=0)):
        lows = np.full(unique_days.size, _NO_START, dtype=np.int64)
        highs = np.full(unique_days.size, _NO_END, dtype=np.int64)
        for i, (day, day_windows) in enumerate(zip(unique_days.tolist(), windows, strict=True)):
            if k < len(day_windows):
                midnight = int(day) * NS_PER_DAY
                lows[i] = midnight + timedelta_to_ns(day_windows[k][0])
                highs[i] = midnight + timedelta_to_ns(day_windows[k][1])
        keep |= (times < highs[inverse]) & (ends > lows[inverse])
    return keep
