from datetime import timedelta

from AlgorithmImports import *


class ChangesFromOnDataAlgorithm(QCAlgorithm):
    """What on_data starts mid-stretch takes effect on time: an event, a limit order, a consolidator."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.fired = []
        self.filled = []
        self.consolidated = []
        self.started = False

    def on_data(self, data):
        if not self.started and self.time.hour == 11 and self.time.minute == 17:
            self.started = True
            self.schedule.on(self.date_rules.today, self.time_rules.at(11, 23), lambda: self.fired.append(self.time))
            self.limit_order(self.spy, 10, round(self.securities[self.spy].price * 1.01, 2))
            self.consolidate(self.spy, timedelta(minutes=5), lambda bar: self.consolidated.append(bar.end_time))

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.FILLED:
            self.filled.append(self.time)

    def on_end_of_algorithm(self):
        assert [str(t) for t in self.fired] == ["2013-10-07 11:23:00"], self.fired
        assert [str(t) for t in self.filled] == ["2013-10-07 11:18:00"], self.filled
        assert [str(t) for t in self.consolidated[:2]] == ["2013-10-07 11:20:00", "2013-10-07 11:25:00"], \
            self.consolidated[:2]
        self.log("on_data changes checks passed")
