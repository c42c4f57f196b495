"""The backtest loop: time slices over every subscription, in LEAN's order of operations.

Per slice, as LEAN's algorithm manager does it:
1. scheduled events whose time has passed fire first (the midnight "Daily
   Sampling" among them), with the clock at the event time and the previous
   slice's prices;
2. the slice's bars update their securities (trade bars move the price, quote
   bars the bid/ask; the internal benchmark feed only moves the benchmark);
3. indicators registered on the data are updated (column-fed ones just read the
   subscription's cursor: ``indicator_registrations``);
4. open non-market orders are scanned against the new data;
5. ``on_data`` runs if the slice holds algorithm data; market orders placed
   there fill at once;
6. the intraday equity sample and progress report follow.

Two shortcuts keep that order while doing less: once trades price a security,
its quotes *follow the clock* (the loop stops moving the quote feed; bid, ask and
the quote bar are read at the clock's time), and in a *quiet stretch* of slices,
where none of steps 1, 4 and 6 can be due (``quiet_stretch``), a slice runs only
steps 2, 3 and 5, unless ``on_data`` changes what those steps depend on.
"""

from __future__ import annotations

import gc
import inspect
import time as wallclock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np

from lean_runner.engine.algorithm.core import AlgorithmQuit, QCAlgorithm, user_handler
from lean_runner.engine.clock import ns_to_naive
from lean_runner.engine.consolidators import IdentityDataConsolidator
from lean_runner.engine.custom_data import CustomSubscription, Globals, SubscriptionDataConfig, read_custom_points
from lean_runner.engine.data.map_files import END_OF_TIME
from lean_runner.engine.data.tick_files import read_tick_days
from lean_runner.engine.data.timeconv import ns_to_date as ns_to_local_date
from lean_runner.engine.data.timeconv import utc_ns_to_local_ns
from lean_runner.engine.data_services import DataServices
from lean_runner.engine.dotnet_format import smart_round
from lean_runner.engine.enums import DataNormalizationMode, DelistingType, Resolution
from lean_runner.engine.feed import (
    RESOLUTION_FOLDER,
    RESOLUTION_PERIOD_NS,
    Subscription,
    adjust,
    adjust_ticks,
    corporate_action_times,
    expected_end_times,
    fill_forward,
    make_subscription,
    normalization_mode_name,
)
from lean_runner.engine.fees import InteractiveBrokersFeeModel
from lean_runner.engine.fills import EquityFillModel, NullSlippageModel
from lean_runner.engine.history import HistoryProvider
from lean_runner.engine.indicator_registrations import IndicatorRegistrations, feed_indicator
from lean_runner.engine.indicators.column_feed import LocalEndTimes
from lean_runner.engine.market_data import DataDictionary, Delisting, Dividend, Slice, Split, Tick, TradeBar
from lean_runner.engine.progress import Progress, progress_fraction
from lean_runner.engine.quiet_stretch import quiet_stretch_end
from lean_runner.engine.run_window import RunWindow
from lean_runner.engine.sampling import PerformanceSampler, resample_period
from lean_runner.engine.securities import FOLLOWS_CLOCK, Security, SecurityDataFilter, SecurityExchange
from lean_runner.engine.slice_patterns import SlicePattern, quotes_that_can_follow_the_clock, slice_patterns
from lean_runner.engine.statistics_collector import StatisticsCollector
from lean_runner.engine.symbol import SecurityIdentifier, Symbol
from lean_runner.engine.tick_feed import make_tick_subscription
from lean_runner.engine.timed_events import TimedEvents
from lean_runner.engine.volatility import NULL_VOLATILITY_MODEL

NS = 1_000_000_000
_UTC_EPOCH = datetime(1970, 1, 1)
PROGRESS_STRIDE = 256  # most slices between two reads of the clock for progress lines


@dataclass(frozen=True)
class DelistingEvent:
    """A delisting on the security's calendar: ``DelistingType.WARNING`` or ``DELISTED``."""

    type: int


class MissingDataError(LookupError):
    """The data folder lacks data the algorithm asked for; the message says what and how to get it."""


