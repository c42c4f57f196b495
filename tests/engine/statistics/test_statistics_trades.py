"""Closed trades (grouping, matching, fees, MAE/MFE) and the trade statistics over them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from lean_runner.engine.statistics import (
    FillGroupingMethod,
    FillMatchingMethod,
    Trade,
    TradeBuilder,
    TradeDirection,
    compute_trade_statistics,
)

EPOCH = datetime(2013, 10, 7, 13, 30, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def _t(seconds: float) -> float:
    return _at(seconds).timestamp()


def _summary(trade: Trade) -> tuple:
    return (
        trade.direction,
        trade.quantity,
        trade.entry_price,
        trade.exit_price,
        trade.profit_loss,
        trade.total_fees,
        trade.mae,
        trade.mfe,
    )


def test_fill_to_fill_fifo_closes_oldest_entries_first_and_handles_reversal():
    builder = TradeBuilder()
    builder.process_fill("SPY", _t(0), price=100, quantity=10, fee=1)
    builder.process_fill("SPY", _t(60), price=110, quantity=5, fee=1)
    builder.set_market_price("SPY", 95)
    builder.set_market_price("SPY", 120)
    builder.process_fill("SPY", _t(120), price=115, quantity=-12, fee=2)
    builder.process_fill("SPY", _t(180), price=90, quantity=-5, fee=1)  # closes 3, opens a 2-share short
    builder.process_fill("SPY", _t(240), price=80, quantity=2, fee=1)

    long, short = TradeDirection.LONG, TradeDirection.SHORT
    assert [_summary(t) for t in builder.closed_trades] == [
        (long, 10, 100, 115, 150, 3, -50, 200),
        (long, 2, 110, 115, 10, 1, -30, 20),
        (long, 3, 110, 90, -60, 1, -60, 30),
        (short, 2, 90, 80, 20, 1, 0, 20),
    ]
    first = builder.closed_trades[0]
    assert (first.entry_time, first.exit_time, first.duration) == (_at(0), _at(120), timedelta(minutes=2))
    assert first.is_win and not builder.closed_trades[2].is_win
    assert builder.closed_trades[2].end_trade_drawdown == -90
    assert not builder.has_open_position("SPY")


def test_fill_to_fill_lifo_closes_newest_entries_first():
    builder = TradeBuilder(matching=FillMatchingMethod.LIFO)
    builder.process_fill("SPY", _t(0), price=100, quantity=10, fee=0)
    builder.process_fill("SPY", _t(60), price=110, quantity=5, fee=0)
    builder.process_fill("SPY", _t(120), price=115, quantity=-12, fee=0)
    assert [(t.quantity, t.entry_price, t.profit_loss) for t in builder.closed_trades] == [
        (5, 110, 25),
        (7, 100, 105),
    ]
    assert builder.has_open_position("SPY")


def test_flat_to_flat_makes_one_trade_per_round_trip_with_average_prices():
    builder = TradeBuilder(grouping=FillGroupingMethod.FLAT_TO_FLAT)
    builder.process_fill("SPY", _t(0), price=100, quantity=10, fee=1)
    builder.process_fill("SPY", _t(60), price=110, quantity=10, fee=1)
    builder.process_fill("SPY", _t(120), price=120, quantity=-5, fee=1)
    assert builder.closed_trades == []
    builder.process_fill("SPY", _t(180), price=130, quantity=-20, fee=2)  # flat, then 5 short
    builder.process_fill("SPY", _t(240), price=125, quantity=5, fee=1)

    first, second = builder.closed_trades
    assert _summary(first)[:6] == (TradeDirection.LONG, 20, 105, 128, 460, 5)
    assert first.entry_time == _at(0) and first.exit_time == _at(180)
    assert _summary(second)[:6] == (TradeDirection.SHORT, 5, 130, 125, 25, 1)


def test_flat_to_reduced_makes_one_trade_per_reducing_fill():
    builder = TradeBuilder(grouping=FillGroupingMethod.FLAT_TO_REDUCED)
    builder.process_fill("SPY", _t(0), price=100, quantity=10, fee=1)
    builder.process_fill("SPY", _t(60), price=110, quantity=10, fee=1)
    builder.process_fill("SPY", _t(120), price=120, quantity=-15, fee=2)
    builder.process_fill("SPY", _t(180), price=90, quantity=-5, fee=1)

    first, second = builder.closed_trades
    assert first.quantity == 15 and first.total_fees == 4 and first.profit_loss == Decimal("250.00")
    assert first.entry_price == pytest.approx(Decimal("103.3333333"))
    assert (second.quantity, second.entry_price, second.profit_loss, second.total_fees) == (5, 110, -100, 1)
    assert not builder.has_open_position("SPY")


def test_an_orders_fee_is_counted_once_across_its_partial_fills():
    builder = TradeBuilder()
    builder.process_fill("SPY", _t(0), price=100, quantity=6, fee=1, order_id=1)
    builder.process_fill("SPY", _t(1), price=100, quantity=4, fee=1, order_id=1)
    builder.process_fill("SPY", _t(2), price=101, quantity=-10, fee=1, order_id=2)
    assert [t.total_fees for t in builder.closed_trades] == [2, 0]


def test_market_prices_for_symbols_without_a_position_are_ignored():
    builder = TradeBuilder()
    builder.set_market_price("SPY", 1.0)
    builder.process_fill("SPY", _t(0), price=100, quantity=1, fee=0)
    builder.set_market_price("IBM", 1.0)
    builder.process_fill("SPY", _t(1), price=100, quantity=-1, fee=0)
    assert (builder.closed_trades[0].mae, builder.closed_trades[0].mfe) == (0, 0)


def test_multiplier_and_conversion_rate_scale_money_fields():
    builder = TradeBuilder()
    builder.process_fill("ES", _t(0), price=10.005, quantity=1, fee=0, multiplier=50, conversion_rate=2)
    builder.process_fill("ES", _t(1), price=10.0, quantity=-1, fee=0, multiplier=50, conversion_rate=2)
    assert builder.closed_trades[0].profit_loss == Decimal("-0.50")


def _trade(pnl: float, mae: float, mfe: float, entry_hours: float, exit_hours: float) -> Trade:
    return Trade(
        symbol="SPY",
        entry_time=_at(entry_hours * 3600),
        entry_price=Decimal(100),
        direction=TradeDirection.LONG,
        quantity=Decimal(1),
        exit_time=_at(exit_hours * 3600),
        exit_price=Decimal(100),
        profit_loss=Decimal(pnl),
        total_fees=Decimal(1),
        mae=Decimal(mae),
        mfe=Decimal(mfe),
    )


def test_trade_statistics_hand_computed():
    trades = [
        _trade(100, -20, 150, 0, 1),
        _trade(-50, -60, 10, 1, 4),
        _trade(-30, -40, 0, 4, 6),
        _trade(200, -10, 250, 6, 10),
    ]
    result = compute_trade_statistics(trades)
    hours = timedelta(hours=1)
    pnls = np.array([100, -50, -30, 200])

    assert (result.start_date_time, result.end_date_time) == (_at(0), _at(10 * 3600))
    assert (
        result.total_number_of_trades,
        result.number_of_winning_trades,
        result.number_of_losing_trades,
    ) == (4, 2, 2)
    assert (result.total_profit_loss, result.total_profit, result.total_loss) == (220, 300, -80)
    assert (result.largest_profit, result.largest_loss) == (200, -50)
    # Running decimal averages, like LEAN's, may be off in the 28th digit.
    averages = (result.average_profit_loss, result.average_profit, result.average_loss)
    assert [round(a, 20) for a in averages] == [55, 150, -40]
    assert result.average_trade_duration == 2.5 * hours
    assert result.average_winning_trade_duration == result.average_losing_trade_duration == 2.5 * hours
    assert result.median_trade_duration == 3 * hours  # upper middle of 1, 2, 3, 4 hours
    assert (result.median_winning_trade_duration, result.median_losing_trade_duration) == (
        4 * hours,
        3 * hours,
    )
    assert (result.max_consecutive_winning_trades, result.max_consecutive_losing_trades) == (1, 2)
    assert (result.profit_loss_ratio, result.win_loss_ratio) == (Decimal("3.75"), 1)
    assert (result.win_rate, result.loss_rate) == (Decimal("0.5"), Decimal("0.5"))
    assert (round(result.average_mae, 20), round(result.average_mfe, 20)) == (
        Decimal("-32.5"),
        Decimal("102.5"),
    )
    assert (result.largest_mae, result.largest_mfe) == (-60, 250)
    assert result.maximum_closed_trade_drawdown == -80
    assert result.maximum_intra_trade_drawdown == -260
    assert float(result.profit_loss_standard_deviation) == pytest.approx(np.std(pnls, ddof=1), rel=1e-14)
    assert float(result.profit_loss_downside_deviation) == pytest.approx(
        np.std([-50, -30], ddof=1), rel=1e-14
    )
    assert result.profit_factor == Decimal("3.75")
    assert float(result.sharpe_ratio) == pytest.approx(55 / np.std(pnls, ddof=1), rel=1e-14)
    assert float(result.sortino_ratio) == pytest.approx(55 / np.std([-50, -30], ddof=1), rel=1e-14)
    assert result.profit_to_max_drawdown_ratio == Decimal("2.75")
    assert result.maximum_end_trade_drawdown == -60
    assert round(result.average_end_trade_drawdown, 20) == Decimal("-47.5")
    assert result.maximum_drawdown_duration == 9 * hours
    assert result.total_fees == 4


def test_trade_statistics_ratio_conventions_without_losses():
    result = compute_trade_statistics([_trade(10, 0, 10, 0, 1), _trade(5, 0, 5, 1, 2)])
    assert (result.win_loss_ratio, result.profit_factor, result.profit_to_max_drawdown_ratio) == (10, 10, 10)
    assert result.profit_loss_ratio == 0 and result.loss_rate == 0


def test_trade_statistics_of_no_trades_are_zero():
    result = compute_trade_statistics([])
    assert result.start_date_time is None and result.total_number_of_trades == 0
    assert result.win_loss_ratio == result.profit_factor == result.loss_rate == 0
    assert result.median_trade_duration == timedelta(0)
