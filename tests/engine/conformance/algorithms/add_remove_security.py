# Our implementation of LEAN's AddRemoveSecurityRegressionAlgorithm, from the conformance description.
from AlgorithmImports import *


class AddRemoveSecurityRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY")
        self._last_action = None

    def on_data(self, data):
        if self._last_action is not None and self._last_action.date() == self.time.date():
            return
        if not self.portfolio.invested:
            self.set_holdings("SPY", 0.5)
            self._last_action = self.time
        if self.time.weekday() == 1:
            self.add_equity("AIG")
            self.add_equity("BAC")
            self._last_action = self.time
        if self.time.weekday() == 2:
            self.set_holdings("AIG", 0.25)
            self.set_holdings("BAC", 0.25)
            self._last_action = self.time
        if self.time.weekday() == 3:
            self.remove_security("AIG")
            self.remove_security("BAC")
            self._last_action = self.time
