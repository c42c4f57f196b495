"""LEAN data layer: market hours, symbol properties, rates, map/factor files, SIDs and bar reading."""

from .bars import QuoteBars, TradeBars, adjust_quote_bars, adjust_trade_bars, local_ns_to_utc_ns
from .factor_files import Dividend, FactorFile, FactorFileProvider, FactorRow, Split, normalization_mode
from .interest_rate import DEFAULT_RISK_FREE_RATE, InterestRateProvider
from .map_files import MapFile, MapFileProvider, MapFileRow
from .market_hours import ExchangeHours, MarketHoursDatabase, MarketHoursSegment
from .reader import DataNotFoundError, LeanDataReader
from .sid import equity_security_identifier, security_identifier
from .symbol_properties import SymbolProperties, SymbolPropertiesDatabase
from .synthetic import generate_synthetic_data
from .timeconv import utc_ns_to_local_ns

__all__ = [
    "DEFAULT_RISK_FREE_RATE",
    "DataNotFoundError",
    "Dividend",
    "ExchangeHours",
    "FactorFile",
    "FactorFileProvider",
    "FactorRow",
    "InterestRateProvider",
    "LeanDataReader",
    "MapFile",
    "MapFileProvider",
    "MapFileRow",
    "MarketHoursDatabase",
    "MarketHoursSegment",
    "QuoteBars",
    "Split",
    "SymbolProperties",
    "SymbolPropertiesDatabase",
    "TradeBars",
    "adjust_quote_bars",
    "adjust_trade_bars",
    "equity_security_identifier",
    "generate_synthetic_data",
    "local_ns_to_utc_ns",
    "normalization_mode",
    "security_identifier",
    "utc_ns_to_local_ns",
]
