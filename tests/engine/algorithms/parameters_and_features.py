from AlgorithmImports import *


class ParametersAndFeaturesAlgorithm(QCAlgorithm):
    """Exercises the core API in both naming styles; records what it saw in the log."""

    def Initialize(self):
        self.SetStartDate(2013, 10, 7)
        self.SetEndDate(2013, 10, 11)
        self.SetCash(50000)
        self.spy = self.AddEquity("SPY", Resolution.Minute).Symbol
        self.ibm = self.add_equity("IBM", Resolution.MINUTE, leverage=1).symbol
        self.fast_period = self.GetParameter("fast", 5)
        self.label = self.get_parameter("label", "none")
        self.fast = self.EMA(self.spy, self.fast_period)
        self.slow = self.sma(self.spy, 30)
        self.events = []
        self.ended = False

    def OnData(self, data):
        if data.ContainsKey(self.spy) and data.contains_key("IBM") and not self.portfolio.invested:
            bar = data["SPY"]
            self.Debug(f"first bar {bar.Close} {data.Bars['SPY'].Volume} {self.Securities['SPY'].Price}")
            self.MarketOrder("IBM", 10)
            self.set_holdings(self.spy, 0.5)
        if self.fast.IsReady and self.slow.is_ready and self.time.hour == 15 and self.time.minute == 0:
            self.plot("Indicators", "fast", self.fast.Current.Value)
            self.plot("Indicators", "slow", self.slow.current.value)

    def OnOrderEvent(self, order_event):
        self.events.append(order_event.status)

    def OnEndOfAlgorithm(self):
        self.ended = True
        self.Log(f"label={self.label} fast={self.fast_period} events={len(self.events)} "
                 f"ibm_leverage={self.securities[self.ibm].leverage} cash={self.portfolio.cash:.2f}")
