# region imports
import os
import sys
import time as wall_clock
from datetime import date

from AlgorithmImports import *

# endregion


class MisbehavingAlgorithm(QCAlgorithm):
    """Buys SPY for a month; parameter ``mode`` makes it misbehave: 1 raises, 2 calls sys.exit(3),
    3 hangs in on_data, 4 ends its process with os._exit(9). Mode 0 behaves."""

    def initialize(self) -> None:
        self.set_start_date(date(2013, 1, 2))
        self.set_end_date(date(2013, 1, 31))
        self.set_cash(100000)
        self._spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self._mode = int(self.get_parameter("mode", 0))
        if self._mode == 2:
            sys.exit(3)

    def on_data(self, data: Slice) -> None:
        if self._mode == 1:
            raise RuntimeError("mode 1 raises in on_data")
        if self._mode == 3:
            while True:
                wall_clock.sleep(0.05)
        if self._mode == 4:
            os._exit(9)
        if not self.portfolio.invested:
            self.set_holdings(self._spy, 1)
