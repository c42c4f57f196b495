"""Tick resolution on LEAN's real tick files (``equity/usa/tick``: trades and quotes for AIG, BAC, IBM,
trades for SPY, 2013-10-07 to 2013-10-11), checked against the files themselves and against LEAN's
minute files for the same days. The rules every difference follows are in docs/tick-data.md.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from lean_runner.engine.consolidators import TickConsolidator, TickQuoteBarConsolidator, create_consolidator
from lean_runner.engine.data.tick_files import read_tick_file, tick_zip_path
from lean_runner.engine.enums import Resolution
from lean_runner.engine.launcher import LaunchConfig, run_backtest
from lean_runner.engine.market_data import TICK_TYPE_QUOTE, TICK_TYPE_TRADE, Tick

RECORDER = Path(__file__).parent / "algorithms" / "tick_recorder.py"
DAYS = [date(2013, 10, day) for day in range(7, 12)]
OPEN_MS, CLOSE_MS = 9 * 3_600_000 + 30 * 60_000, 16 * 3_600_000
FIRST_MINUTE_MS, LAST_MINUTE_MS = OPEN_MS, CLOSE_MS - 60_000
# LEAN's TradeConditionFlags (Common/Data/Auxiliary/TradeConditionFlags.cs).
REGULAR, OPENING_PRINTS, CLOSING_PRINTS = 1 << 0, 1 << 6, 1 << 7
OFFICIAL_CLOSE, OFFICIAL_OPEN = 1 << 24, 1 << 26
AUCTION_PRINTS = OPENING_PRINTS | CLOSING_PRINTS | OFFICIAL_CLOSE | OFFICIAL_OPEN


def _rows(lean_data: Path, relative: Path) -> list[list[str]]:
    """The CSV rows of a LEAN zip, split by hand (independent of the engine's reader)."""
    with zipfile.ZipFile(lean_data / relative) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    return [line.split(",") for line in text.splitlines() if line]


def _minute_file(lean_data: Path, ticker: str, day: date) -> dict[int, list[int]]:
    rows = _rows(lean_data, Path("equity/usa/minute") / ticker / f"{day:%Y%m%d}_trade.zip")
    return {int(row[0]): [int(value) for value in row[1:]] for row in rows}


def _run_recorder(lean_data: Path, tmp_path: Path, parse_cache: Path, **parameters: str) -> dict:
    output = tmp_path / "recorded.json"
    config = LaunchConfig(algorithm_location=RECORDER, algorithm_type_name="TickRecorderAlgorithm",
                          algorithm_id="ticks", data_folder=lean_data, results_folder=tmp_path,
                          cache_folder=parse_cache, parameters={**parameters, "output": str(output)})
    outcome = run_backtest(config, stream=io.StringIO())
    assert outcome.status == "Completed", outcome.error
    return json.loads(output.read_text())


# --------------------------------------------------------------------------- the files, read in full
@pytest.mark.parametrize(("ticker", "kind"), [("spy", "trade"), ("ibm", "trade"), ("ibm", "quote"),
                                              ("aig", "trade"), ("bac", "trade")])
def test_reader_returns_every_row_of_each_days_tick_file(lean_data: Path, ticker: str, kind: str) -> None:
    for day in DAYS:
        relative = tick_zip_path(ticker, day, kind)
        rows = _rows(lean_data, relative)
        columns = read_tick_file(lean_data / relative, kind, day)
        assert len(columns) == len(rows), f"{relative}"
        assert columns.time[0] == (datetime(day.year, day.month, day.day) - datetime(1970, 1, 1)) \
            // timedelta(microseconds=1) * 1000 + int(rows[0][0]) * 1_000_000
        if kind == "trade":
            assert columns.price[-1] == int(rows[-1][1]) / 10_000
            assert columns.quantity[-1] == int(rows[-1][2])
            assert columns.condition[-1] == rows[-1][4]
            assert int(columns.suspicious.sum()) == sum(row[5] == "1" for row in rows)


# --------------------------------------------------------------------------- the engine's slices
def _regular_hours_counts(lean_data: Path, ticker: str, day: date, kind: str) -> int:
    relative = tick_zip_path(ticker, day, kind)
    if not (lean_data / relative).is_file():
        return 0
    return sum(OPEN_MS <= int(row[0]) < CLOSE_MS for row in _rows(lean_data, relative))


def test_slices_hold_every_regular_hours_tick_of_each_day(lean_data: Path, tmp_path: Path,
                                                          parse_cache: Path) -> None:
    recorded = _run_recorder(lean_data, tmp_path, parse_cache, ticker="IBM", start="20131007", end="20131008")
    expected = {f"{day:%Y%m%d}": [_regular_hours_counts(lean_data, "ibm", day, "trade"),
                                  _regular_hours_counts(lean_data, "ibm", day, "quote")] for day in DAYS[:2]}
    assert recorded["counts"] == expected
    assert expected["20131007"] == [24106, 107998]  # the figures in docs/tick-data.md


def test_extended_hours_slices_hold_the_whole_file_suspicious_ticks_included(lean_data: Path, tmp_path: Path,
                                                                             parse_cache: Path) -> None:
    recorded = _run_recorder(lean_data, tmp_path, parse_cache, ticker="SPY", start="20131010", end="20131010",
                             extended="true")
    rows = _rows(lean_data, tick_zip_path("spy", date(2013, 10, 10), "trade"))
    assert recorded["counts"] == {"20131010": [len(rows), 0]}  # SPY has no quote ticks
    assert recorded["suspicious"] == sum(row[5] == "1" for row in rows) == 10


# --------------------------------------------------------------------------- consolidation vs LEAN's minute file
def _tick_minutes(lean_data: Path, ticker: str, day: date) -> dict[int, list[list[str]]]:
    minutes: dict[int, list[list[str]]] = defaultdict(list)
    for row in _rows(lean_data, tick_zip_path(ticker, day, "trade")):
        minutes[int(row[0]) // 60_000 * 60_000].append(row)
    return minutes


def _flags(row: list[str]) -> int:
    return int(row[4], 16)


def _minute_of(stamp: str) -> int:
    moment = datetime.strptime(stamp, "%Y%m%d %H:%M")
    return (moment.hour * 60 + moment.minute) * 60_000


@pytest.mark.parametrize(("ticker", "day"), [("ibm", "20131007"), ("spy", "20131010")])
def test_minute_bars_consolidated_from_ticks_differ_from_leans_minute_file_only_by_the_documented_rules(
        lean_data: Path, tmp_path: Path, parse_cache: Path, ticker: str, day: str) -> None:
    recorded = _run_recorder(lean_data, tmp_path, parse_cache, ticker=ticker.upper(), start=day, end=day,
                             raw="true")
    when = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    minute_file = _minute_file(lean_data, ticker, when)
    ticks = _tick_minutes(lean_data, ticker, when)
    ours = {_minute_of(bar[0]): bar[1:] for bar in recorded["bars"]}
    # The last regular minute is emitted only by a later tick (none after 16:00 without extended hours).
    assert set(ours) == {minute for minute in minute_file if OPEN_MS <= minute < LAST_MINUTE_MS}
    same = 0
    for minute, (open_, high, low, close, volume) in ours.items():
        lean_open, lean_high, lean_low, lean_close, lean_volume = minute_file[minute]
        prices = [round(value * 10_000) for value in (open_, high, low, close)]
        if prices == [lean_open, lean_high, lean_low, lean_close] and volume == lean_volume:
            same += 1
            continue
        rows = [row for row in ticks[minute] if row[5] != "1"]  # what LEAN's consolidator saw
        assert any(_flags(row) != REGULAR for row in rows), f"{minute}: only Regular trades, yet it differs"
        # Prices: no Regular trade lies outside the minute file's range, and each of the file's prices is one
        # of the minute's trades: only special-condition prints are left out of the file's OHLC.
        assert all(lean_low <= int(row[1]) <= lean_high for row in rows if _flags(row) == REGULAR), minute
        traded = {int(row[1]) for row in rows}
        assert {lean_open, lean_high, lean_low, lean_close} <= traded, minute
        # Volume: the file leaves out the official open/close reports, and places auction prints by rule.
        if volume != lean_volume:
            assert minute in (FIRST_MINUTE_MS, FIRST_MINUTE_MS + 60_000) or any(
                _flags(row) & AUCTION_PRINTS for row in rows), minute
            assert volume - lean_volume == sum(int(row[2]) for row in rows if _flags(row) & (OFFICIAL_OPEN
                                                                                             | OFFICIAL_CLOSE)) \
                or minute in (FIRST_MINUTE_MS, FIRST_MINUTE_MS + 60_000), minute
    assert same, "no minute equal"


def test_leans_minute_volumes_follow_the_auction_print_rules_on_every_tick_day(lean_data: Path) -> None:
    """Data-level: LEAN's minute volume is the minute's trade ticks (suspicious included) without official
    open/close reports, with closing-cross prints in the last regular minute. What is left differs only in the
    opening minutes, in a last minute holding a closing print, or by a print moved across one boundary."""
    unexplained = []
    compared = equal = 0
    for ticker in ("aig", "bac", "ibm", "spy"):
        for day in DAYS:
            minute_file = _minute_file(lean_data, ticker, day)
            volumes: dict[int, int] = defaultdict(int)
            closing_minutes = set()
            for minute, rows in _tick_minutes(lean_data, ticker, day).items():
                for row in rows:
                    flags = _flags(row)
                    if flags & (OFFICIAL_OPEN | OFFICIAL_CLOSE):
                        continue
                    target = LAST_MINUTE_MS if flags & CLOSING_PRINTS else minute
                    if flags & CLOSING_PRINTS:
                        closing_minutes.add(target)
                    volumes[target] += int(row[2])
            minutes = sorted(set(volumes) | set(minute_file))
            differing = [m for m in minutes if volumes.get(m, 0) != minute_file.get(m, [0] * 5)[4]]
            compared += len(minutes)
            equal += len(minutes) - len(differing)
            for minute in differing:
                if minute in (FIRST_MINUTE_MS, FIRST_MINUTE_MS + 60_000) or minute in closing_minutes:
                    continue
                pair = minute + 60_000 if minute + 60_000 in differing else minute - 60_000
                if pair in differing and volumes.get(minute, 0) + volumes.get(pair, 0) == \
                        minute_file.get(minute, [0] * 5)[4] + minute_file.get(pair, [0] * 5)[4]:
                    continue  # one print on the other side of a minute boundary
                unexplained.append((ticker, f"{day}", minute))
    assert not unexplained
    assert equal / compared > 0.99, (equal, compared)


# --------------------------------------------------------------------------- fills on ticks
def test_market_order_on_trade_ticks_fills_at_the_latest_trade_tick(lean_data: Path, tmp_path: Path,
                                                                    parse_cache: Path) -> None:
    recorded = _run_recorder(lean_data, tmp_path, parse_cache, ticker="SPY", start="20131010", end="20131010",
                             raw="true")
    order = recorded["order"]
    rows = _rows(lean_data, tick_zip_path("spy", date(2013, 10, 10), "trade"))
    # The first ticks at or after 10:00: the order is placed in that slice and fills synchronously on it.
    first = next(row for row in rows if int(row[0]) >= 10 * 3_600_000)
    same_instant = [row for row in rows if row[0] == first[0]]
    assert order["time"] == "2013-10-10 10:00:00.001000"
    assert order["fill"] == order["last_trade"] == int(same_instant[-1][1]) / 10_000


def test_market_buy_on_quote_ticks_fills_at_the_latest_ask(lean_data: Path, tmp_path: Path,
                                                           parse_cache: Path) -> None:
    recorded = _run_recorder(lean_data, tmp_path, parse_cache, ticker="IBM", start="20131007", end="20131007",
                             raw="true")
    order = recorded["order"]
    assert order["status"] == "3"  # filled
    quotes = _rows(lean_data, tick_zip_path("ibm", date(2013, 10, 7), "quote"))
    stamp = datetime.strptime(order["time"], "%Y-%m-%d %H:%M:%S.%f")
    ms = (stamp.hour * 3600 + stamp.minute * 60 + stamp.second) * 1000 + stamp.microsecond // 1000
    asks = [int(row[3]) for row in quotes if int(row[0]) == ms and int(row[3]) > 0]
    assert order["fill"] == order["last_ask"] == asks[-1] / 10_000


# --------------------------------------------------------------------------- tick consolidators
def _tick(second: int, value: float, kind: int = TICK_TYPE_TRADE, quantity: float = 100.0, bid: float = 0.0,
          ask: float = 0.0) -> Tick:
    return Tick(datetime(2013, 10, 7, 10, 0, second), None, value, kind, quantity, bid, ask, 10.0, 20.0)


def test_tick_consolidator_takes_trades_and_ignores_quote_ticks() -> None:
    bars: list = []
    consolidator = TickConsolidator(timedelta(seconds=10))
    consolidator.data_consolidated += lambda sender, bar: bars.append(bar)
    for tick in (_tick(1, 10.0), _tick(2, 99.0, TICK_TYPE_QUOTE, 0.0, 98.0, 100.0), _tick(3, 12.0, quantity=50),
                 _tick(4, 9.0), _tick(11, 11.0)):
        consolidator.update(tick)
    assert len(bars) == 1
    bar = bars[0]
    assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == (10.0, 12.0, 9.0, 9.0, 250.0)
    assert (bar.time, bar.end_time) == (datetime(2013, 10, 7, 10), datetime(2013, 10, 7, 10, 0, 10))


def test_tick_quote_bar_consolidator_opens_each_side_at_the_previous_close() -> None:
    bars: list = []
    consolidator = TickQuoteBarConsolidator(timedelta(seconds=10))
    consolidator.data_consolidated += lambda sender, bar: bars.append(bar)
    for tick in (_tick(1, 0.0, TICK_TYPE_QUOTE, 0.0, 10.0, 0.0), _tick(2, 0.0, TICK_TYPE_QUOTE, 0.0, 0.0, 10.2),
                 _tick(3, 10.1), _tick(12, 0.0, TICK_TYPE_QUOTE, 0.0, 0.0, 10.4),
                 _tick(25, 0.0, TICK_TYPE_QUOTE, 0.0, 9.9, 0.0)):
        consolidator.update(tick)
    first, second = bars
    assert (first.bid.open, first.bid.close, first.ask.open, first.ask.close) == (10.0, 10.0, 10.2, 10.2)
    assert (second.bid.open, second.bid.close) == (10.0, 10.0)  # no bid tick in the bar: the previous close
    assert (second.ask.open, second.ask.high, second.ask.close) == (10.2, 10.4, 10.4)


def test_consolidate_on_ticks_at_tick_resolution_hands_over_each_tick_of_the_asked_kind() -> None:
    seen: list = []
    identity = create_consolidator(Resolution.TICK, Tick, None, handler=seen.append, quote_ticks=True)
    counted = create_consolidator(2, Tick, None, quote_ticks=True)
    assert (identity.tick_type, counted.tick_type) == (TICK_TYPE_QUOTE, TICK_TYPE_QUOTE)
    same_instant = [_tick(1, 0.0, TICK_TYPE_QUOTE, 0.0, 10.0, 0.0), _tick(1, 0.0, TICK_TYPE_QUOTE, 0.0, 0.0, 10.2)]
    for tick in same_instant:
        identity.update(tick)
    assert seen == same_instant  # two ticks of one millisecond both pass, as LEAN's identity does for ticks
    assert isinstance(counted, TickQuoteBarConsolidator)


def test_a_ticks_exchange_is_named_as_lean_names_it_and_keeps_its_code() -> None:
    from lean_runner.engine.exchanges import Exchange

    tick = Tick(datetime(2013, 10, 7, 9, 30), None, 144.0, TICK_TYPE_TRADE, 100.0, exchange="P")
    assert tick.exchange == str(Exchange.ARCA) == "ARCA" and tick.exchange_code == "P"
    assert Tick(exchange="D").exchange == "FINRA" and Tick(exchange="?").exchange == "?"  # unknown: the code
