# Our implementation of LEAN's StatisticsResultsAlgorithm, from the conformance description.
from AlgorithmImports import *


class StatisticsResultsAlgorithm(QCAlgorithm):
    MOST_TRADED_SECURITY_STATISTIC = "Most Traded Security"
    MOST_TRADED_SECURITY_TRADE_COUNT_STATISTIC = "Most Traded Security Trade Count"

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self._spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self._ibm = self.add_equity("IBM", Resolution.MINUTE).symbol
        self._fast_spy_ema = self.ema(self._spy, 30, Resolution.MINUTE)
        self._slow_spy_ema = self.ema(self._spy, 60, Resolution.MINUTE)
        self._fast_ibm_ema = self.ema(self._spy, 10, Resolution.MINUTE)
        self._slow_ibm_ema = self.ema(self._spy, 30, Resolution.MINUTE)
        self._trade_counts = {self._spy: 0, self._ibm: 0}

    def on_data(self, data):
        if not self._slow_spy_ema.is_ready:
            return
        if self._fast_spy_ema > self._slow_spy_ema:
            self.set_holdings(self._spy, 0.5)
        elif self.securities[self._spy].invested:
            self.liquidate(self._spy)
        if self._fast_ibm_ema > self._slow_ibm_ema:
            self.set_holdings(self._ibm, 0.2)
        elif self.securities[self._ibm].invested:
            self.liquidate(self._ibm)

    def on_order_event(self, order_event):
        if order_event.status == OrderStatus.FILLED:
            statistics = self.statistics.summary
            self._trade_counts[order_event.symbol] += 1
            most_traded = max(self._trade_counts, key=lambda symbol: self._trade_counts[symbol])
            self.set_summary_statistic(self.MOST_TRADED_SECURITY_STATISTIC, str(most_traded))
            self.set_summary_statistic(self.MOST_TRADED_SECURITY_TRADE_COUNT_STATISTIC,
                                       self._trade_counts[most_traded])
            if not statistics:
                raise ValueError("statistics.summary must be readable during the run")
