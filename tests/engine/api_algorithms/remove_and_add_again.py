from AlgorithmImports import *


class RemoveAndAddAgainAlgorithm(QCAlgorithm):
    """A removed security added again gets its data back, as in LEAN (the same Security object)."""

    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.set_cash(100000)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.add_equity("IBM", Resolution.MINUTE)  # keeps on_data coming while SPY is removed
        self.first = self.securities[self.spy]
        self.minutes = {"before": 0, "removed": 0, "again": 0}
        self.added = 0
        self.phase = "before"

    def on_securities_changed(self, changes):
        self.added += len(changes.added_securities)

    def on_data(self, data):
        if data.contains_key(self.spy):
            self.minutes[self.phase] += 1
        if self.phase == "before" and self.time.hour == 11:
            self.remove_security(self.spy)
            self.phase = "removed"
        elif self.phase == "removed" and self.time.hour == 13:
            again = self.add_equity("SPY", Resolution.MINUTE)
            assert again is self.first, "the security object is reused"
            self.phase = "again"

    def on_end_of_algorithm(self):
        assert self.minutes["before"] == 90, self.minutes  # 09:31 .. 11:00
        assert self.minutes["removed"] == 0, self.minutes
        assert self.minutes["again"] >= 170, self.minutes  # 13:01 .. 16:00
        assert self.added == 3, self.added  # SPY and IBM, then SPY again
        self.log("re-add checks passed")
