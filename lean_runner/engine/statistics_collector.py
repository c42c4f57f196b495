"""Feeds LEAN's statistics from the run: fills, bars and samples in; summary and totalPerformance out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from lean_runner.engine.data.interest_rate import InterestRateProvider
from lean_runner.engine.interest_rate_models import rate_function
from lean_runner.engine.statistics.capacity import CapacityBar, CapacityEstimator
from lean_runner.engine.statistics.performance import StatisticsInputs, compute_portfolio_statistics
from lean_runner.engine.statistics.summary import build_summary, format_statistics_for_json
from lean_runner.engine.statistics.trades import TradeBuilder, compute_trade_statistics

if TYPE_CHECKING:
    from lean_runner.engine.algorithm.core import QCAlgorithm
    from lean_runner.engine.orders import Order, OrderEvent
    from lean_runner.engine.sampling import PerformanceSampler
    from lean_runner.engine.securities import Security


def _utc_seconds(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


class _CapacityPortfolioView:
    """The portfolio as the capacity estimator reads it, keyed by SID strings."""

    def __init__(self, algorithm: QCAlgorithm) -> None:
        self._algorithm = algorithm

    def _security(self, sid: str) -> Security | None:
        for security in self._algorithm.securities.values():
            if str(security.symbol.id) == sid:
                return security
        return None

    def total_portfolio_value(self) -> float:
        return self._algorithm.portfolio.total_portfolio_value

    def position_value(self, sid: str) -> float:
        security = self._security(sid)
        if security is None:
            return 0.0
        return abs(security.holdings.quantity * security.price * security.multiplier)

    def is_invested(self, sid: str) -> bool:
        security = self._security(sid)
        return security is not None and security.holdings.quantity != 0


class StatisticsCollector:
    """Listens to the engine and computes LEAN's summary on demand."""

    def __init__(self, algorithm: QCAlgorithm, interest_rate: InterestRateProvider) -> None:
        self._algorithm = algorithm
        self._interest_rate = interest_rate
        self.trade_builder = TradeBuilder()
        self.fill_count = 0  # lets the loop re-read the capacity estimator's next update only after a fill
        self.capacity = CapacityEstimator(start_date=algorithm.start_date.date(), end_date=algorithm.end_date.date())
        self._portfolio_view = _CapacityPortfolioView(algorithm)
        self.start_equity = 0.0
        self.sampler: PerformanceSampler | None = None
        self._last_bars: dict[str, CapacityBar] = {}
        self._sids: dict[Security, str] = {}
        # Per security, [subscription, cursor up to which its closes reached the trade builder].
        self._price_marks: dict[Security, list[list[Any]]] = {}

    # --- events -----------------------------------------------------------------------------
    def watch_prices(self, security: Security, source: Any) -> None:
        """Mark ``security``'s open position to ``source``'s closes (a subscription's ``price_list``/``cursor``).

        The bars are not handed over one by one: before each fill, the closes the source moved
        over since the previous fill are folded into the trade builder by their extremes.
        """
        self._price_marks.setdefault(security, []).append([source, source.cursor])

    def _mark_to_market(self, security: Security) -> None:
        marks = self._price_marks.get(security)
        if not marks:
            return
        symbol = security.symbol.value
        open_position = self.trade_builder.has_open_position(symbol)  # flat: the closes need no reading
        for mark in marks:
            source, folded = mark
            cursor = source.cursor
            if cursor > folded:
                if open_position:
                    closes = source.price_list[folded:cursor]
                    self.trade_builder.set_market_price_range(symbol, max(closes), min(closes))
                mark[1] = cursor
        marks[:] = [mark for mark in marks if not mark[0].removed]  # folded to their end

    def on_fill(self, security: Security, order: Order, event: OrderEvent) -> None:
        self.fill_count += 1
        self._mark_to_market(security)
        time_utc = _utc_seconds(event.utc_time)
        self.trade_builder.process_fill(security.symbol.value, time_utc, event.fill_price, event.fill_quantity,
                                        event.order_fee.value.amount, security.multiplier, order_id=order.id)
        self.capacity.on_order_fill(self._sid(security), time_utc, event.fill_price, event.fill_quantity,
                                    contract_multiplier=security.multiplier)

    def on_slice(self, utc_ns: int, trades: list[Security]) -> None:
        """After the slice's fills and ``on_data``: capacity reads the slice's real (not fill-forward) bars."""
        seconds = utc_ns / 1e9
        if not self.capacity.wants_update(seconds):
            return
        capacity_bars: dict[str, CapacityBar] = {}
        for security in trades:
            latest = security.latest_trade()
            if latest is not None and not latest[3]:
                capacity_bars[self._sid(security)] = CapacityBar(latest[0], latest[1], latest[2])
        self._last_bars = capacity_bars
        self.capacity.update(seconds, capacity_bars, self._portfolio_view)

    def _sid(self, security: Security) -> str:
        """The security's SID string, the capacity estimator's key (made once per security)."""
        sid = self._sids.get(security)
        if sid is None:
            sid = self._sids[security] = str(security.symbol.id)
        return sid

    def on_finish(self, utc_ns: int) -> None:
        self.capacity.update(utc_ns / 1e9, self._last_bars, self._portfolio_view, force=True)

    def capacity_value(self) -> float:
        return float(self.capacity.capacity)

    # --- results ------------------------------------------------------------------------------
    def inputs(self) -> StatisticsInputs:
        assert self.sampler is not None
        sampler = self.sampler
        records = [(_utc_seconds(time), pnl) for time, pnl in self._algorithm.portfolio.transaction_records]
        return StatisticsInputs(
            equity=[(t, float(v or 0.0)) for t, v in sampler.equity.values],
            returns=[(t, float(v or 0.0)) for t, v in sampler.returns.values],
            benchmark=[(t, float(v or 0.0)) for t, v in sampler.benchmark.values],
            starting_capital=self.start_equity,
            transaction_pnls=records,
            portfolio_turnover=[float(v or 0.0) for _, v in sampler.turnover.values],
            risk_free_rate=self._risk_free_rate(),
            trading_days_per_year=int(self._algorithm.settings.trading_days_per_year),
        )

    def _risk_free_rate(self) -> Any:
        model = self._algorithm.__dict__.get("_risk_free_interest_rate_model")
        return self._interest_rate.rate if model is None else rate_function(model)

    def summary(self, final: bool = True, extras: dict[str, str] | None = None) -> dict[str, str]:
        stats = compute_portfolio_statistics(self.inputs())
        portfolio = self._algorithm.portfolio
        return build_summary(stats, total_orders=self._algorithm.transactions.orders_count,
                             total_fees=portfolio.total_fees, capacity=self.capacity.capacity,
                             lowest_capacity_asset=self.capacity.lowest_capacity_asset, extra=extras or {})

    def total_performance(self) -> dict[str, Any]:
        stats = compute_portfolio_statistics(self.inputs())
        trades = self.trade_builder.closed_trades
        symbols = {s.symbol.value: s.symbol.to_json() for s in self._algorithm.securities.values()}
        return format_statistics_for_json(stats, compute_trade_statistics(trades), trades,
                                          symbol=lambda value: symbols.get(value, value))
