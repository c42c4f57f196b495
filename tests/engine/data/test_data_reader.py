"""Reading real LEAN data: bar times, market-hours filtering, map files, cache and errors."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from lean_runner.engine.data import (
    DataNotFoundError,
    FactorFileProvider,
    LeanDataReader,
    MarketHoursDatabase,
    adjust_trade_bars,
)
from lean_runner.engine.data.timeconv import datetime_to_ns, ns_to_datetime


def _clock(stamps: np.ndarray) -> list[str]:
    return [ns_to_datetime(int(s)).strftime("%Y-%m-%d %H:%M:%S") for s in stamps]


def test_daily_bar_spans_the_regular_session_with_raw_prices(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("SPY", "Daily", date(2013, 10, 7), date(2013, 10, 7))
    assert len(bars) == 1
    assert _clock(bars.time) == ["2013-10-07 09:30:00"]
    assert _clock(bars.end_time) == ["2013-10-07 16:00:00"]
    assert (bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]) == (
        167.43,
        168.45,
        167.25,
        167.42,
        81489219.0,
    )


def test_daily_adjusted_close_uses_the_factor_file(
    real_reader: LeanDataReader, lean_data_folder: Path
) -> None:
    bars = real_reader.trade_bars("spy", "daily", date(2013, 10, 7), date(2013, 10, 7))
    days = (bars.time // 86_400_000_000_000).astype("datetime64[D]")
    adjusted = adjust_trade_bars(bars, FactorFileProvider(lean_data_folder).get("spy").factors(days))
    assert adjusted.close[0] == pytest.approx(144.756, abs=5e-4)
    assert adjusted.volume[0] == round(81489219 / 0.8646266)


def test_daily_bars_end_at_the_early_close_and_skip_holidays(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("spy", "daily", date(2013, 11, 26), date(2013, 12, 2))
    assert _clock(bars.end_time) == [
        "2013-11-26 16:00:00",
        "2013-11-27 16:00:00",
        "2013-11-29 13:00:00",
        "2013-12-02 16:00:00",
    ]


def test_daily_bars_cover_every_trading_day_of_a_year(real_reader: LeanDataReader) -> None:
    hours = real_reader.exchange_hours()
    bars = real_reader.trade_bars("spy", "daily", date(2013, 1, 1), date(2013, 12, 31))
    assert [ns_to_datetime(int(t)).date() for t in bars.time] == hours.trading_days(
        date(2013, 1, 1), date(2013, 12, 31)
    )


def test_hour_bars_are_seven_a_day_ending_on_the_hour(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("SPY", "hour", date(2013, 10, 7), date(2013, 10, 8))
    assert len(bars) == 14
    assert _clock(bars.end_time[:7]) == [f"2013-10-07 {h}:00:00" for h in range(10, 17)]
    assert _clock(bars.time[:1]) == ["2013-10-07 09:00:00"]
    assert bars.close[6] == 167.42


def test_hour_bars_on_an_early_close_day(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("spy", "hour", date(2013, 11, 29), date(2013, 11, 29))
    assert _clock(bars.end_time) == [f"2013-11-29 {h}:00:00" for h in range(10, 14)]


def test_minute_bars_regular_hours(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("spy", "minute", date(2013, 10, 7), date(2013, 10, 7))
    assert len(bars) == 390
    assert _clock(bars.end_time[[0, -1]]) == ["2013-10-07 09:31:00", "2013-10-07 16:00:00"]
    assert np.all(np.diff(bars.time) > 0)


def test_minute_bars_extended_hours_keep_the_whole_file(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars(
        "spy", "Minute", date(2013, 10, 7), date(2013, 10, 7), extended_market_hours=True
    )
    assert len(bars) == 828
    assert _clock(bars.time[:1]) == ["2013-10-07 04:00:00"]
    assert bars.end_time[-1] <= datetime_to_ns(datetime(2013, 10, 7, 20, 0))
    assert bars.open[0] == 167.41 and bars.volume[0] == 3197


def test_minute_range_skips_weekends_and_missing_days(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("spy", "minute", date(2013, 10, 1), date(2013, 10, 14))
    days = sorted({ns_to_datetime(int(t)).date() for t in bars.time})
    assert days == [date(2013, 10, d) for d in (4, 7, 8, 9, 10, 11)]
    assert len(bars) == 6 * 390


def test_second_bars_are_filtered_to_regular_hours(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("spy", "second", date(2013, 10, 7), date(2013, 10, 7))
    assert len(bars) > 1000
    assert bars.time.min() >= datetime_to_ns(datetime(2013, 10, 7, 9, 30))
    assert bars.time.max() < datetime_to_ns(datetime(2013, 10, 7, 16, 0))
    np.testing.assert_array_equal(bars.end_time - bars.time, 1_000_000_000)


def test_quote_bars_minute_have_both_sides_and_mid(real_reader: LeanDataReader) -> None:
    quotes = real_reader.quote_bars("spy", "minute", date(2013, 10, 7), date(2013, 10, 7))
    assert len(quotes) == 390
    assert quotes.has_bid.all() and quotes.has_ask.all()
    np.testing.assert_allclose(quotes.close, (quotes.bid_close + quotes.ask_close) / 2)
    assert np.all(quotes.ask_close >= quotes.bid_close)


def test_equity_daily_and_hour_have_no_quote_bars(real_reader: LeanDataReader) -> None:
    assert len(real_reader.quote_bars("spy", "daily", date(2013, 10, 7), date(2013, 10, 7))) == 0
    assert len(real_reader.quote_bars("spy", "hour", date(2013, 10, 7), date(2013, 10, 7))) == 0


def test_map_file_picks_the_folder_of_each_date(real_reader: LeanDataReader) -> None:
    goog = real_reader.trade_bars("goog", "daily", date(2014, 3, 20), date(2014, 4, 8))
    days = [ns_to_datetime(int(t)).date() for t in goog.time]
    assert days[0] == date(2014, 3, 27)  # no data before the map file's first date
    assert date(2014, 4, 3) in days
    assert real_reader.available_dates("goog", "minute") == [
        date(2015, 12, 23),
        date(2015, 12, 24),
        date(2015, 12, 28),
    ]
    assert real_reader.available_dates("twx", "minute") == [date(2014, 6, d) for d in (5, 6, 9, 23)]
    assert real_reader.available_dates("goog", "minute", "quote") == [date(2015, 12, 24), date(2015, 12, 28)]


def test_hour_zip_with_a_nested_entry_name_is_read(real_reader: LeanDataReader) -> None:
    bars = real_reader.trade_bars("tapa", "hour", date(2010, 1, 1), date(2012, 12, 31))
    assert len(bars) > 100


def test_has_data_and_available_daily_dates(real_reader: LeanDataReader) -> None:
    assert real_reader.has_data("SPY", "daily")
    assert real_reader.has_data("spy", "second")
    assert not real_reader.has_data("spy", "daily", "quote")
    assert not real_reader.has_data("nosuchticker", "minute")
    assert real_reader.available_dates("spy", "daily")[:2] == [date(1998, 1, 2), date(1998, 1, 5)]
    # FOXA has no map file of its own: like LEAN's resolver it maps to the TFCFA entity,
    # which traded as NWSA until 2013-06-28.
    assert real_reader.available_dates("foxa", "daily") == [date(2013, 6, d) for d in (27, 28)] + [
        date(2013, 7, 1),
        date(2013, 7, 2),
    ]


def test_require_names_the_missing_file_and_the_fix(real_reader: LeanDataReader) -> None:
    real_reader.require("spy", "daily")
    real_reader.require("spy", "minute", date(2013, 10, 7), date(2013, 10, 11))
    with pytest.raises(DataNotFoundError) as minute_error:
        real_reader.require("SPY", "minute", date(2013, 10, 11), date(2013, 10, 14))
    message = str(minute_error.value)
    assert "No minute data for SPY on 2013-10-14" in message
    assert "equity/usa/minute/spy/20131014_trade.zip" in message
    assert "workbench data generate" in message and "--data-folder" in message
    with pytest.raises(DataNotFoundError, match=r"equity/usa/daily/nosuchticker\.zip"):
        real_reader.require("nosuchticker", "daily")
    with pytest.raises(DataNotFoundError, match="minute/nosuchticker"):
        real_reader.require("nosuchticker", "minute")
    assert isinstance(minute_error.value, LookupError)
    real_reader.require("spy", "minute", date(2013, 10, 11), date(2013, 10, 14), every_day=False)


def test_missing_data_reads_as_empty_not_an_error(real_reader: LeanDataReader) -> None:
    assert len(real_reader.trade_bars("nosuchticker", "minute", date(2013, 10, 7), date(2013, 10, 8))) == 0
    assert len(real_reader.trade_bars("nosuchticker", "daily", date(2013, 10, 7), date(2013, 10, 8))) == 0


def test_unknown_resolution_is_rejected(real_reader: LeanDataReader) -> None:
    with pytest.raises(ValueError, match="resolution"):
        real_reader.trade_bars("spy", "weekly", date(2013, 10, 7), date(2013, 10, 7))


def _write_quote_zip(folder: Path, rows: str) -> None:
    path = folder / "equity" / "usa" / "minute" / "xyz" / "20131007_quote.zip"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("20131007_xyz_minute_quote.csv", rows)


def test_quote_side_of_all_zero_prices_becomes_nan(
    tmp_path: Path, market_hours_db: MarketHoursDatabase
) -> None:
    _write_quote_zip(
        tmp_path,
        "34200000,1000000,1000000,1000000,1000000,100,1001000,1001000,1001000,1001000,200\n"
        "34260000,0,0,0,0,0,1002000,1002000,1002000,1002000,300\n"
        "34320000,999000,999000,999000,999000,400,0,0,0,0,0\n",
    )
    reader = LeanDataReader(tmp_path, cache_folder=tmp_path / "cache", market_hours=market_hours_db)
    quotes = reader.quote_bars("XYZ", "minute", date(2013, 10, 7), date(2013, 10, 7))
    np.testing.assert_array_equal(quotes.has_bid, [True, False, True])
    np.testing.assert_array_equal(quotes.has_ask, [True, True, False])
    np.testing.assert_allclose(quotes.close, [100.05, 100.2, 99.9])
    assert quotes.bid_size[1] == 0 and quotes.ask_size[2] == 0


def test_second_read_comes_from_the_cache_without_opening_zips(
    lean_data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = LeanDataReader(lean_data_folder, cache_folder=tmp_path)
    first = reader.trade_bars("spy", "minute", date(2013, 10, 7), date(2013, 10, 8))
    first_daily = reader.trade_bars("spy", "daily", date(2013, 10, 7), date(2013, 10, 8))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("zip opened on a cache hit")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    again = LeanDataReader(lean_data_folder, cache_folder=tmp_path)
    second = again.trade_bars("spy", "minute", date(2013, 10, 7), date(2013, 10, 8))
    second_daily = again.trade_bars("spy", "daily", date(2013, 10, 7), date(2013, 10, 8))
    np.testing.assert_array_equal(first.close, second.close)
    np.testing.assert_array_equal(first.time, second.time)
    np.testing.assert_array_equal(first_daily.close, second_daily.close)
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty"])
def test_corrupt_cache_entries_are_rebuilt(lean_data_folder: Path, tmp_path: Path, damage: str) -> None:
    reader = LeanDataReader(lean_data_folder, cache_folder=tmp_path)
    expected = reader.trade_bars("spy", "minute", date(2013, 10, 7), date(2013, 10, 7))
    entries = list(tmp_path.rglob("*.npy"))
    assert len(entries) == 1
    original = entries[0].read_bytes()
    broken = {"garbage": b"not a numpy file", "truncate": original[: len(original) // 2], "empty": b""}[
        damage
    ]
    entries[0].write_bytes(broken)
    rebuilt = LeanDataReader(lean_data_folder, cache_folder=tmp_path).trade_bars(
        "spy", "minute", date(2013, 10, 7), date(2013, 10, 7)
    )
    np.testing.assert_array_equal(rebuilt.close, expected.close)
    assert entries[0].read_bytes() == original


def test_cache_key_changes_when_the_zip_changes(tmp_path: Path, market_hours_db: MarketHoursDatabase) -> None:
    _write_quote_zip(
        tmp_path, "34200000,1000000,1000000,1000000,1000000,100,1001000,1001000,1001000,1001000,200\n"
    )
    reader = LeanDataReader(tmp_path, cache_folder=tmp_path / "cache", market_hours=market_hours_db)
    assert reader.quote_bars("xyz", "minute", date(2013, 10, 7), date(2013, 10, 7)).bid_close[0] == 100.0
    path = tmp_path / "equity/usa/minute/xyz/20131007_quote.zip"
    path.unlink()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "20131007_xyz_minute_quote.csv", "34200000,2000000,2000000,2000000,2000000,100,0,0,0,0,0\n\n"
        )
    reader = LeanDataReader(tmp_path, cache_folder=tmp_path / "cache", market_hours=market_hours_db)
    assert reader.quote_bars("xyz", "minute", date(2013, 10, 7), date(2013, 10, 7)).bid_close[0] == 200.0


def test_reader_without_market_hours_file_uses_builtin_us_calendar(tmp_path: Path) -> None:
    _write_quote_zip(
        tmp_path, "34200000,1000000,1000000,1000000,1000000,100,1001000,1001000,1001000,1001000,200\n"
    )
    reader = LeanDataReader(tmp_path, use_cache=False)
    assert reader.market_hours is None
    assert len(reader.quote_bars("xyz", "minute", date(2013, 10, 7), date(2013, 10, 7))) == 1


def test_bars_stored_in_another_data_time_zone_are_converted_to_exchange_time(tmp_path: Path) -> None:
    regular = [{"start": "09:30:00", "end": "16:00:00", "state": "market"}]
    entry = {
        "exchangeTimeZone": "America/New_York",
        "dataTimeZone": "UTC",
        **{day: regular for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "holidays": [],
    }
    path = tmp_path / "equity" / "usa" / "minute" / "xyz" / "20131007_trade.zip"
    path.parent.mkdir(parents=True)
    with zipfile.ZipFile(path, "w") as archive:
        # 13:30 UTC is 09:30 in New York (EDT); 20:30 UTC is 16:30, after the close.
        archive.writestr("20131007_xyz_minute_trade.csv", "48600000,1,1,1,1,5\n73800000,2,2,2,2,6\n")
    reader = LeanDataReader(
        tmp_path, use_cache=False, market_hours=MarketHoursDatabase({"Equity-usa-[*]": entry})
    )
    bars = reader.trade_bars("xyz", "minute", date(2013, 10, 7), date(2013, 10, 7))
    assert _clock(bars.time) == ["2013-10-07 09:30:00"]
    assert bars.volume.tolist() == [5.0]


def test_unreadable_zip_raises_an_error_naming_the_file(
    tmp_path: Path, market_hours_db: MarketHoursDatabase
) -> None:
    path = tmp_path / "equity" / "usa" / "minute" / "xyz" / "20131007_trade.zip"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a zip")
    reader = LeanDataReader(tmp_path, use_cache=False, market_hours=market_hours_db)
    with pytest.raises(ValueError, match=r"20131007_trade\.zip"):
        reader.trade_bars("xyz", "minute", date(2013, 10, 7), date(2013, 10, 7))
