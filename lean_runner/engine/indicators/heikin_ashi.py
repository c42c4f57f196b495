"""Heikin-Ashi candles (a bar indicator): each candle smooths the bar with the previous candle."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.macd import Identity
from lean_runner.engine.naming import lean_names


@lean_names
class HeikinAshi(IndicatorBase):
    """``open`` = mean of the previous candle's open and close (the bar's (open + close) / 2 at first),
    ``close`` = the bar's (open + high + low + close) / 4, ``high``/``low`` = the bar's extremes with the
    candle's open and close; the indicator's value is the candle's close. Ready from the second bar."""

    takes_bars = True

    def __init__(self, name: str = "HA") -> None:
        super().__init__(name)
        self.open = Identity(name + "_Open")
        self.high = Identity(name + "_High")
        self.low = Identity(name + "_Low")
        self.close = Identity(name + "_Close")
        self.volume = Identity(name + "_Volume")

    @property
    def is_ready(self) -> bool:
        return self.samples > 1

    @property
    def warm_up_period(self) -> int:
        return 2

    def compute_next_value(self, input: Any) -> float:
        bar_open, high, low, close = float(input.open), float(input.high), float(input.low), float(input.close)
        if self.samples <= 1:
            candle_open = (bar_open + close) / 2
            candle_high, candle_low = high, low
            candle_close = (bar_open + high + low + close) / 4
        else:
            candle_open = (self.open.current.value + self.close.current.value) / 2
            candle_close = (bar_open + high + low + close) / 4
            candle_high = max(high, candle_open, candle_close)
            candle_low = min(low, candle_open, candle_close)
        time = input.end_time
        for part, value in ((self.open, candle_open), (self.high, candle_high), (self.low, candle_low),
                            (self.close, candle_close), (self.volume, float(getattr(input, "volume", 0.0)))):
            part.update(time, value)
        return candle_close

    def reset(self) -> None:
        super().reset()
        for part in (self.open, self.high, self.low, self.close, self.volume):
            part.reset()
