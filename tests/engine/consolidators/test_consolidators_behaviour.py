"""Consolidator behaviour: scans without data, events, reset, errors, calendars, identity and the factory."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lean_runner.engine.consolidators import (
    BaseDataConsolidator,
    Calendar,
    CalendarInfo,
    IdentityDataConsolidator,
    MarketHourAwareConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
    create_consolidator,
)
from lean_runner.engine.enums import Resolution
from lean_runner.engine.indicators.base import IndicatorDataPoint
from lean_runner.engine.market_data import QuoteBar, TradeBar
from lean_runner.engine.symbol import Symbol

OPEN = datetime(2013, 10, 7, 9, 30)


def _minute(spy: Symbol, start: datetime, price: float = 100.0, volume: float = 10.0) -> TradeBar:
    return TradeBar(start, spy, price, price + 1, price - 1, price + 0.5, volume, timedelta(minutes=1))


# ---------------------------------------------------------------------------------- scan without data
def test_scan_emits_a_time_bar_once_its_end_passes_without_new_data(spy_minute) -> None:
    consolidator = TradeBarConsolidator(timedelta(minutes=15))
    for bar in spy_minute[:44]:  # 09:30 .. 10:13 (the last bar ends at 10:14)
        consolidator.update(bar)
        consolidator.scan(bar.end_time)
    first = consolidator.consolidated
    assert (first.time, first.end_time) == (datetime(2013, 10, 7, 9, 45), datetime(2013, 10, 7, 10, 0))
    assert consolidator.working_data.time == datetime(2013, 10, 7, 10, 0)
    assert consolidator.next_scan_time == datetime(2013, 10, 7, 10, 15)
    consolidator.scan(datetime(2013, 10, 7, 10, 14, 59))
    assert consolidator.consolidated is first
    consolidator.scan(datetime(2013, 10, 7, 10, 15))
    bar = consolidator.consolidated
    assert (bar.time, bar.end_time, bar.period) == (datetime(2013, 10, 7, 10, 0), datetime(2013, 10, 7, 10, 15),
                                                    timedelta(minutes=15))
    assert bar.open == spy_minute[30].open and bar.close == spy_minute[43].close
    assert bar.volume == pytest.approx(sum(b.volume for b in spy_minute[30:44]))
    assert consolidator.working_data is None and consolidator.next_scan_time is None
    consolidator.scan(datetime(2013, 10, 7, 11, 0))  # nothing to emit
    assert consolidator.consolidated is bar
    consolidator.update(spy_minute[50])  # 10:20 -> a new bar rounded down to 10:15
    assert consolidator.working_data.time == datetime(2013, 10, 7, 10, 15)


def test_a_late_scan_emits_the_bar_with_its_own_times(spy) -> None:
    consolidator = TradeBarConsolidator(timedelta(hours=1))
    consolidator.update(_minute(spy, OPEN))
    consolidator.scan(datetime(2013, 10, 8, 9, 31))  # e.g. the next day's first slice
    assert (consolidator.consolidated.time, consolidator.consolidated.end_time) == (
        datetime(2013, 10, 7, 9, 0), datetime(2013, 10, 7, 10, 0))


def test_count_consolidators_never_emit_on_scan(spy) -> None:
    consolidator = TradeBarConsolidator(3)
    consolidator.update(_minute(spy, OPEN))
    consolidator.scan(datetime(2013, 10, 9))
    assert consolidator.consolidated is None and consolidator.next_scan_time is None
    assert consolidator.working_data.time == OPEN


# ---------------------------------------------------------------------------------- events
def test_handler_styles_and_event_order(spy) -> None:
    consolidator = TradeBarConsolidator(2)
    seen: list[tuple[str, object]] = []

    class Algo:
        def on_bar(self, sender, bar) -> None:
            seen.append(("method", sender))

    algo = Algo()

    def two_args(sender, bar) -> None:
        # LEAN sets `consolidated` after the handlers ran; the window already holds the new bar
        seen.append(("previous", sender.consolidated))
        seen.append(("window", sender[0] is bar))

    def one_arg(bar) -> None:
        seen.append(("bar", bar.time))

    consolidator.data_consolidated += two_args
    consolidator.DataConsolidated += one_arg
    consolidator.data_consolidated += algo.on_bar
    for minute in range(4):
        consolidator.update(_minute(spy, OPEN + timedelta(minutes=minute)))
    assert seen[:4] == [("previous", None), ("window", True), ("bar", OPEN), ("method", consolidator)]
    assert seen[4][0] == "previous" and seen[4][1].time == OPEN
    consolidator.data_consolidated -= one_arg
    consolidator.data_consolidated -= algo.on_bar
    consolidator.data_consolidated -= two_args
    assert len(consolidator.data_consolidated) == 0
    consolidator.update(_minute(spy, OPEN + timedelta(minutes=4)))
    consolidator.update(_minute(spy, OPEN + timedelta(minutes=5)))
    assert len(seen) == 8 and consolidator.consolidated.time == OPEN + timedelta(minutes=4)
    assert [bar.time for bar in consolidator.window] == [OPEN + timedelta(minutes=4), OPEN + timedelta(minutes=2)]
    with pytest.raises(AttributeError):
        consolidator.data_consolidated = None


def test_reset_forgets_everything(spy) -> None:
    consolidator = TradeBarConsolidator(timedelta(minutes=5))
    for minute in range(7):
        consolidator.update(_minute(spy, OPEN + timedelta(minutes=minute)))
    assert consolidator.consolidated is not None and consolidator.working_data is not None
    consolidator.reset()
    assert consolidator.consolidated is None and consolidator.working_data is None
    assert consolidator.window.count == 0
    other = Symbol.create("AAPL")
    consolidator.update(_minute(other, OPEN))  # a new symbol is fine after a reset
    assert consolidator.working_data.symbol == other


def test_types_and_pascal_case_names(spy) -> None:
    trade, quote = TradeBarConsolidator(timedelta(minutes=5)), QuoteBarConsolidator(timedelta(minutes=5))
    assert (trade.input_type, trade.output_type) == (TradeBar, TradeBar)
    assert (quote.InputType, quote.OutputType) == (QuoteBar, QuoteBar)
    assert TradeBarConsolidator.from_resolution(Resolution.HOUR).next_scan_time is None
    trade.Update(_minute(spy, OPEN))
    assert trade.WorkingData.time == OPEN
    trade.Scan(OPEN + timedelta(minutes=5))
    assert trade.Consolidated.time == OPEN


@pytest.mark.parametrize(("make", "error"), [
    (lambda: TradeBarConsolidator(0), ValueError),
    (lambda: TradeBarConsolidator("5 minutes"), TypeError),
    (lambda: TradeBarConsolidator(None), TypeError),
], ids=["zero-count", "text", "none"])
def test_bad_periods_are_rejected(make, error) -> None:
    with pytest.raises(error):
        make()


def test_one_symbol_per_consolidator_and_no_coarser_input(spy) -> None:
    consolidator = TradeBarConsolidator(timedelta(minutes=5))
    consolidator.update(_minute(spy, OPEN))
    with pytest.raises(ValueError, match="single symbol"):
        consolidator.update(_minute(Symbol.create("AAPL"), OPEN + timedelta(minutes=1)))
    hourly = TradeBar(OPEN, spy, 1, 1, 1, 1, 1, timedelta(hours=1))
    with pytest.raises(ValueError, match="can not consolidate"):
        TradeBarConsolidator(timedelta(minutes=30)).update(hourly)


# ---------------------------------------------------------------------------------- calendars
@pytest.mark.parametrize(("function", "moment", "start", "period_days"), [
    (Calendar.WEEKLY, datetime(2013, 10, 9, 13, 5), datetime(2013, 10, 7), 7),
    (Calendar.Weekly, datetime(2013, 10, 13, 23, 59), datetime(2013, 10, 7), 7),
    (Calendar.WEEKLY, datetime(2013, 10, 7), datetime(2013, 10, 7), 7),
    (Calendar.MONTHLY, datetime(2013, 2, 17, 10), datetime(2013, 2, 1), 28),
    (Calendar.MONTHLY, datetime(2013, 12, 31, 23), datetime(2013, 12, 1), 31),
    (Calendar.QUARTERLY, datetime(2013, 11, 5), datetime(2013, 10, 1), 92),
    (Calendar.Quarterly, datetime(2013, 3, 31), datetime(2013, 1, 1), 90),
    (Calendar.YEARLY, datetime(2012, 7, 4), datetime(2012, 1, 1), 366),
])
def test_calendar_functions(function, moment, start, period_days) -> None:
    assert function(moment) == CalendarInfo(start, timedelta(days=period_days))


def test_weekly_calendar_bar_over_a_week_of_minutes(drive, spy_minute) -> None:
    emitted = drive(TradeBarConsolidator(Calendar.WEEKLY), spy_minute, until=datetime(2013, 10, 14, 0, 0, 1))
    assert len(emitted) == 1
    clock, bar = emitted[0]
    assert (clock, bar.time, bar.end_time) == (datetime(2013, 10, 14), datetime(2013, 10, 7), datetime(2013, 10, 14))
    assert (bar.open, bar.close) == (spy_minute[0].open, spy_minute[-1].close)
    assert bar.high == max(b.high for b in spy_minute) and bar.low == min(b.low for b in spy_minute)


def test_custom_calendar_function_half_past_hours(drive, spy_minute) -> None:
    """The forum example: hourly bars starting at half past (a function returning CalendarInfo)."""

    def half_past(moment: datetime) -> CalendarInfo:
        start = moment if moment.minute >= 30 else moment - timedelta(hours=1)
        return CalendarInfo(start.replace(minute=30, second=0, microsecond=0), timedelta(hours=1))

    emitted = drive(TradeBarConsolidator(half_past), spy_minute[:390])
    # 09:30-10:30 ... 14:30-15:30; the 15:30 bar waits for a scan at 16:30
    assert [bar.time.strftime("%H:%M") for _, bar in emitted] == [f"{h:02d}:30" for h in range(9, 15)]
    assert all(clock == bar.end_time for clock, bar in emitted)


# ---------------------------------------------------------------------------------- identity and values
def test_identity_passes_each_bar_once(spy) -> None:
    consolidator = IdentityDataConsolidator(TradeBar)
    first, duplicate, second = _minute(spy, OPEN), _minute(spy, OPEN, 101), _minute(spy, OPEN + timedelta(minutes=1))
    seen = []
    consolidator.data_consolidated += lambda sender, bar: seen.append(bar)
    for bar in (first, duplicate, second):
        consolidator.update(bar)
    assert seen == [first, second] and consolidator.consolidated is second
    assert consolidator.working_data.time == second.time and consolidator.output_type is TradeBar


def test_base_data_consolidator_builds_bars_from_values(spy) -> None:
    consolidator = BaseDataConsolidator(timedelta(minutes=10))
    for minute, value in enumerate([5.0, 7.0, 3.0, 4.0]):
        consolidator.update(IndicatorDataPoint(spy, OPEN + timedelta(minutes=minute), value))
    consolidator.scan(OPEN + timedelta(minutes=10))
    bar = consolidator.consolidated
    assert (bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume) == (OPEN, 5, 7, 3, 4, 0)


# ---------------------------------------------------------------------------------- the factory
@pytest.mark.parametrize(("period", "input_type", "expected", "span"), [
    (timedelta(minutes=1), TradeBar, IdentityDataConsolidator, None),
    (None, TradeBar, IdentityDataConsolidator, None),
    (Resolution.MINUTE, QuoteBar, IdentityDataConsolidator, None),
    (timedelta(minutes=30), TradeBar, TradeBarConsolidator, timedelta(minutes=30)),
    (Resolution.HOUR, TradeBar, TradeBarConsolidator, timedelta(hours=1)),
    (timedelta(days=1), TradeBar, TradeBarConsolidator, timedelta(days=1)),
    (timedelta(minutes=5), QuoteBar, QuoteBarConsolidator, timedelta(minutes=5)),
    (Resolution.DAILY, TradeBar, MarketHourAwareConsolidator, None),
    (Calendar.WEEKLY, TradeBar, TradeBarConsolidator, None),
])
def test_create_consolidator_picks_leans_consolidator(spy, equity_hours, period, input_type, expected, span) -> None:
    consolidator = create_consolidator(period, input_type, timedelta(minutes=1), equity_hours)
    assert type(consolidator) is expected
    if span is not None:
        consolidator.update(_minute(spy, OPEN) if input_type is TradeBar else
                            QuoteBar(OPEN, spy, None, 0, None, 0, timedelta(minutes=1)))
        assert consolidator.next_scan_time == consolidator.working_data.time + span


def test_create_consolidator_rejects_finer_periods_and_wraps_bar_handlers(spy, equity_hours) -> None:
    with pytest.raises(ValueError, match="higher resolution"):
        create_consolidator(timedelta(seconds=30), TradeBar, timedelta(minutes=1))
    seen = []
    consolidator = create_consolidator(timedelta(minutes=2), TradeBar, timedelta(minutes=1), handler=seen.append)
    consolidator.update(_minute(spy, OPEN))
    consolidator.update(_minute(spy, OPEN + timedelta(minutes=1)))
    consolidator.scan(OPEN + timedelta(minutes=2))
    assert len(seen) == 1 and seen[0].time == OPEN
