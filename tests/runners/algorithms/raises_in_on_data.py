from AlgorithmImports import *


class RaisesAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.add_equity("SPY", Resolution.MINUTE)
        self._bars = 0

    def on_data(self, data):
        self._bars += 1
        if self._bars == 3:
            self.explode(data)

    def explode(self, data):
        return 1 / 0  # the line the traceback must point at
