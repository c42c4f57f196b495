"""Period, count and quote consolidation of real SPY minute bars against a pandas resample reference."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from lean_runner.engine.consolidators import QuoteBarConsolidator, TradeBarConsolidator, round_down
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import Bar, QuoteBar

_AGG = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}


def _dotnet_grid_origin(day: date, period: timedelta) -> datetime:
    """A grid point at or before ``day`` 00:00 for a period counted from 0001-01-01 (.NET ticks)."""
    minutes_since_year_one = (day - date(1, 1, 1)).days * 1440
    period_minutes = int(period.total_seconds() // 60)
    return datetime(day.year, day.month, day.day) - timedelta(minutes=minutes_since_year_one % period_minutes)


def _reference(frame: pd.DataFrame, period: timedelta, origin: datetime) -> pd.DataFrame:
    grouped = frame.resample(period, origin=pd.Timestamp(origin), label="left", closed="left").agg(_AGG)
    return grouped.dropna(subset=["open"])


def _assert_matches(emitted: list, reference: pd.DataFrame, period: timedelta) -> None:
    bars = [bar for _, bar in emitted]
    assert [b.time for b in bars] == list(reference.index.to_pydatetime())
    for bar, (_, row) in zip(bars, reference.iterrows(), strict=True):
        assert bar.end_time == bar.time + period
        assert bar.period == period
        assert (bar.open, bar.high, bar.low, bar.close) == pytest.approx(
            (row["open"], row["high"], row["low"], row["close"]))
        assert bar.volume == pytest.approx(row["volume"])


@pytest.mark.parametrize("period", [
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1),
    timedelta(minutes=45), timedelta(minutes=7), timedelta(minutes=17), timedelta(days=1),
    Resolution.HOUR, Resolution.MINUTE,
], ids=str)
def test_time_period_bars_match_pandas_resample(drive, spy_minute, spy_frame, period) -> None:
    span = timedelta(hours=1) if period is Resolution.HOUR else timedelta(minutes=1) \
        if period is Resolution.MINUTE else period
    emitted = drive(TradeBarConsolidator(period), spy_minute, until=datetime(2013, 10, 14))
    _assert_matches(emitted, _reference(spy_frame, span, _dotnet_grid_origin(date(2013, 10, 6), span)), span)
    # every bar is emitted at its end time: in the slice that closes it, or by the scan of past bars
    assert all(clock == bar.end_time for clock, bar in emitted)


def test_seventeen_minute_grid_is_not_reset_at_midnight() -> None:
    """LEAN issue #6624's output: a 17-minute bar at 2021-01-01 00:00 starts at 2020-12-31 23:44."""
    assert round_down(datetime(2021, 1, 1, 0, 0), timedelta(minutes=17)) == datetime(2020, 12, 31, 23, 44)
    assert round_down(datetime(2021, 1, 1, 0, 17), timedelta(minutes=17)) == datetime(2021, 1, 1, 0, 1)
    assert round_down(datetime(2013, 10, 7, 9, 47), timedelta(minutes=30)) == datetime(2013, 10, 7, 9, 30)


@pytest.mark.parametrize(("period", "start_time", "origin", "first"), [
    (timedelta(minutes=4), timedelta(hours=9, minutes=30), datetime(2013, 10, 7, 9, 30), (9, 30)),
    (timedelta(minutes=30), timedelta(minutes=15), datetime(2013, 10, 7, 0, 15), (9, 15)),
    (timedelta(hours=1), timedelta(minutes=30), datetime(2013, 10, 7, 0, 30), (9, 30)),
])
def test_start_time_shifts_the_grid(drive, spy_minute, spy_frame, period, start_time, origin, first) -> None:
    emitted = drive(TradeBarConsolidator(period, start_time), spy_minute, until=datetime(2013, 10, 14))
    _assert_matches(emitted, _reference(spy_frame, period, origin), period)
    assert emitted[0][1].time == datetime(2013, 10, 7, *first)
    assert all(clock == bar.end_time for clock, bar in emitted)


