"""Market-hour aware (daily session) consolidation: real SPY minute/hour bars, early closes, extended hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lean_runner.engine.consolidators import MarketHourAwareConsolidator, daily_calendar
from lean_runner.engine.enums import Resolution
from lean_runner.engine.market_data import QuoteBar, TradeBar
from lean_runner.engine.symbol import Symbol

DAYS = [date(2013, 10, 7), date(2013, 10, 8), date(2013, 10, 9), date(2013, 10, 10), date(2013, 10, 11)]


def _session_bars(emitted) -> list[TradeBar]:
    return [bar for _, bar in emitted]


def test_daily_session_bars_from_minutes(drive, spy_minute, equity_hours) -> None:
    consolidator = MarketHourAwareConsolidator(True, Resolution.DAILY, TradeBar, None, False, equity_hours)
    emitted = drive(consolidator, spy_minute, until=datetime(2013, 10, 14))
    assert [clock for clock, _ in emitted] == [datetime.combine(d, datetime.min.time()) + timedelta(hours=16)
                                               for d in DAYS]
    for day, bar in zip(DAYS, _session_bars(emitted), strict=True):
        minutes = [b for b in spy_minute if b.time.date() == day]
        assert (bar.time, bar.end_time) == (datetime(day.year, day.month, day.day, 9, 30),
                                            datetime(day.year, day.month, day.day, 16, 0))
        assert bar.period == timedelta(hours=6, minutes=30)
        assert (bar.open, bar.close) == (minutes[0].open, minutes[-1].close)
        assert (bar.high, bar.low) == (max(b.high for b in minutes), min(b.low for b in minutes))
        assert bar.volume == pytest.approx(sum(b.volume for b in minutes))


def test_daily_session_bars_from_hour_bars_starting_at_nine(drive, spy_hour, reader, equity_hours) -> None:
    """LEAN's hour files start at 09:00; the first hour still belongs to that day's 09:30 session."""
    consolidator = MarketHourAwareConsolidator(exchange_hours=equity_hours)
    emitted = drive(consolidator, spy_hour, until=datetime(2013, 10, 14))
    daily = reader.trade_bars("SPY", "daily", DAYS[0], DAYS[-1])
    bars = _session_bars(emitted)
    assert [b.time.date() for b in bars] == DAYS
    assert all(b.time.time().isoformat() == "09:30:00" and b.end_time.hour == 16 for b in bars)
    for i, bar in enumerate(bars):  # equal to LEAN's own daily bars
        assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == pytest.approx(
            (daily.open[i], daily.high[i], daily.low[i], daily.close[i], daily.volume[i]))


def test_early_close_session_and_out_of_hours_data(drive, equity_hours, spy) -> None:
    day = datetime(2013, 11, 29)  # closes at 13:00
    minutes = [TradeBar(day + timedelta(hours=8) + timedelta(minutes=i), spy, 90, 90, 90, 90, 1, timedelta(minutes=1))
               for i in range(3)]  # pre-market: ignored without extended hours
    minutes += [TradeBar(day + timedelta(hours=9, minutes=30) + timedelta(minutes=i), spy, 100 + i, 101 + i, 99 + i,
                         100.5 + i, 10, timedelta(minutes=1)) for i in range(210)]
    minutes += [TradeBar(day + timedelta(hours=13, minutes=5), spy, 500, 500, 500, 500, 1, timedelta(minutes=1))]
    consolidator = MarketHourAwareConsolidator(True, Resolution.DAILY, TradeBar, None, False, equity_hours)
    emitted = drive(consolidator, minutes, until=datetime(2013, 12, 2))
    assert len(emitted) == 1
    clock, bar = emitted[0]
    assert clock == day + timedelta(hours=13)
    assert (bar.time, bar.end_time, bar.period) == (day + timedelta(hours=9, minutes=30), day + timedelta(hours=13),
                                                    timedelta(hours=3, minutes=30))
    assert (bar.open, bar.high, bar.low, bar.volume) == (100, 310, 99, 2100)


def test_extended_hours_session_and_non_strict_days(drive, equity_hours, spy) -> None:
    day = datetime(2013, 10, 7)
    bars = [TradeBar(day + timedelta(hours=h), spy, h, h, h, h, 1, timedelta(minutes=1)) for h in (5, 10, 17)]
    extended = MarketHourAwareConsolidator(True, Resolution.DAILY, TradeBar, None, True, equity_hours)
    (clock, bar), = drive(extended, bars, until=day + timedelta(days=1))
    assert (clock, bar.time, bar.end_time, bar.open, bar.close) == (
        day + timedelta(hours=20), day + timedelta(hours=4), day + timedelta(hours=20), 5, 17)
    loose = MarketHourAwareConsolidator(False, Resolution.DAILY, TradeBar, None, False, equity_hours)
    (clock, bar), = drive(loose, bars, until=day + timedelta(days=1, seconds=1))
    assert (clock, bar.time, bar.end_time, bar.open, bar.close) == (day + timedelta(days=1), day,
                                                                    day + timedelta(days=1), 10, 10)


def test_intraday_periods_only_take_market_hours(drive, equity_hours, spy) -> None:
    day = datetime(2013, 10, 7)
    bars = [TradeBar(day + timedelta(hours=9, minutes=m), spy, m, m, m, m, 1, timedelta(minutes=1))
            for m in range(0, 60)]
    emitted = drive(MarketHourAwareConsolidator(True, timedelta(minutes=30), TradeBar, None, False, equity_hours),
                    bars, until=day + timedelta(hours=11))
    assert [(bar.time.strftime("%H:%M"), bar.open) for _, bar in emitted] == [("09:30", 30)]


def test_quote_sessions_and_exchange_hours_binding(equity_hours) -> None:
    spy = Symbol.create("SPY")
    consolidator = MarketHourAwareConsolidator(True, Resolution.DAILY, QuoteBar, None, False)
    assert consolidator.output_type is QuoteBar
    quote = QuoteBar(datetime(2013, 10, 7, 9, 30), spy, None, 0, None, 0, timedelta(minutes=1))
    with pytest.raises(RuntimeError, match="exchange hours"):
        consolidator.update(quote)
    consolidator.set_exchange_hours(equity_hours)
    consolidator.update(quote)
    assert consolidator.next_scan_time == datetime(2013, 10, 7, 16, 0)
    consolidator.scan(datetime(2013, 10, 7, 16, 0))
    assert consolidator.consolidated.time == datetime(2013, 10, 7, 9, 30)


@pytest.mark.parametrize(("moment", "extended", "start", "end"), [
    (datetime(2013, 10, 7, 9, 30), False, datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 16)),
    (datetime(2013, 10, 7, 15, 59), False, datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 16)),
    (datetime(2013, 10, 7, 9, 0), False, datetime(2013, 10, 4, 9, 30), datetime(2013, 10, 4, 16)),
    (datetime(2013, 10, 7, 9, 0), True, datetime(2013, 10, 7, 4, 0), datetime(2013, 10, 7, 20)),
    (datetime(2013, 11, 29, 12, 0), False, datetime(2013, 11, 29, 9, 30), datetime(2013, 11, 29, 13)),
    (datetime(2013, 11, 28, 12, 0), False, datetime(2013, 11, 27, 9, 30), datetime(2013, 11, 27, 16)),
])
def test_daily_calendar(equity_hours, moment, extended, start, end) -> None:
    info = daily_calendar(moment, equity_hours, extended)
    assert (info.start, info.end) == (start, end)
