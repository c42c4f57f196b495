"""Generate synthetic LEAN-format US equity data (geometric Brownian motion).

Writes trade zips (and quote zips with a small spread for minute/second) for
each symbol over the trading days of a range, plus a map file, a neutral
factor file, an interest-rate file and a ``SYNTHETIC.json`` marker, so the
folder can be read by :class:`LeanDataReader` and run by the engine.

Trading days and early closes come from ``market_hours`` if given, else from
``template_data_folder``'s market-hours database, else from the built-in US
rules of :mod:`lean_runner.engine.data.us_calendar` (weekdays minus regular
NYSE holidays; one-off closures are not modelled). Only regular-session bars
are written. The same seed gives byte-identical zips: each symbol draws from
``SeedSequence([seed, crc32(SYMBOL)])`` and zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import json
import shutil
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .interest_rate import INTEREST_RATE_RELATIVE_PATH
from .lean_writer import format_int_rows, row_byte_lengths, write_zip
from .market_hours import MARKET_HOURS_RELATIVE_PATH, ExchangeHours, MarketHoursDatabase
from .paths import INTRADAY_RESOLUTIONS, bar_period_ns, entry_name, normalize_resolution, relative_zip_path
from .symbol_properties import SYMBOL_PROPERTIES_RELATIVE_PATH
from .timeconv import NS_PER_HOUR, NS_PER_MINUTE, NS_PER_MS, NS_PER_SECOND, timedelta_to_ns

__all__ = ["GENERATOR_NAME", "generate_synthetic_data"]

GENERATOR_NAME = "lean-workbench synthetic GBM"
GENERATOR_VERSION = 1
MARKER_FILE = "SYNTHETIC.json"
_TRADING_SECONDS_PER_YEAR = 252 * 6.5 * 3600
_VOLUME_RANGES = MappingProxyType(
    {
        "daily": (1_000_000, 50_000_000),
        "hour": (100_000, 5_000_000),
        "minute": (1_000, 100_000),
        "second": (100, 5_000),
    }
)


@dataclass(frozen=True)
class _Grid:
    """Bar starts of the whole range: day index per bar and offset from midnight."""

    days: list[date]
    day_index: npt.NDArray[np.int64]
    offset_ns: npt.NDArray[np.int64]
    years: npt.NDArray[np.float64]


def _calendar(
    market_hours: MarketHoursDatabase | None, template: Path | None, start: date, end: date
) -> tuple[ExchangeHours, str]:
    if market_hours is not None:
        return market_hours.exchange_hours("Equity", "usa"), "market-hours-database"
    if template is not None and (template / MARKET_HOURS_RELATIVE_PATH).is_file():
        return MarketHoursDatabase.load(template).exchange_hours("Equity", "usa"), "market-hours-database"
    return ExchangeHours.us_equity_default(start.year - 1, end.year + 1), "built-in US holiday rules"


def _grid(hours: ExchangeHours, days: list[date], resolution: str) -> _Grid:
    """Bar starts: one daily bar, hour stamps overlapping the session, or every period in it."""
    opens = np.array([timedelta_to_ns(hours.open_windows(d)[0][0]) for d in days], dtype=np.int64)
    closes = np.array([timedelta_to_ns(hours.open_windows(d)[-1][1]) for d in days], dtype=np.int64)
    if resolution == "daily":
        index = np.arange(len(days), dtype=np.int64)
        return _Grid(days, index, np.zeros(len(days), dtype=np.int64), np.full(len(days), 1 / 252))
    period = bar_period_ns(resolution)
    first = opens // period * period if resolution == "hour" else opens
    counts = (closes - first + period - 1) // period
    index = np.repeat(np.arange(len(days), dtype=np.int64), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    offsets = first[index] + (np.arange(index.size, dtype=np.int64) - starts) * period
    covered = np.minimum(offsets + period, closes[index]) - np.maximum(offsets, opens[index])
    return _Grid(days, index, offsets, covered / NS_PER_SECOND / _TRADING_SECONDS_PER_YEAR)


def _gbm_bars(
    rng: np.random.Generator,
    grid: _Grid,
    resolution: str,
    start_price: float,
    drift: float,
    volatility: float,
) -> npt.NDArray[np.int64]:
    """Integer OHLCV matrix (prices x10000) following a GBM path."""
    count = grid.years.size
    dt = grid.years
    shocks = rng.standard_normal(count)
    log_returns = (drift - 0.5 * volatility**2) * dt + volatility * np.sqrt(dt) * shocks
    close = start_price * np.exp(np.cumsum(log_returns))
    open_ = np.concatenate(([start_price], close[:-1]))
    wiggle = 0.5 * volatility * np.sqrt(dt)
    high = np.maximum(open_, close) * np.exp(np.abs(rng.standard_normal(count)) * wiggle)
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.standard_normal(count)) * wiggle)
    low_volume, high_volume = _VOLUME_RANGES[resolution]
    volume = rng.integers(low_volume, high_volume, count, dtype=np.int64)
    prices = np.rint(np.column_stack([open_, high, low, close]) * 10_000).astype(np.int64)
    return np.column_stack([np.maximum(prices, 1), volume])


def _quotes(rng: np.random.Generator, trades: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Bid/ask OHLC around the trade prices with a spread of max(1 cent, 2 bp), plus sizes."""
    prices = trades[:, :4]
    spread = np.maximum(100, np.rint(prices[:, 3] * 0.0002).astype(np.int64))[:, None]
    bid = np.maximum(prices - spread // 2, 1)
    ask = prices + (spread - spread // 2)
    sizes = rng.integers(1, 100, (prices.shape[0], 2), dtype=np.int64) * 100
    return np.column_stack([bid, sizes[:, 0], ask, sizes[:, 1]])


def _write_intraday(
    out: Path, symbol: str, resolution: str, grid: _Grid, rows: npt.NDArray[np.int64], kind: str
) -> list[Path]:
    """One zip per day; rows are formatted in one vectorised pass and sliced per day."""
    ms = grid.offset_ns // NS_PER_MS
    text = format_int_rows(np.column_stack([ms, rows]))
    ends = np.cumsum(row_byte_lengths(np.column_stack([ms, rows])))
    per_day = np.bincount(grid.day_index, minlength=len(grid.days))
    last_row = np.cumsum(per_day) - 1
    written: list[Path] = []
    begin = 0
    for i, day in enumerate(grid.days):
        if per_day[i] == 0:
            continue
        stop = int(ends[last_row[i]])
        path = out / relative_zip_path("equity", "usa", resolution, symbol, day, kind)
        write_zip(path, entry_name(resolution, symbol, day, kind), text[begin:stop])
        written.append(path)
        begin = stop
    return written


def _write_dated(out: Path, symbol: str, resolution: str, grid: _Grid, rows: npt.NDArray[np.int64]) -> Path:
    """A single daily/hour zip with ``yyyyMMdd HH:mm`` stamps."""
    stamps = [
        f"{grid.days[d]:%Y%m%d} {offset // NS_PER_HOUR:02d}:{offset // NS_PER_MINUTE % 60:02d}"
        for d, offset in zip(grid.day_index.tolist(), grid.offset_ns.tolist(), strict=True)
    ]
    lines = format_int_rows(rows).decode("ascii").splitlines()
    text = "".join(f"{stamp},{line}\n" for stamp, line in zip(stamps, lines, strict=True))
    path = out / relative_zip_path("equity", "usa", resolution, symbol)
    write_zip(path, entry_name(resolution, symbol), text.encode("ascii"))
    return path


def _coarser(grid: _Grid, rows: npt.NDArray[np.int64], resolution: str) -> tuple[_Grid, npt.NDArray[np.int64]]:
    """Hour or daily bars aggregated from a finer path, so every resolution tells the same story."""
    if resolution == "daily":
        keys = grid.day_index
        offsets = np.zeros(0, dtype=np.int64)
    else:
        keys = grid.day_index * 24 + grid.offset_ns // NS_PER_HOUR
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.concatenate((starts[1:], [keys.size])) - 1
    aggregated = np.column_stack([
        rows[starts, 0], np.maximum.reduceat(rows[:, 1], starts), np.minimum.reduceat(rows[:, 2], starts),
        rows[ends, 3], np.add.reduceat(rows[:, 4], starts)])
    day_index = grid.day_index[starts]
    if resolution == "daily":
        offsets = np.zeros(starts.size, dtype=np.int64)
    else:
        offsets = grid.offset_ns[starts] // NS_PER_HOUR * NS_PER_HOUR
    return _Grid(grid.days, day_index, offsets, np.zeros(starts.size)), aggregated


def _write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _copy_reference_files(
    out: Path, template: Path | None, market_hours: MarketHoursDatabase | None
) -> list[Path]:
    """Market-hours and symbol-properties databases from the template; an interest-rate file."""
    written: list[Path] = []
    sources: list[tuple[Path | None, Path]] = [
        (template / MARKET_HOURS_RELATIVE_PATH if template else None, MARKET_HOURS_RELATIVE_PATH),
        (template / SYMBOL_PROPERTIES_RELATIVE_PATH if template else None, SYMBOL_PROPERTIES_RELATIVE_PATH),
        (template / INTEREST_RATE_RELATIVE_PATH if template else None, INTEREST_RATE_RELATIVE_PATH),
    ]
    if (sources[0][0] is None or not sources[0][0].is_file()) and market_hours is not None:
        sources[0] = (market_hours.source, MARKET_HOURS_RELATIVE_PATH)
    for source, relative in sources:
        if source is not None and source.is_file():
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
        elif relative == INTEREST_RATE_RELATIVE_PATH:
            written.append(_write_text(out / relative, "DATE,PCREDIT8\n1998-01-02,1.00\n"))
    return written


def generate_synthetic_data(
    out: Path,
    symbols: list[str],
    start: date,
    end: date,
    resolution: str,
    seed: int,
    *,
    start_price: float = 100.0,
    annual_drift: float = 0.07,
    annual_volatility: float = 0.2,
    market_hours: MarketHoursDatabase | None = None,
    template_data_folder: Path | None = None,
) -> list[Path]:
    """Write synthetic LEAN data for ``symbols`` into ``out`` and return the files written."""
    res = normalize_resolution(resolution)
    if not symbols:
        raise ValueError("at least one symbol is required")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    out = Path(out)
    template = Path(template_data_folder) if template_data_folder is not None else None
    hours, calendar = _calendar(market_hours, template, start, end)
    days = hours.trading_days(start, end)
    if not days:
        raise ValueError(f"no trading days between {start} and {end}")
    grid = _grid(hours, days, res)
    written: list[Path] = []
    for symbol in symbols:
        ticker = symbol.lower()
        rng = np.random.default_rng(
            np.random.SeedSequence([seed, zlib.crc32(symbol.upper().encode("utf-8"))])
        )
        trades = _gbm_bars(rng, grid, res, start_price, annual_drift, annual_volatility)
        if res in INTRADAY_RESOLUTIONS:
            written += _write_intraday(out, ticker, res, grid, trades, "trade")
            written += _write_intraday(out, ticker, res, grid, _quotes(rng, trades), "quote")
        else:
            written.append(_write_dated(out, ticker, res, grid, trades))
        # Coarser resolutions from the same path: the engine's hourly benchmark feed and daily
        # algorithms then work on a folder generated at minute or second resolution.
        for coarser in ("hour", "daily")[("hour", "daily").index(res) + 1 if res in ("hour", "daily") else 0:]:
            coarse_grid, coarse_rows = _coarser(grid, trades, coarser)
            written.append(_write_dated(out, ticker, coarser, coarse_grid, coarse_rows))
        first = f"{days[0]:%Y%m%d}"
        written.append(
            _write_text(
                out / "equity/usa/map_files" / f"{ticker}.csv", f"{first},{ticker},Q\n20501231,{ticker},Q\n"
            )
        )
        written.append(
            _write_text(out / "equity/usa/factor_files" / f"{ticker}.csv", f"{first},1,1,1\n20501231,1,1,0\n")
        )
    written += _copy_reference_files(out, template, market_hours)
    marker = {
        "generator": GENERATOR_NAME,
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "symbols": [s.upper() for s in symbols],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "resolution": res,
        "trading_days": len(days),
        "calendar": calendar,
        "start_price": start_price,
        "annual_drift": annual_drift,
        "annual_volatility": annual_volatility,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    written.append(_write_text(out / MARKER_FILE, json.dumps(marker, indent=2, sort_keys=True) + "\n"))
    return written
