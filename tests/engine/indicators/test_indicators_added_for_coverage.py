"""Heikin-Ashi, LogReturn, RateOfChangeRatio and MidPoint, on series worked out by hand from LEAN's definitions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lean_runner.engine.indicators import HeikinAshi
from lean_runner.engine.market_data import TradeBar


def test_heikin_ashi_smooths_each_bar_with_the_previous_candle() -> None:
    ha = HeikinAshi()
    start = datetime(2013, 10, 7, 9, 30)
    ha.update(TradeBar(start, None, 10.0, 12.0, 9.0, 11.0, 100.0))
    assert not ha.is_ready
    assert (ha.open.current.value, ha.close.current.value) == (10.5, 10.5)  # (o+c)/2 and (o+h+l+c)/4
    ha.update(TradeBar(start + timedelta(minutes=1), None, 11.0, 11.5, 10.0, 10.2, 50.0))
    assert ha.is_ready
    assert ha.open.current.value == pytest.approx((10.5 + 10.5) / 2)
    assert ha.close.current.value == pytest.approx((11.0 + 11.5 + 10.0 + 10.2) / 4)
    assert ha.high.current.value == pytest.approx(11.5) and ha.low.current.value == pytest.approx(10.0)
    assert ha.current.value == ha.close.current.value and ha.volume.current.value == 50.0


def _feed(indicator, values: list[float]) -> list[float]:
    start = datetime(2013, 10, 7)
    out = []
    for i, value in enumerate(values):
        indicator.update(start + timedelta(days=i), value)
        out.append(indicator.current.value)
    return out


def test_log_return_rate_of_change_ratio_and_midpoint_on_a_known_series() -> None:
    import math

    from lean_runner.engine.indicators import LogReturn, MidPoint, RateOfChangeRatio

    values = [10.0, 11.0, 12.1, 9.0]
    # LOGR(2): against the oldest kept value until the window overflows, then the value that fell out
    assert _feed(LogReturn(2), values) == pytest.approx([0.0, math.log(1.1), math.log(12.1 / 10.0),
                                                        math.log(9.0 / 11.0)])
    rocr = RateOfChangeRatio(2)
    assert _feed(rocr, values)[2:] == pytest.approx([1.21, 9.0 / 11.0])
    midpoint = MidPoint(3)
    assert _feed(midpoint, values) == pytest.approx([10.0, 10.5, 11.05, 10.55])
    assert midpoint.is_ready and not MidPoint(5).is_ready
