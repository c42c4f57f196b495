# ruff: noqa: F403, F405
# region imports
from AlgorithmImports import *

# endregion


class BenchEmaCrossover(QCAlgorithm):
    """Benchmark: EMA(50)/EMA(200) on SPY minute bars; long while fast > slow, flat otherwise.

    ``start-date`` and ``end-date`` (``yyyy-mm-dd`` parameters) match the synthetic
    data the benchmark generated; ``ema-fast`` and ``ema-slow`` are the periods in bars.
    """

    def initialize(self) -> None:
        self.set_start_date(*_ymd(self.get_parameter("start-date", "2010-01-04")))
        self.set_end_date(*_ymd(self.get_parameter("end-date", "2020-03-26")))
        self.set_cash(100000)
        self._spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self._fast = self.ema(self._spy, self.get_parameter("ema-fast", 50))
        self._slow = self.ema(self._spy, self.get_parameter("ema-slow", 200))

    def on_data(self, data: Slice) -> None:
        if not self._slow.is_ready:
            return
        invested = self.portfolio[self._spy].invested
        if self._fast.current.value > self._slow.current.value:
            if not invested:
                self.set_holdings(self._spy, 1)
        elif invested:
            self.liquidate(self._spy)


def _ymd(text: str) -> tuple[int, int, int]:
    year, month, day = (int(part) for part in text.split("-"))
    return year, month, day
