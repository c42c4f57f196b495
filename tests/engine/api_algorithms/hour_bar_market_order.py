from AlgorithmImports import *


class HourBarMarketOrderAlgorithm(QCAlgorithm):
    """A market order placed on the 09:00-10:00 hour bar (delivered at 10:00) fills at once, on that bar:
    LEAN's fill model asks whether the exchange is open at the current local time, not at the bar's start."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.spy = self.add_equity("SPY", Resolution.HOUR).symbol
        self.ticket = None

    def on_data(self, data):
        if self.ticket is None and data.bars.contains_key(self.spy):
            bar = data.bars[self.spy]
            assert self.time.hour == 10 and bar.end_time == self.time, (self.time, bar.time, bar.end_time)
            self.ticket = self.market_order(self.spy, 10)
            assert self.ticket.status == OrderStatus.FILLED, self.ticket.status
            assert self.ticket.average_fill_price == bar.close, (self.ticket.average_fill_price, bar.close)

    def on_end_of_algorithm(self):
        assert self.ticket is not None
        self.log("hour bar market order checks passed")
