"""Checks of a spec against a LEAN data folder: symbols without data, dates outside it, missing sentiment files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from lean_runner.dsl.problems import Path as SpecPath
from lean_runner.dsl.problems import Report
from lean_runner.engine.data.news_sentiment import RELATIVE_FOLDER, sentiment_file
from lean_runner.engine.data.reader import LeanDataReader

__all__ = ["check_market_data", "check_sentiment_data", "sentiment_usages"]

_LISTED = 40


def _names(symbols: Sequence[str]) -> str:
    shown = ", ".join(symbols[:_LISTED])
    return shown + (f" and {len(symbols) - _LISTED} more" if len(symbols) > _LISTED else "")


def check_market_data(report: Report, data_folder: Path, symbols: Sequence[str], symbols_path: SpecPath,
                      resolution: str, start: date | None, end: date | None) -> None:
    """Error for symbols without ``resolution`` data; for the backtest dates, an error when no symbol has data
    in them and a warning for symbols whose data does not cover them."""
    reader = LeanDataReader(data_folder, use_cache=False)
    missing = [s for s in symbols if not reader.has_data(s, resolution)]
    if missing:
        report.error(symbols_path, (
            f"{len(missing)} of {len(symbols)} symbols have no {resolution} data in {data_folder}: "
            f"{_names(missing)}. Add LEAN-format data for them (lean-cli's `lean data download`, or your own files "
            f"under equity/usa/{resolution}/), generate synthetic data with `workbench data generate --symbols "
            f"{','.join(missing[:5])}{',...' if len(missing) > 5 else ''} --resolution {resolution} --start ... "
            f"--end ... --out DATA_FOLDER`, or trade other symbols"))
    if start is None or end is None:
        return
    spans: dict[str, tuple[date, date]] = {}
    for symbol in symbols:
        if symbol in missing:
            continue
        days = reader.available_dates(symbol, resolution)
        if days:
            spans[symbol] = (days[0], days[-1])
    if not spans:
        return
    first, last = min(s[0] for s in spans.values()), max(s[1] for s in spans.values())
    if start > last:
        report.error(("config", "start_date"), f"Must be on or before {last:%Y-%m-%d}: the {resolution} data of "
                                               f"the universe ends then")
    elif end < first:
        report.error(("config", "end_date"), f"Must be on or after {first:%Y-%m-%d}: the {resolution} data of "
                                             f"the universe starts then")
    else:
        late = [f"{s} (from {a:%Y-%m-%d})" for s, (a, _) in spans.items() if a > start]
        early = [f"{s} (until {b:%Y-%m-%d})" for s, (_, b) in spans.items() if b < end]
        if late:
            report.warn(("config", "start_date"), f"{len(late)} symbols have no data yet on {start:%Y-%m-%d} and "
                                                  f"join the backtest later: {_names(late)}")
        if early:
            report.warn(("config", "end_date"), f"{len(early)} symbols have no data up to {end:%Y-%m-%d}: "
                                                f"{_names(early)}")


def sentiment_usages(node: Any, path: SpecPath = ()) -> Iterator[SpecPath]:
    """Paths of the ``news_sentiment`` expressions anywhere in a raw spec."""
    if isinstance(node, dict):
        if node.get("indicator") == "news_sentiment":
            yield path
        for key, value in node.items():
            yield from sentiment_usages(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from sentiment_usages(value, (*path, index))


def check_sentiment_data(report: Report, data_folder: Path, symbols: Sequence[str], spec: Any) -> None:
    """An error at the first ``news_sentiment`` expression naming the symbols without a sentiment file."""
    first = next(sentiment_usages(spec), None)
    if first is None:
        return
    missing = [s for s in symbols if not sentiment_file(data_folder, s).is_file()]
    if missing:
        report.error((*first, "indicator"), (
            f"No news sentiment data for {len(missing)} of {len(symbols)} symbols: {_names(missing)} (expected "
            f"{Path(data_folder) / RELATIVE_FOLDER}/<symbol>.csv). Import headlines with "
            f"`workbench data import-news HEADLINES.csv` (columns timestamp, symbol, headline)"))
