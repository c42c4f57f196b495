"""News sentiment import: headlines CSV in, daily per-symbol VADER files out, and the DSL's check of them."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lean_runner.dsl import validate_spec
from lean_runner.engine.data.news_sentiment import (
    NewsImportError,
    import_news,
    import_news_command,
    read_sentiment_file,
    sentiment_file,
)

HEADLINES = """timestamp,symbol,headline,source
2020-01-02T14:30:00Z,AAPL,Apple shares surge after record holiday sales,wire
2020-01-02T21:00:00Z,AAPL,Analysts praise Apple's strong services growth,wire
2020-01-03,aapl,Apple faces lawsuit over battery problems,wire
2020-01-03T03:00:00+00:00,IBM,IBM misses revenue estimates and stock plunges,wire
"""
VADER = SentimentIntensityAnalyzer()


def _score(text: str) -> float:
    return float(VADER.polarity_scores(text)["compound"])


@pytest.fixture
def headlines(tmp_path: Path) -> Path:
    path = tmp_path / "headlines.csv"
    path.write_text(HEADLINES)
    return path


def test_import_writes_one_daily_file_per_symbol_with_mean_vader_scores(headlines: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    written = import_news(headlines, data)
    assert written == [data / "alternative" / "news-sentiment" / "aapl.csv",
                       data / "alternative" / "news-sentiment" / "ibm.csv"]
    apple = read_sentiment_file(written[0])
    first = (_score("Apple shares surge after record holiday sales")
             + _score("Analysts praise Apple's strong services growth")) / 2
    assert [(d.day, d.headlines) for d in apple.values()] == [(date(2020, 1, 2), 2), (date(2020, 1, 3), 1)]
    assert apple[date(2020, 1, 2)].score == pytest.approx(first, abs=1e-6)
    assert apple[date(2020, 1, 3)].score == pytest.approx(_score("Apple faces lawsuit over battery problems"), abs=1e-6)
    lines = written[0].read_text().splitlines()
    assert lines[0] == f"20200102,{first:.6f},2"


def test_timestamps_with_a_zone_count_in_new_york_time(headlines: Path, tmp_path: Path) -> None:
    import_news(headlines, tmp_path)
    # 03:00 UTC on January 3rd is the evening of January 2nd in New York
    assert list(read_sentiment_file(sentiment_file(tmp_path, "IBM"))) == [date(2020, 1, 2)]
    assert _score("IBM misses revenue estimates and stock plunges") < 0


def test_importing_again_replaces_the_days_it_has_and_keeps_the_others(headlines: Path, tmp_path: Path) -> None:
    import_news(headlines, tmp_path)
    newer = tmp_path / "newer.csv"
    newer.write_text("symbol,headline,timestamp\nAAPL,Apple stock crashes on terrible guidance,2020-01-03T15:00:00\n"
                     "AAPL,Apple wins award,2020-01-06T15:00:00\n")
    import_news(newer, tmp_path)
    apple = read_sentiment_file(sentiment_file(tmp_path, "AAPL"))
    assert list(apple) == [date(2020, 1, 2), date(2020, 1, 3), date(2020, 1, 6)]
    assert apple[date(2020, 1, 3)].score == pytest.approx(_score("Apple stock crashes on terrible guidance"), abs=1e-6)


@pytest.mark.parametrize(("content", "message"), [
    ("when,symbol,headline\n2020-01-02,AAPL,x\n",
     "the header row must name the columns timestamp, symbol, headline; missing timestamp"),
    ("timestamp,symbol,headline\nyesterday,AAPL,Good news\n2020-01-02,$$,Good news\n2020-01-02,AAPL,\n",
     "3 bad lines: line 2: timestamp 'yesterday' is not ISO 8601 (like 2020-01-02T14:30:00Z); line 3: symbol '$$' "
     "is not a ticker like AAPL; line 4: the headline is empty"),
    ("", "missing timestamp, symbol, headline (found: an empty file)"),
])
def test_a_bad_csv_is_rejected_whole_with_every_bad_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(NewsImportError) as raised:
        import_news(path, tmp_path / "data")
    assert message in str(raised.value)
    assert not (tmp_path / "data").exists()


def test_the_command_prints_the_files_and_fails_on_a_bad_csv(headlines: Path, tmp_path: Path) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    assert import_news_command(headlines, tmp_path, out=out, err=err) == 0
    assert "Wrote news sentiment for 2 symbols" in out.getvalue()
    assert import_news_command(tmp_path / "missing.csv", tmp_path, out=out, err=err) == 1
    assert "cannot read" in err.getvalue()


def _sentiment_spec() -> dict[str, object]:
    example = Path(__file__).resolve().parents[3] / "test-project" / "strategies" / "trend_positive_news.json"
    spec: dict[str, object] = json.loads(example.read_text())
    return copy.deepcopy(spec)


def test_a_spec_using_sentiment_fails_validation_naming_the_symbols_without_data(headlines: Path,
                                                                                 tmp_path: Path,
                                                                                 lean_data: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for part in ("equity", "market-hours", "symbol-properties"):
        (data / part).symlink_to(lean_data / part)
    spec = _sentiment_spec()
    config = {"start_date": "2015-01-01", "end_date": "2020-12-31"}
    [error] = validate_spec(spec, config, data_folder=data).errors
    assert error.path == "entry.conditions[1].indicator"
    assert error.message.startswith("No news sentiment data for 4 of 4 symbols: AAPL, GOOG, FB, IBM")
    assert "workbench data import-news" in error.message
    import_news(headlines, data)
    [error] = validate_spec(spec, config, data_folder=data).errors
    assert error.message.startswith("No news sentiment data for 2 of 4 symbols: GOOG, FB")
