from AlgorithmImports import *


class ScheduleAndConsolidateAlgorithm(QCAlgorithm):
    """Scheduled events, consolidators, on_end_of_day, rolling windows and indicators at another resolution."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.opens = []
        self.closes = []
        self.every_30 = []
        self.schedule.on(self.date_rules.every_day(self.spy), self.time_rules.after_market_open(self.spy, 10),
                         self.after_open)
        self.Schedule.On(self.DateRules.EveryDay("SPY"), self.TimeRules.BeforeMarketClose("SPY", 5),
                         self.before_close)
        self.schedule.on(self.date_rules.week_start(self.spy), self.time_rules.every(timedelta(minutes=30)),
                         lambda: self.every_30.append(self.time))
        self.bars_30 = []
        self.consolidate(self.spy, timedelta(minutes=30), lambda bar: self.bars_30.append(bar))
        self.daily = []
        self.consolidate(self.spy, Resolution.DAILY, lambda bar: self.daily.append(bar))
        five = TradeBarConsolidator(5)
        five.data_consolidated += self.on_five
        self.subscription_manager.add_consolidator(self.spy, five)
        self.fives = 0
        self.hourly_sma = SimpleMovingAverage(3)
        self.register_indicator(self.spy, self.hourly_sma, timedelta(hours=1))
        self.window = RollingWindow[TradeBar](4)
        self.end_of_day = []
        self.changes = []

    def after_open(self):
        self.opens.append(self.time)
        assert self.securities["SPY"].price > 0

    def before_close(self):
        self.closes.append(self.time)

    def on_five(self, sender, bar):
        self.fives += 1
        assert bar.end_time - bar.time == timedelta(minutes=5), (bar.time, bar.end_time)

    def on_data(self, data):
        if data.contains_key("SPY"):
            self.window.add(data["SPY"])

    def on_end_of_day(self, symbol):
        self.end_of_day.append((self.time, str(symbol)))

    def on_securities_changed(self, changes):
        self.changes.extend(str(s.symbol) for s in changes.added_securities)

    def on_end_of_algorithm(self):
        assert [t.strftime("%d %H:%M") for t in self.opens] == [f"{d:02d} 09:40" for d in range(7, 12)], self.opens
        assert [t.strftime("%d %H:%M") for t in self.closes] == [f"{d:02d} 15:55" for d in range(7, 12)]
        assert [t.strftime("%H:%M") for t, _ in self.end_of_day[:1]] == ["15:50"], self.end_of_day
        assert len(self.end_of_day) == 5 and {s for _, s in self.end_of_day} == {"SPY"}
        # week_start is Monday the 7th only; every 30 minutes from midnight of that day, except the occurrence
        # at the very start time, which LEAN skips as already past
        assert len(self.every_30) == 47 and all(t.day == 7 for t in self.every_30), len(self.every_30)
        assert len(self.bars_30) == 5 * 13, len(self.bars_30)
        assert self.bars_30[0].time == datetime(2013, 10, 7, 9, 30) and self.bars_30[0].end_time == datetime(
            2013, 10, 7, 10, 0)
        assert [b.end_time for b in self.daily] == [datetime(2013, 10, d, 16, 0) for d in range(7, 12)], \
            [b.end_time for b in self.daily]
        assert self.fives == 5 * 78, self.fives
        assert self.hourly_sma.is_ready and self.hourly_sma.samples >= 5 * 6
        assert self.window.is_ready and self.window.count == 4 and self.window[0].end_time == self.time
        assert self.changes == ["SPY"], self.changes
        self.log("schedule checks passed")
