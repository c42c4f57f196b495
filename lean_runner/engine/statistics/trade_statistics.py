"""LEAN's ``TradeStatistics``: statistics over a list of closed trades.

These feed only ``totalPerformance.tradeStatistics`` in the result file, never the
summary. A trade with ``profit_loss <= 0`` is a loss; averages are updated
incrementally in decimal, and durations are averaged in 100 ns ticks the way
.NET's ``TimeSpan`` arithmetic does (then exposed as ``timedelta``).

Example::

    >>> compute_trade_statistics([]).total_number_of_trades
    0
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, localcontext

from lean_runner.engine.statistics.closed_trade import Trade
from lean_runner.engine.statistics.decimal_casts import DECIMAL_CONTEXT, net_decimal, net_float

__all__ = ["TradeStatistics", "compute_trade_statistics", "ticks_to_timedelta"]

_ZERO = Decimal(0)
_TEN = Decimal(10)
_TICKS_PER_SECOND = 10_000_000
_ZERO_DURATION = timedelta(0)


@dataclass(frozen=True)
class TradeStatistics:
    """Every field of LEAN's ``TradeStatistics`` (money in account currency)."""

    start_date_time: datetime | None = None
    end_date_time: datetime | None = None
    total_number_of_trades: int = 0
    number_of_winning_trades: int = 0
    number_of_losing_trades: int = 0
    total_profit_loss: Decimal = _ZERO
    total_profit: Decimal = _ZERO
    total_loss: Decimal = _ZERO
    largest_profit: Decimal = _ZERO
    largest_loss: Decimal = _ZERO
    average_profit_loss: Decimal = _ZERO
    average_profit: Decimal = _ZERO
    average_loss: Decimal = _ZERO
    average_trade_duration: timedelta = _ZERO_DURATION
    average_winning_trade_duration: timedelta = _ZERO_DURATION
    average_losing_trade_duration: timedelta = _ZERO_DURATION
    median_trade_duration: timedelta = _ZERO_DURATION
    median_winning_trade_duration: timedelta = _ZERO_DURATION
    median_losing_trade_duration: timedelta = _ZERO_DURATION
    max_consecutive_winning_trades: int = 0
    max_consecutive_losing_trades: int = 0
    profit_loss_ratio: Decimal = _ZERO
    win_loss_ratio: Decimal = _ZERO
    win_rate: Decimal = _ZERO
    loss_rate: Decimal = _ZERO
    average_mae: Decimal = _ZERO
    average_mfe: Decimal = _ZERO
    largest_mae: Decimal = _ZERO
    largest_mfe: Decimal = _ZERO
    maximum_closed_trade_drawdown: Decimal = _ZERO
    maximum_intra_trade_drawdown: Decimal = _ZERO
    profit_loss_standard_deviation: Decimal = _ZERO
    profit_loss_downside_deviation: Decimal = _ZERO
    profit_factor: Decimal = _ZERO
    sharpe_ratio: Decimal = _ZERO
    sortino_ratio: Decimal = _ZERO
    profit_to_max_drawdown_ratio: Decimal = _ZERO
    maximum_end_trade_drawdown: Decimal = _ZERO
    average_end_trade_drawdown: Decimal = _ZERO
    maximum_drawdown_duration: timedelta = _ZERO_DURATION
    total_fees: Decimal = _ZERO


