from AlgorithmImports import *


class UnsupportedApiAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.AddOption("SPY")
