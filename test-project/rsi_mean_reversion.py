# region imports
from datetime import date

from AlgorithmImports import *

# endregion


class RsiMeanReversionAlgorithm(QCAlgorithm):
    """RSI mean reversion on daily SPY: buy when oversold, sell when overbought.

    Uses Wilder's RSI. Parameters: ``rsi-period`` (14), ``rsi-oversold`` (30)
    and ``rsi-overbought`` (70).
    """

    def initialize(self) -> None:
        # A workbench run request passes its window as parameters (start_date, end_date, initial_cash,
        # symbols, resolution); each default below is this strategy's own.
        self.set_start_date(date.fromisoformat(self.get_parameter("start_date", "2010-01-01")))
        self.set_end_date(date.fromisoformat(self.get_parameter("end_date", "2014-12-31")))
        self.set_cash(self.get_parameter("initial_cash", 100000.0))
        resolution = getattr(Resolution, self.get_parameter("resolution", "Daily").upper())
        self._spy = self.add_equity(self.get_parameter("symbols", "SPY").split(",")[0], resolution).symbol

        period = self.get_parameter("rsi-period", 14)
        self._oversold = self.get_parameter("rsi-oversold", 30.0)
        self._overbought = self.get_parameter("rsi-overbought", 70.0)
        if not 0 <= self._oversold < self._overbought <= 100:
            raise ValueError(
                f"need 0 <= rsi-oversold ({self._oversold}) < rsi-overbought ({self._overbought}) <= 100"
            )
        self._rsi = self.rsi(self._spy, period, MovingAverageType.WILDERS, resolution)

    def on_data(self, data: Slice) -> None:
        if not self._rsi.is_ready:
            return
        value = self._rsi.current.value
        self.plot("RSI", "RSI", value)

        invested = self.portfolio[self._spy].invested
        if value < self._oversold and not invested:
            self.set_holdings(self._spy, 1)
            self.debug(f"RSI {value:.1f} below {self._oversold}: buying SPY")
        elif value > self._overbought and invested:
            self.liquidate(self._spy)
            self.debug(f"RSI {value:.1f} above {self._overbought}: selling SPY")
