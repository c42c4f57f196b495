"""Turn sampled chart points into the series LEAN's statistics are computed from.

LEAN reads its statistics back out of the charts it sampled (reference §3.2):

* ``equity``: every Equity candle close, keyed by UTC sample time (a later point at
  the same time replaces an earlier one, as in a sorted dictionary);
* ``performance``: the "Return" points (percent) divided by 100;
* ``benchmark``: the change of each "Benchmark" point over the previous one,
  ``(b_i - b_{i-1}) / b_{i-1}`` (0 when there is no previous value or it is 0),
  over the points between one day before the first equity key and the last key.

Both return lists start with the "day 0" (start) and "day 1" samples, which carry no
information; they are dropped, leaving two aligned lists of equal length.

Example::

    >>> perf, bench = performance_and_benchmark(
    ...     returns=[(0, 0.0), (86400, 0.0), (172800, 1.0), (259200, -0.5)],
    ...     benchmark=[(0, 100.0), (86400, 100.0), (172800, 101.0), (259200, 100.0)],
    ...     first_equity_time=0, last_equity_time=259200)
    >>> perf
    [0.01, -0.005]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from lean_runner.engine.statistics.decimal_casts import net_decimal, net_float

__all__ = [
    "LEADING_SAMPLES_DROPPED",
    "average_turnover",
    "keyed_points",
    "performance_and_benchmark",
]

#: The start sample ("day 0") and the first daily sample ("day 1") are dropped.
LEADING_SAMPLES_DROPPED = 2
_ONE_DAY_SECONDS = 86400.0
_HUNDRED = Decimal(100)


def keyed_points(points: Iterable[tuple[float, float | Decimal]]) -> list[tuple[float, Decimal]]:
    """Points as LEAN's ``SortedDictionary<DateTime, decimal>``: sorted, last write wins."""
    by_time: dict[float, Decimal] = {}
    for time, value in points:
        by_time[float(time)] = net_decimal(value)
    return sorted(by_time.items())


def _benchmark_changes(
    benchmark: list[tuple[float, Decimal]], first_time: float | None, last_time: float | None
) -> list[float]:
    """One entry per in-range benchmark point: its change over the previous in-range point."""
    changes: list[float] = []
    previous: Decimal | None = None
    for time, value in benchmark:
        if first_time is not None and time < first_time - _ONE_DAY_SECONDS:
            continue
        if last_time is not None and time > last_time:
            continue
        if previous is None or previous == 0:
            changes.append(0.0)
        else:
            changes.append(net_float((value - previous) / previous))
        previous = value
    return changes


def performance_and_benchmark(
    *,
    returns: Sequence[tuple[float, float | Decimal]],
    benchmark: Sequence[tuple[float, float | Decimal]],
    first_equity_time: float | None,
    last_equity_time: float | None,
) -> tuple[list[float], list[float]]:
    """The aligned ``(performance, benchmark)`` fractions LEAN's ratios use.

    Must run inside the 28-digit decimal context (``DECIMAL_CONTEXT``). Benchmark
    times missing from the returns count as a zero return; if the lists still differ
    in length the shorter is padded with zeros (LEAN logs this as "should never
    happen"). The two leading samples are then dropped from both.
    """
    performance_points = dict(keyed_points(returns))
    benchmark_points = keyed_points(benchmark)
    for time, _ in benchmark_points:
        performance_points.setdefault(time, Decimal(0))
    performance = [net_float(value / _HUNDRED) for _, value in sorted(performance_points.items())]
    changes = _benchmark_changes(benchmark_points, first_equity_time, last_equity_time)
    while len(performance) < len(changes):
        performance.append(0.0)
    while len(changes) < len(performance):
        changes.append(0.0)
    return performance[LEADING_SAMPLES_DROPPED:], changes[LEADING_SAMPLES_DROPPED:]


def average_turnover(points: Sequence[float | Decimal]) -> Decimal:
    """Mean of the Portfolio Turnover chart values, skipping the first (start) sample.

    ``points`` are the chart's values in time order, *including* the start sample;
    each is a fraction already SmartRounded by the chart. Decimal mean, 0 if none.
    """
    values = [net_decimal(value) for value in points[1:]]
    if not values:
        return Decimal(0)
    return sum(values, Decimal(0)) / len(values)
