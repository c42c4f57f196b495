"""LEAN's enumerations, answering to both ``Resolution.MINUTE`` and ``Resolution.Minute``."""

from __future__ import annotations

from enum import IntEnum
from typing import Any


def _lean_enum(name: str, members: list[tuple[str, int]]) -> Any:
    """Build an IntEnum whose UPPER_SNAKE members have PascalCase aliases (same value)."""
    pairs: list[tuple[str, int]] = []
    for pascal, value in members:
        upper = "".join(("_" + c if c.isupper() and i and not pascal[i - 1].isupper() else c)
                        for i, c in enumerate(pascal)).upper()
        pairs.append((upper, value))
        if pascal != upper:
            pairs.append((pascal, value))
    enum = IntEnum(name, pairs)  # type: ignore[misc]
    enum.__module__ = __name__
    return enum


Resolution = _lean_enum("Resolution", [("Tick", 0), ("Second", 1), ("Minute", 2), ("Hour", 3), ("Daily", 4)])
SecurityType = _lean_enum("SecurityType", [
    ("Base", 0), ("Equity", 1), ("Option", 2), ("Commodity", 3), ("Forex", 4), ("Future", 5), ("Cfd", 6),
    ("Crypto", 7), ("FutureOption", 8), ("Index", 9), ("IndexOption", 10), ("CryptoFuture", 11)])
OrderType = _lean_enum("OrderType", [
    ("Market", 0), ("Limit", 1), ("StopMarket", 2), ("StopLimit", 3), ("MarketOnOpen", 4), ("MarketOnClose", 5),
    ("OptionExercise", 6), ("LimitIfTouched", 7), ("ComboMarket", 8), ("ComboLimit", 9), ("ComboLegLimit", 10),
    ("TrailingStop", 11)])
OrderStatus = _lean_enum("OrderStatus", [
    ("New", 0), ("Submitted", 1), ("PartiallyFilled", 2), ("Filled", 3), ("Canceled", 5), ("None", 6),
    ("Invalid", 7), ("CancelPending", 8), ("UpdateSubmitted", 9)])
OrderDirection = _lean_enum("OrderDirection", [("Buy", 0), ("Sell", 1), ("Hold", 2)])
OrderRequestStatus = _lean_enum("OrderRequestStatus", [
    ("Unprocessed", 0), ("Processing", 1), ("Processed", 2), ("Error", 3)])
OrderField = _lean_enum("OrderField", [
    ("LimitPrice", 0), ("StopPrice", 1), ("TriggerPrice", 2), ("TrailingAmount", 3), ("TrailingAsPercentage", 4)])
OrderResponseErrorCode = _lean_enum("OrderResponseErrorCode", [
    ("None", 0), ("ProcessingError", -1), ("OrderAlreadyExists", -2), ("InsufficientBuyingPower", -3),
    ("BrokerageModelRefusedToSubmitOrder", -4), ("BrokerageFailedToSubmitOrder", -5),
    ("BrokerageFailedToUpdateOrder", -6), ("BrokerageHandlerRefusedToUpdateOrder", -7),
    ("BrokerageFailedToCancelOrder", -8), ("InvalidOrderStatus", -9), ("UnableToFindOrder", -10),
    ("OrderQuantityZero", -11), ("UnsupportedRequestType", -12), ("PreOrderChecksError", -13),
    ("MissingSecurity", -14), ("ExchangeNotOpen", -15), ("SecurityPriceZero", -16),
    ("ForexBaseAndQuoteCurrenciesRequired", -17), ("ForexConversionRateZero", -18),
    ("SecurityHasNoData", -19), ("ExceededMaximumOrders", -20), ("MarketOnCloseOrderTooLate", -21),
    ("InvalidRequest", -22), ("RequestCanceled", -23), ("AlgorithmWarmingUp", -24),
    ("BrokerageModelRefusedToUpdateOrder", -25), ("QuoteCurrencyRequired", -26),
    ("ConversionRateZero", -27), ("NonTradableSecurity", -28), ("NonExercisableSecurity", -29),
    ("OrderQuantityLessThanLotSize", -30), ("ExceedsShortableQuantity", -31),
    ("InvalidNewOrderStatus", -32), ("EuropeanOptionNotExpiredOnExercise", -33),
    ("OptionOrderOnStockSplit", -34)])
