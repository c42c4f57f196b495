from AlgorithmImports import *


class AuxiliaryOnlySliceAlgorithm(QCAlgorithm):
    """A slice holding only a dividend for SPY contains SPY, and data["SPY"] is None there (LEAN's Slice)."""

    def initialize(self):
        self.set_start_date(2013, 9, 16)
        self.set_end_date(2013, 9, 25)
        self.add_equity("SPY", Resolution.DAILY)
        self.auxiliary_only = 0

    def on_data(self, data):
        if data.dividends.contains_key("SPY") and not data.bars.contains_key("SPY"):
            self.auxiliary_only += 1
            assert data.contains_key("SPY")
            assert data["SPY"] is None
            assert data.get("SPY") is None
        elif data.bars.contains_key("SPY"):
            assert data["SPY"].close > 0
        else:
            try:
                data["SPY"]
            except KeyError:
                pass
            else:
                raise AssertionError("a slice without SPY must raise for data['SPY']")

    def on_end_of_algorithm(self):
        assert self.auxiliary_only == 1, self.auxiliary_only
        self.log("auxiliary slice checks passed")
