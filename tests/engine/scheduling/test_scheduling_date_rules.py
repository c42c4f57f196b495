"""Date rules against the real US equity calendar: holidays, week/month/year starts and ends, offsets."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lean_runner.engine.scheduling import DateRules, DayOfWeek


def _dates(rule, start: date, end: date) -> list[date]:
    return list(rule.get_dates(start, end))


def d(text: str) -> date:
    return date.fromisoformat(text)


CASES = [
    # (rule builder, start, end, expected dates)
    ("every_day SPY over Thanksgiving", lambda r: r.every_day("SPY"), "2013-11-26", "2013-12-02",
     ["2013-11-26", "2013-11-27", "2013-11-29", "2013-12-02"]),
    ("every_day calendar", lambda r: r.every_day(), "2013-11-28", "2013-12-01",
     ["2013-11-28", "2013-11-29", "2013-11-30", "2013-12-01"]),
    ("week_start SPY: Labor Day and MLK Day move to Tuesday", lambda r: r.week_start("SPY"), "2013-08-26",
     "2014-01-28", None),
    ("week_start without symbol: Mondays, holidays included", lambda r: r.week_start(), "2013-08-28", "2013-09-17",
     ["2013-09-02", "2013-09-09", "2013-09-16"]),
    ("week_start SPY + 1 trading day", lambda r: r.week_start("SPY", 1), "2013-08-26", "2013-09-13",
     ["2013-08-27", "2013-09-04", "2013-09-10"]),
    ("week_start + 2 calendar days", lambda r: r.week_start(2), "2013-08-26", "2013-09-13",
     ["2013-08-28", "2013-09-04", "2013-09-11"]),
    ("week_end SPY: Good Friday moves to Thursday", lambda r: r.week_end("SPY"), "2014-04-07", "2014-04-27",
     ["2014-04-11", "2014-04-17", "2014-04-25"]),
    ("week_end SPY - 1 trading day", lambda r: r.week_end("SPY", 1), "2014-04-07", "2014-04-27",
     ["2014-04-10", "2014-04-16", "2014-04-24"]),
    ("week_end without symbol: Fridays", lambda r: r.week_end(), "2014-04-07", "2014-04-27",
     ["2014-04-11", "2014-04-18", "2014-04-25"]),
    ("month_start SPY", lambda r: r.month_start("SPY"), "2013-08-15", "2014-02-15",
     ["2013-09-03", "2013-10-01", "2013-11-01", "2013-12-02", "2014-01-02", "2014-02-03"]),
    ("month_start SPY + 2 trading days", lambda r: r.month_start("SPY", 2), "2013-08-15", "2014-01-31",
     ["2013-09-05", "2013-10-03", "2013-11-05", "2013-12-04", "2014-01-06"]),
    ("month_start without symbol", lambda r: r.month_start(), "2013-08-15", "2013-12-31",
     ["2013-09-01", "2013-10-01", "2013-11-01", "2013-12-01"]),
    ("month_start + 3 calendar days (int first argument)", lambda r: r.month_start(3), "2013-08-15", "2013-10-31",
     ["2013-09-04", "2013-10-04"]),
    ("month_start offset capped at the month's last trading day", lambda r: r.month_start("SPY", 25),
     "2014-02-01", "2014-02-28", ["2014-02-28"]),
    ("month_end SPY: early-close day still trades", lambda r: r.month_end("SPY"), "2013-08-15", "2014-01-31",
     ["2013-08-30", "2013-09-30", "2013-10-31", "2013-11-29", "2013-12-31", "2014-01-31"]),
    ("month_end SPY - 1 trading day", lambda r: r.month_end("SPY", 1), "2013-11-01", "2014-01-31",
     ["2013-11-27", "2013-12-30", "2014-01-30"]),
    ("month_end without symbol", lambda r: r.month_end(), "2013-11-01", "2014-02-28",
     ["2013-11-30", "2013-12-31", "2014-01-31", "2014-02-28"]),
    ("year_start / year_end SPY", lambda r: r.year_start("SPY"), "2012-06-01", "2014-06-01",
     ["2013-01-02", "2014-01-02"]),
    ("year_end SPY", lambda r: r.year_end("SPY"), "2012-06-01", "2014-06-01", ["2012-12-31", "2013-12-31"]),
    ("every Monday and Friday", lambda r: r.every(DayOfWeek.MONDAY, DayOfWeek.Friday), "2013-11-25", "2013-12-06",
     ["2013-11-25", "2013-11-29", "2013-12-02", "2013-12-06"]),
    ("every with a list and ints (.NET numbering: 3 = Wednesday)", lambda r: r.every([3]), "2013-11-25",
     "2013-12-06", ["2013-11-27", "2013-12-04"]),
    ("on(year, month, day)", lambda r: r.on(2013, 11, 29), "2013-11-01", "2013-12-31", ["2013-11-29"]),
    ("on(*dates) within the range", lambda r: r.on(date(2013, 11, 29), datetime(2014, 1, 3, 10), date(2020, 1, 1)),
     "2013-11-01", "2014-12-31", ["2013-11-29", "2014-01-03"]),
]


@pytest.mark.parametrize(("build", "start", "end", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_date_rules(date_rules: DateRules, build, start, end, expected) -> None:
    got = _dates(build(date_rules), d(start), d(end))
    if expected is None:  # week starts of Aug 2013 - Jan 2014: Tuesday after Labor Day, MLK Day, New Year
        assert d("2013-09-03") in got and d("2013-09-02") not in got
        assert d("2014-01-21") in got and d("2014-01-20") not in got
        assert d("2013-12-30") in got and len(got) == 23
        assert all(day.weekday() in (0, 1) for day in got)
    else:
        assert got == [d(x) for x in expected]


def test_today_and_tomorrow_follow_the_scheduling_time(date_rules: DateRules) -> None:
    now = datetime(2013, 11, 29, 10, 15)
    assert list(date_rules.today.get_dates(d("2013-11-28"), d("2050-12-31"), now)) == [d("2013-11-29")]
    assert list(date_rules.Tomorrow.get_dates(d("2013-11-28"), d("2050-12-31"), now)) == [d("2013-11-30")]


def test_names(date_rules: DateRules) -> None:
    assert date_rules.every_day().name == "EveryDay"
    assert date_rules.every_day("SPY").name == "SPY: EveryDay"
    assert date_rules.month_start("SPY", 2).name == "SPY: MonthStart+2"
    assert date_rules.month_end(3).name == "MonthEnd-3"
    assert date_rules.WeekStart().Name == "WeekStart"
    assert date_rules.every(DayOfWeek.MONDAY).name == "Monday"
    assert date_rules.on(2013, 11, 29).name == "11/29/2013"


@pytest.mark.parametrize("build", [
    lambda r: r.week_start(7), lambda r: r.week_end(-1), lambda r: r.week_start("SPY", 5),
    lambda r: r.month_start(31), lambda r: r.month_end("SPY", 31), lambda r: r.year_start(366),
])
def test_offsets_out_of_range(date_rules: DateRules, build) -> None:
    with pytest.raises(ValueError, match="offset"):
        build(date_rules)


def test_unknown_symbol_fails_when_the_rule_is_made(date_rules: DateRules) -> None:
    with pytest.raises(KeyError, match="not found"):
        date_rules.every_day("XYZ")


def test_rules_are_lazy_over_decades(date_rules: DateRules) -> None:
    rule = date_rules.every_day("SPY")
    dates = rule.get_dates(d("1998-01-01"), d("2050-12-31"))
    assert next(dates) == d("1998-01-02")  # no list of 50 years is built
    assert len(list(date_rules.month_start("SPY").get_dates(d("1998-01-01"), d("2019-12-31")))) == 22 * 12
