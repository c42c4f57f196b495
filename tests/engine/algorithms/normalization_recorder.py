import json

from AlgorithmImports import *


class NormalizationRecorderAlgorithm(QCAlgorithm):
    """Buys 100 AAPL on the first daily bar of 2014 and holds them through four dividends and the 7:1 split,
    recording each day's close, quantity, average price and cash, and each split and dividend event.
    Parameters: mode (a DataNormalizationMode name), how (add_equity or security: where the mode is set),
    output (a JSON file)."""

    def initialize(self):
        self.set_start_date(2014, 1, 1)
        self.set_end_date(2014, 12, 31)
        self.set_cash(100000)
        mode = getattr(DataNormalizationMode, self.get_parameter("mode"))
        if self.get_parameter("how", "add_equity") == "add_equity":
            self.aapl = self.add_equity("AAPL", Resolution.DAILY, data_normalization_mode=mode).symbol
        else:
            self.aapl = self.add_equity("AAPL", Resolution.DAILY).symbol
            self.securities[self.aapl].set_data_normalization_mode(mode)
        self.days = []
        self.events = []

    def on_data(self, data):
        if data.splits.contains_key(self.aapl):
            split = data.splits[self.aapl]
            self.events.append(["split", str(self.time.date()), split.split_factor, self.portfolio.cash])
        if data.dividends.contains_key(self.aapl):
            dividend = data.dividends[self.aapl]
            self.events.append(["dividend", str(self.time.date()), dividend.distribution, self.portfolio.cash])
        if not data.bars.contains_key(self.aapl):
            return
        if not self.portfolio.invested:
            self.market_order(self.aapl, 100)
        holding = self.portfolio[self.aapl]
        self.days.append([str(self.time.date()), data.bars[self.aapl].close, holding.quantity,
                          holding.average_price, self.portfolio.cash])

    def on_end_of_algorithm(self):
        with open(self.get_parameter("output"), "w") as output:
            json.dump({"days": self.days, "events": self.events}, output)
