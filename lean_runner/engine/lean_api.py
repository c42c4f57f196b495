"""The public LEAN API of the embedded engine: what ``from AlgorithmImports import *`` provides."""

from __future__ import annotations

import json
import math
import random
import time as _time_module
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035 - LEAN algorithms use these names

import numpy as np
import pandas as pd

from lean_runner.engine.algorithm.core import DefaultBrokerageModel, InteractiveBrokersBrokerageModel, QCAlgorithm
from lean_runner.engine.algorithm.indicator_history import IndicatorDataPoints, IndicatorHistory
from lean_runner.engine.algorithm.settings import AlgorithmSettings, UniverseSettings
from lean_runner.engine.algorithm.state import FuncSecurityInitializer
from lean_runner.engine.algorithm.trading import PortfolioTarget
from lean_runner.engine.charting import Chart, ChartPoint, Series
from lean_runner.engine.consolidators import *
from lean_runner.engine.custom_data import (
    BaseData,
    FileFormat,
    Globals,
    PythonData,
    SubscriptionDataConfig,
    SubscriptionDataSource,
    SubscriptionTransportMedium,
)
from lean_runner.engine.enums import (
    AccountType,
    AlgorithmStatus,
    BrokerageName,
    DataNormalizationMode,
    DelistingType,
    IndicatorStatus,
    InsightDirection,
    Market,
    MovingAverageType,
    OrderDirection,
    OrderField,
    OrderRequestStatus,
    OrderResponseErrorCode,
    OrderStatus,
    OrderType,
    Resolution,
    SecurityType,
    SeriesType,
    TickType,
)
from lean_runner.engine.exchanges import Exchange
from lean_runner.engine.fees import ConstantFeeModel, FeeModel, InteractiveBrokersFeeModel, OrderFeeParameters
from lean_runner.engine.fills import (
    ConstantSlippageModel,
    EquityFillModel,
    Fill,
    FillModel,
    FillModelParameters,
    NullSlippageModel,
)
from lean_runner.engine.indicators import *
from lean_runner.engine.interest_rate_models import (
    ConstantRiskFreeRateInterestRateModel,
    FuncRiskFreeRateInterestRateModel,
)
from lean_runner.engine.market_data import Bar, QuoteBar, Slice, Tick, TradeBar
from lean_runner.engine.orders import (
    CashAmount,
    LimitIfTouchedOrder,
    LimitOrder,
    MarketOnCloseOrder,
    MarketOnOpenOrder,
    MarketOrder,
    Order,
    OrderEvent,
    OrderFee,
    OrderProperties,
    OrderResponse,
    OrderTicket,
    StopLimitOrder,
    StopMarketOrder,
    SubmitOrderRequest,
    TimeInForce,
    TrailingStopOrder,
    UpdateOrderFields,
)
from lean_runner.engine.portfolio import SecurityPortfolioManager
from lean_runner.engine.scheduling import *
from lean_runner.engine.securities import Equity, Security, SecurityDataFilter, SecurityHolding, SecurityManager
from lean_runner.engine.securities_changes import SecurityChanges
from lean_runner.engine.shortable import LocalDiskShortableProvider, NullShortableProvider
from lean_runner.engine.symbol import SecurityIdentifier, Symbol
from lean_runner.engine.volatility import IndicatorVolatilityModel, NullVolatilityModel, VolatilityModelExtensions

QCAlgorithmFramework = QCAlgorithm
IAlgorithm = QCAlgorithm  # LEAN's algorithm interface, used in type hints


class Extensions:
    """The ``Extensions`` helpers LEAN algorithms call on times."""

    @staticmethod
    def convert_from_utc(moment: datetime, time_zone: Any) -> datetime:
        """A naive UTC time as a naive time in ``time_zone``."""
        return moment.replace(tzinfo=UTC).astimezone(_zone(time_zone)).replace(tzinfo=None)

    @staticmethod
    def convert_to_utc(moment: datetime, time_zone: Any) -> datetime:
        return moment.replace(tzinfo=_zone(time_zone)).astimezone(UTC).replace(tzinfo=None)

    ConvertFromUtc = convert_from_utc
    ConvertToUtc = convert_to_utc


def _zone(time_zone: Any) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone


class RegressionTestException(Exception):
    """What LEAN's regression algorithms raise when a check fails."""


EquityExchange = None
Indicator = IndicatorBase

# Everything public in this module is LEAN's API (star-imported by AlgorithmImports).
__all__ = sorted(name for name in dict(globals()) if not name.startswith("_") and name != "annotations")
_ = _time_module
