"""Renko, volume Renko and range consolidators, on price paths worked out by hand from LEAN's rules
(``RenkoConsolidator``, ``ClassicRenkoConsolidator``, ``VolumeRenkoConsolidator``, ``RangeConsolidator``,
``ClassicRangeConsolidator``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lean_runner.engine.consolidators import (
    BarDirection,
    ClassicRangeConsolidator,
    ClassicRenkoConsolidator,
    RangeConsolidator,
    RenkoConsolidator,
    VolumeRenkoConsolidator,
)
from lean_runner.engine.market_data import TradeBar

START = datetime(2013, 10, 7, 9, 30)


def _bars(closes: list[float], volume: float = 100.0) -> list[TradeBar]:
    return [TradeBar(START + timedelta(minutes=i), None, close, close, close, close, volume) for i, close in
            enumerate(closes)]


def _run(consolidator, bars: list[TradeBar]) -> list:
    emitted: list = []
    consolidator.data_consolidated += lambda sender, bar: emitted.append(bar)
    for bar in bars:
        consolidator.update(bar)
    return emitted


def test_wicked_renko_bricks_follow_the_run_and_reverse_two_bricks_away() -> None:
    bricks = _run(RenkoConsolidator(1.0), _bars([10.2, 11.5, 12.2, 10.5, 9.5]))
    # 10.2 rounds to 10; 11.5 and 12.2 make two rising bricks; 10.5 is not two bricks back; 9.5 is.
    assert [(b.open, b.close, b.direction) for b in bricks] == [
        (10.0, 11.0, BarDirection.RISING), (11.0, 12.0, BarDirection.RISING), (11.0, 10.0, BarDirection.FALLING)]
    assert bricks[2].high == pytest.approx(12.2)  # the reversal brick keeps the wick drawn since the last brick


def test_classic_renko_opens_on_the_brick_multiple_then_on_each_close() -> None:
    bars = _run(ClassicRenkoConsolidator(1.0), _bars([10.2, 11.5, 12.1, 12.5, 10.9]))
    assert [(b.open, b.close) for b in bars] == [(11.0, 12.0), (12.0, 11.0)]
    assert all(b.is_closed for b in bars)


def test_volume_renko_closes_every_brick_of_shares_and_carries_the_surplus() -> None:
    bars = _run(VolumeRenkoConsolidator(250), _bars([10.0, 10.5, 11.0, 9.0], volume=100.0))
    assert [(b.volume, b.open, b.close) for b in bars] == [(250.0, 10.0, 11.0)]
    # the 50 shares over the brick start the next bar at the previous close
    assert _run(VolumeRenkoConsolidator(50), _bars([10.0], volume=120.0)).__len__() == 2


def test_range_bars_close_at_the_range_and_fill_a_gap_with_intermediate_bars() -> None:
    # range 10 x 0.01 = 0.10; the first value 10.03 opens at 10.10 (the next multiple)
    bars = _run(RangeConsolidator(10), _bars([10.03, 10.15, 10.21, 10.55]))
    assert bars[0].open == pytest.approx(10.10) and bars[0].high == pytest.approx(10.20)
    assert bars[0].close == pytest.approx(10.20)
    # 10.55 jumps several ranges: intermediate bars, each opening a cent above the last high
    assert [round(b.open, 2) for b in bars[1:]] == [10.21, 10.32, 10.43]
    assert all(b.high - b.low == pytest.approx(0.10) for b in bars)


def test_classic_range_opens_the_next_bar_at_the_value_that_closed_the_last_one() -> None:
    bars = _run(ClassicRangeConsolidator(10), _bars([10.03, 10.15, 10.21, 10.55, 10.56]))
    # no intermediate bars: 10.21 closes the first bar and opens the second, which 10.55 closes
    assert [round(b.open, 2) for b in bars] == [10.10, 10.21]
    assert [round(b.close, 2) for b in bars] == [10.20, 10.31]
