"""Ticker history from LEAN map files (``equity/usa/map_files/{permtick}.csv``).

A row ``yyyyMMdd,ticker,exchange[,mode]`` means "up to and including this date
the data lives under ``ticker``". The first row is the first date the security
exists (the SID date); the last row is the delisting date (``20501231`` while
still listed). A ticker with no map file maps to itself on every date; its
``first_date`` is ``None`` (LEAN then uses SID date OADate 0, *not* 1998-01-02)
and its ``delisting_date`` is LEAN's end of time, 2050-12-31.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

__all__ = ["END_OF_TIME", "MapFile", "MapFileProvider", "MapFileRow"]

END_OF_TIME = date(2050, 12, 31)


@dataclass(frozen=True)
class MapFileRow:
    """One map-file row; tickers are kept lower-case as on disk."""

    date: date
    ticker: str
    exchange: str | None = None
    mapping_mode: str | None = None


def _parse_day(text: str) -> date:
    text = text.strip()
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def read_map_rows(path: Path) -> list[MapFileRow]:
    """Parse a map file into rows sorted by date (duplicate dates keep the first row)."""
    rows: dict[date, MapFileRow] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = [p.strip() for p in line.strip().split(",")]
            if len(parts) < 2 or not parts[0][:8].isdigit():
                continue
            day = _parse_day(parts[0])
            if day not in rows:
                rows[day] = MapFileRow(
                    day,
                    parts[1].lower(),
                    parts[2] if len(parts) > 2 and parts[2] else None,
                    parts[3] if len(parts) > 3 and parts[3] else None,
                )
    return [rows[d] for d in sorted(rows)]


class MapFile:
    """The ticker history of one security (a permtick)."""

    def __init__(self, permtick: str, rows: list[MapFileRow]) -> None:
        self.permtick = permtick.lower()
        self.rows: tuple[MapFileRow, ...] = tuple(sorted(rows, key=lambda r: r.date))
        self._dates = [r.date for r in self.rows]
        self.first_date: date | None = self._dates[0] if self.rows else None
        self.delisting_date: date = self._dates[-1] if self.rows else END_OF_TIME
        first = self.rows[0].ticker if self.rows else self.permtick
        # LEAN strips a numeric ".N" suffix of reused tickers (fb.1 -> fb).
        head, dot, tail = first.rpartition(".")
        self.first_ticker: str = head if dot and head and tail.isdigit() else first

    @property
    def exists(self) -> bool:
        """True when this map file had rows (False for the identity fallback)."""
        return bool(self.rows)

    def __repr__(self) -> str:
        return f"MapFile({self.permtick!r}, first={self.first_date}, delisted={self.delisting_date})"

    def mapped_ticker(self, day: date) -> str:
        """Ticker whose files hold ``day``: the first row with ``row.date >= day``.

        After the last row the last ticker is returned; without rows, the permtick.
        """
        if not self.rows:
            return self.permtick
        index = bisect.bisect_left(self._dates, day)
        return self.rows[min(index, len(self.rows) - 1)].ticker

    def has_data(self, day: date) -> bool:
        """False before the first date or after the delisting date (LEAN ``MapFile.HasData``)."""
        if not self.rows:
            return True
        return self._dates[0] <= day <= self._dates[-1]

    def ticker_segments(self, start: date, end: date) -> list[tuple[date, date, str]]:
        """Split ``[start, end]`` (clipped to the listed life) into ``(from, to, ticker)`` runs."""
        if not self.rows:
            return [(start, end, self.permtick)] if start <= end else []
        start = max(start, self._dates[0])
        end = min(end, self._dates[-1])
        segments: list[tuple[date, date, str]] = []
        cursor = start
        while cursor <= end:
            index = bisect.bisect_left(self._dates, cursor)
            row = self.rows[index]
            segment_end = min(row.date, end)
            if segments and segments[-1][2] == row.ticker:
                segments[-1] = (segments[-1][0], segment_end, row.ticker)
            else:
                segments.append((cursor, segment_end, row.ticker))
            cursor = segment_end + timedelta(days=1)
        return segments


class MapFileProvider:
    """Reads and caches map files of one market folder."""

    def __init__(self, data_folder: Path, market: str = "usa", security_type: str = "equity") -> None:
        self.folder = Path(data_folder) / security_type.lower() / market.lower() / "map_files"
        self._cache: dict[str, MapFile] = {}
        self._index: dict[str, list[tuple[date, str]]] | None = None

    def get(self, ticker: str) -> MapFile:
        """The map file named after ``ticker``; else the one LEAN's resolver picks today; else identity."""
        key = ticker.lower()
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        path = self.folder / f"{key}.csv"
        if path.is_file():
            result = MapFile(key, read_map_rows(path))
        else:
            resolved = self.resolve(key, date.today())
            result = resolved if resolved is not None else MapFile(key, [])
        self._cache[key] = result
        return result

    def _build_index(self) -> dict[str, list[tuple[date, str]]]:
        index: dict[str, list[tuple[date, str]]] = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*.csv")):
                permtick = path.name[: -len(".csv")].lower()
                for row in read_map_rows(path):
                    index.setdefault(row.ticker, []).append((row.date, permtick))
        for entries in index.values():
            entries.sort()
        return index

    def resolve(self, ticker: str, on: date) -> MapFile | None:
        """Map file of the security that traded as ``ticker`` on ``on`` (LEAN ``MapFileResolver``).

        Takes the first row across all map files with that ticker and a date on
        or after ``on`` (the last such row when ``on`` is later than all of them).
        Returns None when no map file mentions the ticker or the security had not
        started by ``on``.
        """
        if self._index is None:
            self._index = self._build_index()
        entries = self._index.get(ticker.lower())
        if not entries:
            return None
        position = bisect.bisect_left(entries, (on, ""))
        permtick = entries[min(position, len(entries) - 1)][1]
        path = self.folder / f"{permtick}.csv"
        map_file = self._cache.get(permtick) or MapFile(permtick, read_map_rows(path))
        self._cache.setdefault(permtick, map_file)
        if map_file.first_date is not None and map_file.first_date > on:
            return None
        return map_file
