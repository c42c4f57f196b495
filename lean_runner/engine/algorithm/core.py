"""``QCAlgorithm``: the base class LEAN Python algorithms derive from.

Setup, securities, parameters, messages and charts live here; orders are in
``trading.py`` and indicator helpers in ``indicator_helpers.py``. The engine
attaches itself as ``_runtime`` before calling ``initialize``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from lean_runner.engine.algorithm.indicator_helpers import IndicatorHelpersMixin
from lean_runner.engine.algorithm.runtime import AlgorithmRuntime
from lean_runner.engine.algorithm.settings import AlgorithmSettings, UniverseSettings
from lean_runner.engine.algorithm.state import AlgorithmStateMixin
from lean_runner.engine.algorithm.trading import TradingMixin
from lean_runner.engine.clock import AlgorithmClock
from lean_runner.engine.consolidators import BaseDataConsolidator
from lean_runner.engine.consolidators.timeless import (
    RangeBar,
    RangeConsolidator,
    RenkoBar,
    RenkoConsolidator,
    VolumeRenkoBar,
    VolumeRenkoConsolidator,
)
from lean_runner.engine.custom_data import BaseData, SubscriptionDataConfig
from lean_runner.engine.enums import Resolution, SecurityType, TickType
from lean_runner.engine.market_data import QuoteBar, Tick, TradeBar
from lean_runner.engine.naming import lean_names, to_snake
from lean_runner.engine.portfolio import SecurityPortfolioManager
from lean_runner.engine.scheduling import ScheduleManager
from lean_runner.engine.securities import Security, SecurityManager
from lean_runner.engine.shortable import is_shortable, shortable_quantity
from lean_runner.engine.transactions import SecurityTransactionManager

END_OF_DAY = time(23, 59, 59, 999999)


class AlgorithmConfigurationError(ValueError):
    """A setup call received something LEAN would reject; the message says what to change."""


def _to_datetime(args: tuple[Any, ...], what: str) -> datetime:
    if len(args) == 3:
        return datetime(int(args[0]), int(args[1]), int(args[2]))
    if len(args) == 1:
        value = args[0]
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            return datetime.fromisoformat(value)
    raise AlgorithmConfigurationError(f"{what} takes (year, month, day) or a date; got {args!r}.")


class StatisticsView:
    """``self.statistics.summary``: the summary statistics as they stand now."""

    def __init__(self, algorithm: QCAlgorithm) -> None:
        self._algorithm = algorithm

    @property
    def summary(self) -> dict[str, str]:
        runtime = self._algorithm._runtime
        return runtime.summary_statistics() if runtime is not None else {}

    Summary = summary


@lean_names
class QCAlgorithm(TradingMixin, IndicatorHelpersMixin, AlgorithmStateMixin):
    """Derive from this class and override ``initialize`` and ``on_data`` (either naming style)."""

    def __init__(self) -> None:
        self._runtime: AlgorithmRuntime | None = None
        self._clock = AlgorithmClock(_new_york())
        self.securities = SecurityManager()
        self.portfolio = SecurityPortfolioManager(self.securities)
        self.transactions = SecurityTransactionManager(self.securities, self.portfolio, self._clock,
                                                       self._dispatch_order_event, self._on_fill)
        self.settings = AlgorithmSettings()
        self.universe_settings = UniverseSettings()
        self.statistics = StatisticsView(self)
        self._start_date = datetime(1998, 1, 1)
        self._end_date = datetime.combine(date.today() - timedelta(days=1), END_OF_DAY)
        self._parameters: dict[str, str] = {}
        # Parts of the backtest window the launcher fixed (``workbench-run-window``): the algorithm's own
        # set_start_date / set_end_date / set_cash calls leave those parts alone.
        self._fixed_window: frozenset[str] = frozenset()
        self._locked = False
        self._is_warming_up = False
        self._warm_up_request: tuple[timedelta | int, int | None] | None = None
        self._brokerage = 0
        self._account_type = 0  # AccountType.MARGIN
        self._benchmark_symbol: Any = "SPY"
        self._benchmark_function: Any = None
        self._name = type(self).__name__
        self._moo_warning_sent = False
        self.live_mode = False
        self._fill_listeners: list[Any] = []
        self.schedule = ScheduleManager.create(self._exchange_hours_for, "America/New_York", now=lambda: self.time)
        self.date_rules = self.schedule.date_rules
        self.time_rules = self.schedule.time_rules
        self.subscription_manager = SubscriptionManager(self)
        self._init_state()

    # --- events the engine calls; user classes override either naming style --------------------
    def initialize(self) -> None:
        """Set dates, cash and securities here."""

    def on_data(self, data: Any) -> None:
        """Called with each ``Slice`` of data."""

    def on_order_event(self, order_event: Any) -> None:
        """Called for every order event (submitted, filled, canceled, invalid...)."""

    def on_end_of_algorithm(self) -> None:
        """Called once after the last data."""

    def on_end_of_day(self, symbol: Any = None) -> None:
        """Called at the end of each trading day."""

    def on_securities_changed(self, changes: Any) -> None:
        """Called when securities are added or removed."""

    def on_warmup_finished(self) -> None:
        """Called once when warm-up ends."""

    def _dispatch_order_event(self, event: Any) -> None:
        # Looked up once: the handler is a method of the algorithm's class, and orders come by the thousand.
        try:
            handler = self.__dict__["_order_event_handler"]
        except KeyError:
            handler = self.__dict__["_order_event_handler"] = _user_handler(self, "on_order_event")
        if handler is not None:
            handler(event)

    def _on_fill(self, security: Security, order: Any, event: Any) -> None:
        for listener in self._fill_listeners:
            listener(security, order, event)

    # --- time -------------------------------------------------------------------------------------
    @property
    def time(self) -> datetime:
        return self._clock.local_time

    @property
    def utc_time(self) -> datetime:
        return self._clock.utc_time

    @property
    def start_date(self) -> datetime:
        return self._start_date

    @property
    def end_date(self) -> datetime:
        return self._end_date

    @property
    def time_zone(self) -> Any:
        return self._clock.time_zone

    @property
    def is_warming_up(self) -> bool:
        return self._is_warming_up

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def set_name(self, name: str) -> None:
        self._name = name

    # --- setup ------------------------------------------------------------------------------------
    def _require_unlocked(self, what: str) -> None:
        if self._locked:
            raise AlgorithmConfigurationError(f"{what} can only be called in initialize().")

    def set_start_date(self, *args: Any) -> None:
        self._require_unlocked("set_start_date")
        if "start" in self._fixed_window:
            return
        self._start_date = _to_datetime(args, "set_start_date").replace(hour=0, minute=0, second=0, microsecond=0)

    def set_end_date(self, *args: Any) -> None:
        self._require_unlocked("set_end_date")
        if "end" in self._fixed_window:
            return
        self._end_date = datetime.combine(_to_datetime(args, "set_end_date").date(), END_OF_DAY)

    def set_cash(self, *args: Any) -> None:
        """``set_cash(100000)`` or ``set_cash("USD", 100000)``."""
        if "cash" in self._fixed_window:
            return
        if len(args) == 1:
            amount = args[0]
        elif len(args) >= 2 and str(args[0]).upper() == "USD":
            amount = args[1]
        else:
            raise NotImplementedError(f"set_cash{args!r}: only the account currency (USD) is supported.")
        self.portfolio.set_cash(float(amount))

    def _fix_window(self, start: date | None, end: date | None, cash: float | None) -> None:
        """Set the window the launcher was asked for; the algorithm's own calls then leave these parts alone."""
        if start is not None:
            self.set_start_date(start)
        if end is not None:
            self.set_end_date(end)
        if cash is not None:
            self.set_cash(cash)
        self._fixed_window = frozenset(name for name, value in (("start", start), ("end", end), ("cash", cash))
                                       if value is not None)

    def set_account_currency(self, currency: str, starting_cash: float | None = None) -> None:
        if currency.upper() != "USD":
            raise NotImplementedError(f"set_account_currency('{currency}'): only USD is supported.")
        if starting_cash is not None:
            self.set_cash(starting_cash)

    @property
    def account_currency(self) -> str:
        return "USD"

    def set_time_zone(self, time_zone: Any) -> None:
        if str(time_zone) not in ("America/New_York", "US/Eastern"):
            raise NotImplementedError(f"set_time_zone('{time_zone}'): the embedded engine runs in "
                                      f"America/New_York, the US equity exchange time zone.")

    def set_benchmark(self, benchmark: Any) -> None:
        """A ticker, a ``Symbol`` or a function of time returning the benchmark value."""
        self._require_unlocked("set_benchmark")
        if callable(benchmark) and not isinstance(benchmark, str):
            self._benchmark_function, self._benchmark_symbol = benchmark, None
        else:
            self._benchmark_function, self._benchmark_symbol = None, benchmark

    def set_brokerage_model(self, brokerage: Any, account_type: Any = None) -> None:
        """``set_brokerage_model(BrokerageName.INTERACTIVE_BROKERS_BROKERAGE, AccountType.CASH)`` and the like.

        The default and Interactive Brokers models (IB fees, equity fill model) are supported, with a margin
        (leverage 2) or a cash (leverage 1) account; other brokerages raise ``NotImplementedError``.
        """
        model_account = getattr(brokerage, "account_type", None)
        name = getattr(brokerage, "brokerage_name", brokerage)
        try:
            code = int(name)
        except (TypeError, ValueError):
            raise NotImplementedError(f"set_brokerage_model({brokerage!r}): pass a BrokerageName.") from None
        if code not in SUPPORTED_BROKERAGES:
            raise NotImplementedError(
                f"set_brokerage_model: brokerage {code} is not supported by the embedded engine; supported: "
                f"BrokerageName.DEFAULT and BrokerageName.INTERACTIVE_BROKERS_BROKERAGE.")
        chosen = account_type if account_type is not None else model_account
        self._brokerage = code
        self._account_type = int(chosen) if chosen is not None else 0
        leverage = 1.0 if self._account_type == 1 else 2.0
        for security in self.securities.values():
            security.set_leverage(leverage)

    @property
    def risk_free_interest_rate_model(self) -> Any:
        """The model the statistics take the risk-free rate from (the data folder's rates by default)."""
        model = self.__dict__.get("_risk_free_interest_rate_model")
        if model is None and self._runtime is not None:
            return self._runtime.data.interest_rate
        return model

    def set_risk_free_interest_rate_model(self, model: Any) -> None:
        self.__dict__["_risk_free_interest_rate_model"] = model

    @property
    def brokerage_model(self) -> Any:
        return DefaultBrokerageModel(self._account_type)

    def set_warm_up(self, period: Any, resolution: Any = None) -> None:
        """Start the data this many bars (an int) or this long (a timedelta) before the start date."""
        self._require_unlocked("set_warm_up")
        if not isinstance(period, timedelta | int):
            raise TypeError("set_warm_up takes a number of bars (int) or a timedelta.")
        self._warm_up_request = (period, None if resolution is None else int(resolution))

    set_warmup = set_warm_up

    def set_parameters(self, parameters: dict[str, str]) -> None:
        self._parameters = {str(k): str(v) for k, v in parameters.items()}

    def get_parameter(self, name: str, default_value: Any = None) -> Any:
        """The parameter's text, converted to the type of ``default_value`` when one is given."""
        if name not in self._parameters:
            return default_value
        text = self._parameters[name]
        if isinstance(default_value, bool):
            return text.strip().lower() in ("1", "true", "yes")
        if isinstance(default_value, int):
            return int(float(text))
        if isinstance(default_value, float):
            return float(text)
        return text

    def get_parameters(self) -> dict[str, str]:
        return dict(self._parameters)

    # --- securities -------------------------------------------------------------------------------
    def add_equity(self, ticker: str, resolution: Any = None, market: str | None = None, fill_forward: bool = True,
                   leverage: float = 0.0, extended_market_hours: bool = False,
                   data_normalization_mode: Any = None) -> Security:
        """Subscribe to a US equity; the default resolution is minute, as in LEAN."""
        runtime = self._require_runtime()
        if resolution is None:
            resolution = self.universe_settings.resolution
        return runtime.add_security(str(ticker), int(resolution), market or "usa", fill_forward, float(leverage),
                                    extended_market_hours, data_normalization_mode)

    def add_security(self, security_type: Any, ticker: str, resolution: Any = None, market: str | None = None,
                     fill_forward: bool = True, leverage: float = 0.0, extended_market_hours: bool = False,
                     data_normalization_mode: Any = None) -> Security:
        if int(security_type) != 1:
            raise NotImplementedError(f"add_security(SecurityType {int(security_type)}): the embedded engine "
                                      f"supports US equities only.")
        return self.add_equity(ticker, resolution, market, fill_forward, leverage, extended_market_hours,
                               data_normalization_mode)

    def add_data(self, data_type: type, ticker: Any, resolution: Any = None, time_zone: Any = None,
                 fill_forward: bool = False, leverage: float = 1.0) -> Security:
        """Subscribe to custom data: a ``PythonData`` subclass reading local files (``get_source``/``reader``)."""
        return self._require_runtime().add_custom_data(data_type, str(ticker),
                                                       4 if resolution is None else int(resolution))

    def remove_security(self, symbol: Any, tag: str | None = None) -> bool:
        if symbol not in self.securities:
            return False
        security = self.securities[symbol]
        if security.invested:
            self.liquidate(security.symbol, tag=tag or "Removed")
        self._require_runtime().remove_security(security)
        return True

    # --- shorting ---------------------------------------------------------------------------------
    def shortable(self, symbol: Any, short_quantity: float | None = None, update_order_id: int | None = None) -> bool:
        """Whether ``short_quantity`` more can be shorted (with holdings and open orders), as LEAN's Shortable."""
        security = self.securities[symbol]
        if short_quantity is None:
            return bool(security.shortable)
        open_quantity = sum(o.quantity for o in self.transactions.get_open_orders(security.symbol)
                            if update_order_id is None or o.id != update_order_id)
        return is_shortable(security, short_quantity, open_quantity)

    def shortable_quantity(self, symbol: Any) -> int:
        return shortable_quantity(self.securities[symbol]) or 0

    # --- industry identifiers (security-database.csv) ---------------------------------------------
    def _symbol_for(self, symbol: Any) -> Any:
        return self.securities[symbol].symbol

    def cusip(self, symbol: Any) -> str | None:
        return self._symbol_for(symbol).cusip

    def composite_figi(self, symbol: Any) -> str | None:
        return self._symbol_for(symbol).composite_figi

    def sedol(self, symbol: Any) -> str | None:
        return self._symbol_for(symbol).sedol

    def isin(self, symbol: Any) -> str | None:
        return self._symbol_for(symbol).isin

    def cik(self, symbol: Any) -> int | None:
        return self._symbol_for(symbol).cik

    CUSIP, CompositeFIGI, SEDOL, ISIN, CIK = cusip, composite_figi, sedol, isin, cik

    def _exchange_hours_for(self, symbol: Any) -> Any:
        return self._require_runtime().exchange_hours(symbol)

    def consolidate(self, symbol: Any, period: Any, *args: Any) -> Any:
        """``consolidate(symbol, period, handler)`` (also with a tick type before the handler, or the bar type
        first: ``consolidate(TradeBar, symbol, 10, TickType.TRADE, handler)``): the handler receives each
        consolidated bar; ``period`` is a timedelta, a Resolution, a bar count or a calendar function."""
        if isinstance(symbol, type):  # LEAN's typed overload: the output type comes first
            if not args:
                raise TypeError("consolidate(BarType, symbol, period, handler) needs a period and a handler.")
            return self._consolidate_typed(symbol, period, args[0], *args[1:])
        handler = args[-1] if args else None
        tick_type = args[0] if len(args) == 2 else None
        if handler is None or not callable(handler):
            raise TypeError("consolidate(symbol, period, handler) needs a handler that takes the bar.")
        return self._require_runtime().consolidate(symbol, period, handler, tick_type)

    def _consolidate_typed(self, bar_type: type, symbol: Any, size: Any, *args: Any) -> Any:
        """``consolidate(RenkoBar, symbol, 0.1, None, handler)`` and the other typed forms: the bar type picks
        the consolidator (Renko, volume Renko, range, base data), or the data side (trade or quote bars)."""
        handler = args[-1] if args else None
        if handler is None or not callable(handler):
            raise TypeError("consolidate(BarType, symbol, size, [tick_type,] handler) needs a handler.")
        sized = {RenkoBar: RenkoConsolidator, VolumeRenkoBar: VolumeRenkoConsolidator, RangeBar: RangeConsolidator}
        maker = sized.get(bar_type)
        if maker is None and bar_type is BaseData and isinstance(size, int):
            maker = BaseDataConsolidator
        if maker is not None:
            consolidator = maker(size)
            consolidator.data_consolidated += lambda sender, bar: handler(bar)
            self._require_runtime().add_consolidator(symbol, consolidator)
            return consolidator
        tick_type = args[0] if len(args) == 2 and args[0] is not None else int(bar_type is QuoteBar)
        return self._require_runtime().consolidate(symbol, size, handler, tick_type)

    def _require_runtime(self) -> AlgorithmRuntime:
        if self._runtime is None:
            raise RuntimeError("This algorithm is not attached to an engine; run it with the embedded engine.")
        return self._runtime

    def __getattr__(self, name: str) -> Any:
        # PascalCase access to snake_case members defined on user subclasses or instances.
        snake = to_snake(name) if name[:1].isupper() else name
        if snake != name:
            try:
                return object.__getattribute__(self, snake)
            except AttributeError:
                pass
        if snake in UNSUPPORTED_LEAN_API:
            raise NotImplementedError(
                f"QCAlgorithm.{name} is part of LEAN's API but not supported by the embedded engine yet "
                f"({UNSUPPORTED_LEAN_API[snake]}). Run this algorithm on the LEAN image (the docker engine) instead.")
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    # --- messages ---------------------------------------------------------------------------------
    def debug(self, message: Any) -> None:
        self.debug_messages.append(str(message))
        self._require_runtime().message("debug", str(message))

    def log(self, message: Any) -> None:
        self.log_messages.append(str(message))
        self._require_runtime().message("log", str(message))

    def error(self, message: Any) -> None:
        self.error_messages.append(str(message))
        self._require_runtime().message("error", str(message))

    def quit(self, message: str = "") -> None:
        raise AlgorithmQuit(message)

    # --- charts and statistics --------------------------------------------------------------------
    def plot(self, *args: Any) -> None:
        """``plot(chart, series, value)``, ``plot(series, value)`` or ``plot(chart, indicator, ...)``."""
        runtime = self._require_runtime()
        if len(args) == 2:
            runtime.plot("Strategy Equity", str(args[0]), float(args[1]))
            return
        if len(args) == 3 and not hasattr(args[1], "current"):
            runtime.plot(str(args[0]), str(args[1]), float(args[2]))
            return
        chart, *indicators = args
        for indicator in indicators:
            runtime.plot(str(chart), indicator.name, float(indicator.current.value))

    def plot_indicator(self, chart: str, *indicators: Any) -> None:
        """Plot indicators on every update; pass ``True`` first to wait until they are ready."""
        wait_for_ready = True
        if indicators and isinstance(indicators[0], bool):
            wait_for_ready, indicators = indicators[0], indicators[1:]
        runtime = self._require_runtime()
        for indicator in indicators:
            def on_update(sender: Any, point: Any, indicator: Any = indicator) -> None:
                if not wait_for_ready or indicator.is_ready:
                    runtime.plot(chart, indicator.name, float(point.value))
            indicator.updated += on_update

    def set_runtime_statistic(self, name: str, value: Any) -> None:
        self._require_runtime().set_runtime_statistic(name, str(value))

    def set_summary_statistic(self, name: str, value: Any) -> None:
        self._require_runtime().set_summary_statistic(name, str(value))

    def history(self, symbols: Any, periods: Any = None, resolution: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Past bars as a DataFrame indexed by (symbol, time): ``history("SPY", 10, Resolution.DAILY)``,
        ``history(["SPY"], timedelta(days=5))`` or ``history("SPY", start, end, Resolution.MINUTE)``."""
        if isinstance(periods, datetime | date) and resolution is not None and not isinstance(resolution, int):
            kwargs.setdefault("end", resolution)
            resolution = args[0] if args else kwargs.pop("resolution", None)
        return self._require_runtime().history(symbols, periods, resolution, **kwargs)


@lean_names
class SubscriptionManager:
    """``self.subscription_manager``: attach consolidators to a symbol's data."""

    def __init__(self, algorithm: QCAlgorithm) -> None:
        self._algorithm = algorithm

    def add_consolidator(self, symbol: Any, consolidator: Any, tick_type: Any = None) -> None:
        self._algorithm._require_runtime().add_consolidator(symbol, consolidator)

    @property
    def subscriptions(self) -> list[SubscriptionDataConfig]:
        """The data subscriptions of the algorithm's securities (LEAN's ``SubscriptionDataConfig``)."""
        return [config for security in self._algorithm.securities.values()
                for config in subscription_configs(security)]

    @property
    def count(self) -> int:
        return len(self.subscriptions)

    def remove_consolidator(self, symbol: Any, consolidator: Any) -> None:
        self._algorithm._require_runtime().remove_consolidator(symbol, consolidator)


def subscription_configs(security: Security) -> list[SubscriptionDataConfig]:
    """What LEAN subscribes for an equity: trades and quotes at tick, second and minute (ticks of both kinds
    at tick resolution), trades only at hour and daily."""
    if security.type != int(SecurityType.EQUITY):
        data_types: list[tuple[type, int]] = [(object, int(TickType.TRADE))]
    elif security.resolution == Resolution.TICK:
        data_types = [(Tick, int(TickType.TRADE)), (Tick, int(TickType.QUOTE))]
    elif security.subscribes_quotes:
        data_types = [(TradeBar, int(TickType.TRADE)), (QuoteBar, int(TickType.QUOTE))]
    else:
        data_types = [(TradeBar, int(TickType.TRADE))]
    configs = []
    for data_type, tick_type in data_types:
        config = SubscriptionDataConfig(data_type, security.symbol, security.resolution)
        config.is_custom_data = security.type != int(SecurityType.EQUITY)
        config.tick_type = tick_type
        config.data_normalization_mode = security.data_normalization_mode
        config.extended_market_hours = security.extended_market_hours
        config.fill_data_forward = security.fill_forward
        config.is_internal_feed = False
        configs.append(config)
    return configs


# LEAN QCAlgorithm members the embedded engine knows it lacks: using one must never silently do nothing.
UNSUPPORTED_LEAN_API = {
    **dict.fromkeys(("add_option", "add_option_contract", "add_index_option", "add_index_option_contract",
                     "add_future", "add_future_contract", "add_future_option", "add_future_option_contract",
                     "option_chain", "option_chain_provider", "future_chain_provider", "set_option_chain_provider",
                     "set_future_chain_provider", "exercise_option"), "options and futures"),
    **dict.fromkeys(("add_forex", "add_crypto", "add_crypto_future", "add_cfd", "add_index"),
                    "only US equities are supported"),
    **dict.fromkeys(("add_universe", "add_universe_selection", "set_universe_selection", "add_universe_options",
                     "universe"), "universe selection"),
    **dict.fromkeys(("add_alpha", "set_alpha", "emit_insights", "insights", "set_portfolio_construction",
                     "set_execution", "set_risk_management", "add_risk_management", "add_execution",
                     "add_portfolio_construction"), "the algorithm framework"),
    **dict.fromkeys(("train", "download", "object_store", "fundamentals", "notify", "set_time_zone_to"),
                    "platform services"),
    **dict.fromkeys(("market_on_open_order_async", "combo_market_order", "combo_limit_order",
                     "combo_leg_limit_order"), "combo orders"),
    **dict.fromkeys(("future_chain", "future_chains", "futures_chain", "futures_chains", "option_chains",
                     "remove_option_contract", "iv", "γ", "δ", "θ", "ρ"), "options and futures"),
    **dict.fromkeys(("alpha", "execution", "portfolio_construction", "risk_management", "insights_generated",
                     "framework_post_initialize", "universe_manager", "universe_selection"),
                    "the algorithm framework and universes"),
    **dict.fromkeys(("brokerage_message_handler", "set_brokerage_message_handler", "set_live_mode",
                     "algorithm_mode", "set_algorithm_mode", "deployment_target", "set_deployment_target",
                     "deployment_details", "set_deployment_details", "project_id", "set_api", "set_object_store",
                     "signal_export"), "live trading and platform services"),
    **dict.fromkeys(("add_command", "broadcast_command", "run_command"), "LEAN's command API"),
    **dict.fromkeys(("create_date_range_history_requests", "debug_mode", "get_chart_updates",
                     "get_data_typed_history", "get_locked", "history_provider", "name_updated", "order_factory",
                     "pandas_converter", "set_algorithm_id", "set_available_data_types", "set_current_slice",
                     "set_date_time", "set_finished_warming_up", "set_history_provider", "set_locked",
                     "set_pandas_converter", "set_quit", "set_run_time_error", "set_statistics_service",
                     "set_status", "tags_updated", "time_keeper"), "LEAN's engine internals"),
}

SUPPORTED_BROKERAGES = (0, 1)  # BrokerageName.DEFAULT, BrokerageName.INTERACTIVE_BROKERS_BROKERAGE


@lean_names
class DefaultBrokerageModel:
    """LEAN's default brokerage model: IB fees, equity fills, leverage 2 on margin and 1 on cash accounts."""

    brokerage_name = 0

    def __init__(self, account_type: Any = 0) -> None:
        self.account_type = int(account_type)

    def get_leverage(self, security: Any) -> float:
        return 1.0 if self.account_type == 1 else 2.0


@lean_names
class InteractiveBrokersBrokerageModel(DefaultBrokerageModel):
    brokerage_name = 1


class AlgorithmQuit(Exception):
    """Raised by ``self.quit()`` to stop the algorithm early without an error."""


def _new_york() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def _user_handler(algorithm: QCAlgorithm, snake_name: str) -> Any:
    """The user's override of an event, whichever naming style it was written in, or None."""
    from lean_runner.engine.naming import to_pascal

    cls = type(algorithm)
    for klass in cls.__mro__:
        if klass is QCAlgorithm:
            break
        for name in (snake_name, to_pascal(snake_name)):
            if name in vars(klass):
                return getattr(algorithm, name)
    return None


def user_handler(algorithm: QCAlgorithm, snake_name: str) -> Any:
    return _user_handler(algorithm, snake_name)


Resolution_ = Resolution