def ticks_to_timedelta(ticks: int) -> timedelta:
    """A .NET tick count (100 ns) as a ``timedelta`` (microsecond resolution)."""
    return timedelta(microseconds=ticks // 10)


def _ticks(duration: timedelta) -> int:
    return (duration // timedelta(microseconds=1)) * 10


class _RunningDuration:
    """``avg += TimeSpan.FromSeconds((d.TotalSeconds - avg.TotalSeconds) / n)`` in ticks."""

    def __init__(self) -> None:
        self.ticks = 0
        self.samples: list[int] = []

    def add(self, ticks: int) -> None:
        self.samples.append(ticks)
        step_seconds = (ticks / _TICKS_PER_SECOND - self.ticks / _TICKS_PER_SECOND) / len(self.samples)
        self.ticks += int(step_seconds * _TICKS_PER_SECOND)  # FromSeconds truncates to whole ticks

    @property
    def average(self) -> timedelta:
        return ticks_to_timedelta(self.ticks)

    @property
    def median(self) -> timedelta:
        # LEAN's Median() takes the upper middle element of an even-sized list.
        if not self.samples:
            return _ZERO_DURATION
        return ticks_to_timedelta(sorted(self.samples)[len(self.samples) // 2])


def _sqrt_decimal(value: Decimal) -> Decimal:
    """``(decimal)Math.Sqrt((double)value)`` without failing on a rounding-negative value."""
    return net_decimal(math.sqrt(max(net_float(value), 0.0)))


def compute_trade_statistics(trades: Iterable[Trade]) -> TradeStatistics:
    """Compute LEAN's trade statistics over closed trades, in the order given (exit order).

    Example::

        >>> compute_trade_statistics([]).win_rate
        Decimal('0')
    """
    with localcontext(DECIMAL_CONTEXT):
        return _compute(list(trades))


def _compute(trades: list[Trade]) -> TradeStatistics:
    start: datetime | None = None
    end: datetime | None = None
    count = wins = losses = 0
    total = profit = loss = largest_profit = largest_loss = _ZERO
    average = average_profit = average_loss = _ZERO
    variance_sum = downside_sum = _ZERO
    deviation = downside_deviation = _ZERO
    average_mae = average_mfe = largest_mae = largest_mfe = _ZERO
    closed_drawdown = intra_drawdown = end_trade_drawdown = fees = _ZERO
    peak_total = peak_total_with_mfe = _ZERO
    winning_streak = losing_streak = max_winning_streak = max_losing_streak = 0
    all_durations, winning_durations, losing_durations = (
        _RunningDuration(),
        _RunningDuration(),
        _RunningDuration(),
    )
    last_peak_time: datetime | None = None
    in_drawdown = False
    longest_drawdown = _ZERO_DURATION

    for trade in trades:
        if last_peak_time is None:
            last_peak_time = trade.entry_time
        start = trade.entry_time if start is None or trade.entry_time < start else start
        end = trade.exit_time if end is None or trade.exit_time > end else end
        count += 1
        peak_total_with_mfe = max(peak_total_with_mfe, total + trade.mfe)
        intra_drawdown = min(intra_drawdown, total + trade.mae - peak_total_with_mfe)
        duration = _ticks(trade.duration)
        total += trade.profit_loss
        if trade.profit_loss > 0:
            wins += 1
            profit += trade.profit_loss
            average_profit += (trade.profit_loss - average_profit) / wins
            winning_durations.add(duration)
            largest_profit = max(largest_profit, trade.profit_loss)
            winning_streak, losing_streak = winning_streak + 1, 0
            max_winning_streak = max(max_winning_streak, winning_streak)
            if total > peak_total:
                peak_total = total  # a new high of cumulative closed-trade P&L
                if in_drawdown and trade.exit_time - last_peak_time > longest_drawdown:
                    longest_drawdown = trade.exit_time - last_peak_time
                last_peak_time = trade.exit_time
                in_drawdown = False
        else:
            losses += 1
            loss += trade.profit_loss
            previous_average_loss = average_loss
            average_loss += (trade.profit_loss - average_loss) / losses
            downside_sum += (trade.profit_loss - previous_average_loss) * (trade.profit_loss - average_loss)
            downside_deviation = _sqrt_decimal(downside_sum / (losses - 1)) if losses > 1 else _ZERO
            losing_durations.add(duration)
            largest_loss = min(largest_loss, trade.profit_loss)
            winning_streak, losing_streak = 0, losing_streak + 1
            max_losing_streak = max(max_losing_streak, losing_streak)
            closed_drawdown = min(closed_drawdown, total - peak_total)
            in_drawdown = True

        previous_average = average
        average += (trade.profit_loss - average) / count
        variance_sum += (trade.profit_loss - previous_average) * (trade.profit_loss - average)
        deviation = _sqrt_decimal(variance_sum / (count - 1)) if count > 1 else _ZERO
        all_durations.add(duration)
        average_mae += (trade.mae - average_mae) / count
        average_mfe += (trade.mfe - average_mfe) / count
        largest_mae = min(largest_mae, trade.mae)
        largest_mfe = max(largest_mfe, trade.mfe)
        end_trade_drawdown = min(end_trade_drawdown, trade.end_trade_drawdown)
        fees += trade.total_fees

    win_rate = Decimal(wins) / count if count else _ZERO
    return TradeStatistics(
        start_date_time=start,
        end_date_time=end,
        total_number_of_trades=count,
        number_of_winning_trades=wins,
        number_of_losing_trades=losses,
        total_profit_loss=total,
        total_profit=profit,
        total_loss=loss,
        largest_profit=largest_profit,
        largest_loss=largest_loss,
        average_profit_loss=average,
        average_profit=average_profit,
        average_loss=average_loss,
        average_trade_duration=all_durations.average,
        average_winning_trade_duration=winning_durations.average,
        average_losing_trade_duration=losing_durations.average,
        median_trade_duration=all_durations.median,
        median_winning_trade_duration=winning_durations.median,
        median_losing_trade_duration=losing_durations.median,
        max_consecutive_winning_trades=max_winning_streak,
        max_consecutive_losing_trades=max_losing_streak,
        profit_loss_ratio=average_profit / abs(average_loss) if average_loss != 0 else _ZERO,
        win_loss_ratio=(Decimal(wins) / losses if losses else _TEN) if count else _ZERO,
        win_rate=win_rate,
        loss_rate=1 - win_rate if count else _ZERO,
        average_mae=average_mae,
        average_mfe=average_mfe,
        largest_mae=largest_mae,
        largest_mfe=largest_mfe,
        maximum_closed_trade_drawdown=closed_drawdown,
        maximum_intra_trade_drawdown=intra_drawdown,
        profit_loss_standard_deviation=deviation,
        profit_loss_downside_deviation=downside_deviation,
        profit_factor=(profit / abs(loss) if loss < 0 else _TEN) if profit != 0 else _ZERO,
        sharpe_ratio=average / deviation if deviation > 0 else _ZERO,
        sortino_ratio=average / downside_deviation if downside_deviation > 0 else _ZERO,
        profit_to_max_drawdown_ratio=(
            (total / abs(closed_drawdown) if closed_drawdown < 0 else _TEN) if total != 0 else _ZERO
        ),
        maximum_end_trade_drawdown=end_trade_drawdown,
        average_end_trade_drawdown=average - average_mfe,
        maximum_drawdown_duration=longest_drawdown,
        total_fees=fees,
    )