class BacktestEngine:
    """Runs one algorithm over LEAN data; implements the ``AlgorithmRuntime`` the algorithm calls."""

    def __init__(self, algorithm: QCAlgorithm, data: DataServices, *, parameters: dict[str, str] | None = None,
                 on_message: Callable[[str, str, datetime], None] | None = None,
                 on_progress: Callable[[Progress], None] | None = None, progress_interval: float = 0.5,
                 run_window: RunWindow | None = None) -> None:
        self.algorithm = algorithm
        self.data = data
        self.parameters = dict(parameters or {})
        self.run_window = run_window
        self._on_message = on_message or (lambda level, text, when: None)
        self._on_progress = on_progress or (lambda progress: None)
        self._progress_interval = progress_interval
        self._hours = data.market_hours.exchange_hours("Equity", "usa")
        self.timed = TimedEvents(algorithm.schedule, algorithm._clock)
        self._history = HistoryProvider(data, self._hours, self._history_now, self._resolution_of,
                                        self._count_history_points, self._normalization_mode_of)
        self._subscriptions: list[Subscription] = []
        self._pending_security_setup: list[Security] = []
        self._expected_ends: tuple[tuple[int, date, date, bool], np.ndarray] | None = None
        self._removed_securities: set[Security] = set()  # removed at run time; adding one again re-subscribes it
        self._indicators = IndicatorRegistrations(
            LocalEndTimes(lambda utc_ns: utc_ns_to_local_ns(utc_ns, self._hours.time_zone)))
        self._initialized = False
        self._quit_in_initialize = False
        self._times_dirty = False
        self.data_points = 0
        self.messages: list[tuple[datetime, str, str]] = []
        self.runtime_statistics: dict[str, str] = {}
        self.summary_extras: dict[str, str] = {}
        self._benchmark_security: Security | None = None
        self.sampler: PerformanceSampler | None = None
        self.collector: StatisticsCollector | None = None
        self.last_slice_utc_ns = 0
        self.start_utc_ns = 0
        self.stream_start_utc_ns = 0  # the warm-up start, or the start when there is no warm-up
        self.end_utc_ns = 0
        self.started_wall = 0.0
        self.finished_wall = 0.0
        self._corporate_actions: dict[int, list[tuple[Security, Any]]] = {}
        self._end_of_day_events: dict[Any, Any] = {}
        self._custom_types: dict[Security, type] = {}
        Globals.data_folder = Globals.DataFolder = str(data.data_folder)
        self._next_midnight = datetime(1998, 1, 1)
        self._next_midnight_ns = 0

    # ================================================================= AlgorithmRuntime
    def add_security(self, ticker: str, resolution: int | None, market: str, fill_forward: bool, leverage: float,
                     extended_market_hours: bool, data_normalization_mode: Any) -> Security:
        mode = int(data_normalization_mode if data_normalization_mode is not None
                   else self.algorithm.universe_settings.data_normalization_mode)
        normalization_mode_name(mode)  # refuses the modes the engine cannot read equities in
        algorithm = self.algorithm
        existing = algorithm.securities.get(ticker.upper())
        if existing is not None and not existing.is_delisted:
            if existing in self._removed_securities:  # removed earlier: its data comes back, as in LEAN
                self._removed_securities.discard(existing)
                self._subscribe(existing, algorithm.time.date())
                self._schedule_end_of_day([existing])
                self._notify_securities_changed(added=[existing], removed=[])
            return existing
        default_leverage = 1.0 if algorithm._account_type == 1 else 2.0  # cash account: no margin
        security = self._new_security(ticker, int(resolution if resolution is not None else Resolution.MINUTE),
                                      market, fill_forward, leverage or default_leverage, extended_market_hours)
        security.data_normalization_mode = mode
        algorithm._initialize_security(security)  # the security initializers, as LEAN's SecurityService does
        algorithm.securities[security.symbol] = security
        if self._initialized:
            self._subscribe(security, algorithm.time.date())
            self._schedule_end_of_day([security])
            self._notify_securities_changed(added=[security], removed=[])
        else:
            self._pending_security_setup.append(security)
        return security

    def add_custom_data(self, data_type: type, ticker: str, resolution: int) -> Security:
        """A custom data security; its points come from ``data_type``'s ``get_source``/``reader``."""
        algorithm = self.algorithm
        name = f"{ticker.upper()}.{data_type.__name__}"
        symbol = Symbol(ticker, SecurityIdentifier(f"{name} 2S", ticker.upper(), "usa", 0), 0)
        properties = self.data.symbol_properties.get("usa", ticker.upper(), "base")
        security = Security(symbol, SecurityExchange(self._hours, algorithm._clock), properties, resolution, 1.0,
                            False, False)
        security.subscribes_quotes = False
        security.fee_model = InteractiveBrokersFeeModel()
        security.fill_model = EquityFillModel()
        algorithm.securities[symbol] = security
        self._custom_types[security] = data_type
        if self._initialized:
            self._subscribe_custom(security, algorithm.time.date())
        return security

    def _subscribe_custom(self, security: Security, from_day: date) -> None:
        data_type = self._custom_types[security]
        config = SubscriptionDataConfig(data_type, security.symbol, security.resolution)
        end_day = self.algorithm.end_date.date()
        days = [from_day + timedelta(days=i) for i in range((end_day - from_day).days + 1)]
        points = read_custom_points(data_type, config, days)
        tz = self._hours.time_zone
        ends = np.asarray([_local_to_utc_ns(point.end_time, tz) for point in points], dtype=np.int64)
        subscription = CustomSubscription(security, points, ends)
        subscription.cursor = int(np.searchsorted(ends, self._current_utc_ns(), side="right"))
        self._subscriptions.append(subscription)  # type: ignore[arg-type]
        self._times_dirty = True

    def _new_security(self, ticker: str, resolution: int, market: str, fill_forward: bool, leverage: float,
                      extended: bool) -> Security:
        map_file = self.data.map_files.get(ticker)
        sid = self.data.security_id(ticker, map_file)
        symbol = Symbol(ticker, SecurityIdentifier(sid, ticker.upper(), market, 1),
                        definition=self.data.security_database.get(sid))
        properties = self.data.symbol_properties.get(market, ticker.upper(), "equity")
        security = Security(symbol, SecurityExchange(self._hours, self.algorithm._clock), properties, resolution,
                            leverage, fill_forward, extended)
        security.fee_model = InteractiveBrokersFeeModel()
        security.fill_model = EquityFillModel()
        security.slippage_model = NullSlippageModel()
        return security

    def remove_security(self, security: Security) -> None:
        security.pin_quotes()  # its bid, ask and quote bar stay those of now
        if self._initialized:
            self._removed_securities.add(security)
        for subscription in self._subscriptions:
            if subscription.security is security:
                subscription.removed = True
        self.timed.remove_security(security)
        event = self._end_of_day_events.pop(security.symbol, None)
        if event is not None:
            self.algorithm.schedule.remove(event)
        self._times_dirty = True
        self._notify_securities_changed(added=[], removed=[security])

    def message(self, level: str, text: str) -> None:
        when = self._history_now()
        self.messages.append((when, level, text))
        self._on_message(level, text, when)

    def plot(self, chart: str, series: str, value: float) -> None:
        if self.sampler is not None and not self.algorithm.is_warming_up:
            self.sampler.add_user_point(chart, series, self._utc_seconds(), float(value))

    def register_indicator(self, symbol: Any, indicator: Any, resolution: Any, selector: Any) -> None:
        security = self.algorithm.securities[symbol]
        same_resolution = resolution is None or (isinstance(resolution, int) and int(resolution) == security.resolution)
        if same_resolution and security.resolution == Resolution.TICK:
            resolution = IdentityDataConsolidator(Tick)  # every trade tick, as LEAN's identity consolidator
        elif same_resolution:
            self._indicators.add(indicator, selector, security.symbol)
            return
        # Another resolution, a timedelta or a consolidator: the indicator reads consolidated bars.
        consolidator = resolution if hasattr(resolution, "data_consolidated") else self.timed.consolidator_for(
            security, resolution, None, False, bool(self.algorithm.settings.daily_precise_end_time))
        if consolidator is resolution:
            self.timed.add_consolidator(security, consolidator)

        def feed(sender: Any, bar: Any) -> None:
            feed_indicator(indicator, selector, bar.end_time, bar)

        consolidator.data_consolidated += feed
        indicator.consolidators.append(consolidator)

    def unregister_indicator(self, indicator: Any) -> None:
        self._indicators.remove(indicator)

    def summary_statistics(self) -> dict[str, str]:
        if self.collector is None:
            return {}
        return self.collector.summary(final=False)

    def set_summary_statistic(self, name: str, value: str) -> None:
        self.summary_extras[name] = value

    def set_runtime_statistic(self, name: str, value: str) -> None:
        self.runtime_statistics[name] = value

    def history(self, symbols: Any, periods: Any, resolution: Any, **kwargs: Any) -> Any:
        return self._history.data_frame(symbols, periods, resolution, kwargs.get("start"), kwargs.get("end"),
                                        kwargs.get("data_normalization_mode"))

    def history_bars(self, symbol: Any, count: int, resolution: Any = None, mode: Any = None) -> list[Any]:
        """The last ``count`` trade bars of ``symbol`` (indicator and volatility model warm-up)."""
        return self._history.trade_bars(symbol, count, resolution, mode)

    def exchange_hours(self, symbol: Any) -> Any:
        return self._hours

    def consolidate(self, symbol: Any, period: Any, handler: Any, tick_type: Any) -> Any:
        security = self.algorithm.securities[symbol]
        quote = tick_type is not None and int(tick_type) == 1
        return self.timed.consolidator_for(security, period, handler, quote,
                                           bool(self.algorithm.settings.daily_precise_end_time))

    def add_consolidator(self, symbol: Any, consolidator: Any) -> None:
        self.timed.add_consolidator(self.algorithm.securities[symbol], consolidator)

    def remove_consolidator(self, symbol: Any, consolidator: Any) -> None:
        self.timed.remove_consolidator(self.algorithm.securities[symbol], consolidator)

    def _history_now(self) -> datetime:
        # In initialize() the clock has not started: history then ends at the start date, as in LEAN.
        return self.algorithm.time if self.algorithm._clock.utc_ns else self.algorithm.start_date

    def _resolution_of(self, ticker: str) -> int:
        security = self.algorithm.securities.get(ticker.upper())
        return security.resolution if security is not None else int(self.algorithm.universe_settings.resolution)

    def _normalization_mode_of(self, ticker: str) -> int:
        security = self.algorithm.securities.get(ticker.upper())
        if security is not None:
            return int(security.data_normalization_mode)
        return int(self.algorithm.universe_settings.data_normalization_mode)

    def _count_history_points(self, count: int) -> None:
        self.data_points += count

    # ================================================================= setup
    def initialize(self) -> None:
        """Run the algorithm's ``initialize`` and load its data."""
        algorithm = self.algorithm
        algorithm._runtime = self
        algorithm.set_parameters(self.parameters)
        if self.run_window is not None:
            algorithm._fix_window(self.run_window.start, self.run_window.end, self.run_window.cash)
        handler = user_handler(algorithm, "initialize")
        if handler is None:
            raise TypeError(f"{type(algorithm).__name__} does not define initialize(); LEAN algorithms must set "
                            f"their dates, cash and securities there.")
        try:
            handler()
        except AlgorithmQuit as quit_request:
            # LEAN stops before the first slice but still finishes the run normally.
            self._quit_in_initialize = True
            if str(quit_request):
                self.message("debug", str(quit_request))
        algorithm._locked = True
        if algorithm.end_date < algorithm.start_date:
            raise ValueError(f"The end date {algorithm.end_date:%Y-%m-%d} is before the start date "
                             f"{algorithm.start_date:%Y-%m-%d}; fix set_start_date/set_end_date.")
        tz = self._hours.time_zone
        self.start_utc_ns = _local_to_utc_ns(algorithm.start_date, tz)
        self.end_utc_ns = _local_to_utc_ns(algorithm.end_date, tz)
        self._next_midnight = algorithm.start_date
        self._next_midnight_ns = self.start_utc_ns
        warm_start = self._warm_up_start()
        self.stream_start_utc_ns = _local_to_utc_ns(warm_start, tz) if warm_start else self.start_utc_ns
        algorithm._clock.set_utc_ns(self.stream_start_utc_ns)
        self._setup_benchmark()
        first_day = (warm_start or algorithm.start_date).date()
        for security in self._pending_security_setup:
            self._subscribe(security, first_day)
        for security in self._custom_types:
            self._subscribe_custom(security, first_day)
        if warm_start is not None:
            algorithm._is_warming_up = True
            self.message("debug", "Algorithm starting warm up...")
        self._pending_security_setup.clear()
        self._initialized = True
        self.collector = StatisticsCollector(algorithm, self.data.interest_rate)
        algorithm._fill_listeners.append(self.collector.on_fill)
        for subscription in self._subscriptions:
            if subscription.is_trade and not subscription.internal:
                self.collector.watch_prices(subscription.security, subscription)
        self.sampler = PerformanceSampler(
            portfolio_value=lambda: algorithm.portfolio.total_portfolio_value,
            benchmark_value=self._benchmark_value,
            sale_volume=lambda: algorithm.portfolio.total_sale_volume,
            exposure=self._exposure,
            capacity=self.collector.capacity_value,
            period=resample_period(algorithm.start_date, algorithm.end_date))
        self.sampler.start(self.start_utc_ns / NS)
        self.collector.sampler = self.sampler
        self.collector.start_equity = algorithm.portfolio.total_portfolio_value
        self._schedule_end_of_day(list(algorithm.securities.values()))
        self.timed.start(warm_start or algorithm.start_date)

    def _setup_benchmark(self) -> None:
        algorithm = self.algorithm
        if algorithm._benchmark_function is not None:
            return
        ticker = str(algorithm._benchmark_symbol)
        benchmark = self._new_security(ticker, Resolution.HOUR, "usa", False, 1.0, False)
        benchmark.is_internal = True
        self._benchmark_security = benchmark
        first_day = self._hours.previous_trading_day(algorithm.start_date.date())
        subscription = self._load(benchmark, "trade", Resolution.HOUR, first_day, internal=True)
        if subscription is None:
            # Runs on, like LEAN with a benchmark that has no data: benchmark statistics see a flat zero series.
            self.message("debug", "Warning: " + self._missing_message(ticker, Resolution.HOUR, first_day,
                                                                      benchmark=True))
            algorithm._benchmark_function = lambda time: 0.0
            self._benchmark_security = None
            return
        # Bars before the start only prime the benchmark's price; they make no slices.
        start_index = int(np.searchsorted(subscription.end_utc, self.start_utc_ns, side="right"))
        if start_index:
            benchmark.update_trade_bar(subscription.bar(start_index - 1))  # type: ignore[arg-type]
        subscription.cursor = start_index
        self._subscriptions.append(subscription)
        self._times_dirty = True

    def symbol_properties(self, market: str, ticker: str) -> Any:
        """The symbol-properties row of a US equity ticker (the ``[*]`` default when it has none)."""
        return self.data.symbol_properties.get(market, ticker.upper(), "equity")

    def benchmark_value(self, local_time: datetime) -> float:
        """The benchmark's value (``self.benchmark.evaluate(time)``)."""
        return self._benchmark_value(local_time)

    def _benchmark_value(self, local_time: datetime) -> float:
        function = self.algorithm._benchmark_function
        if function is not None:
            return smart_round(float(function(local_time)))
        assert self._benchmark_security is not None
        return smart_round(self._benchmark_security.price)

    def _subscribe(self, security: Security, from_day: date) -> None:
        if not security._data_subscribed and security.volatility_model is not NULL_VOLATILITY_MODEL:
            self._feed_volatility_model(security)
        security._data_subscribed = True  # its normalization mode and volatility model are fixed from now on
        if security.resolution == Resolution.TICK:
            self._subscribe_ticks(security, from_day)
        else:
            self._subscribe_bars(security, from_day)
        factor_file = self.data.factor_files.get(security.symbol.value)
        events = corporate_action_times(factor_file, self._hours, from_day, self.algorithm.end_date.date())
        for time, event in [*events, *self._delisting_times(security, from_day)]:
            if time > self._current_utc_ns():
                self._corporate_actions.setdefault(time, []).append((security, event))
        self._times_dirty = True

    def _feed_volatility_model(self, security: Security) -> None:
        """The model gets each of the security's trade bars, through an identity consolidator."""
        feed = IdentityDataConsolidator(Tick if security.resolution == Resolution.TICK else TradeBar)
        model = security.volatility_model
        feed.data_consolidated += lambda sender, data: model.update(security, data)
        self.timed.add_consolidator(security, feed)

    def _subscribe_ticks(self, security: Security, from_day: date) -> None:
        """Trade ticks, and quote ticks where the data folder has them (LEAN has only trades for SPY)."""
        map_file = self.data.map_files.get(security.symbol.value)
        days = self._hours.trading_days(from_day, self.algorithm.end_date.date())
        windows = partial(self._hours.open_windows, extended=security.extended_market_hours)
        factor_file = self.data.factor_files.get(security.symbol.value)
        mode = normalization_mode_name(security.data_normalization_mode)
        dividends = self._dividends_paid(factor_file, from_day)
        loaded = False
        for kind in ("trade", "quote"):
            columns = adjust_ticks(read_tick_days(self.data.data_folder, map_file, days, kind, windows),
                                   factor_file, mode, dividends)
            if not len(columns):
                continue
            subscription = make_tick_subscription(security, columns, self._hours)
            if _has_custom_filter(security):
                # LEAN applies the security's data filter to every tick before the algorithm sees it.
                keep = np.asarray([bool(security.data_filter.filter(security, tick))
                                   for group in range(len(subscription)) for tick in subscription.ticks(group)],
                                  dtype=bool)
                if not keep.any():
                    continue
                subscription = make_tick_subscription(security, columns.take(keep), self._hours)
            subscription.cursor = int(np.searchsorted(subscription.end_utc, self._current_utc_ns(), side="right"))
            self._subscriptions.append(subscription)  # type: ignore[arg-type]
            loaded = loaded or kind == "trade"
        if not loaded:
            raise MissingDataError(self._missing_message(security.symbol.value, security.resolution, from_day))

    def _subscribe_bars(self, security: Security, from_day: date) -> None:
        loaded = False
        trades: Subscription | None = None
        for kind in ("trade", "quote") if security.subscribes_quotes else ("trade",):
            subscription = self._load(security, kind, security.resolution, from_day, internal=False, same_grid=trades)
            if subscription is None:
                continue
            if kind == "trade":
                trades = subscription
            # Data before the current time (adding at run time) is skipped.
            subscription.cursor = int(np.searchsorted(subscription.end_utc, self._current_utc_ns(), side="right"))
            self._subscriptions.append(subscription)
            if kind == "trade" and self.collector is not None:
                self.collector.watch_prices(security, subscription)
            loaded = loaded or kind == "trade"
        if not loaded:
            raise MissingDataError(self._missing_message(security.symbol.value, security.resolution, from_day))

    def _current_utc_ns(self) -> int:
        return max(self.algorithm._clock.utc_ns, self.stream_start_utc_ns)

    def _warm_up_start(self) -> datetime | None:
        """When the data stream starts for ``set_warm_up``: a time span back, or N bars back on the calendar."""
        algorithm = self.algorithm
        request = algorithm._warm_up_request
        if request is None:
            return None
        period, resolution = request
        if isinstance(period, timedelta):
            return algorithm.start_date - period
        securities = list(self._pending_security_setup)
        if resolution is None:
            resolution = algorithm.settings.warmup_resolution
        if resolution is None:
            resolution = min((s.resolution for s in securities), default=Resolution.MINUTE)
        resolution = int(resolution)
        extended = any(s.extended_market_hours for s in securities)
        bars_needed = int(period)
        day = algorithm.start_date.date()
        for _ in range(bars_needed + 400):
            day = self._hours.previous_trading_day(day)
            ends = expected_end_times(self._hours, resolution, day, algorithm.start_date.date() - timedelta(days=1),
                                      extended)
            if len(ends) >= bars_needed:
                first_end = int(ends[len(ends) - bars_needed])
                period_ns = RESOLUTION_PERIOD_NS[resolution]
                if resolution == Resolution.DAILY:
                    return datetime.combine(ns_to_local_date(first_end), datetime.min.time())
                return ns_to_naive(first_end - period_ns)
        return algorithm.start_date

    def _load(self, security: Security, kind: str, resolution: int, from_day: date,
              internal: bool, same_grid: Subscription | None = None) -> Subscription | None:
        reader = self.data.reader
        ticker = security.symbol.value
        end_day = self.algorithm.end_date.date()
        folder = RESOLUTION_FOLDER[resolution]
        if kind == "trade":
            bars: Any = reader.trade_bars(ticker, folder, from_day, end_day,
                                          extended_market_hours=security.extended_market_hours)
        else:
            bars = reader.quote_bars(ticker, folder, from_day, end_day,
                                     extended_market_hours=security.extended_market_hours)
        if len(bars) == 0:
            return None
        factor_file = self.data.factor_files.get(ticker)
        bars = adjust(bars, factor_file, normalization_mode_name(security.data_normalization_mode),
                      self._dividends_paid(factor_file, from_day))
        flags = np.zeros(len(bars), dtype=bool)
        if security.fill_forward and not internal:
            expected = self._expected_end_times(resolution, from_day, end_day, security.extended_market_hours)
            until = int(bars.end_time[-1]) if resolution == Resolution.DAILY else int(expected[-1]) \
                if len(expected) else int(bars.end_time[-1])
            bars, flags = fill_forward(bars, expected, RESOLUTION_PERIOD_NS[resolution], until)
        subscription = make_subscription(security, kind, resolution, internal, bars, flags, self._hours, same_grid)
        data_filter = security.data_filter
        if internal or (isinstance(data_filter, SecurityDataFilter) and type(data_filter).filter is \
                SecurityDataFilter.filter):
            return subscription
        # A custom SecurityDataFilter: LEAN applies it to every bar (fill-forward ones too) before the
        # algorithm sees it; bars it refuses never reach the security, the slice or the consolidators.
        keep = np.asarray([bool(data_filter.filter(security, subscription.bar(i))) for i in range(len(subscription))],
                          dtype=bool)
        if keep.all():
            return subscription
        if not keep.any():
            return None
        return make_subscription(security, kind, resolution, internal, bars.take(keep), flags[keep], self._hours)

    def _dividends_paid(self, factor_file: Any, from_day: date) -> list[tuple[date, float]]:
        """(effective date, distribution) of the dividends the stream will emit from ``from_day`` (TotalReturn
        prices add them up from there, as LEAN's ``SumOfDividends`` starts at zero with the subscription)."""
        return [(event.date, event.distribution)
                for event in factor_file.corporate_actions(from_day, self.algorithm.end_date.date(), self._hours)
                if hasattr(event, "distribution")]

    def _expected_end_times(self, resolution: int, from_day: date, end_day: date, extended: bool) -> np.ndarray:
        """``expected_end_times`` of the exchange; the last range is kept (a security's trades, then its quotes)."""
        key = (resolution, from_day, end_day, extended)
        if self._expected_ends is None or self._expected_ends[0] != key:
            self._expected_ends = (key, expected_end_times(self._hours, resolution, from_day, end_day, extended))
        return self._expected_ends[1]

    def _missing_message(self, ticker: str, resolution: int, day: date, benchmark: bool = False) -> str:
        folder = RESOLUTION_FOLDER[resolution]
        what = "benchmark " if benchmark else ""
        path = f"equity/usa/{folder}/{ticker.lower()}" + (".zip" if resolution >= Resolution.HOUR else "/")
        if resolution == Resolution.TICK:
            path += "yyyyMMdd_trade.zip"
        hint = (" Change it with self.set_benchmark(...) or set_benchmark(lambda time: 1) for none."
                if benchmark else "")
        return (f"No {folder} data for {what}{ticker.upper()} from {day:%Y-%m-%d} to "
                f"{self.algorithm.end_date:%Y-%m-%d} in {self.data.data_folder}: expected {path}.{hint} "
                f"Point --data-folder at a LEAN data folder that has it, or generate synthetic data with "
                f"`workbench data generate --symbols {ticker.upper()} --resolution {folder} ...`.")

    # ================================================================= the loop
    def run(self, on_begin: Callable[[], None] | None = None) -> None:
        """Initialize, stream every slice, then finish; exceptions propagate to the launcher."""
        self.started_wall = wallclock.perf_counter()
        self.initialize()
        if on_begin is not None:
            on_begin()
        algorithm = self.algorithm
        if not algorithm._is_warming_up:
            # LEAN calls OnWarmupFinished once even without a warm-up, before the first slice
            # (AlgorithmManager.Stream), and sends no "finished warming up" message then.
            handler = user_handler(algorithm, "on_warmup_finished")
            if handler is not None:
                handler()
        added = list(algorithm.securities.values())
        if added:
            self._notify_securities_changed(added=added, removed=[])
        # The loaded data are millions of long-lived objects: move them out of the cyclic collector's sight,
        # or every collection walks them again (the loop itself creates no reference cycles).
        gc.collect()
        gc.freeze()
        try:
            while not self._quit_in_initialize and self._stream_until_subscriptions_change():
                pass
        except AlgorithmQuit as quit_request:
            if str(quit_request):
                self.message("debug", str(quit_request))
        finally:
            gc.unfreeze()
        self._finish()

    def _stream_until_subscriptions_change(self) -> bool:
        """Walk the merged slice times; True when securities changed and the times must be merged again."""
        algorithm = self.algorithm
        sampler, clock, collector = self.sampler, algorithm._clock, self.collector
        assert sampler is not None and collector is not None
        transactions = algorithm.transactions
        on_data = user_handler(algorithm, "on_data")
        tz = self._hours.time_zone
        times, keys, patterns, following_clock = self._slice_patterns()
        self._times_dirty = False
        if len(times) == 0:
            return False
        local_times = utc_ns_to_local_ns(times, tz).tolist()
        indicators = self._indicators
        indicators.column_feed([s for s in self._subscriptions if not s.removed and s.cursor < len(s)],
                               self.end_utc_ns)
        registrations = indicators.eager  # symbols whose indicators are updated bar by bar
        actions = self._corporate_actions
        capacity = collector.capacity
        open_orders = transactions._open
        next_midnight_ns = self._next_midnight_ns
        progress_interval = self._progress_interval
        last_progress = wallclock.perf_counter()
        data_points = self.data_points
        timed = self.timed
        consolidators = timed.consolidators  # changed in place when the algorithm adds or removes one
        schedule = algorithm.schedule
        schedule_version = schedule.version
        next_event_ns = timed.next_event_local_ns()
        warming = algorithm._is_warming_up
        start_utc_ns = self.start_utc_ns
        # The next equity sample and capacity update, in UTC seconds; both move only when they run or on a fill.
        next_sample = sampler.next_intraday_utc
        next_capacity = capacity.next_update_utc
        fills = collector.fill_count
        utc_times = times.tolist()
        action_times = sorted(actions)
        count = len(utc_times)
        # Slices before ``quiet_until`` need only their data and on_data: no event, sample, capacity update,
        # corporate action or open order can be due there (see quiet_stretch). It is worked out again after
        # every other slice, and a quiet slice ends the stretch if on_data changed any of that.
        quiet_until = 0
        # The clock is read every `stride` slices; slow on_data (heavy algorithms) shortens the stride so
        # progress still comes about every progress_interval, fast loops keep it long and cheap.
        stride, next_progress_check, last_check = PROGRESS_STRIDE, PROGRESS_STRIDE, wallclock.perf_counter()
        make_slice = object.__new__
        tick_updates: list[tuple[Security, list[Any], bool]] = []  # this slice's ticks for the consolidators
        for index in range(count):
            t = utc_times[index]
            local = local_times[index]
            quiet = index < quiet_until
            if not quiet:
                if warming and t >= start_utc_ns:
                    self._finish_warm_up()
                    warming = False
                # 1. past scheduled events: the daily sample at each midnight up to now, at the old prices.
                if next_midnight_ns <= t:
                    self.data_points = data_points
                    next_midnight_ns = self._fire_midnights(t)
                if local > next_event_ns or consolidators:
                    timed.before(local)  # scheduled events and consolidator bars due before this slice
                    next_event_ns = timed.next_event_local_ns()
            clock.utc_ns = t
            clock.local_ns = local
            # 2. the slice's data moves prices (bar objects are made only if someone reads them).
            pattern = patterns[keys[index]]
            for subscription in pattern.trade_feeds:
                cursor = subscription.cursor
                subscription.cursor = cursor + 1
                security = subscription.security
                # Security.set_trade_source, inlined (once per bar).
                security.price = subscription.price_list[cursor]
                security._trade_source = subscription
                security._trade_index = cursor
                security._trade_bar = None
                if registrations and security.symbol in registrations:
                    indicators.update(security, clock.local_time)
            if pattern.internal_feeds:
                for subscription in pattern.internal_feeds:
                    cursor = subscription.cursor
                    subscription.cursor = cursor + 1
                    subscription.security.set_trade_source(subscription, cursor, subscription.price_list[cursor])
            for subscription in pattern.quote_feeds:
                cursor = subscription.cursor
                subscription.cursor = cursor + 1
                security = subscription.security
                if security._quote_source is subscription and security.price:
                    security._quote_index = cursor  # bid and ask are read from the source when asked
                else:
                    security.set_quote_source(subscription, cursor)
            custom: list[tuple[Any, Any]] | None = None
            if pattern.custom_feeds:
                custom = []
                for subscription in pattern.custom_feeds:
                    cursor = subscription.cursor
                    subscription.cursor = cursor + 1
                    point = subscription.points[cursor]
                    subscription.security.price = float(point.value)
                    custom.append((subscription.security.symbol, point))
            ticks: DataDictionary | None = None
            if pattern.tick_feeds:
                ticks = DataDictionary()
                for subscription in pattern.tick_feeds:
                    cursor = subscription.cursor
                    subscription.cursor = cursor + 1
                    instant = subscription.ticks(cursor)
                    quote_ticks = subscription.kind == "quote"
                    subscription.security.update_ticks(instant, quote_ticks)
                    symbol = subscription.security.symbol
                    if symbol in ticks:
                        ticks[symbol] = [*ticks[symbol], *instant]
                    else:
                        ticks[symbol] = instant
                    data_points += len(instant) - 1  # each tick is a data point; the pattern counts one
                    if consolidators:
                        tick_updates.append((subscription.security, instant, quote_ticks))
            data_points += pattern.data_points
            trades, quotes = pattern.trades, pattern.quotes
            dividends = splits = delistings = None
            if not quiet:
                if local >= next_event_ns:
                    timed.at(local)
                    next_event_ns = timed.next_event_local_ns()
                if consolidators:
                    for security in {*trades, *quotes}:
                        timed.consolidate(security, security in trades, security in quotes)
                    for security, instant, quote_ticks in tick_updates:
                        timed.consolidate_ticks(security, instant, quote_ticks)
                    tick_updates.clear()
                if actions and t in actions:
                    dividends, splits, delistings = self._corporate_action_slice(actions.pop(t))
                    data_points += len(dividends) + len(splits) + len(delistings or ())
                # 3. open orders other than market orders fill on the new data.
                if open_orders:
                    transactions.scan()
            # 4. the algorithm.
            if on_data is not None and (trades or quotes or dividends or splits or custom or ticks or delistings):
                # market_data.new_slice, inlined (once per slice).
                data = make_slice(Slice)
                data._time = local
                data._utc_time = t
                data._bars = data._quote_bars = data._all = None
                data._trade_securities = trades
                data._quote_securities = quotes
                data._splits = splits
                data._dividends = dividends
                data._custom = custom
                data._ticks = ticks
                data._delistings = delistings
                algorithm._current_slice = data
                try:
                    on_data(data)
                except AlgorithmQuit:
                    # LEAN ends the run after this slice: its time is the last one (final samples, statistics).
                    self.last_slice_utc_ns = t
                    self.data_points = data_points
                    raise
            # 5. samples, capacity and progress: in a quiet slice only if on_data changed what they depend on.
            if not quiet or fills != collector.fill_count or schedule.version != schedule_version or open_orders \
                    or consolidators:
                seconds = t / NS
                if seconds > next_sample and not warming:
                    sampler.sample_intraday(seconds)
                    next_sample = sampler.next_intraday_utc
                if fills != collector.fill_count:
                    fills = collector.fill_count
                    next_capacity = capacity.next_update_utc
                if seconds >= next_capacity:
                    collector.on_slice(t, trades)
                    next_capacity = capacity.next_update_utc
                if schedule.version != schedule_version:  # on_data added or removed scheduled events
                    schedule_version = schedule.version
                    next_event_ns = timed.next_event_local_ns()
                if index >= next_progress_check:
                    now = wallclock.perf_counter()
                    wanted = progress_interval / 4
                    stride = max(1, min(PROGRESS_STRIDE, int(stride * wanted / max(now - last_check, 1e-9))))
                    next_progress_check, last_check = index + stride, now
                    if now - last_progress >= progress_interval:
                        last_progress = now
                        self.data_points = data_points
                        self.last_slice_utc_ns = t
                        self._report_progress()
                quiet_until = 0 if consolidators or open_orders or warming else quiet_stretch_end(
                    index + 1, count, utc_times, local_times, next_midnight_ns=next_midnight_ns,
                    next_event_ns=next_event_ns, next_sample=next_sample, next_capacity=next_capacity,
                    action_times=action_times if actions else [])
            if self._times_dirty:
                break
        self.data_points = data_points
        self.last_slice_utc_ns = t
        self._next_midnight_ns = next_midnight_ns
        for subscription in following_clock:
            subscription.cursor = subscription.index_at(t) + 1
        return self._times_dirty

    def _finish_warm_up(self) -> None:
        """Warm-up is over: the starting value is taken again and the algorithm is told."""
        algorithm = self.algorithm
        algorithm._is_warming_up = False
        assert self.collector is not None
        self.collector.start_equity = algorithm.portfolio.total_portfolio_value
        handler = user_handler(algorithm, "on_warmup_finished")
        if handler is not None:
            handler()
        self.message("debug", "Algorithm finished warming up.")

    def _fire_midnights(self, up_to_ns: int) -> int:
        """LEAN's 'Daily Sampling' event at every calendar midnight up to ``up_to_ns``; returns the next one."""
        assert self.sampler is not None
        clock = self.algorithm._clock
        tz = self._hours.time_zone
        while self._next_midnight <= self.algorithm.end_date:
            midnight_ns = _local_to_utc_ns(self._next_midnight, tz)
            if midnight_ns > up_to_ns:
                return midnight_ns
            clock.set_local(self._next_midnight)
            self.sampler.sample_daily(midnight_ns / NS, self._next_midnight)
            self._next_midnight += timedelta(days=1)
        return 2**62

    def _finish(self) -> None:
        """After the data: on_end_of_algorithm, final order scan, LEAN's forced final samples."""
        algorithm = self.algorithm
        assert self.sampler is not None and self.collector is not None
        if algorithm._is_warming_up:
            self._finish_warm_up()  # a range shorter than the warm-up still ends it, as LEAN does
        end_handler = user_handler(algorithm, "on_end_of_algorithm")
        if end_handler is not None:
            end_handler()
        clock = algorithm._clock
        final_ns = self.last_slice_utc_ns or self.start_utc_ns
        clock.set_utc_ns(final_ns)
        algorithm.transactions.scan()
        self.collector.on_finish(final_ns)
        self.sampler.sample_daily(final_ns / NS, clock.local_time)
        # LEAN's result handler forces the synchronous events once more on exit, before the final
        # statistics: the capacity estimate takes a second forced snapshot.
        self.collector.on_finish(final_ns)
        self.finished_wall = wallclock.perf_counter()
        self._report_progress(force=True, final=True)

    def _slice_patterns(self) -> tuple[np.ndarray, list[Any], dict[Any, SlicePattern], list[Any]]:
        """The slice times still ahead, merged over every subscription and corporate action, with their patterns;
        and the quote subscriptions that follow the clock instead of being moved by the loop."""
        now = self._current_utc_ns() if self._initialized and self.last_slice_utc_ns else self.stream_start_utc_ns
        stamps = []
        for subscription in self._subscriptions:
            if subscription.removed:
                continue
            ends = subscription.end_utc[subscription.cursor:]
            ends = ends[(ends > now) & (ends <= self.end_utc_ns)]
            if len(ends):
                stamps.append((subscription, ends))
        action_times = np.asarray([t for t in self._corporate_actions if now < t <= self.end_utc_ns], dtype=np.int64)
        following = quotes_that_can_follow_the_clock(stamps)
        for subscription in following:
            subscription.security.set_quote_source(subscription, FOLLOWS_CLOCK)
        times, keys, patterns = slice_patterns(stamps, action_times, unfed=following)
        return times, keys, patterns, following

    def _corporate_action_slice(self, events: list[tuple[Security, Any]]
                                ) -> tuple[DataDictionary, DataDictionary, DataDictionary | None]:
        """Dividends, splits and delistings of one midnight. Dividends and splits are applied to cash and
        holdings by each security's mode as LEAN's portfolio does: a dividend pays cash in RAW and
        SPLIT_ADJUSTED (the prices of the other modes carry it); a split changes the holdings only in RAW (the
        other modes' prices are split-adjusted). A DELISTED security can no longer be traded."""
        dividends, splits = DataDictionary(), DataDictionary()
        delistings: DataDictionary | None = None
        time = self.algorithm.time
        for security, event in events:
            if security.symbol not in self.algorithm.securities:
                continue
            mode = int(security.data_normalization_mode)
            if isinstance(event, DelistingEvent):
                delistings = delistings if delistings is not None else DataDictionary()
                delistings[security.symbol] = Delisting(security.symbol, time, security.price, event.type)
                if event.type == DelistingType.DELISTED:
                    self._delist(security)
            elif hasattr(event, "distribution"):
                dividends[security.symbol] = Dividend(security.symbol, time, event.distribution,
                                                      event.reference_price)
                if mode in (DataNormalizationMode.RAW, DataNormalizationMode.SPLIT_ADJUSTED):
                    self.algorithm.portfolio.apply_dividend(security, event.distribution)
            else:
                splits[security.symbol] = Split(security.symbol, time, event.split_factor, event.reference_price)
                if mode == DataNormalizationMode.RAW:
                    self.algorithm.portfolio.apply_split(security, event.split_factor, event.reference_price)
        return dividends, splits, delistings

    def _delist(self, security: Security) -> None:
        """LEAN's ``HandleDelisting``: the security is delisted, not tradable, its cached data forgotten and its
        data ended; the algorithm hears of its removal."""
        security.is_delisted = True
        security.is_tradable = False
        security.reset()
        for subscription in self._subscriptions:
            if subscription.security is security:
                subscription.removed = True
        self._times_dirty = True
        self._notify_securities_changed(added=[], removed=[security])

    def _delisting_times(self, security: Security, from_day: date) -> list[tuple[int, DelistingEvent]]:
        """The warning at midnight of the map file's delisting date (the first trading day from it) and the
        delisting at the midnight after that date, as LEAN's delisting event provider emits them."""
        delisted_on = self.data.map_files.get(security.symbol.value).delisting_date
        end_day = self.algorithm.end_date.date()
        if delisted_on >= END_OF_TIME or delisted_on > end_day:
            return []
        tz = self._hours.time_zone
        warning_day = delisted_on if self._hours.is_trading_day(delisted_on) else \
            self._hours.next_trading_day(delisted_on)
        found = []
        for day, kind in ((warning_day, DelistingType.WARNING), (delisted_on + timedelta(days=1),
                                                                 DelistingType.DELISTED)):
            if from_day <= day <= end_day:
                moment = datetime(day.year, day.month, day.day)
                found.append((_local_to_utc_ns(moment, tz), DelistingEvent(kind)))
        return found

    def _schedule_end_of_day(self, securities: list[Security]) -> None:
        """LEAN's end-of-day events: ``on_end_of_day(symbol)`` 10 minutes before each security's close, or the
        old ``on_end_of_day()`` at 23:58 every day."""
        handler = user_handler(self.algorithm, "on_end_of_day")
        if handler is None:
            return
        schedule = self.algorithm.schedule
        try:
            takes_symbol = len(inspect.signature(handler).parameters) >= 1
        except (TypeError, ValueError):
            takes_symbol = True
        if not takes_symbol:
            if not self._end_of_day_events:
                self._end_of_day_events[None] = schedule.on(
                    schedule.date_rules.every_day(), schedule.time_rules.at(23, 58), handler, "Algorithm.OnEndOfDay")
            return
        for security in securities:
            if security.symbol in self._end_of_day_events or security.is_internal:
                continue
            symbol = security.symbol
            self._end_of_day_events[symbol] = schedule.on(
                schedule.date_rules.every_day(symbol), schedule.time_rules.before_market_close(symbol, 10),
                lambda symbol=symbol: handler(symbol), f"{symbol}: EndOfDay")

    def _notify_securities_changed(self, added: list[Security], removed: list[Security]) -> None:
        handler = user_handler(self.algorithm, "on_securities_changed")
        if handler is not None:
            from lean_runner.engine.securities_changes import SecurityChanges

            handler(SecurityChanges(added, removed))

    def _exposure(self) -> tuple[float, float]:
        portfolio = self.algorithm.portfolio
        tpv = portfolio.total_portfolio_value
        if not tpv:
            return 0.0, 0.0
        long_value = sum(s.holdings.holdings_value for s in self.algorithm.securities.values()
                         if s.holdings.quantity > 0)
        short_value = sum(s.holdings.holdings_value for s in self.algorithm.securities.values()
                          if s.holdings.quantity < 0)
        return long_value / tpv, short_value / tpv

    # ================================================================= progress
    def _utc_seconds(self) -> float:
        return self.algorithm._clock.utc_ns / NS

    def progress_fraction(self, final: bool = False) -> float:
        if final:
            return 1.0
        start = datetime.fromtimestamp(self.start_utc_ns / NS, tz=UTC)
        now = start + timedelta(microseconds=(self.algorithm._clock.utc_ns - self.start_utc_ns) // 1000)
        return progress_fraction(start, datetime.combine(self.algorithm.end_date.date(), start.timetz()), now)

    def _report_progress(self, force: bool = False, final: bool = False) -> None:
        portfolio = self.algorithm.portfolio
        sampler = self.sampler
        equity = portfolio.total_portfolio_value
        drawdown = float(sampler.drawdown.last_value or 0.0) if sampler is not None else 0.0
        start_equity = self.collector.start_equity if self.collector else equity
        self._on_progress(Progress(
            fraction=self.progress_fraction(final), algorithm_time=self.algorithm.time, equity=equity,
            data_points=self.data_points, orders=self.algorithm.transactions.orders_count,
            fees=portfolio.total_fees, net_profit=(equity / start_equity - 1) if start_equity else 0.0,
            drawdown=drawdown))


def _has_custom_filter(security: Security) -> bool:
    """Whether the security's data filter is an algorithm's own (LEAN's default keeps every data point)."""
    data_filter = security.data_filter
    return not (isinstance(data_filter, SecurityDataFilter) and type(data_filter).filter is SecurityDataFilter.filter)


def _local_to_utc_ns(local: datetime, tz: Any) -> int:
    aware = local.replace(tzinfo=tz)
    delta = aware.astimezone(UTC).replace(tzinfo=None) - _UTC_EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS + delta.microseconds * 1000
