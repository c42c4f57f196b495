"""News sentiment data: score headlines with VADER and write daily per-symbol files under the data folder.

``import_news("headlines.csv", data_folder)`` reads a CSV with the columns ``timestamp``,
``symbol`` and ``headline`` (a header row names them; other columns are ignored), scores every
headline with VADER's compound score (-1 most negative .. 1 most positive), and writes one file
per symbol, ``<data folder>/alternative/news-sentiment/<symbol>.csv``, one line a day::

    20200102,0.361200,5

that is the day (``YYYYMMDD``), the mean compound score of that day's headlines and their number;
no header, oldest first, as LEAN's custom data readers expect. Timestamps are ISO 8601 (``2020-01-02``,
``2020-01-02T14:30:00Z``, ``2020-01-02 09:30:00-05:00``); those with a time zone are converted to
New York time, those without are taken as New York time. Importing again replaces the days the
new CSV has and keeps the others.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "RELATIVE_FOLDER",
    "DailySentiment",
    "NewsImportError",
    "import_news",
    "import_news_command",
    "read_headlines",
    "read_sentiment_file",
    "score_headlines",
    "sentiment_file",
    "write_sentiment_file",
]

RELATIVE_FOLDER = Path("alternative") / "news-sentiment"
COLUMNS = ("timestamp", "symbol", "headline")
_NEW_YORK = ZoneInfo("America/New_York")
_SYMBOL = re.compile(r"[A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)?")
_MAX_LISTED = 10


class NewsImportError(ValueError):
    """The headlines file cannot be imported; the message names the file, the lines and the fix."""


@dataclass(frozen=True)
class Headline:
    day: date
    symbol: str
    text: str


@dataclass(frozen=True)
class DailySentiment:
    day: date
    score: float
    headlines: int


def sentiment_file(data_folder: Path, symbol: str) -> Path:
    """``<data folder>/alternative/news-sentiment/<symbol in lower case>.csv``."""
    return Path(data_folder) / RELATIVE_FOLDER / f"{symbol.lower()}.csv"


def _day_of(text: str) -> date:
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(_NEW_YORK)
    return moment.date()


def read_headlines(csv_path: Path) -> list[Headline]:
    """The headlines of a CSV file; raises :class:`NewsImportError` listing every bad line."""
    path = Path(csv_path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise NewsImportError(f"cannot read {path}: {error.strerror or error}") from error
    with handle:
        reader = csv.reader(handle)
        header = [cell.strip().lower() for cell in next(reader, [])]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise NewsImportError(f"{path}: the header row must name the columns {', '.join(COLUMNS)}; "
                                  f"missing {', '.join(missing)} (found: {', '.join(header) or 'an empty file'})")
        index = {name: header.index(name) for name in COLUMNS}
        headlines: list[Headline] = []
        problems: list[str] = []
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
            symbol = cells["symbol"].upper()
            try:
                day = _day_of(cells["timestamp"])
            except ValueError:
                problems.append(f"line {number}: timestamp {cells['timestamp']!r} is not ISO 8601 "
                                f"(like 2020-01-02T14:30:00Z)")
                continue
            if not _SYMBOL.fullmatch(symbol):
                problems.append(f"line {number}: symbol {cells['symbol']!r} is not a ticker like AAPL")
            elif not cells["headline"]:
                problems.append(f"line {number}: the headline is empty")
            else:
                headlines.append(Headline(day, symbol, cells["headline"]))
    if problems:
        shown = "; ".join(problems[:_MAX_LISTED])
        more = f" (and {len(problems) - _MAX_LISTED} more)" if len(problems) > _MAX_LISTED else ""
        raise NewsImportError(f"{path}: {len(problems)} bad line{'s' if len(problems) > 1 else ''}: {shown}{more}")
    return headlines


def score_headlines(headlines: Iterable[Headline], analyzer: Any = None) -> dict[str, dict[date, DailySentiment]]:
    """Per symbol and day: the mean VADER compound score of the day's headlines, and their number."""
    if analyzer is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
    scores: dict[tuple[str, date], list[float]] = defaultdict(list)
    for headline in headlines:
        scores[(headline.symbol, headline.day)].append(float(analyzer.polarity_scores(headline.text)["compound"]))
    result: dict[str, dict[date, DailySentiment]] = defaultdict(dict)
    for (symbol, day), values in scores.items():
        result[symbol][day] = DailySentiment(day, sum(values) / len(values), len(values))
    return dict(result)


def read_sentiment_file(path: Path) -> dict[date, DailySentiment]:
    """The days of a sentiment file (empty when there is none)."""
    days: dict[date, DailySentiment] = {}
    if not Path(path).is_file():
        return days
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cells = line.strip().split(",")
        if len(cells) < 3 or not cells[0].isdigit():
            continue
        day = datetime.strptime(cells[0], "%Y%m%d").date()
        days[day] = DailySentiment(day, float(cells[1]), int(cells[2]))
    return days


def write_sentiment_file(path: Path, days: Iterable[DailySentiment]) -> None:
    """Write the days oldest first, atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{d.day:%Y%m%d},{d.score:.6f},{d.headlines}\n" for d in sorted(days, key=lambda d: d.day)]
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_news(csv_path: Path, data_folder: Path, *, analyzer: Any = None) -> list[Path]:
    """Score the headlines of ``csv_path`` and merge them into the data folder's sentiment files.

    Returns the files written, one per symbol, in symbol order. Raises :class:`NewsImportError`
    (nothing written) when the CSV has a bad header or bad lines.

    Example::

        import_news(Path("headlines.csv"), Path("data"))
        # [.../alternative/news-sentiment/aapl.csv, .../alternative/news-sentiment/ibm.csv]
    """
    headlines = read_headlines(csv_path)
    written = []
    for symbol, days in sorted(score_headlines(headlines, analyzer).items()):
        path = sentiment_file(data_folder, symbol)
        merged = {**read_sentiment_file(path), **days}
        write_sentiment_file(path, merged.values())
        written.append(path)
    return written


def import_news_command(csv_path: Path, data_folder: Path, *, out: Any = None, err: Any = None) -> int:
    """``workbench data import-news HEADLINES.csv``: import, print the files written; exit 0, or 1 on a bad CSV."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    try:
        written = import_news(csv_path, data_folder)
    except NewsImportError as error:
        err.write(f"error: {error}\n")
        return 1
    for path in written:
        out.write(f"{path}\n")
    out.write(f"Wrote news sentiment for {len(written)} symbol{'s' if len(written) != 1 else ''} "
              f"under {Path(data_folder) / RELATIVE_FOLDER}\n")
    return 0
