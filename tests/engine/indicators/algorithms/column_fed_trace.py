# Moving averages read on every minute, touched mid-run; "observe" = "1" forces bar-by-bar updates.
from AlgorithmImports import *


class ColumnFedTraceAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.set_warm_up(30)
        self.fast = self.ema(self.spy, 10)
        self.slow = self.sma(self.spy, 40)
        self.late = None
        self.observe = self.get_parameter("observe") == "1"
        if self.observe:
            for indicator in (self.fast, self.slow):
                indicator.updated += lambda sender, point: None
        self.bars = 0
        self.trace = []

    def on_data(self, data):
        self.bars += 1
        row = [str(self.time), self.fast.samples, self.fast.is_ready, self.fast.current.value,
               str(self.fast.current.time), self.fast.previous.value, self.slow.samples, self.slow.current.value]
        if self.late is not None:
            row += [self.late.samples, self.late.current.value]
        self.trace.append(row)
        if self.bars == 100:
            row.append([point.value for point in self.fast.window])  # settles the column-fed EMA
        if self.bars == 200:
            self.add_equity("AIG", Resolution.MINUTE)  # new slice times: the indicators are fed afresh
        if self.bars == 300:
            self.late = self.sma(self.spy, 5)
            if self.observe:
                self.late.updated += lambda sender, point: None
        if self.bars == 500:
            self.slow.reset()
        if not self.is_warming_up and self.fast.is_ready and self.slow.is_ready:
            if self.fast.current.value > self.slow.current.value and not self.portfolio.invested:
                self.set_holdings(self.spy, 1)
            elif self.fast.current.value < self.slow.current.value and self.portfolio.invested:
                self.liquidate(self.spy)

    def on_end_of_algorithm(self):
        self.log("TRACE " + json.dumps(self.trace))
