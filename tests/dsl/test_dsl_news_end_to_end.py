"""The seed's "Trend + Positive News" example, end to end: headlines → VADER sentiment files → compiled
LEAN algorithm reading them as custom data → a completed backtest on the real sample data."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

from lean_runner.dsl import compile_spec
from lean_runner.engine.data.news_sentiment import import_news
from lean_runner.engine.launcher import LaunchConfig, run_backtest

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS = ("AAPL", "GOOG", "FB", "IBM")


def _overlay(lean_data: Path, folder: Path) -> Path:
    """A data folder that links every part of the shared data and adds its own alternative/news-sentiment."""
    folder.mkdir()
    for entry in lean_data.iterdir():
        if entry.name != "alternative":
            (folder / entry.name).symlink_to(entry)
    (folder / "alternative").mkdir()
    for entry in (lean_data / "alternative").iterdir():
        (folder / "alternative" / entry.name).symlink_to(entry)
    return folder


def _headlines(path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "symbol", "headline"])
        day = date(2017, 6, 1)
        while day <= date(2018, 12, 31):
            for symbol in SYMBOLS:
                text = ("Record profits and strong growth delight investors" if day.month % 2
                        else "Shares slump after disappointing results and lawsuit")
                writer.writerow([f"{day.isoformat()}T14:30:00", symbol, text])
            day += timedelta(days=1)


def test_trend_positive_news_runs_on_the_engine_with_sentiment_data(tmp_path: Path, lean_data: Path,
                                                                     parse_cache: Path) -> None:
    data = _overlay(lean_data, tmp_path / "data")
    _headlines(tmp_path / "headlines.csv")
    written = import_news(tmp_path / "headlines.csv", data)
    assert {p.stem for p in written} == {s.lower() for s in SYMBOLS}

    spec = json.loads((ROOT / "test-project" / "strategies" / "trend_positive_news.json").read_text())
    config = {"start_date": "2017-06-01", "end_date": "2018-12-31", "initial_capital": 100000}
    algorithm = tmp_path / "main.py"
    algorithm.write_text(compile_spec(spec, config))

    launch = LaunchConfig(algorithm_location=algorithm, algorithm_type_name=None, algorithm_id="news",
                          data_folder=data, results_folder=tmp_path / "out", cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(launch, stream=console)
    assert outcome.status == "Completed", outcome.error
    assert int(outcome.statistics["Total Orders"]) >= 2  # sentiment flips every month, so it trades
