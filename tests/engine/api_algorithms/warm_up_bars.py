from AlgorithmImports import *


class WarmUpBarsAlgorithm(QCAlgorithm):
    """Warm-up by bars fills indicators before the start; orders are refused while warming up."""

    def Initialize(self):
        self.SetStartDate(2013, 10, 10)
        self.SetEndDate(2013, 10, 11)
        self.AddEquity("SPY", Resolution.Daily)
        self.sma = self.SMA("SPY", 20)
        self.SetWarmUp(20)
        self.warm_bars = 0
        self.refused = None
        self.finished_calls = 0

    def OnData(self, data):
        if self.IsWarmingUp:
            # The SPY ex-dividend date in the window brings a bar-less slice too (it contains SPY, as in LEAN).
            if data.Bars.ContainsKey("SPY"):
                self.warm_bars += 1
            if self.refused is None:
                ticket = self.MarketOrder("SPY", 1)
                self.refused = ticket.Status == OrderStatus.Invalid and ticket.OrderId == -10
            return
        assert self.sma.IsReady, "the SMA must be ready once warm-up has fed it 20 bars"
        if not self.Portfolio.Invested:
            self.SetHoldings("SPY", 1)

    def OnWarmupFinished(self):
        self.finished_calls += 1

    def OnEndOfAlgorithm(self):
        assert self.warm_bars == 20, self.warm_bars
        assert self.refused is True
        assert self.finished_calls == 1
        assert self.Transactions.OrdersCount == 1
        self.Log("warm-up checks passed")
