from AlgorithmImports import *


class SmaCrossoverByHand(QCAlgorithm):
    """SPY daily, 2010-2014: all in while SMA(20) > SMA(50), flat when SMA(20) < SMA(50)."""

    def initialize(self) -> None:
        self.set_start_date(2010, 1, 1)
        self.set_end_date(2014, 12, 31)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.fast = self.sma(self.spy, 20)
        self.slow = self.sma(self.spy, 50)

    def on_data(self, data: Slice) -> None:
        if not (self.fast.is_ready and self.slow.is_ready):
            return
        invested = self.portfolio[self.spy].invested
        if self.fast.current.value > self.slow.current.value and not invested:
            self.set_holdings(self.spy, 1)
        elif self.fast.current.value < self.slow.current.value and invested:
            self.liquidate(self.spy)
