# region imports
from datetime import date

from AlgorithmImports import *

# endregion


class EmaCrossoverAlgorithm(QCAlgorithm):
    """EMA crossover on daily SPY: long while the fast EMA is above the slow one, flat otherwise.

    Parameters: ``ema-fast`` (default 10) and ``ema-slow`` (default 50) are the
    EMA periods in trading days.
    """

    def initialize(self) -> None:
        # A workbench run request passes its window as parameters (start_date, end_date, initial_cash,
        # symbols, resolution); each default below is this strategy's own.
        self.set_start_date(date.fromisoformat(self.get_parameter("start_date", "2010-01-01")))
        self.set_end_date(date.fromisoformat(self.get_parameter("end_date", "2014-12-31")))
        self.set_cash(self.get_parameter("initial_cash", 100000.0))
        resolution = getattr(Resolution, self.get_parameter("resolution", "Daily").upper())
        self._spy = self.add_equity(self.get_parameter("symbols", "SPY").split(",")[0], resolution).symbol

        fast_period = self.get_parameter("ema-fast", 10)
        slow_period = self.get_parameter("ema-slow", 50)
        if fast_period >= slow_period:
            raise ValueError(f"ema-fast ({fast_period}) must be smaller than ema-slow ({slow_period})")
        self._fast = self.ema(self._spy, fast_period, resolution)
        self._slow = self.ema(self._spy, slow_period, resolution)

    def on_data(self, data: Slice) -> None:
        if not (self._fast.is_ready and self._slow.is_ready):
            return
        fast = self._fast.current.value
        slow = self._slow.current.value
        self.plot("EMA", "Fast", fast)
        self.plot("EMA", "Slow", slow)

        invested = self.portfolio[self._spy].invested
        if fast > slow and not invested:
            self.set_holdings(self._spy, 1)
            self.debug(f"Fast EMA {fast:.2f} crossed above slow EMA {slow:.2f}: buying SPY")
        elif fast < slow and invested:
            self.liquidate(self._spy)
            self.debug(f"Fast EMA {fast:.2f} crossed below slow EMA {slow:.2f}: selling SPY")
