# Indicator helpers, automatic warm-up, composition and a PythonIndicator on the embedded engine.
from collections import deque

from AlgorithmImports import *

from lean_runner.engine.indicators import IndicatorExtensions, PythonIndicator


class CustomSimpleMovingAverage(PythonIndicator):
    def __init__(self, name, period):
        super().__init__()
        self.name = name
        self.value = 0
        self.warm_up_period = period
        self.queue = deque(maxlen=period)

    def update(self, input):
        self.queue.appendleft(input.close)
        self.value = sum(self.queue) / len(self.queue)
        return len(self.queue) == self.queue.maxlen


class IndicatorChecksAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 12, 31)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.DAILY)
        self.settings.automatic_indicator_warm_up = True
        self._rsi = self.rsi("SPY", 14)
        self._bb = self.bb("SPY", 20, 2)
        self._atr = self.atr("SPY", 14)
        self._sto = self.sto("SPY", 14, 3, 3)
        self._adx = self.adx("SPY", 14)
        self._max = self.max("SPY", 10)
        self._rsi_sma = IndicatorExtensions.sma(self._rsi, 5)
        self._custom = CustomSimpleMovingAverage("custom", 5)
        self.register_indicator("SPY", self._custom)
        self.plot_indicator("Custom", self._custom)
        self.plot_indicator("RSI", self._rsi, self._rsi_sma)
        self._custom_events = 0
        self._custom.updated += self._on_custom_updated
        self._closes = []

    def _on_custom_updated(self, sender, point):
        self._custom_events += 1

    def on_data(self, data):
        if not data.bars.contains_key("SPY"):  # a dividend-only slice contains SPY with no bar, as in LEAN
            return
        bar = data["SPY"]
        self._closes.append(bar.close)
        for indicator in (self._rsi, self._bb, self._atr, self._sto, self._adx, self._max):
            assert indicator.is_ready, f"{indicator.name} must be warmed up by history"
        assert self._max.current.value >= bar.high
        bands = self._bb
        assert bands.upper_band.current.value > bands.middle_band.current.value > bands.lower_band.current.value
        assert self._custom.is_ready == (len(self._closes) >= 5)
        window = self._closes[-5:]
        assert abs(self._custom.current.value - sum(window) / len(window)) < 1e-9

    def on_end_of_algorithm(self):
        assert self._rsi.name == "RSI(14,Wilders,SPY_day)", self._rsi.name
        assert self._bb.name == "BB(20,2,SPY_day)", self._bb.name
        assert self._rsi_sma.name == "SMA5_Of_RSI(14,Wilders,SPY_day)"
        assert self._rsi_sma.is_ready
        assert self._custom_events == len(self._closes) == self._custom.samples > 50
        self.log("indicator checks passed")
