"""Synthetic LEAN data: layout, determinism and reading it back."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lean_runner.engine.data import (
    ExchangeHours,
    FactorFileProvider,
    InterestRateProvider,
    LeanDataReader,
    MapFileProvider,
    MarketHoursDatabase,
    SymbolPropertiesDatabase,
    equity_security_identifier,
    generate_synthetic_data,
)
from lean_runner.engine.data.lean_writer import format_int_rows, row_byte_lengths
from lean_runner.engine.data.timeconv import ns_to_datetime


def _zip_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.zip"))}


def test_format_int_rows_matches_python_formatting() -> None:
    rng = np.random.default_rng(5)
    matrix = rng.integers(0, 10**9, (200, 6), dtype=np.int64)
    matrix[0] = [0, 1, 9, 10, 99, 100]
    expected = "".join(",".join(str(v) for v in row) + "\n" for row in matrix.tolist()).encode()
    assert format_int_rows(matrix) == expected
    np.testing.assert_array_equal(
        row_byte_lengths(matrix), [len(",".join(str(v) for v in row)) + 1 for row in matrix.tolist()]
    )


def test_same_seed_gives_identical_zips_and_another_seed_differs(tmp_path: Path) -> None:
    args = (["SYN", "ABC"], date(2013, 10, 1), date(2013, 10, 8), "minute")
    generate_synthetic_data(tmp_path / "a", *args, 42)
    generate_synthetic_data(tmp_path / "b", *args, 42)
    generate_synthetic_data(tmp_path / "c", *args, 43)
    first, second, other = (_zip_bytes(tmp_path / name) for name in "abc")
    assert first and first == second
    assert first.keys() == other.keys()
    assert all(first[name] != other[name] for name in first)


def test_minute_data_layout_and_read_back(tmp_path: Path, lean_data_folder: Path) -> None:
    out = tmp_path / "synthetic"
    written = generate_synthetic_data(
        out,
        ["SYN"],
        date(2013, 11, 25),
        date(2013, 12, 3),
        "minute",
        1,
        template_data_folder=lean_data_folder,
    )
    assert out / "equity/usa/minute/syn/20131125_trade.zip" in written
    assert out / "equity/usa/minute/syn/20131129_quote.zip" in written
    assert not (out / "equity/usa/minute/syn/20131128_trade.zip").exists()  # Thanksgiving
    with zipfile.ZipFile(out / "equity/usa/minute/syn/20131125_trade.zip") as archive:
        assert archive.namelist() == ["20131125_syn_minute_trade.csv"]
        first_line = archive.read("20131125_syn_minute_trade.csv").split(b"\n", 1)[0]
    assert first_line.startswith(b"34200000,")
    marker = json.loads((out / "SYNTHETIC.json").read_text())
    assert (marker["seed"], marker["symbols"], marker["resolution"]) == (1, ["SYN"], "minute")
    assert marker["calendar"] == "market-hours-database"

    reader = LeanDataReader(out, cache_folder=tmp_path / "cache")
    trades = reader.trade_bars("SYN", "minute", date(2013, 11, 25), date(2013, 12, 3))
    assert len(trades) == 5 * 390 + 210  # 2013-11-29 closes at 13:00
    assert np.all(trades.high >= np.maximum(trades.open, trades.close))
    assert np.all(trades.low <= np.minimum(trades.open, trades.close))
    quotes = reader.quote_bars("SYN", "minute", date(2013, 11, 25), date(2013, 12, 3))
    assert len(quotes) == len(trades)
    assert np.all(quotes.ask_close > quotes.bid_close)
    assert len(
        reader.trade_bars("SYN", "minute", date(2013, 11, 25), date(2013, 12, 3), extended_market_hours=True)
    ) == len(trades)

    assert MarketHoursDatabase.load(out).exchange_hours().is_trading_day(date(2013, 11, 29))
    assert SymbolPropertiesDatabase.load(out).get("usa", "SYN", "equity").lot_size == 1
    assert InterestRateProvider.load(out).rate(date(2013, 6, 1)) == 0.0075
    assert FactorFileProvider(out).get("syn").factor(date(2013, 11, 25)) == 1.0
    assert MapFileProvider(out).get("syn").first_date == date(2013, 11, 25)
    assert equity_security_identifier("SYN", MapFileProvider(out)).startswith("SYN ")


@pytest.mark.parametrize(("resolution", "per_day"), [("daily", 1), ("hour", 7)])
def test_daily_and_hour_data_read_back_one_bar_per_session_slot(
    tmp_path: Path, resolution: str, per_day: int
) -> None:
    out = tmp_path / "synthetic"
    generate_synthetic_data(
        out, ["SYN"], date(2014, 1, 1), date(2014, 3, 31), resolution, 9, start_price=50.0
    )
    assert json.loads((out / "SYNTHETIC.json").read_text())["calendar"] == "built-in US holiday rules"
    reader = LeanDataReader(out, use_cache=False)
    assert reader.market_hours is None
    days = ExchangeHours.us_equity_default(2014, 2014).trading_days(date(2014, 1, 1), date(2014, 3, 31))
    bars = reader.trade_bars("syn", resolution, date(2014, 1, 1), date(2014, 3, 31))
    assert len(bars) == per_day * len(days)
    assert sorted({ns_to_datetime(int(t)).date() for t in bars.time}) == days
    assert 25.0 < bars.close[0] < 100.0
    assert InterestRateProvider.load(out).rate(date(2014, 1, 2)) == 0.01


def test_second_resolution_writes_a_full_session(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    generate_synthetic_data(out, ["SYN"], date(2014, 1, 2), date(2014, 1, 2), "second", 3)
    bars = LeanDataReader(out, use_cache=False).trade_bars(
        "syn", "second", date(2014, 1, 2), date(2014, 1, 2)
    )
    assert len(bars) == 23_400


def test_invalid_requests_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="trading days"):
        generate_synthetic_data(tmp_path, ["SYN"], date(2014, 1, 4), date(2014, 1, 5), "daily", 1)
    with pytest.raises(ValueError, match="tick"):
        generate_synthetic_data(tmp_path, ["SYN"], date(2014, 1, 2), date(2014, 1, 3), "tick", 1)
    with pytest.raises(ValueError, match="symbol"):
        generate_synthetic_data(tmp_path, [], date(2014, 1, 2), date(2014, 1, 3), "daily", 1)
