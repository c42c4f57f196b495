"""Symbol properties, interest rates, map files and SID strings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lean_runner.engine.data import (
    InterestRateProvider,
    MapFileProvider,
    SymbolPropertiesDatabase,
    equity_security_identifier,
    security_identifier,
)
from lean_runner.engine.data.map_files import END_OF_TIME
from lean_runner.engine.data.sid import decode_base36, encode_base36, oa_date


# ----------------------------------------------------------------------------- symbol properties
@pytest.fixture(scope="module")
def symbol_db(lean_data_folder: Path) -> SymbolPropertiesDatabase:
    return SymbolPropertiesDatabase.load(lean_data_folder)


@pytest.mark.parametrize(
    ("market", "symbol", "security_type", "currency", "multiplier", "tick", "lot"),
    [
        ("usa", "SPY", "equity", "USD", 1.0, 0.01, 1.0),
        ("USA", "aapl", "Equity", "USD", 1.0, 0.01, 1.0),
        ("cme", "ES", "future", "USD", 50.0, 0.25, 1.0),
        ("oanda", "EURUSD", "forex", "USD", 1.0, 0.00001, 1.0),
        ("usa", "SPY", "option", "USD", 100.0, 0.01, 1.0),
        ("nowhere", "XYZ", "equity", "USD", 1.0, 0.01, 1.0),
    ],
)
def test_symbol_properties_exact_row_else_wildcard_else_default(
    symbol_db: SymbolPropertiesDatabase,
    market: str,
    symbol: str,
    security_type: str,
    currency: str,
    multiplier: float,
    tick: float,
    lot: float,
) -> None:
    props = symbol_db.get(market, symbol, security_type)
    assert (
        props.quote_currency,
        props.contract_multiplier,
        props.minimum_price_variation,
        props.lot_size,
    ) == (
        currency,
        multiplier,
        tick,
        lot,
    )


def test_symbol_properties_optional_columns(symbol_db: SymbolPropertiesDatabase) -> None:
    nqx = symbol_db.get("usa", "NQX", "indexoption")
    assert nqx.strike_multiplier == 5.0
    assert nqx.market_ticker is None and nqx.minimum_order_size is None
    assert symbol_db.find("nowhere", "XYZ", "equity") is None


# ----------------------------------------------------------------------------- interest rate
@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2013, 6, 1), 0.0075),
        (date(2016, 1, 4), 0.01),
        (date(2015, 12, 16), 0.0075),
        (date(2015, 12, 17), 0.01),
        (date(1998, 1, 2), 0.0225),
        (date(2030, 1, 1), 0.055),
    ],
)
def test_interest_rate_forward_fills_percent_as_fraction(
    lean_data_folder: Path, day: date, rate: float
) -> None:
    provider = InterestRateProvider.load(lean_data_folder)
    assert provider.rate(day) == pytest.approx(rate)


def test_interest_rates_vectorised_matches_scalar(lean_data_folder: Path) -> None:
    provider = InterestRateProvider.load(lean_data_folder)
    days = np.arange(np.datetime64("2002-01-01"), np.datetime64("2024-01-01"), 17)
    expected = [provider.rate(d.astype(object)) for d in days]
    np.testing.assert_array_equal(provider.rates(days), expected)


def test_interest_rate_defaults_to_one_percent_without_file(tmp_path: Path) -> None:
    assert InterestRateProvider.load(tmp_path).rate(date(2013, 6, 1)) == 0.01


# ----------------------------------------------------------------------------- map files
@pytest.mark.parametrize(
    ("ticker", "day", "mapped"),
    [
        ("goog", date(2014, 3, 1), "goocv"),
        ("goog", date(2014, 4, 2), "goocv"),
        ("goog", date(2014, 4, 3), "goog"),
        ("GOOG", date(2015, 12, 23), "goog"),
        ("googl", date(2010, 1, 4), "goog"),
        ("googl", date(2014, 4, 3), "googl"),
        ("twx", date(2003, 1, 2), "aol"),
        ("twx", date(2014, 6, 5), "twx"),
        ("spy", date(2013, 10, 7), "spy"),
        ("nosuchticker", date(2013, 10, 7), "nosuchticker"),
    ],
)
def test_map_file_mapped_ticker_is_first_row_on_or_after_the_day(
    lean_data_folder: Path, ticker: str, day: date, mapped: str
) -> None:
    assert MapFileProvider(lean_data_folder).get(ticker).mapped_ticker(day) == mapped


def test_map_file_first_and_delisting_dates(lean_data_folder: Path) -> None:
    provider = MapFileProvider(lean_data_folder)
    goog = provider.get("goog")
    assert (goog.first_date, goog.delisting_date, goog.first_ticker) == (
        date(2014, 3, 27),
        END_OF_TIME,
        "goocv",
    )
    assert not goog.has_data(date(2014, 3, 26)) and goog.has_data(date(2014, 3, 27))
    twx = provider.get("twx")
    assert twx.delisting_date == date(2018, 6, 15) and not twx.has_data(date(2018, 6, 18))
    assert provider.get("fb.1").first_ticker == "fb"


def test_ticker_without_map_file_maps_to_itself_without_a_first_date(lean_data_folder: Path) -> None:
    identity = MapFileProvider(lean_data_folder).get("XYZQ")
    assert not identity.exists
    assert identity.first_date is None
    assert identity.delisting_date == END_OF_TIME
    assert identity.mapped_ticker(date(2013, 10, 7)) == "xyzq"
    assert identity.ticker_segments(date(2013, 1, 1), date(2013, 2, 1)) == [
        (date(2013, 1, 1), date(2013, 2, 1), "xyzq")
    ]


def test_ticker_known_only_as_a_mapped_name_resolves_like_lean(lean_data_folder: Path) -> None:
    provider = MapFileProvider(lean_data_folder)
    assert provider.get("goocv").permtick == "goog"
    assert provider.get("nwsa").permtick == "tfcfa"
    resolved = provider.resolve("goog", date(2010, 1, 4))
    assert resolved is not None and resolved.permtick == "googl"


def test_ticker_segments_split_a_range_by_mapped_ticker(lean_data_folder: Path) -> None:
    goog = MapFileProvider(lean_data_folder).get("goog")
    assert goog.ticker_segments(date(2014, 1, 1), date(2014, 4, 10)) == [
        (date(2014, 3, 27), date(2014, 4, 2), "goocv"),
        (date(2014, 4, 3), date(2014, 4, 10), "goog"),
    ]


# ----------------------------------------------------------------------------- SIDs
@pytest.mark.parametrize("ticker", ["SPY", "AAPL", "IBM"])
def test_sid_of_securities_listed_since_1998(ticker: str) -> None:
    assert security_identifier(ticker, date(1998, 1, 2)) == f"{ticker} R735QTJ8XC9X"


def test_sid_packs_oadate_times_ten_to_the_fourteen_plus_market_and_type() -> None:
    sid = security_identifier("spy", date(1998, 1, 2))
    assert decode_base36(sid.split()[1]) == oa_date(date(1998, 1, 2)) * 10**14 + 1 * 100 + 1
    assert oa_date(date(1998, 1, 2)) == 35797
    assert encode_base36(decode_base36("R735QTJ8XC9X")) == "R735QTJ8XC9X"


@pytest.mark.parametrize(
    ("ticker", "expected"),
    [("SPY", "SPY R735QTJ8XC9X"), ("GOOG", "GOOCV VP83T1ZUHROL"), ("XYZQ", "XYZQ 2T")],
)
def test_equity_sid_uses_map_file_first_ticker_and_date(
    lean_data_folder: Path, ticker: str, expected: str
) -> None:
    assert equity_security_identifier(ticker, MapFileProvider(lean_data_folder)) == expected


def test_sid_rejects_unknown_market() -> None:
    with pytest.raises(ValueError, match="market"):
        security_identifier("SPY", date(1998, 1, 2), market="mars")
