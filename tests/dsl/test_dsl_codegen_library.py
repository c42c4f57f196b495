"""The indicator classes the generated algorithm carries, fed real SPY bars, against independent computations."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional, Union, cast

import numpy as np
import pandas as pd
import pytest

from lean_runner.dsl import codegen_library as lib
from lean_runner.engine.data.reader import LeanDataReader


class Bar:
    def __init__(self, time: datetime, open: float, high: float, low: float, close: float, volume: float) -> None:
        self.time, self.end_time = time, time + timedelta(days=1)
        self.open, self.high, self.low, self.close, self.volume = open, high, low, close, volume


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    """The library's source executed as the generated algorithm would run it."""
    from collections import deque

    namespace: dict[str, Any] = {"deque": deque, "math": math, "Optional": Optional, "Union": Union, "cast": cast,
                                 "TradeBar": Bar, "BARS_PER_YEAR": 252, "datetime": datetime,
                                 "timedelta": timedelta, "Symbol": object, "date": object}
    sources = [lib.FEATURE_BASE, *lib.HELPER_CLASSES.values(), *(s for _, s in lib.FEATURE_CLASSES.values())]
    for source in dict.fromkeys(sources):
        exec(source, namespace)
    return namespace


@pytest.fixture(scope="module")
def spy(lean_data: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    reader = LeanDataReader(lean_data, cache_folder=tmp_path_factory.mktemp("cache"))
    bars = reader.trade_bars("SPY", "daily", date(2015, 1, 1), date(2016, 12, 31))
    return pd.DataFrame({"open": bars.open, "high": bars.high, "low": bars.low, "close": bars.close,
                         "volume": bars.volume}, index=pd.to_datetime(np.asarray(bars.time)))


def _feed(feature: Any, frame: pd.DataFrame) -> list[float | None]:
    values = []
    for row in frame.itertuples():
        feature.update(Bar(row.Index.to_pydatetime(), row.open, row.high, row.low, row.close, row.volume))
        values.append(feature.value)
    return values


def _wilder(values: pd.Series, n: int) -> pd.Series:
    out, current = [], 0.0
    for i, value in enumerate(values):
        current = current + (value - current) / (i + 1) if i < n else value / n + current * (1 - 1 / n)
        out.append(current if i >= n - 1 else np.nan)
    return pd.Series(out, index=values.index)


def _rsi(close: pd.Series, n: int) -> pd.Series:
    change = close.diff().iloc[1:]
    gain, loss = _wilder(change.clip(lower=0), n), _wilder((-change).clip(lower=0), n)
    return (100 - 100 / (1 + gain / loss)).reindex(close.index)


def _macd(close: pd.Series, output: str) -> pd.Series:
    line = (close.ewm(span=12, adjust=False).mean() - close.ewm(span=26, adjust=False).mean()).iloc[25:]
    signal = line.ewm(span=9, adjust=False).mean()
    values = {"line": line, "signal": signal, "histogram": line - signal}[output]
    return values.where(np.arange(len(values)) >= 8).reindex(close.index)


def _atr(frame: pd.DataFrame, n: int) -> pd.Series:
    previous = frame["close"].shift()
    true_range = pd.concat([frame["high"] - frame["low"], (frame["high"] - previous).abs(),
                            (frame["low"] - previous).abs()], axis=1).max(axis=1)
    return _wilder(true_range, n)


REFERENCES: list[tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = [
    ("sma", "Sma(20)", lambda f: f["close"].rolling(20).mean()),
    ("ema", "Ema(10)", lambda f: f["close"].ewm(span=10, adjust=False).mean().where(np.arange(len(f)) >= 9)),
    ("rsi", "Rsi(14)", lambda f: _rsi(f["close"], 14)),
    ("macd line", "Macd(12, 26, 9, 'line')", lambda f: _macd(f["close"], "line")),
    ("macd signal", "Macd(12, 26, 9, 'signal')", lambda f: _macd(f["close"], "signal")),
    ("macd histogram", "Macd(12, 26, 9, 'histogram')", lambda f: _macd(f["close"], "histogram")),
    ("bollinger upper", "Bollinger(20, 2.0, 'upper')",
     lambda f: f["close"].rolling(20).mean() + 2 * f["close"].rolling(20).std(ddof=0)),
    ("bollinger lower", "Bollinger(20, 2.0, 'lower')",
     lambda f: f["close"].rolling(20).mean() - 2 * f["close"].rolling(20).std(ddof=0)),
    ("atr", "Atr(14)", lambda f: _atr(f, 14)),
    ("roc", "Returns(5)", lambda f: f["close"].pct_change(5)),
    ("volatility", "Volatility(20, True)", lambda f: f["close"].pct_change().rolling(20).std() * math.sqrt(252)),
    ("rolling max of highs", "RollingExtreme(10, 'high', highest=True)", lambda f: f["high"].rolling(10).max()),
    ("rolling min of lows, lagged", "RollingExtreme(10, 'low', highest=False, lag=1)",
     lambda f: f["low"].rolling(10).min().shift(1)),
    ("price", "Price('open')", lambda f: f["open"]),
    ("volume", "Volume()", lambda f: f["volume"]),
]


@pytest.mark.parametrize(("constructor", "reference"), [(c, r) for _, c, r in REFERENCES],
                         ids=[name for name, _, _ in REFERENCES])
def test_generated_indicator_matches_an_independent_computation(library: dict[str, Any], spy: pd.DataFrame,
                                                                constructor: str,
                                                                reference: Callable[[pd.DataFrame], pd.Series]) -> None:
    values = pd.Series([np.nan if v is None else v for v in _feed(eval(constructor, library), spy)], index=spy.index)
    expected = reference(spy)
    assert values.isna().tolist() == expected.isna().tolist()
    assert np.allclose(values.dropna(), expected.dropna(), rtol=1e-9, atol=1e-9)


def test_sentiment_averages_the_days_with_news_in_the_window(library: dict[str, Any]) -> None:
    sentiment = library["Sentiment"](3)
    day = datetime(2020, 1, 6)
    for offset, score in [(0, 0.5), (1, -0.1), (3, 0.3)]:
        sentiment.add(day + timedelta(days=offset + 1), score)
    values = []
    for offset in range(6):
        bar = Bar(day + timedelta(days=offset), 1, 1, 1, 1, 1)
        sentiment.update(bar)
        values.append(sentiment.value)
    assert values == pytest.approx([0.5, 0.2, 0.2, 0.1, 0.3, 0.3])


@pytest.mark.parametrize(("op", "left", "right", "expected"), [
    (">", [1, 2], [1, 1], True), ("<", [1, 2], [1, 1], False), (">=", [1, 1], [1, 1], True),
    ("<=", [3, 2], [1, 2], True), ("crosses_above", [0, 2], [1, 1], True), ("crosses_above", [2, 3], [1, 1], False),
    ("crosses_below", [2, 0], [1, 1], True), ("crosses_below", [0, 0], [1, 1], False),
])
def test_compare_operators(library: dict[str, Any], op: str, left: list[float], right: list[float],
                           expected: bool) -> None:
    def feature(values: list[float]) -> Any:
        made = library["Price"]("close")
        for value in values:
            made.update(Bar(datetime(2020, 1, 1), value, value, value, value, 1))
        return made

    assert library["compare"](feature(left), op, feature(right)) is expected


def test_compare_is_false_while_an_indicator_is_not_ready(library: dict[str, Any]) -> None:
    assert library["compare"](library["Sma"](3), ">", 0.0) is False
