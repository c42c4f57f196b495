"""Property tests: the statistics never fail on odd inputs, and trade P&L adds up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from lean_runner.engine.statistics import (
    CapacityBar,
    CapacityEstimator,
    FillGroupingMethod,
    FillMatchingMethod,
    PortfolioStatistics,
    StatisticsInputs,
    TradeBuilder,
    build_summary,
    compute_portfolio_statistics,
    compute_trade_statistics,
    format_statistics_for_json,
)

START = 1381118400.0
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
small = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def statistics_inputs(draw) -> StatisticsInputs:
    count = draw(st.integers(min_value=0, max_value=30))
    gaps = draw(st.lists(st.integers(min_value=1, max_value=200_000), min_size=count, max_size=count))
    times = [START + sum(gaps[: i + 1]) for i in range(count)]
    rate = draw(st.floats(min_value=-0.05, max_value=0.2))
    return StatisticsInputs(
        equity=[(t, draw(finite)) for t in times],
        returns=[(t, draw(small)) for t in times],
        benchmark=[(t, draw(finite)) for t in times],
        starting_capital=draw(st.floats(min_value=0, max_value=1e9)),
        transaction_pnls=[(t, draw(finite)) for t in times[: draw(st.integers(0, count))]],
        portfolio_turnover=draw(st.lists(st.floats(min_value=0, max_value=100), max_size=count)),
        risk_free_rate=lambda day: rate,
        trading_days_per_year=draw(st.sampled_from([252, 365])),
    )


@settings(max_examples=150, deadline=None)
@given(statistics_inputs())
def test_portfolio_statistics_are_always_finite_and_printable(inputs):
    stats = compute_portfolio_statistics(inputs)
    for name, value in vars(stats).items():
        assert value == value, name  # not NaN
        if isinstance(value, Decimal):
            assert value.is_finite(), name
    summary = build_summary(
        stats, total_orders=0, total_fees=Decimal(0), capacity=Decimal(0), lowest_capacity_asset=""
    )
    assert all(isinstance(v, str) and v for k, v in summary.items() if k != "Lowest Capacity Asset")
    format_statistics_for_json(stats, compute_trade_statistics([]))


fills = st.lists(
    st.tuples(
        st.integers(min_value=-40, max_value=40).filter(bool),
        st.integers(min_value=100, max_value=100_000).map(lambda cents: cents / 100),
        st.integers(min_value=0, max_value=300).map(lambda cents: cents / 100),
    ),
    min_size=1,
    max_size=25,
)
groupings = st.sampled_from(list(FillGroupingMethod))
matchings = st.sampled_from(list(FillMatchingMethod))


def _average_cost_realised(steps: list[tuple[int, float]]) -> Decimal:
    """Realised P&L of each reducing fill on an average-cost position, summed."""
    position, average, realised = Decimal(0), Decimal(0), Decimal(0)
    for quantity, price in steps:
        qty, px = Decimal(quantity), Decimal(str(price))
        if position == 0 or (position > 0) == (qty > 0):
            average = (average * position + px * qty) / (position + qty)
            position += qty
            continue
        closed = min(abs(qty), abs(position))
        realised += (px - average) * closed * (1 if position > 0 else -1)
        remaining = position + qty
        if remaining != 0 and (remaining > 0) != (position > 0):
            average = px  # reversed: the rest opens at the fill price
        position = remaining
    return realised


@settings(max_examples=150, deadline=None)
@given(fills, groupings, matchings, st.lists(small, max_size=5))
def test_closed_trade_pnl_adds_up_to_realised_pnl_once_flat(raw_fills, grouping, matching, marks):
    builder = TradeBuilder(grouping, matching)
    steps: list[tuple[int, float]] = []
    position = 0
    for index, (quantity, price, fee) in enumerate(raw_fills):
        if grouping is FillGroupingMethod.FLAT_TO_FLAT and position and position * (position + quantity) < 0:
            quantity = -position  # flat-to-flat averages exits over a reversing fill: stop at flat
        builder.process_fill("SPY", START + index * 60, price, quantity, fee, order_id=index)
        for mark in marks:
            builder.set_market_price("SPY", abs(mark) + 1)
        steps.append((quantity, price))
        position += quantity
    if position:
        builder.process_fill("SPY", START + 86400, 50.0, -position, 0.0)
        steps.append((-position, 50.0))

    trades = builder.closed_trades
    total = sum((t.profit_loss for t in trades), Decimal(0))
    assert abs(total - _average_cost_realised(steps)) <= Decimal("0.005") * len(trades) + Decimal("1e-9")
    assert not builder.has_open_position("SPY")
    statistics = compute_trade_statistics(trades)
    assert statistics.total_number_of_trades == len(trades)
    assert statistics.total_profit_loss == total


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20_000),
            st.floats(min_value=0.01, max_value=1e4),
            st.floats(min_value=0, max_value=1e8),
            st.sampled_from([1, 60, 3600, 23400, 86400]),
            st.integers(min_value=-100, max_value=100),
        ),
        max_size=40,
    ),
    st.floats(min_value=-1e7, max_value=1e7),
)
def test_capacity_estimator_never_fails(events, portfolio_value):
    class Book:
        def total_portfolio_value(self) -> float:
            return portfolio_value

        def position_value(self, sid: str) -> float:
            return abs(portfolio_value) / 2

        def is_invested(self, sid: str) -> bool:
            return False

    estimator = CapacityEstimator(start_date=date(2013, 10, 7), end_date=date(2013, 11, 29))
    time = START
    for gap, close, volume, period, quantity in events:
        time += gap * 60
        if quantity:
            estimator.on_order_fill("SPY", time, close, quantity)
        estimator.update(time, {"SPY": CapacityBar(close, volume, period)}, Book())
    estimator.update(time, {}, Book(), force=True)
    assert estimator.capacity.is_finite()
    build_summary(
        PortfolioStatistics(),
        total_orders=0,
        total_fees=0,
        capacity=estimator.capacity,
        lowest_capacity_asset=estimator.lowest_capacity_asset,
    )
