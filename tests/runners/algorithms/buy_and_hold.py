# region imports
from AlgorithmImports import *

# endregion


class BuyAndHoldAlgorithm(QCAlgorithm):
    """Buy and hold SPY: invest all cash on the first minute bar, then hold it for the week.

    The smallest complete LEAN algorithm (minute SPY, 2013-10-07 to 2013-10-11,
    $100,000): it places one order and shows the engine's default charts and
    statistics for a passive position.
    """

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE)

    def on_data(self, data: Slice) -> None:
        # Nothing to decide after the first fill: only buy while we hold nothing.
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)
            self.debug("Purchased Stock")
