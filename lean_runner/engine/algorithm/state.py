"""QCAlgorithm members about the algorithm's own state: its messages, charts, tags, the latest slice, the
security initializer, order defaults and reference lookups (LEAN's ``QCAlgorithm`` properties)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from lean_runner.engine.charting import Chart, Series
from lean_runner.engine.consolidators import create_consolidator
from lean_runner.engine.enums import AlgorithmStatus, Resolution, SeriesType
from lean_runner.engine.market_data import Tick, TradeBar
from lean_runner.engine.orders import OrderProperties

MAX_NAME_AND_TAGS_LENGTH = 200
MAX_TAGS_COUNT = 20
_INCREMENTS = {Resolution.SECOND: timedelta(seconds=1), Resolution.MINUTE: timedelta(minutes=1),
               Resolution.HOUR: timedelta(hours=1)}


class FuncSecurityInitializer:
    """LEAN's ``FuncSecurityInitializer``: a function called with each security as it is added."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self._function = function

    def initialize(self, security: Any) -> None:
        self._function(security)


class Benchmark:
    """LEAN's ``IBenchmark``: the benchmark's value; ``evaluate(time)`` answers with the latest one."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def evaluate(self, time: Any) -> float:
        return float(self._runtime.benchmark_value(time))


class _ExchangeHoursLookup:
    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def get_exchange_hours(self, market: Any = "usa", symbol: Any = None, security_type: Any = None) -> Any:
        return self._runtime.exchange_hours(symbol)


class _SymbolPropertiesLookup:
    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def get_symbol_properties(self, market: Any = "usa", symbol: Any = None, security_type: Any = None,
                              default_quote_currency: str = "USD") -> Any:
        return self._runtime.symbol_properties(str(market), str(getattr(symbol, "value", symbol)))


class AlgorithmStateMixin:
    """Mixed into ``QCAlgorithm``; the engine fills ``_current_slice`` and calls ``_initialize_security``."""

    MAX_NAME_AND_TAGS_LENGTH = MAX_NAME_AND_TAGS_LENGTH
    MAX_TAGS_COUNT = MAX_TAGS_COUNT
    securities: Any
    _runtime: Any

    def _init_state(self) -> None:
        self.debug_messages: list[str] = []
        self.log_messages: list[str] = []
        self.error_messages: list[str] = []
        self._tags: set[str] = set()
        self._charts: dict[str, Chart] = {}
        self._current_slice: Any = None
        self._security_initializers: list[Any] = []
        self._trade_builder: Any = None
        self._maximum_orders = 10_000
        self.default_order_properties = OrderProperties()
        self.enable_automatic_indicator_warm_up = False
        # Plain attributes, not properties: algorithms may use these names for their own state.
        self.algorithm_id = type(self).__name__
        self.status = AlgorithmStatus.RUNNING
        self.run_time_error: Any = None

    # --- identity and status --------------------------------------------------------------------
    @property
    def tags(self) -> set[str]:
        return set(self._tags)

    @tags.setter
    def tags(self, tags: Any) -> None:
        self.set_tags(tags)

    def add_tag(self, tag: str) -> None:
        """A tag for the backtest (LEAN keeps at most 20, each up to 200 characters)."""
        if len(self._tags) < MAX_TAGS_COUNT and tag.strip():
            self._tags.add(tag[:MAX_NAME_AND_TAGS_LENGTH])

    def set_tags(self, tags: Any) -> None:
        self._tags = set()
        for tag in tags:
            self.add_tag(str(tag))

    # --- the latest data ------------------------------------------------------------------------
    @property
    def current_slice(self) -> Any:
        """The slice ``on_data`` got last (None before the first)."""
        return self._current_slice

    @property
    def active_securities(self) -> dict[Any, Any]:
        """The securities whose data is subscribed now (removed ones left out)."""
        return {symbol: security for symbol, security in self.securities.items() if security.is_tradable}

    def get_last_known_price(self, security: Any) -> Any:
        """The latest bar or tick the security has had (None before its first data)."""
        target = security if hasattr(security, "get_last_data") else self.securities[security]
        return target.get_last_data()

    def get_last_known_prices(self, securities: Any) -> dict[Any, list[Any]]:
        found = {}
        for security in securities if isinstance(securities, list | tuple | set) else [securities]:
            data = self.get_last_known_price(security)
            if data is not None:
                found[data.symbol if data.symbol is not None else security] = [data]
        return found

    def symbol(self, ticker: str) -> Any:
        """The Symbol of an added security (``self.symbol("SPY")``)."""
        return self.securities[str(ticker).upper()].symbol

    def ticker(self, symbol: Any) -> str:
        return str(getattr(symbol, "value", symbol))

    # --- security set-up ------------------------------------------------------------------------
    @property
    def security_initializer(self) -> Any:
        return self._security_initializers[-1] if self._security_initializers else None

    def set_security_initializer(self, initializer: Any) -> None:
        """Called with each security as it is added: an object with ``initialize(security)`` or a function."""
        self._security_initializers = [self._as_initializer(initializer)]

    def add_security_initializer(self, initializer: Any) -> None:
        self._security_initializers.append(self._as_initializer(initializer))

    @staticmethod
    def _as_initializer(initializer: Any) -> Any:
        return initializer if hasattr(initializer, "initialize") else FuncSecurityInitializer(initializer)

    def _initialize_security(self, security: Any) -> None:
        for initializer in self._security_initializers:
            initializer.initialize(security)

    # --- reference data ---------------------------------------------------------------------------
    @property
    def brokerage_name(self) -> int:
        return int(getattr(self, "_brokerage", 0))

    @property
    def benchmark(self) -> Benchmark:
        """The benchmark: ``self.benchmark.evaluate(time)`` is its value then (now, for times passed)."""
        return Benchmark(self._runtime)

    @property
    def runtime_statistics(self) -> dict[str, str]:
        return dict(self._runtime.runtime_statistics) if self._runtime is not None else {}

    @property
    def symbol_properties_database(self) -> Any:
        """``self.symbol_properties_database.get_symbol_properties(market, symbol, security_type, currency)``."""
        return _SymbolPropertiesLookup(self._runtime)

    @property
    def market_hours_database(self) -> Any:
        """``self.market_hours_database.get_exchange_hours(market, symbol, security_type)``."""
        return _ExchangeHoursLookup(self._runtime)

    # --- orders and trades ----------------------------------------------------------------------
    def set_maximum_orders(self, maximum: int) -> None:
        self._maximum_orders = int(maximum)

    @property
    def trade_builder(self) -> Any:
        return self._trade_builder

    def set_trade_builder(self, trade_builder: Any) -> None:
        """Accepted for LEAN compatibility: the engine's closed trades follow LEAN's defaults (fill to fill,
        FIFO), which the statistics read."""
        self._trade_builder = trade_builder

    # --- charts ---------------------------------------------------------------------------------
    def add_chart(self, chart: Chart) -> None:
        if chart.name in self._charts:
            raise ValueError(f"add_chart: a chart named '{chart.name}' was added already.")
        self._charts[chart.name] = chart

    def add_series(self, chart_name: str, series_name: str, series_type: int = SeriesType.LINE,
                   unit: str = "$") -> Series:
        chart = self._charts.setdefault(chart_name, Chart(chart_name))
        return chart.try_add_and_get_series(series_name, series_type, unit=unit)

    # --- consolidators --------------------------------------------------------------------------
    def create_consolidator(self, period: Any, consolidator_input_type: type = TradeBar, tick_type: Any = None,
                            **kwargs: Any) -> Any:
        """A consolidator for ``period`` over ``consolidator_input_type`` bars, not attached to any data."""
        quote_ticks = tick_type is not None and int(tick_type) == 1
        return create_consolidator(period, consolidator_input_type, quote_ticks=quote_ticks)

    def resolve_consolidator(self, symbol: Any, resolution: Any = None, data_type: type | None = None) -> Any:
        """The consolidator ``register_indicator`` would use for ``symbol`` at ``resolution`` (not attached)."""
        security = self.securities[symbol]
        tick_data = security.resolution == Resolution.TICK
        if data_type is None:
            data_type = Tick if tick_data else TradeBar
        increment = None if tick_data else _INCREMENTS.get(security.resolution, timedelta(days=1))
        return create_consolidator(resolution, data_type, increment, security.exchange.hours)

    def deregister_indicator(self, indicator: Any) -> None:
        self.unregister_indicator(indicator)  # type: ignore[attr-defined]

    # --- events LEAN may call; algorithms override them ------------------------------------------
    def on_splits(self, splits: Any) -> None:
        """Legacy LEAN event: splits also arrive in ``data.splits``."""

    def on_dividends(self, dividends: Any) -> None:
        """Legacy LEAN event: dividends also arrive in ``data.dividends``."""

    def on_end_of_time_step(self) -> None:
        """Called by LEAN after each time step; the embedded engine has no use for it."""

    def post_initialize(self) -> None:
        """LEAN's hook after ``initialize``; nothing to do here."""
