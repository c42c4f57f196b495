# Our implementation of LEAN's MACDTrendAlgorithm, from the conformance description.
from AlgorithmImports import *


class MACDTrendAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2004, 1, 1)
        self.set_end_date(2015, 1, 1)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.DAILY)
        self._macd = self.macd("SPY", 12, 26, 9, MovingAverageType.EXPONENTIAL, Resolution.DAILY)
        self.plot_indicator("MACD", True, self._macd, self._macd.signal)
        self.plot_indicator("SPY", self._macd.fast, self._macd.slow)
        self._previous = datetime.min

    def on_data(self, data):
        if not self._macd.is_ready:
            return
        if self._previous.date() == self.time.date():
            return
        tolerance = 0.0025
        holdings = self.portfolio["SPY"].quantity
        delta = (self._macd.current.value - self._macd.signal.current.value) / self._macd.fast.current.value
        if holdings <= 0 and delta > tolerance:
            self.set_holdings("SPY", 1.0)
        elif holdings >= 0 and delta < -tolerance:
            self.liquidate("SPY")
        self._previous = self.time
