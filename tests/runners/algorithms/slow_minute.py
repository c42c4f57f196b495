import time as wallclock

from AlgorithmImports import *  # brings datetime's `time`, hence the alias above


class SlowMinuteAlgorithm(QCAlgorithm):
    """A week of minute SPY that sleeps in on_data (parameter sleep-ms, default 10): about 20 s of wall time.

    It waits rather than computes, so runs take the same time in a container, in a subprocess
    and on a busy machine, and cancelling mid-run is easy to aim at.
    """

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE)
        self.pause = float(self.get_parameter("sleep-ms", 10)) / 1000.0

    def on_data(self, data):
        wallclock.sleep(self.pause)
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)
