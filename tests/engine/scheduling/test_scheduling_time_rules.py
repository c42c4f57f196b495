"""Time rules against the real US equity hours: market open/close, early closes, holidays, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lean_runner.engine.scheduling import TimeRules

NEW_YORK = ZoneInfo("America/New_York")


def _local(rule, day: date) -> list[str]:
    """The rule's times on ``day`` as New York wall times."""
    return [t.astimezone(NEW_YORK).strftime("%H:%M:%S") for t in rule.times(day, datetime.now(NEW_YORK))]


SESSION_CASES = [
    # (rule builder, day, expected New York times)
    ("open", lambda r: r.after_market_open("SPY"), "2013-11-27", ["09:30:00"]),
    ("open + 10", lambda r: r.after_market_open("SPY", 10), "2013-11-29", ["09:40:00"]),
    ("open + 0.5", lambda r: r.AfterMarketOpen("SPY", 0.5), "2013-11-29", ["09:30:30"]),
    ("extended open + 30", lambda r: r.after_market_open("SPY", 30, True), "2013-11-27", ["04:30:00"]),
    ("close", lambda r: r.before_market_close("SPY"), "2013-11-27", ["16:00:00"]),
    ("close - 10", lambda r: r.before_market_close("SPY", 10), "2013-11-27", ["15:50:00"]),
    ("early close - 10", lambda r: r.before_market_close("SPY", 10), "2013-11-29", ["12:50:00"]),
    ("early close, extended", lambda r: r.before_market_close("SPY", 0, True), "2013-11-29", ["13:00:00"]),
    ("Christmas Eve early close", lambda r: r.before_market_close("SPY", 1), "2013-12-24", ["12:59:00"]),
    ("extended close - 15", lambda r: r.before_market_close("SPY", 15, True), "2013-11-27", ["19:45:00"]),
    ("Thanksgiving: no open", lambda r: r.after_market_open("SPY", 10), "2013-11-28", []),
    ("Thanksgiving: no close", lambda r: r.before_market_close("SPY", 10), "2013-11-28", []),
    ("Saturday: nothing", lambda r: r.before_market_close("SPY"), "2013-11-30", []),
    ("before open", lambda r: r.before_market_open("SPY", 5), "2013-11-29", ["09:25:00"]),
    ("after close", lambda r: r.after_market_close("SPY", 5), "2013-11-29", ["13:05:00"]),
    ("at 10:00", lambda r: r.at(10, 0), "2013-11-28", ["10:00:00"]),
    ("at 15:59:30", lambda r: r.at(15, 59, 30), "2013-11-30", ["15:59:30"]),
    ("at timedelta", lambda r: r.at(timedelta(hours=9, minutes=45)), "2013-11-29", ["09:45:00"]),
    ("at time", lambda r: r.at(time(9, 45, 15)), "2013-11-29", ["09:45:15"]),
    ("at 10:00 Chicago", lambda r: r.at(10, 0, "America/Chicago"), "2013-11-29", ["11:00:00"]),
    ("at 9:00 London (keyword)", lambda r: r.at(9, 0, time_zone=ZoneInfo("Europe/London")), "2013-11-29",
     ["04:00:00"]),
    ("at 02:30 on the spring-forward day moves to 03:30", lambda r: r.at(2, 30), "2014-03-09", ["03:30:00"]),
    ("midnight", lambda r: r.midnight, "2013-11-29", ["00:00:00"]),
    ("noon", lambda r: r.noon, "2013-11-29", ["12:00:00"]),
    ("noon on the spring-forward day (midnight + 12 hours)", lambda r: r.noon, "2014-03-09", ["13:00:00"]),
    ("noon on the fall-back day", lambda r: r.noon, "2014-11-02", ["11:00:00"]),
]


@pytest.mark.parametrize(("build", "day", "expected"), [c[1:] for c in SESSION_CASES],
                         ids=[c[0] for c in SESSION_CASES])
def test_time_rules(time_rules: TimeRules, build, day, expected) -> None:
    assert _local(build(time_rules), date.fromisoformat(day)) == expected


def test_every_thirty_minutes_covers_the_day(time_rules: TimeRules) -> None:
    rule = time_rules.every(timedelta(minutes=30))
    got = _local(rule, date(2013, 11, 29))
    assert len(got) == 48 and got[:3] == ["00:00:00", "00:30:00", "01:00:00"] and got[-1] == "23:30:00"
    assert rule.name == "Every 30 min"
    assert len(_local(time_rules.every(timedelta(minutes=7)), date(2013, 11, 29))) == 206  # 0..1435 by 7
    assert _local(time_rules.every(timedelta(hours=5)), date(2013, 11, 29)) == [
        "00:00:00", "05:00:00", "10:00:00", "15:00:00", "20:00:00"]


def test_every_rejects_non_positive_intervals(time_rules: TimeRules) -> None:
    for interval in (timedelta(0), timedelta(minutes=-5)):
        with pytest.raises(ValueError, match="zero or less"):
            time_rules.every(interval)


def test_names(time_rules: TimeRules) -> None:
    assert time_rules.after_market_open("SPY", 10).name == "SPY: 10 min after MarketOpen"
    assert time_rules.before_market_close("SPY", 2.5, True).name == "SPY: 2.5 min before ExtendedMarketClose"
    assert time_rules.at(10, 30).name == "10.5"
    assert time_rules.Midnight.Name == "Midnight"


def test_now_is_the_scheduling_time(time_rules: TimeRules) -> None:
    moment = datetime(2013, 11, 29, 10, 17, 3, tzinfo=NEW_YORK)
    assert time_rules.now.times(date(2013, 11, 29), moment) == [moment]


def test_utc_event_times(time_rules: TimeRules) -> None:
    rule = time_rules.after_market_open("SPY", 10)
    assert rule.create_utc_event_times([date(2013, 11, 28), date(2013, 11, 29), date(2014, 6, 2)]) == [
        datetime(2013, 11, 29, 14, 40), datetime(2014, 6, 2, 13, 40)]
    assert rule.times(date(2014, 6, 2), datetime.now(UTC))[0].utcoffset() == timedelta(hours=-4)


def test_default_time_zone_can_change(time_rules: TimeRules) -> None:
    time_rules.set_default_time_zone("Asia/Tokyo")
    assert _local(time_rules.at(9, 0), date(2013, 11, 29)) == ["19:00:00"]