@pytest.mark.parametrize("count", [1, 2, 7, 60, 390, 1000])
def test_count_bars_chunk_the_stream(drive, spy_minute, count) -> None:
    emitted = drive(TradeBarConsolidator(count), spy_minute, until=datetime(2013, 10, 14))
    chunks = [spy_minute[i:i + count] for i in range(0, len(spy_minute) - count + 1, count)]
    assert len(emitted) == len(chunks)
    for (clock, bar), chunk in zip(emitted, chunks, strict=True):
        assert clock == chunk[-1].end_time  # emitted by the update of the N-th bar; scan never emits
        assert (bar.time, bar.end_time) == (chunk[0].time, chunk[-1].end_time)
        assert bar.period == chunk[-1].end_time - chunk[0].time
        assert bar.open == chunk[0].open and bar.close == chunk[-1].close
        assert bar.high == max(b.high for b in chunk) and bar.low == min(b.low for b in chunk)
        assert bar.volume == pytest.approx(sum(b.volume for b in chunk))


def test_mixed_mode_emits_on_count_or_period(drive, spy_minute) -> None:
    emitted = drive(TradeBarConsolidator(10, timedelta(minutes=4)), spy_minute[:30])
    # the period (4 minutes, not rounded) wins: a bar every 4 inputs, starting at its first input
    assert [bar.time.minute for _, bar in emitted][:3] == [30, 34, 38]
    emitted = drive(TradeBarConsolidator(3, timedelta(hours=1)), spy_minute[:30])
    assert [bar.time.minute for _, bar in emitted][:3] == [30, 33, 36]


def test_quote_bars_aggregate_each_side(drive, spy_quotes) -> None:
    period = timedelta(minutes=30)
    emitted = drive(QuoteBarConsolidator(period), spy_quotes, until=datetime(2013, 10, 14))
    frame = pd.DataFrame({f"{side}_{field}": [getattr(getattr(q, side), field) for q in spy_quotes]
                          for side in ("bid", "ask") for field in ("open", "high", "low", "close")},
                         index=pd.DatetimeIndex([q.time for q in spy_quotes]))
    frame["bid_size"] = [q.last_bid_size for q in spy_quotes]
    frame["ask_size"] = [q.last_ask_size for q in spy_quotes]
    agg = {f"{side}_{field}": how for side in ("bid", "ask")
           for field, how in (("open", "first"), ("high", "max"), ("low", "min"), ("close", "last"))}
    agg.update(bid_size="last", ask_size="last")
    reference = frame.resample(period, label="left", closed="left").agg(agg).dropna()
    bars = [bar for _, bar in emitted]
    assert all(isinstance(bar, QuoteBar) for bar in bars)
    assert [b.time for b in bars] == list(reference.index.to_pydatetime())
    for bar, (_, row) in zip(bars, reference.iterrows(), strict=True):
        assert bar.end_time == bar.time + period
        for side in ("bid", "ask"):
            got = getattr(bar, side)
            assert (got.open, got.high, got.low, got.close) == pytest.approx(
                tuple(row[f"{side}_{f}"] for f in ("open", "high", "low", "close")))
        assert (bar.last_bid_size, bar.last_ask_size) == (row["bid_size"], row["ask_size"])
        assert bar.close == pytest.approx((row["bid_close"] + row["ask_close"]) / 2)


def test_quote_bar_with_one_side_missing_takes_the_side_when_it_appears(spy) -> None:
    consolidator = QuoteBarConsolidator(timedelta(minutes=5))
    start = datetime(2013, 10, 7, 9, 30)
    consolidator.update(QuoteBar(start, spy, None, 0, None, 0))
    consolidator.update(QuoteBar(start + timedelta(minutes=1), spy, Bar(10, 11, 9, 10.5), 100, None, 0))
    consolidator.update(QuoteBar(start + timedelta(minutes=2), spy, Bar(10.5, 12, 10, 11), 200, Bar(11, 11, 11, 11),
                                 5))
    working = consolidator.working_data
    assert (working.bid.open, working.bid.high, working.bid.low, working.bid.close) == (10, 12, 9, 11)
    assert (working.ask.open, working.ask.close, working.last_bid_size, working.last_ask_size) == (11, 11, 200, 5)
    consolidator.scan(start + timedelta(minutes=5))
    assert consolidator.consolidated.time == start and consolidator.working_data is None
