"""Exchange hours from the real market-hours database and the built-in US calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from lean_runner.engine.data import ExchangeHours, MarketHoursDatabase
from lean_runner.engine.data.market_hours import parse_timespan
from lean_runner.engine.data.us_calendar import easter_sunday, us_equity_early_closes, us_equity_holidays


def test_equity_entry_has_new_york_time_zones_and_known_calendar(equity_hours: ExchangeHours) -> None:
    assert equity_hours.time_zone.key == "America/New_York"
    assert equity_hours.data_time_zone.key == "America/New_York"
    assert len(equity_hours.holidays) == 293
    assert len(equity_hours.early_closes) == 65
    assert set(equity_hours.early_closes.values()) == {time(13, 0)}
    assert equity_hours.late_opens == {}


@pytest.mark.parametrize(
    ("moment", "extended", "expected"),
    [
        (datetime(2013, 10, 7, 9, 29, 59), False, False),
        (datetime(2013, 10, 7, 9, 30), False, True),
        (datetime(2013, 10, 7, 15, 59, 59), False, True),
        (datetime(2013, 10, 7, 16, 0), False, False),
        (datetime(2013, 10, 7, 16, 0), True, True),
        (datetime(2013, 10, 7, 4, 0), True, True),
        (datetime(2013, 10, 7, 3, 59), True, False),
        (datetime(2013, 10, 7, 19, 59), True, True),
        (datetime(2013, 10, 7, 20, 0), True, False),
        (datetime(2013, 11, 29, 12, 59), False, True),
        (datetime(2013, 11, 29, 13, 0), False, False),
        (datetime(2013, 11, 29, 13, 0), True, False),
        (datetime(2013, 11, 29, 8, 0), True, True),
        (datetime(2013, 12, 25, 12, 0), False, False),
        (datetime(2013, 10, 5, 12, 0), True, False),
    ],
)
def test_is_open_uses_half_open_segments_holidays_and_early_closes(
    equity_hours: ExchangeHours, moment: datetime, extended: bool, expected: bool
) -> None:
    assert equity_hours.is_open(moment, extended) is expected


@pytest.mark.parametrize(
    ("day", "trading"),
    [
        (date(2013, 10, 7), True),
        (date(2013, 10, 5), False),
        (date(2013, 10, 6), False),
        (date(2013, 11, 28), False),
        (date(2013, 12, 25), False),
        (date(2013, 11, 29), True),
        (date(2012, 10, 29), False),
        (date(2001, 9, 11), False),
    ],
)
def test_is_trading_day_excludes_weekends_and_holidays(
    equity_hours: ExchangeHours, day: date, trading: bool
) -> None:
    assert equity_hours.is_trading_day(day) is trading


@pytest.mark.parametrize(
    ("day", "market_open", "market_close", "extended_open", "extended_close"),
    [
        (date(2013, 10, 7), time(9, 30), time(16, 0), time(4, 0), time(20, 0)),
        (date(2013, 11, 29), time(9, 30), time(13, 0), time(4, 0), time(13, 0)),
        (date(2013, 12, 24), time(9, 30), time(13, 0), time(4, 0), time(13, 0)),
        (date(2013, 7, 3), time(9, 30), time(13, 0), time(4, 0), time(13, 0)),
    ],
)
def test_session_bounds_respect_early_closes(
    equity_hours: ExchangeHours,
    day: date,
    market_open: time,
    market_close: time,
    extended_open: time,
    extended_close: time,
) -> None:
    assert equity_hours.market_open(day) == datetime.combine(day, market_open)
    assert equity_hours.market_close(day) == datetime.combine(day, market_close)
    assert equity_hours.extended_open(day) == datetime.combine(day, extended_open)
    assert equity_hours.extended_close(day) == datetime.combine(day, extended_close)


def test_closed_day_has_no_session(equity_hours: ExchangeHours) -> None:
    for getter in (
        equity_hours.market_open,
        equity_hours.market_close,
        equity_hours.extended_open,
        equity_hours.extended_close,
    ):
        assert getter(date(2013, 12, 25)) is None
    assert equity_hours.open_windows(date(2013, 12, 25)) == ()


@pytest.mark.parametrize(
    ("day", "next_day", "previous_day"),
    [
        (date(2013, 10, 4), date(2013, 10, 7), date(2013, 10, 3)),
        (date(2013, 11, 27), date(2013, 11, 29), date(2013, 11, 26)),
        (date(2013, 12, 24), date(2013, 12, 26), date(2013, 12, 23)),
        (date(2013, 12, 25), date(2013, 12, 26), date(2013, 12, 24)),
    ],
)
def test_next_and_previous_trading_day_skip_closed_days(
    equity_hours: ExchangeHours, day: date, next_day: date, previous_day: date
) -> None:
    assert equity_hours.next_trading_day(day) == next_day
    assert equity_hours.previous_trading_day(day) == previous_day


def test_trading_days_are_inclusive_and_count_a_full_year(equity_hours: ExchangeHours) -> None:
    assert equity_hours.trading_days(date(2013, 10, 4), date(2013, 10, 7)) == [
        date(2013, 10, 4),
        date(2013, 10, 7),
    ]
    assert len(equity_hours.trading_days(date(2013, 1, 1), date(2013, 12, 31))) == 252
    assert equity_hours.trading_days(date(2013, 10, 7), date(2013, 10, 6)) == []


def test_database_lookup_is_case_insensitive_falls_back_to_wildcard_and_caches(
    market_hours_db: MarketHoursDatabase,
) -> None:
    wildcard = market_hours_db.exchange_hours("Equity", "usa")
    assert market_hours_db.exchange_hours("equity", "USA", "SPY") is wildcard
    with pytest.raises(KeyError):
        market_hours_db.exchange_hours("Equity", "nowhere")


def test_every_entry_of_the_real_database_parses(market_hours_db: MarketHoursDatabase) -> None:
    for key in market_hours_db.entry_keys():
        security_type, market, symbol = key.split("-", 2)
        hours = market_hours_db.exchange_hours(security_type, market, symbol)
        assert hours.time_zone is not None


def test_segment_ending_at_midnight_keeps_the_last_second_open(market_hours_db: MarketHoursDatabase) -> None:
    hours = market_hours_db.exchange_hours("Forex", "oanda")
    sunday = date(2013, 10, 6)
    assert hours.is_open(datetime.combine(sunday, time(23, 59, 59)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13:00:00", timedelta(hours=13)),
        ("22:0:00", timedelta(hours=22)),
        ("1.00:00:00", timedelta(days=1)),
        ("1:00:00:00", timedelta(days=1)),
        ("09:30:00", timedelta(hours=9, minutes=30)),
    ],
)
def test_parse_timespan_reads_dotnet_formats(text: str, expected: timedelta) -> None:
    assert parse_timespan(text) == expected


def test_late_open_moves_the_open_and_closes_the_morning() -> None:
    entry = {
        "exchangeTimeZone": "America/New_York",
        "dataTimeZone": "America/New_York",
        "monday": [{"start": "09:30:00", "end": "16:00:00", "state": "market"}],
        "holidays": [],
        "lateOpens": {"10/7/2013": "11:00:00"},
    }
    hours = ExchangeHours.from_entry(entry)
    monday = date(2013, 10, 7)
    assert hours.market_open(monday) == datetime(2013, 10, 7, 11, 0)
    assert not hours.is_open(datetime(2013, 10, 7, 10, 0))
    assert hours.is_open(datetime(2013, 10, 7, 11, 0))
    assert not hours.is_trading_day(date(2013, 10, 8))


@pytest.mark.parametrize(
    ("year", "easter"), [(2013, date(2013, 3, 31)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31))]
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_builtin_rules_match_the_database_in_ordinary_years(equity_hours: ExchangeHours) -> None:
    for year in range(2013, 2018):
        assert us_equity_holidays(year) == {d for d in equity_hours.holidays if d.year == year}
        weekday_closes = {d for d in equity_hours.early_closes if d.year == year and d.weekday() < 5}
        assert set(us_equity_early_closes(year)) == weekday_closes
    default = ExchangeHours.us_equity_default(2013, 2017)
    assert default.trading_days(date(2013, 1, 1), date(2017, 12, 31)) == equity_hours.trading_days(
        date(2013, 1, 1), date(2017, 12, 31)
    )
