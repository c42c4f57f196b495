from AlgorithmImports import *


class HistoryRequestsAlgorithm(QCAlgorithm):
    """Checks history() shapes and that it never returns bars from the future."""

    def initialize(self):
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 9)
        self.spy = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.add_equity("IBM", Resolution.DAILY)
        daily = self.history(self.spy, 5, Resolution.DAILY)
        assert list(daily.columns) == ["open", "high", "low", "close", "volume"], daily.columns
        assert daily.shape == (5, 5), daily.shape
        assert daily.index.names == ["symbol", "time"]
        assert daily.index[-1][1] == datetime(2013, 10, 7, 16, 0), daily.index[-1]
        both = self.History(["SPY", "IBM"], timedelta(days=3), Resolution.Daily)
        assert sorted(set(both.index.get_level_values(0))) == ["IBM", "SPY"]
        self.checked = False

    def on_data(self, data):
        if self.checked or self.time.hour != 10:
            return
        self.checked = True
        minute = self.history("SPY", 3)
        assert minute.shape[0] == 3
        assert "askclose" in minute.columns and "bidclose" in minute.columns
        assert minute.index[-1][1] == self.time
        assert abs(minute.loc["SPY"]["close"].iloc[-1] - self.securities["SPY"].price) < 1e-9
        span = self.history(self.spy, datetime(2013, 10, 8, 9, 30), datetime(2013, 10, 8, 9, 40),
                            Resolution.MINUTE)
        assert span.shape[0] == 10, span.shape

    def on_end_of_algorithm(self):
        assert self.checked
        self.log("history checks passed")
