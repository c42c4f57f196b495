# Our implementation of LEAN's OnWarmupFinishedRegressionAlgorithm, from the conformance description.
from AlgorithmImports import *


class OnWarmupFinishedRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE)
        self.set_warmup(timedelta(days=1))
        self._on_warmup_finished = 0

    def on_warmup_finished(self):
        self._on_warmup_finished += 1

    def on_end_of_algorithm(self):
        if self._on_warmup_finished != 1:
            raise ValueError(f"Unexpected OnWarmupFinished call count {self._on_warmup_finished}")
