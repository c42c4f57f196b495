"""Indicator helper methods of ``QCAlgorithm`` (``self.sma``, ``self.rsi``, ``self.bb``...), with LEAN's
Python signatures, defaults and names (``CreateIndicatorName``: ``"RSI(14,Wilders,SPY_day)"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from lean_runner.engine.enums import MovingAverageType, Resolution, parse_resolution
from lean_runner.engine.indicators import (
    AverageDirectionalIndex,
    AverageTrueRange,
    BollingerBands,
    ExponentialMovingAverage,
    HeikinAshi,
    Identity,
    IndicatorBase,
    LinearWeightedMovingAverage,
    LogReturn,
    Maximum,
    MidPoint,
    Minimum,
    Momentum,
    MomentumPercent,
    MovingAverageConvergenceDivergence,
    PythonIndicatorAdapter,
    RateOfChange,
    RateOfChangePercent,
    RateOfChangeRatio,
    RelativeStrengthIndex,
    SimpleMovingAverage,
    StandardDeviation,
    Stochastic,
    Sum,
    TrueRange,
    Variance,
)
from lean_runner.engine.indicators.composite import format_decimal
from lean_runner.engine.indicators.moving_averages import moving_average_type_name

if TYPE_CHECKING:
    from lean_runner.engine.algorithm.runtime import AlgorithmRuntime

IndicatorT = TypeVar("IndicatorT")

_RESOLUTION_ABBREVIATIONS = {0: "tick", 1: "sec", 2: "min", 3: "hr", 4: "day"}


def _high(bar: Any) -> float:
    return float(bar.high)


def _low(bar: Any) -> float:
    return float(bar.low)


class IndicatorHelpersMixin:
    """Create an indicator and keep it updated with a symbol's data."""

    if TYPE_CHECKING:  # provided by QCAlgorithm

        def _require_runtime(self) -> AlgorithmRuntime: ...

    # --- registration and warm-up ----------------------------------------------------------------
    def register_indicator(self, symbol: Any, indicator: Any, resolution: Any = None,
                           selector: Any = None) -> None:
        """Update ``indicator`` with ``symbol``'s bars (values via ``selector``, default the close)."""
        self._require_runtime().register_indicator(symbol, self._engine_indicator(indicator), resolution, selector)

    def unregister_indicator(self, indicator: Any) -> None:
        self._require_runtime().unregister_indicator(self._engine_indicator(indicator))

    def warm_up_indicator(self, symbol: Any, indicator: IndicatorT, resolution: Any = None,
                          selector: Any = None) -> IndicatorT:
        """Feed ``indicator`` its ``warm_up_period`` latest history bars of ``symbol`` (oldest first)."""
        target = self._engine_indicator(indicator)
        count = int(getattr(target, "warm_up_period", 0) or 0)
        if count <= 0:
            return indicator
        runtime: Any = self._require_runtime()
        history_bars = getattr(runtime, "history_bars", None)
        if history_bars is None:
            raise NotImplementedError("warm_up_indicator needs history, which this engine does not provide yet.")
        for bar in history_bars(symbol, count, resolution):
            if selector is not None:
                target.update(bar.end_time, float(selector(bar)))
            elif isinstance(target, IndicatorBase) and target.takes_bars:
                target.update(bar)
            else:
                target.update(bar.end_time, float(bar.close))
        return indicator

    def indicator_history(self, indicator: Any, symbol: Any, period: Any, resolution: Any = None,
                          selector: Any = None) -> Any:
        """The last ``period`` ready values ``indicator`` takes over ``symbol``'s history (it is fed the bars
        before them that its warm-up needs); the indicator keeps the state the history left it in."""
        from lean_runner.engine.algorithm.indicator_history import run_over_bars

        target = self._engine_indicator(indicator)
        warm_up = int(getattr(target, "warm_up_period", 1) or 1)
        count = int(period) + warm_up - 1
        runtime: Any = self._require_runtime()
        return run_over_bars(target, runtime.history_bars(symbol, count, resolution), selector)

    def create_indicator_name(self, symbol: Any, type: str, resolution: Any = None) -> str:
        """LEAN's ``CreateIndicatorName``: ``"SMA(20)"`` for SPY daily → ``"SMA(20,SPY_day)"``."""
        parts: list[str] = []
        if symbol is not None and str(symbol) != "":
            security = None
            securities: Any = getattr(self, "securities", {})
            if symbol in securities:
                security = securities[symbol]
            elif resolution is None:
                raise KeyError(f"Please register to receive data for symbol '{symbol}' using the add_equity() "
                               f"function.")
            if resolution is None and security is not None:
                resolution = security.resolution
            parts.append(str(security.symbol if security is not None else symbol))
        parts.append(_RESOLUTION_ABBREVIATIONS[parse_resolution(resolution)] if resolution is not None else "")
        return f"{type}({'_'.join(parts)})".replace(")(", ",")

    def _engine_indicator(self, indicator: Any) -> Any:
        """Duck-typed Python indicators (not ``IndicatorBase``) are wrapped once, as LEAN's PythonIndicator."""
        if isinstance(indicator, IndicatorBase):
            return indicator
        adapters: dict[int, Any] | None = self.__dict__.get("_indicator_adapters")
        if adapters is None:
            adapters = self.__dict__["_indicator_adapters"] = {}
        adapter = adapters.get(id(indicator))
        if adapter is None or adapter.wrapped is not indicator:
            adapter = adapters[id(indicator)] = PythonIndicatorAdapter(indicator)
        return adapter

    def _initialize_indicator(self, symbol: Any, indicator: IndicatorT, resolution: Any,
                              selector: Any = None) -> IndicatorT:
        """Register, then warm up when ``settings.automatic_indicator_warm_up`` is on (LEAN's order)."""
        self.register_indicator(symbol, indicator, resolution, selector)
        settings = getattr(self, "settings", None)
        if settings is not None and getattr(settings, "automatic_indicator_warm_up", False):
            self.warm_up_indicator(symbol, indicator, resolution, selector)
        return indicator

    # --- moving averages -------------------------------------------------------------------------
    def sma(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> SimpleMovingAverage:
        name = self.create_indicator_name(symbol, f"SMA({int(period)})", resolution)
        return self._initialize_indicator(symbol, SimpleMovingAverage(name, int(period)), resolution, selector)

    def ema(self, symbol: Any, period: int, smoothing_factor: float | None = None,
            resolution: Any = None, selector: Any = None) -> ExponentialMovingAverage:
        # LEAN's Python overloads allow ema(symbol, period, resolution) too.
        if smoothing_factor is not None and not isinstance(smoothing_factor, float) and resolution is None:
            smoothing_factor, resolution = None, smoothing_factor
        name = self.create_indicator_name(symbol, f"EMA({int(period)})", resolution)
        indicator = ExponentialMovingAverage(name, int(period), smoothing_factor)
        return self._initialize_indicator(symbol, indicator, resolution, selector)

    def lwma(self, symbol: Any, period: int, resolution: Any = None,
             selector: Any = None) -> LinearWeightedMovingAverage:
        name = self.create_indicator_name(symbol, f"LWMA({int(period)})", resolution)
        return self._initialize_indicator(symbol, LinearWeightedMovingAverage(name, int(period)), resolution,
                                          selector)

    def macd(self, symbol: Any, fast_period: int, slow_period: int, signal_period: int,
             type: Any = MovingAverageType.EXPONENTIAL, resolution: Any = None,
             selector: Any = None) -> MovingAverageConvergenceDivergence:
        name = self.create_indicator_name(symbol, f"MACD({fast_period},{slow_period},{signal_period})", resolution)
        indicator = MovingAverageConvergenceDivergence(name, fast_period, slow_period, signal_period, type)
        return self._initialize_indicator(symbol, indicator, resolution, selector)

    # --- oscillators and volatility --------------------------------------------------------------
    def rsi(self, symbol: Any, period: int, moving_average_type: Any = MovingAverageType.WILDERS,
            resolution: Any = None, selector: Any = None) -> RelativeStrengthIndex:
        if isinstance(moving_average_type, Resolution) and resolution is None:  # rsi(symbol, 14, Resolution.DAILY)
            moving_average_type, resolution = MovingAverageType.WILDERS, moving_average_type
        kind = moving_average_type_name(moving_average_type)
        name = self.create_indicator_name(symbol, f"RSI({int(period)},{kind})", resolution)
        indicator = RelativeStrengthIndex(name, int(period), moving_average_type)
        return self._initialize_indicator(symbol, indicator, resolution, selector)

    def bb(self, symbol: Any, period: int, k: float, moving_average_type: Any = MovingAverageType.SIMPLE,
           resolution: Any = None, selector: Any = None) -> BollingerBands:
        if isinstance(moving_average_type, Resolution) and resolution is None:
            moving_average_type, resolution = MovingAverageType.SIMPLE, moving_average_type
        name = self.create_indicator_name(symbol, f"BB({int(period)},{format_decimal(k)})", resolution)
        indicator = BollingerBands(name, int(period), k, moving_average_type)
        return self._initialize_indicator(symbol, indicator, resolution, selector)

    def atr(self, symbol: Any, period: int, type: Any = MovingAverageType.SIMPLE, resolution: Any = None,
            selector: Any = None, *, moving_average_type: Any = None) -> AverageTrueRange:
        """LEAN's helper averages with SIMPLE by default (the class itself defaults to WILDERS)."""
        if moving_average_type is not None:
            type = moving_average_type
        if isinstance(type, Resolution) and resolution is None:
            type, resolution = MovingAverageType.SIMPLE, type
        name = self.create_indicator_name(symbol, f"ATR({int(period)})", resolution)
        return self._initialize_indicator(symbol, AverageTrueRange(name, int(period), type), resolution, selector)

    def heikin_ashi(self, symbol: Any, resolution: Any = None, selector: Any = None) -> HeikinAshi:
        name = self.create_indicator_name(symbol, "HA", resolution)
        return self._initialize_indicator(symbol, HeikinAshi(name), resolution, selector)

    def logr(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> LogReturn:
        name = self.create_indicator_name(symbol, f"LOGR({int(period)})", resolution)
        return self._initialize_indicator(symbol, LogReturn(name, int(period)), resolution, selector)

    def rocr(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> RateOfChangeRatio:
        name = self.create_indicator_name(symbol, f"ROCR({int(period)})", resolution)
        return self._initialize_indicator(symbol, RateOfChangeRatio(name, int(period)), resolution, selector)

    def midpoint(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> MidPoint:
        name = self.create_indicator_name(symbol, f"MIDPOINT({int(period)})", resolution)
        return self._initialize_indicator(symbol, MidPoint(name, int(period)), resolution, selector)

    def tr(self, symbol: Any, resolution: Any = None, selector: Any = None) -> TrueRange:
        name = self.create_indicator_name(symbol, "TR", resolution)
        return self._initialize_indicator(symbol, TrueRange(name), resolution, selector)

    def var(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Variance:
        name = self.create_indicator_name(symbol, f"VAR({int(period)})", resolution)
        return self._initialize_indicator(symbol, Variance(name, int(period)), resolution, selector)

    def std(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> StandardDeviation:
        name = self.create_indicator_name(symbol, f"STD({int(period)})", resolution)
        return self._initialize_indicator(symbol, StandardDeviation(name, int(period)), resolution, selector)

    def sto(self, symbol: Any, period: int, k_period: Any = None, d_period: int | None = None,
            resolution: Any = None, selector: Any = None) -> Stochastic:
        """``sto(symbol, period, k_period, d_period)`` or ``sto(symbol, period)`` (k = period, d = 3)."""
        if isinstance(k_period, Resolution) or k_period is None:  # sto(symbol, period, resolution)
            if k_period is not None:
                resolution = k_period
            k_period, d_period = period, 3
        if d_period is None:
            d_period = 3
        name = self.create_indicator_name(symbol, f"STO({int(period)},{int(k_period)},{int(d_period)})",
                                          resolution)
        indicator = Stochastic(name, int(period), int(k_period), int(d_period))
        return self._initialize_indicator(symbol, indicator, resolution, selector)

    def adx(self, symbol: Any, period: int, resolution: Any = None,
            selector: Any = None) -> AverageDirectionalIndex:
        name = self.create_indicator_name(symbol, f"ADX({int(period)})", resolution)
        return self._initialize_indicator(symbol, AverageDirectionalIndex(name, int(period)), resolution, selector)

    # --- momentum --------------------------------------------------------------------------------
    def mom(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Momentum:
        name = self.create_indicator_name(symbol, f"MOM({int(period)})", resolution)
        return self._initialize_indicator(symbol, Momentum(name, int(period)), resolution, selector)

    def momp(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> MomentumPercent:
        name = self.create_indicator_name(symbol, f"MOMP({int(period)})", resolution)
        return self._initialize_indicator(symbol, MomentumPercent(name, int(period)), resolution, selector)

    def roc(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> RateOfChange:
        name = self.create_indicator_name(symbol, f"ROC({int(period)})", resolution)
        return self._initialize_indicator(symbol, RateOfChange(name, int(period)), resolution, selector)

    def rocp(self, symbol: Any, period: int, resolution: Any = None,
             selector: Any = None) -> RateOfChangePercent:
        name = self.create_indicator_name(symbol, f"ROCP({int(period)})", resolution)
        return self._initialize_indicator(symbol, RateOfChangePercent(name, int(period)), resolution, selector)

    def identity(self, symbol: Any, resolution: Any = None, selector: Any = None,
                 field_name: str | None = None) -> Identity:
        """Each bar's selected value, unchanged: ``identity("SPY", Resolution.MINUTE, Field.CLOSE)``; named like
        LEAN's ``CreateIndicatorName(symbol, field_name or "close", resolution)``."""
        if callable(resolution) and not isinstance(resolution, int):
            resolution, selector = None, resolution  # LEAN's identity(symbol, selector) overload
        name = self.create_indicator_name(symbol, field_name or "close", resolution)
        return self._initialize_indicator(symbol, Identity(name), resolution, selector)

    # --- windows ---------------------------------------------------------------------------------
    def max(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Maximum:
        """Fed with bar highs unless a selector is given (LEAN's default for trade bars)."""
        name = self.create_indicator_name(symbol, f"MAX({int(period)})", resolution)
        return self._initialize_indicator(symbol, Maximum(name, int(period)), resolution, selector or _high)

    def min(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Minimum:
        """Fed with bar lows unless a selector is given (LEAN's default for trade bars)."""
        name = self.create_indicator_name(symbol, f"MIN({int(period)})", resolution)
        return self._initialize_indicator(symbol, Minimum(name, int(period)), resolution, selector or _low)

    def sum(self, symbol: Any, period: int, resolution: Any = None, selector: Any = None) -> Sum:
        name = self.create_indicator_name(symbol, f"SUM({int(period)})", resolution)
        return self._initialize_indicator(symbol, Sum(name, int(period)), resolution, selector)

    # LEAN's upper-case spellings that the mechanical PascalCase aliasing would miss
    SUM = sum
    ROCP = rocp
