"""Read LEAN-format bar data from a data folder into :class:`TradeBars` / :class:`QuoteBars`.

Rules (reference §1.1-1.2): tickers are lower-case in paths; prices are stored
x10000; daily bars span the day's regular session (09:30 to 16:00, or the early
close); hour bars are ``[stamp, stamp + 1h)``; minute/second bars are
``[midnight + ms, + period)``. Hour/minute/second bars are kept when they
overlap an open stretch of their day (regular hours, or 04:00-20:00 with
``extended_market_hours``), which for aligned bars means ``open <= start <
close``. Map files choose which ticker's files hold each date (GOOG before
2014-04-02 lives under ``goocv``), for every resolution, and dates outside the
map file's first/delisting dates have no data, as in LEAN. Missing minute or
second days (weekends, holidays, gaps) are skipped silently; only
:meth:`LeanDataReader.require` raises :class:`DataNotFoundError`. Bar times are
exchange-local naive nanoseconds; files kept in another data time zone are
converted. Parsed zips are cached on disk (see :mod:`.parse_cache`).
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from .bar_files import BarArrays, BarFileLoader, calendar_days, daily_session_times, overlaps_open
from .bars import QuoteBars, TradeBars
from .map_files import MapFile, MapFileProvider
from .market_hours import ExchangeHours, MarketHoursDatabase
from .parse_cache import ParsedArrayCache, default_cache_folder
from .paths import INTRADAY_RESOLUTIONS, normalize_kind, normalize_resolution, relative_zip_path
from .timeconv import NS_PER_DAY, date_to_ns, local_ns_to_utc_ns, ns_to_date, utc_ns_to_local_ns

__all__ = ["DataNotFoundError", "LeanDataReader"]

_SCALED_TYPES = frozenset({"equity", "option"})  # prices stored x10000
_MAPPED_TYPES = frozenset({"equity"})  # security types with map files
_PRICE_SCALE = 10_000.0
_HINT = "Generate data with `workbench data generate ...` or point --data-folder at a LEAN data folder."
_LEAN_TYPE_NAMES = MappingProxyType(
    {
        "equity": "Equity",
        "option": "Option",
        "forex": "Forex",
        "future": "Future",
        "futureoption": "FutureOption",
        "cfd": "Cfd",
        "crypto": "Crypto",
        "cryptofuture": "CryptoFuture",
        "index": "Index",
        "indexoption": "IndexOption",
        "base": "Base",
    }
)


class DataNotFoundError(LookupError):
    """Required market data is missing; the message names the file or folder and the fix."""


class LeanDataReader:
    """Reads raw (unadjusted) bars from a LEAN data folder, caching parsed zips on disk."""

    def __init__(
        self,
        data_folder: Path,
        cache_folder: Path | None = None,
        market_hours: MarketHoursDatabase | None = None,
        *,
        use_cache: bool = True,
    ) -> None:
        self.data_folder = Path(data_folder)
        folder = cache_folder if cache_folder is not None else default_cache_folder()
        self.cache = ParsedArrayCache(folder if use_cache else None)
        self._files = BarFileLoader(self.data_folder, self.cache)
        self._database = market_hours
        self._database_loaded = market_hours is not None
        self._fallback_hours: ExchangeHours | None = None
        self._map_providers: dict[tuple[str, str], MapFileProvider] = {}

    # ------------------------------------------------------------------ reference data
    @property
    def market_hours(self) -> MarketHoursDatabase | None:
        """The market-hours database (loaded from the data folder on first use; None if absent)."""
        if not self._database_loaded:
            self._database_loaded = True
            try:
                self._database = MarketHoursDatabase.load(self.data_folder)
            except FileNotFoundError:
                self._database = None
        return self._database

    def exchange_hours(
        self, security_type: str = "equity", market: str = "usa", ticker: str = "[*]"
    ) -> ExchangeHours:
        """Hours for a security; US equities fall back to built-in rules when the database is absent."""
        database = self.market_hours
        lean_type = _LEAN_TYPE_NAMES.get(security_type.lower(), security_type)
        symbol = ticker if ticker == "[*]" else ticker.upper()
        if database is not None:
            try:
                return database.exchange_hours(lean_type, market, symbol)
            except KeyError:
                if (security_type.lower(), market.lower()) != ("equity", "usa"):
                    raise
        elif (security_type.lower(), market.lower()) != ("equity", "usa"):
            raise FileNotFoundError(
                f"no market-hours database in {self.data_folder} (needed for {security_type}/{market})"
            )
        if self._fallback_hours is None:
            self._fallback_hours = ExchangeHours.us_equity_default()
        return self._fallback_hours

    def map_file(self, ticker: str, security_type: str = "equity", market: str = "usa") -> MapFile:
        """Map file for ``ticker`` (identity for security types without map files)."""
        if security_type.lower() not in _MAPPED_TYPES:
            return MapFile(ticker, [])
        key = (security_type.lower(), market.lower())
        provider = self._map_providers.get(key)
        if provider is None:
            provider = MapFileProvider(self.data_folder, market, security_type)
            self._map_providers[key] = provider
        return provider.get(ticker)

    # ------------------------------------------------------------------ public reads
    def trade_bars(
        self,
        ticker: str,
        resolution: str,
        start: date,
        end: date,
        *,
        extended_market_hours: bool = False,
        security_type: str = "equity",
        market: str = "usa",
    ) -> TradeBars:
        """Raw trade bars of ``ticker`` for dates ``start..end`` inclusive, sorted by time."""
        times, ends, values = self._read(
            ticker, resolution, start, end, "trade", extended_market_hours, security_type, market
        )
        # ``values`` may be a read-only view of cached records: scaling makes new arrays.
        prices = values[:, :4] / _PRICE_SCALE if security_type.lower() in _SCALED_TYPES else values[:, :4]
        return TradeBars(times, ends, prices[:, 0], prices[:, 1], prices[:, 2], prices[:, 3], values[:, 4])

    def quote_bars(
        self,
        ticker: str,
        resolution: str,
        start: date,
        end: date,
        *,
        extended_market_hours: bool = False,
        security_type: str = "equity",
        market: str = "usa",
    ) -> QuoteBars:
        """Raw quote bars; empty for equity daily/hour, which LEAN has no quote files for."""
        res = normalize_resolution(resolution)
        if security_type.lower() == "equity" and res not in INTRADAY_RESOLUTIONS:
            return QuoteBars.empty()
        times, ends, values = self._read(
            ticker, res, start, end, "quote", extended_market_hours, security_type, market
        )
        # ``values`` may be a read-only view of cached records: each side is made as a new array.
        scale = _PRICE_SCALE if security_type.lower() in _SCALED_TYPES else 1.0
        columns: list[npt.NDArray[np.float64]] = []
        for first in (0, 5):
            prices = values[:, first : first + 4] / scale
            sizes = values[:, first + 4].copy()
            missing = np.all(prices == 0.0, axis=1)  # a side without a quote
            prices[missing] = np.nan
            sizes[missing] = 0.0
            columns.extend([prices[:, 0], prices[:, 1], prices[:, 2], prices[:, 3], sizes])
        return QuoteBars(times, ends, *columns)

    def available_dates(
        self,
        ticker: str,
        resolution: str,
        kind: str = "trade",
        *,
        security_type: str = "equity",
        market: str = "usa",
    ) -> list[date]:
        """Dates with a data file (minute/second) or a row (daily/hour) for ``ticker``, map-file aware."""
        res = normalize_resolution(resolution)
        kind = normalize_kind(kind)
        map_file = self.map_file(ticker, security_type, market)
        if res not in INTRADAY_RESOLUTIONS:
            if kind == "quote" and security_type.lower() == "equity":
                return []
            life_start = map_file.first_date or date(1900, 1, 1)
            times, _, _ = self._files.dated(
                map_file, res, life_start, map_file.delisting_date, kind, security_type, market
            )
            return sorted({ns_to_date(t) for t in (times // NS_PER_DAY * NS_PER_DAY).tolist()})
        pattern = re.compile(rf"^(\d{{8}})_{kind}\.zip$")
        found: set[date] = set()
        tickers = {row.ticker for row in map_file.rows} | {map_file.permtick}
        for folder_ticker in sorted(tickers):
            folder = (
                self.data_folder
                / relative_zip_path(security_type, market, res, folder_ticker, date(2000, 1, 1)).parent
            )
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                match = pattern.match(name)
                if match is None:
                    continue
                text = match.group(1)
                day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
                if map_file.has_data(day) and map_file.mapped_ticker(day) == folder_ticker:
                    found.add(day)
        return sorted(found)

    def has_data(
        self,
        ticker: str,
        resolution: str,
        kind: str = "trade",
        *,
        security_type: str = "equity",
        market: str = "usa",
    ) -> bool:
        """True when at least one file for ``ticker`` exists at ``resolution``."""
        res = normalize_resolution(resolution)
        kind = normalize_kind(kind)
        if res in INTRADAY_RESOLUTIONS:
            return bool(self.available_dates(ticker, res, kind, security_type=security_type, market=market))
        if kind == "quote" and security_type.lower() == "equity":
            return False
        map_file = self.map_file(ticker, security_type, market)
        tickers = {row.ticker for row in map_file.rows} | {map_file.permtick}
        return any(self._path(security_type, market, res, t, None, kind).is_file() for t in tickers)

    def require(
        self,
        ticker: str,
        resolution: str,
        start: date | None = None,
        end: date | None = None,
        *,
        kind: str = "trade",
        every_day: bool = True,
        security_type: str = "equity",
        market: str = "usa",
    ) -> None:
        """Raise :class:`DataNotFoundError` naming the first missing file/folder, else return.

        Daily/hour: the zip of each mapped ticker in the range must exist. Minute/
        second with a range: every trading day in it needs its zip (or, with
        ``every_day=False``, at least one day); without a range, at least one file.
        """
        res = normalize_resolution(resolution)
        kind = normalize_kind(kind)
        symbol = ticker.upper()
        where = f"in {self.data_folder}"
        if security_type.lower() == "equity" and kind == "quote" and res not in INTRADAY_RESOLUTIONS:
            raise DataNotFoundError(
                f"No {res} quote data exists for equities ({symbol}): LEAN only has trade bars there."
            )
        map_file = self.map_file(ticker, security_type, market)
        if res not in INTRADAY_RESOLUTIONS:
            first = start or map_file.first_date or date(1900, 1, 1)
            last = end or map_file.delisting_date
            segments = map_file.ticker_segments(first, last) or [(first, last, map_file.permtick)]
            for _, _, mapped in segments:
                relative = relative_zip_path(security_type, market, res, mapped, None, kind)
                if not (self.data_folder / relative).is_file():
                    raise DataNotFoundError(
                        f"No {res} data for {symbol} {where}: expected {relative.as_posix()}. {_HINT}"
                    )
            return
        if start is None or end is None:
            if not self.available_dates(ticker, res, kind, security_type=security_type, market=market):
                folder = relative_zip_path(
                    security_type, market, res, map_file.permtick, date(2000, 1, 1)
                ).parent
                raise DataNotFoundError(
                    f"No {res} data for {symbol} {where}: expected {folder.as_posix()}/yyyyMMdd_{kind}.zip "
                    f"files. {_HINT}"
                )
            return
        hours = self.exchange_hours(security_type, market, ticker)
        days = [d for d in hours.trading_days(start, end) if map_file.has_data(d)]
        missing = []
        for day in days:
            relative = relative_zip_path(security_type, market, res, map_file.mapped_ticker(day), day, kind)
            if not (self.data_folder / relative).is_file():
                if every_day:
                    raise DataNotFoundError(
                        f"No {res} data for {symbol} on {day.isoformat()} {where}: "
                        f"expected {relative.as_posix()}. {_HINT}"
                    )
                missing.append(relative)
        if not days or len(missing) == len(days):
            expected = missing[0].as_posix() if missing else f"{res} files between {start} and {end}"
            raise DataNotFoundError(
                f"No {res} data for {symbol} between {start.isoformat()} and {end.isoformat()} {where}: "
                f"expected {expected}. {_HINT}"
            )

    # ------------------------------------------------------------------ internals
    def _path(
        self, security_type: str, market: str, res: str, ticker: str, day: date | None, kind: str
    ) -> Path:
        return self.data_folder / relative_zip_path(security_type, market, res, ticker, day, kind)

    def _read(
        self,
        ticker: str,
        resolution: str,
        start: date,
        end: date,
        kind: str,
        extended: bool,
        security_type: str,
        market: str,
    ) -> BarArrays:
        res = normalize_resolution(resolution)
        hours = self.exchange_hours(security_type, market, ticker)
        map_file = self.map_file(ticker, security_type, market)
        shifted = hours.data_time_zone.key != hours.time_zone.key
        if res in INTRADAY_RESOLUTIONS:
            if not shifted:
                days = hours.trading_days(start, end)
                return self._files.intraday(
                    map_file,
                    days,
                    res,
                    kind,
                    security_type,
                    market,
                    partial(hours.open_windows, extended=extended),
                )
            # File days are data-time-zone days: read a day either side, convert, then filter.
            days = calendar_days(start - timedelta(days=1), end + timedelta(days=1))
            times, ends, values = self._files.intraday(map_file, days, res, kind, security_type, market, None)
        else:
            times, ends, values = self._files.dated(map_file, res, start, end, kind, security_type, market)
            if res == "daily":
                return daily_session_times(times, values, hours)
        if shifted:
            period = ends - times
            times = utc_ns_to_local_ns(local_ns_to_utc_ns(times, hours.data_time_zone), hours.time_zone)
            ends = times + period
        keep = overlaps_open(times, ends, hours, extended)
        if shifted:
            keep &= (times >= date_to_ns(start)) & (times < date_to_ns(end + timedelta(days=1)))
        return times[keep], ends[keep], values[keep]
