"""LEAN's scheduled events: ``self.schedule.on(self.date_rules..., self.time_rules..., callback)``.

Wiring (algorithm side): ``schedule = ScheduleManager.create(hours_for, "America/New_York",
now=lambda: algorithm.time)`` where ``hours_for(symbol_or_ticker) -> ExchangeHours``;
``self.schedule = schedule``, ``self.date_rules = schedule.date_rules``, ``self.time_rules =
schedule.time_rules`` (PascalCase names come with them).

Engine contract (LEAN's backtesting real-time handler):

1. after ``initialize``: ``schedule.start(start_local_time)`` (the algorithm start, local naive time);
2. before each time slice at local time ``t``, before the slice's prices are applied:
   ``while (item := schedule.pop_due(t, inclusive=False)) is not None: clock.set_local(item[0]);
   item[1].fire()`` -- past events, each with the clock at its own time;
3. after the slice's prices are applied (securities updated), with the clock at ``t``: the same loop
   with ``inclusive=True`` -- events exactly at ``t`` (LEAN's ``SetTime``), which see the new prices;
   then consolidators, then ``on_data``;
4. at the end (optional): drain up to the end time the same way.

``due_events(up_to)`` returns the same occurrences as a list. A callback that raises propagates out of
``fire`` (LEAN stops the algorithm with a runtime error).
"""

from lean_runner.engine.scheduling.date_rules import END_OF_TIME, DateRule, DateRules, DayOfWeek
from lean_runner.engine.scheduling.manager import ScheduledEvent, ScheduleManager
from lean_runner.engine.scheduling.time_rules import TimeRule, TimeRules

__all__ = ["END_OF_TIME", "DateRule", "DateRules", "DayOfWeek", "ScheduleManager", "ScheduledEvent", "TimeRule",
           "TimeRules"]
