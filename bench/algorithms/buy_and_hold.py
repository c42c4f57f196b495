# ruff: noqa: F403, F405
# region imports
from AlgorithmImports import *

# endregion


class BenchBuyAndHold(QCAlgorithm):
    """Benchmark: buy SPY with all cash on the first minute bar and hold it to the end.

    ``start-date`` and ``end-date`` (``yyyy-mm-dd`` parameters) match the synthetic
    data the benchmark generated; the defaults are the full 1,000,000-bar range.
    """

    def initialize(self) -> None:
        self.set_start_date(*_ymd(self.get_parameter("start-date", "2010-01-04")))
        self.set_end_date(*_ymd(self.get_parameter("end-date", "2020-03-26")))
        self.set_cash(100000)
        self._spy = self.add_equity("SPY", Resolution.MINUTE).symbol

    def on_data(self, data: Slice) -> None:
        if not self.portfolio.invested:
            self.set_holdings(self._spy, 1)


def _ymd(text: str) -> tuple[int, int, int]:
    year, month, day = (int(part) for part in text.split("-"))
    return year, month, day
