"""The schedule manager: occurrence order, skipping at scheduling time, draining, removal, laziness."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lean_runner.engine.scheduling import DateRules, ScheduledEvent, ScheduleManager, TimeRules
from lean_runner.engine.scheduling.date_rules import DateRule


def _drain(schedule: ScheduleManager, clock, up_to: datetime, inclusive: bool = True) -> list[tuple[datetime, str]]:
    """What the engine does: pop each due occurrence, move the clock there, fire it."""
    fired = []
    while (item := schedule.pop_due(up_to, inclusive)) is not None:
        when, event = item
        clock.time = when
        event.fire()
        fired.append((when, event.name))
    return fired


def test_thanksgiving_week_open_and_close_events(schedule: ScheduleManager, clock) -> None:
    calls: list[tuple[str, datetime]] = []
    rules_d, rules_t = schedule.date_rules, schedule.time_rules
    schedule.on(rules_d.every_day("SPY"), rules_t.before_market_close("SPY", 10),
                lambda: calls.append(("close", clock.time)))
    schedule.on(rules_d.every_day("SPY"), rules_t.after_market_open("SPY", 30),
                lambda: calls.append(("open", clock.time)), "open+30")
    schedule.start(datetime(2013, 11, 26))
    fired = _drain(schedule, clock, datetime(2013, 12, 3))
    assert calls == [
        ("open", datetime(2013, 11, 26, 10, 0)), ("close", datetime(2013, 11, 26, 15, 50)),
        ("open", datetime(2013, 11, 27, 10, 0)), ("close", datetime(2013, 11, 27, 15, 50)),
        ("open", datetime(2013, 11, 29, 10, 0)), ("close", datetime(2013, 11, 29, 12, 50)),
        ("open", datetime(2013, 12, 2, 10, 0)), ("close", datetime(2013, 12, 2, 15, 50)),
    ]
    assert fired[0][1] == "open+30" and fired[1][1] == "SPY: EveryDay: SPY: 10 min before MarketClose"


def test_every_thirty_minutes_within_a_day_and_strictness(schedule: ScheduleManager, clock) -> None:
    schedule.on(schedule.date_rules.on(2013, 11, 29), schedule.time_rules.every(timedelta(minutes=30)), lambda: None)
    schedule.start(datetime(2013, 11, 29))  # midnight itself is skipped: it is the scheduling time
    assert schedule.next_event_time == datetime(2013, 11, 29, 0, 30)
    # before a slice at 10:00: strictly earlier occurrences only (LEAN's ScanPastEvents)...
    past = _drain(schedule, clock, datetime(2013, 11, 29, 10, 0), inclusive=False)
    assert [when.strftime("%H:%M") for when, _ in past] == [
        f"{h:02d}:{m:02d}" for h in range(10) for m in (0, 30)][1:]
    # ...then, after the prices are applied, the one exactly at the slice time (LEAN's SetTime)
    assert [when for when, _ in _drain(schedule, clock, datetime(2013, 11, 29, 10, 0))] == [
        datetime(2013, 11, 29, 10, 0)]
    rest = schedule.due_events(datetime(2013, 12, 31))
    assert len(rest) == 27 and rest[-1][0] == datetime(2013, 11, 29, 23, 30)
    assert schedule.next_event_time is None


def test_ties_fire_in_creation_order(schedule: ScheduleManager, clock) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    names = ["c", "a", "b"]
    for name in names:
        schedule.on(d.every_day("SPY"), t.at(10, 0), lambda: None, name)
    schedule.on("early", d.every_day(), t.at(9, 59), lambda: None)
    schedule.start(datetime(2013, 11, 27))
    fired = [name for _, name in _drain(schedule, clock, datetime(2013, 11, 29, 12))]
    assert fired == ["early", "c", "a", "b", "early", "early", "c", "a", "b"]


def test_events_made_in_initialize_skip_the_past(schedule: ScheduleManager, clock) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    schedule.on(d.every_day(), t.midnight, lambda: None, "midnight")
    schedule.on(d.month_start("SPY"), t.after_market_open("SPY"), lambda: None, "month")
    schedule.on(d.today, t.at(8, 0), lambda: None, "today")
    with pytest.raises(RuntimeError, match="start"):
        schedule.pop_due(datetime(2013, 10, 1))
    schedule.start(datetime(2013, 10, 1))
    fired = _drain(schedule, clock, datetime(2013, 10, 2, 23))
    assert fired == [(datetime(2013, 10, 1, 8), "today"), (datetime(2013, 10, 1, 9, 30), "month"),
                     (datetime(2013, 10, 2), "midnight")]


def test_events_made_while_running_use_the_algorithm_clock(schedule: ScheduleManager, clock) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    schedule.start(datetime(2013, 11, 25))
    clock.time = datetime(2013, 11, 26, 10, 0)
    now_event = schedule.on(d.today, t.now, lambda: None, "now")
    schedule.on(d.today, t.at(10, 0), lambda: None, "at the current time: skipped")
    schedule.on(d.today, t.at(9, 0), lambda: None, "earlier today: skipped")
    schedule.on(d.tomorrow, t.at(9, 0), lambda: None, "tomorrow")
    schedule.on(d.every_day("SPY"), t.before_market_close("SPY", 10), lambda: None, "close")
    assert now_event.next_event_utc_time == datetime(2013, 11, 26, 15, 0)
    fired = _drain(schedule, clock, datetime(2013, 11, 27, 12))
    assert fired == [(datetime(2013, 11, 26, 10, 0), "now"), (datetime(2013, 11, 26, 15, 50), "close"),
                     (datetime(2013, 11, 27, 9, 0), "tomorrow")]


def test_callbacks_can_schedule_and_remove(schedule: ScheduleManager, clock) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    log: list[str] = []
    noisy = schedule.on(d.every_day(), t.every(timedelta(hours=1)), lambda: log.append("hourly"))

    def at_ten() -> None:
        log.append("ten")
        schedule.remove(noisy)
        schedule.on(d.today, t.now, lambda: log.append("follow-up"))

    schedule.on(d.on(2013, 11, 29), t.at(10, 0), at_ten)
    schedule.start(datetime(2013, 11, 29, 8, 30))
    _drain(schedule, clock, datetime(2013, 11, 30))
    # hourly fired at 09:00, so at 10:00 it waits behind `at_ten`, whose removal then stops it
    assert log == ["hourly", "ten", "follow-up"]
    assert noisy not in schedule.events and len(schedule.events) == 2


def test_disabled_events_are_consumed_silently(schedule: ScheduleManager, clock) -> None:
    calls = []
    event = schedule.on(schedule.date_rules.every_day(), schedule.time_rules.noon, lambda: calls.append(clock.time))
    schedule.start(datetime(2013, 11, 27))
    event.enabled = False
    assert schedule.due_events(datetime(2013, 11, 28, 23)) == []
    event.Enabled = True
    assert [when for when, _ in schedule.due_events(datetime(2013, 11, 29, 23))] == [datetime(2013, 11, 29, 12)]


def test_on_overloads_and_errors(schedule: ScheduleManager) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    assert schedule.on(d.every_day(), t.noon, lambda: None).name == "EveryDay: Noon"
    assert schedule.On("named", d.EveryDay("SPY"), t.At(10, 0), lambda: None).Name == "named"
    assert schedule.on(date_rule=d.every_day(), time_rule=t.noon, callback=lambda: None, name="kw").name == "kw"
    assert isinstance(schedule.training_now(lambda: None), ScheduledEvent)
    with pytest.raises(TypeError):
        schedule.on(d.every_day(), t.noon)
    with pytest.raises(TypeError):
        schedule.on(t.noon, d.every_day(), lambda: None)
    event = schedule.events[0]
    with pytest.raises(ValueError, match="already scheduled"):
        schedule.add(event)


def test_pascal_case_access_to_rules(hours_for) -> None:
    schedule = ScheduleManager(DateRules(hours_for), TimeRules(hours_for))
    rule = schedule.DateRules.EveryDay("SPY")
    assert rule.Name == "SPY: EveryDay"
    assert schedule.TimeRules.AfterMarketOpen("SPY", 10).name == "SPY: 10 min after MarketOpen"
    schedule.start(datetime(2013, 11, 29))  # without a clock, the last drained time is "now"
    schedule.due_events(datetime(2013, 11, 29, 11))
    event = schedule.on(schedule.date_rules.today, schedule.time_rules.at(12, 0), lambda: None)
    assert event.next_event_utc_time == datetime(2013, 11, 29, 17, 0)


def test_generation_is_lazy_over_twenty_years(schedule: ScheduleManager, clock) -> None:
    d, t = schedule.date_rules, schedule.time_rules
    every_day = d.every_day("SPY")
    pulled: list[date] = []

    def counted(start: date, end: date, now: datetime):
        for day in every_day.get_dates(start, end, now):
            pulled.append(day)
            yield day

    # A minute rule over twenty years: laziness means only the days actually reached are ever generated.
    minutes = schedule.on(DateRule("counted EveryDay", counted), t.every(timedelta(minutes=1)), lambda: None)
    schedule.on(d.month_end("SPY"), t.before_market_close("SPY", 5), lambda: None, "rebalance")
    schedule.start(datetime(1998, 1, 2))
    assert len(schedule.due_events(datetime(1998, 1, 2, 23, 59, 59))) == 1439  # 00:00 is the start: skipped
    assert minutes.next_event_utc_time == datetime(1998, 1, 5, 5, 0)
    assert len(pulled) <= 3  # 1998-01-02 and the next trading day, not twenty years of days
    minutes.enabled = False  # skipping 20 years of one-minute occurrences is not needed for the check below
    schedule.remove(minutes)
    month_ends = schedule.due_events(datetime(2018, 1, 1))
    assert len(month_ends) == 20 * 12 and month_ends[-1][0] == datetime(2017, 12, 29, 15, 55)
    assert len(pulled) <= 3  # removing the event stopped its generation


def test_an_event_that_just_fired_waits_behind_equal_times(schedule: ScheduleManager, clock) -> None:
    """LEAN's SortFirstElement: after firing, an event goes behind those already waiting at its next time."""
    d, t = schedule.date_rules, schedule.time_rules
    schedule.on(d.every_day(), t.at(10, 0), lambda: None, "daily")  # made first
    schedule.on(d.on(2013, 11, 28), t.at(10, 0), lambda: None, "once")
    schedule.start(datetime(2013, 11, 27))
    fired = [(when.day, name) for when, name in _drain(schedule, clock, datetime(2013, 11, 28, 12))]
    assert fired == [(27, "daily"), (28, "once"), (28, "daily")]
    # adding (or removing) an event re-sorts the waiting occurrences by creation order again
    schedule.on(d.on(2013, 11, 29), t.at(10, 0), lambda: None, "later")
    schedule.on(d.on(2013, 11, 29), t.at(10, 0), lambda: None, "last")
    assert [name for _, name in _drain(schedule, clock, datetime(2013, 11, 29, 12))] == ["daily", "later", "last"]