DataNormalizationMode = _lean_enum("DataNormalizationMode", [
    ("Raw", 0), ("Adjusted", 1), ("SplitAdjusted", 2), ("TotalReturn", 3), ("ForwardPanamaCanal", 4),
    ("BackwardsPanamaCanal", 5), ("BackwardsRatio", 6), ("ScaledRaw", 7)])
MovingAverageType = _lean_enum("MovingAverageType", [
    ("Simple", 0), ("Exponential", 1), ("Wilders", 2), ("LinearWeightedMovingAverage", 3),
    ("DoubleExponential", 4), ("TripleExponential", 5), ("Triangular", 6), ("T3", 7), ("Kama", 8),
    ("Hull", 9), ("Alma", 10), ("Zlema", 11), ("MGD", 12)])
AccountType = _lean_enum("AccountType", [("Margin", 0), ("Cash", 1)])
BrokerageName = _lean_enum("BrokerageName", [
    ("Default", 0), ("InteractiveBrokersBrokerage", 1), ("TradierBrokerage", 2), ("OandaBrokerage", 3),
    ("FxcmBrokerage", 4), ("Bitfinex", 5), ("Binance", 6), ("GDAX", 12), ("Alpaca", 13)])
TickType = _lean_enum("TickType", [("Trade", 0), ("Quote", 1), ("OpenInterest", 2)])
InsightDirection = _lean_enum("InsightDirection", [("Down", -1), ("Flat", 0), ("Up", 1)])
AlgorithmStatus = _lean_enum("AlgorithmStatus", [
    ("DeployError", 0), ("InQueue", 1), ("Running", 2), ("Stopped", 3), ("Liquidated", 4), ("Deleted", 5),
    ("Completed", 6), ("RuntimeError", 7), ("Invalid", 8), ("LoggingIn", 9), ("Initializing", 10),
    ("History", 11)])
IndicatorStatus = _lean_enum("IndicatorStatus", [
    ("Success", 0), ("InvalidInput", 1), ("MathError", 2), ("ValueNotReady", 3)])
DelistingType = _lean_enum("DelistingType", [("Warning", 0), ("Delisted", 1)])
SeriesType = _lean_enum("SeriesType", [
    ("Line", 0), ("Scatter", 1), ("Candle", 2), ("Bar", 3), ("Flag", 4), ("StackedArea", 5), ("Pie", 6),
    ("Treemap", 7), ("Heatmap", 9), ("Scatter3d", 10)])


class Market:
    """Market identifiers (lower-case strings, as in LEAN's data folder)."""

    USA = "usa"
    Usa = "usa"
    OANDA = "oanda"
    Oanda = "oanda"
    FXCM = "fxcm"
    COINBASE = "coinbase"
    Coinbase = "coinbase"
    BINANCE = "binance"
    Binance = "binance"
    BITFINEX = "bitfinex"
    Bitfinex = "bitfinex"


RESOLUTION_NAMES = {0: "Tick", 1: "Second", 2: "Minute", 3: "Hour", 4: "Daily"}


def parse_resolution(value: object) -> int:
    """Accept ``Resolution.MINUTE``, ``2`` or ``"minute"``/``"Minute"``; return the int value."""
    if isinstance(value, str):
        for number, name in RESOLUTION_NAMES.items():
            if name.lower() == value.strip().lower():
                return number
        raise ValueError(f"Unknown resolution '{value}'. Use one of: tick, second, minute, hour, daily.")
    return int(value)  # type: ignore[call-overload]
