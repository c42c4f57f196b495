"""Turn a finished (or failed) engine run into LEAN's ``BacktestResult`` for the result files."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from lean_runner.engine.results.writer import (
    BacktestResult,
    build_algorithm_configuration,
    build_state,
    format_runtime_statistics,
)

if TYPE_CHECKING:
    from lean_runner.engine.backtest import BacktestEngine


def build_backtest_result(engine: BacktestEngine, *, algorithm_id: str, status: str, started_utc: datetime,
                          runtime_error: str = "", stack_trace: str = "",
                          logs: list[str] | None = None) -> BacktestResult:
    """Everything ``write_backtest_results`` needs, from the engine's state at the end of the run."""
    algorithm = engine.algorithm
    assert engine.sampler is not None and engine.collector is not None
    collector = engine.collector
    portfolio = algorithm.portfolio
    orders = {str(order.id): order.to_json() for order in algorithm.transactions.all_orders()}
    events = [event.to_json(algorithm_id) for event in algorithm.transactions.order_events]
    profit_loss = {time.strftime("%Y-%m-%dT%H:%M:%SZ"): pnl for time, pnl in portfolio.transaction_records}
    statistics: dict[str, str] = {}
    total_performance = None
    if status in ("Completed", "Stopped"):
        statistics = collector.summary(final=True, extras=engine.summary_extras)
        total_performance = collector.total_performance()
    equity = portfolio.total_portfolio_value
    start_equity = collector.start_equity or equity
    runtime = format_runtime_statistics(
        equity=equity, fees=portfolio.total_fees, holdings=portfolio.total_holdings_value,
        net_profit=portfolio.total_net_profit, psr=statistics.get("Probabilistic Sharpe Ratio"),
        return_fraction=(equity / start_equity - 1) if start_equity else 0.0,
        unrealized=portfolio.total_unrealized_profit, volume=portfolio.total_sale_volume,
        extra=engine.runtime_statistics)
    state = build_state(status, start_time=started_utc, end_time=datetime.now(UTC).replace(tzinfo=None),
                        runtime_error=runtime_error, stack_trace=stack_trace, log_count=len(logs or []),
                        order_count=algorithm.transactions.orders_count, name=algorithm_id)
    configuration = build_algorithm_configuration(
        algorithm.name, algorithm.get_parameters(), algorithm.start_date, algorithm.end_date,
        brokerage=algorithm._brokerage, account_type=algorithm._account_type,
        trading_days_per_year=int(algorithm.settings.trading_days_per_year))
    return BacktestResult(charts=engine.sampler.charts, orders=orders, order_events=events,
                          profit_loss=profit_loss, statistics=statistics, runtime_statistics=runtime,
                          total_performance=total_performance, state=state, algorithm_configuration=configuration,
                          logs=list(logs or []))
