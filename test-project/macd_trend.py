# region imports
from datetime import date

from AlgorithmImports import *

# endregion


class MacdTrendAlgorithm(QCAlgorithm):
    """MACD trend following on daily SPY, 2004 to 2015.

    Goes long when the MACD line rises above its signal line by more than a
    threshold (measured relative to the fast EMA, so it does not depend on the
    price level) and exits when it falls below by the same margin. Decides at
    most once per day. Parameters: ``macd-fast`` (12), ``macd-slow`` (26),
    ``macd-signal`` (9) and ``macd-threshold`` (0.0025).
    """

    def initialize(self) -> None:
        # A workbench run request passes its window as parameters (start_date, end_date, initial_cash,
        # symbols, resolution); each default below is this strategy's own.
        self.set_start_date(date.fromisoformat(self.get_parameter("start_date", "2004-01-01")))
        self.set_end_date(date.fromisoformat(self.get_parameter("end_date", "2015-01-01")))
        self.set_cash(self.get_parameter("initial_cash", 100000.0))
        resolution = getattr(Resolution, self.get_parameter("resolution", "Daily").upper())
        self._spy = self.add_equity(self.get_parameter("symbols", "SPY").split(",")[0], resolution).symbol

        fast_period = self.get_parameter("macd-fast", 12)
        slow_period = self.get_parameter("macd-slow", 26)
        signal_period = self.get_parameter("macd-signal", 9)
        self._threshold = self.get_parameter("macd-threshold", 0.0025)
        self._macd = self.macd(
            self._spy, fast_period, slow_period, signal_period, MovingAverageType.EXPONENTIAL, resolution
        )
        self._last_decision_date = None

    def on_data(self, data: Slice) -> None:
        if not self._macd.is_ready:
            return
        today = self.time.date()
        if self._last_decision_date == today:
            return

        macd_line = self._macd.current.value
        signal_line = self._macd.signal.current.value
        gap = (macd_line - signal_line) / self._macd.fast.current.value
        quantity = self.portfolio[self._spy].quantity
        if quantity <= 0 and gap > self._threshold:
            self.set_holdings(self._spy, 1.0)
        elif quantity >= 0 and gap < -self._threshold:
            self.liquidate(self._spy)

        self.plot("MACD", "MACD", macd_line)
        self.plot("MACD", "Signal", signal_line)
        self._last_decision_date = today
