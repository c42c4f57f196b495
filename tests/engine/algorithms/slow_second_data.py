from AlgorithmImports import *


class SlowSecondDataAlgorithm(QCAlgorithm):
    """Second data over a week with a busy on_data: long enough to be killed mid-run."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.add_equity("SPY", Resolution.SECOND)
        self.add_equity("IBM", Resolution.SECOND)

    def on_data(self, data):
        total = 0.0
        for _ in range(200):
            total += 1.0
        if not self.portfolio.invested:
            self.set_holdings("SPY", 0.5)
