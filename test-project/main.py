# region imports
from datetime import date

from AlgorithmImports import *

# endregion


class BuyAndHoldAlgorithm(QCAlgorithm):
    """Buy and hold SPY: invest all cash on the first minute bar, then hold it for the week.

    Given several ``symbols`` (a parameter, comma-separated), it holds them in equal weights.

    The smallest complete LEAN algorithm (minute SPY, 2013-10-07 to 2013-10-11,
    $100,000): it places one order and shows the engine's default charts and
    statistics for a passive position.
    """

    def initialize(self) -> None:
        # A workbench run request passes its window as parameters (start_date, end_date, initial_cash,
        # symbols, resolution); each default below is this strategy's own.
        self.set_start_date(date.fromisoformat(self.get_parameter("start_date", "2013-10-07")))
        self.set_end_date(date.fromisoformat(self.get_parameter("end_date", "2013-10-11")))
        self.set_cash(self.get_parameter("initial_cash", 100000.0))
        resolution = getattr(Resolution, self.get_parameter("resolution", "Minute").upper())
        tickers = self.get_parameter("symbols", "SPY").split(",")
        self._symbols = [self.add_equity(ticker, resolution).symbol for ticker in tickers]

    def on_data(self, data: Slice) -> None:
        # Nothing to decide after the first fill: only buy while we hold nothing.
        if not self.portfolio.invested:
            for symbol in self._symbols:
                self.set_holdings(symbol, 1 / len(self._symbols))
            self.debug("Purchased Stock")
