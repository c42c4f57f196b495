"""Bollinger Bands: a moving average with bands ``k`` population standard deviations away."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.enums import MovingAverageType
from lean_runner.engine.indicators.base import IndicatorBase
from lean_runner.engine.indicators.composite import ConstantIndicator, IndicatorExtensions, format_decimal
from lean_runner.engine.indicators.deviation import StandardDeviation
from lean_runner.engine.indicators.macd import Identity
from lean_runner.engine.indicators.moving_averages import moving_average
from lean_runner.engine.naming import lean_names


@lean_names
class BollingerBands(IndicatorBase):
    """LEAN's BB: ``middle_band`` (the average), ``upper_band``/``lower_band`` (middle ± k·std),
    ``standard_deviation``, ``band_width`` (100·(upper − lower)/middle) and ``percent_b``
    ((price − lower)/(upper − lower)). Its own value is the input price; ready after ``period`` inputs.

    The bands are composite indicators wired like LEAN's, so ``band_width`` and ``percent_b`` keep their
    last value while their denominator is 0 (as on the first input, where the deviation is 0).
    """

    def __init__(self, name: Any = None, period: Any = None, k: Any = None,
                 moving_average_type: Any = MovingAverageType.SIMPLE) -> None:
        if name is None:  # BollingerBands(period=..., k=...)
            name, period, k = period, k, None
        if not isinstance(name, str):  # BollingerBands(period, k, moving_average_type)
            if k is not None:
                moving_average_type = k
            name, period, k = None, name, period
        assert period is not None and k is not None, "BollingerBands needs a period and k"
        self.period = int(period)
        self.k = float(k)
        name = name or f"BB({self.period},{format_decimal(self.k)})"
        super().__init__(name)
        self.moving_average_type = moving_average_type
        self.standard_deviation = StandardDeviation(f"{name}_StandardDeviation", self.period)
        self.middle_band = moving_average(moving_average_type, f"{name}_MiddleBand", self.period)
        extensions = IndicatorExtensions
        self.lower_band = extensions.minus(self.middle_band, extensions.times(self.standard_deviation, self.k),
                                           f"{name}_LowerBand")
        self.upper_band = extensions.plus(self.middle_band, extensions.times(self.standard_deviation, self.k),
                                          f"{name}_UpperBand")
        upper_minus_lower = extensions.minus(self.upper_band, self.lower_band)
        self.band_width = extensions.times(extensions.over(upper_minus_lower, self.middle_band),
                                           ConstantIndicator("ct", 100.0), f"{name}_BandWidth")
        self.price = Identity(f"{name}_Close")
        self.percent_b = extensions.over(extensions.minus(self.price, self.lower_band), upper_minus_lower,
                                         f"{name}_%B")

    @property
    def is_ready(self) -> bool:
        parts = (self.middle_band, self.upper_band, self.lower_band, self.band_width, self.percent_b)
        return all(part.is_ready for part in parts)

    @property
    def warm_up_period(self) -> int:
        return self.period

    def compute_next_value(self, input: Any) -> float:
        self.standard_deviation.update(input)
        self.middle_band.update(input)
        self.price.update(input)
        return float(input.value)

    def reset(self) -> None:
        for part in (self.standard_deviation, self.middle_band, self.upper_band, self.lower_band,
                     self.band_width, self.percent_b):
            part.reset()
        super().reset()
