"""LEAN security identifier (SID) strings such as ``"SPY R735QTJ8XC9X"``.

The second word is base 36 of a packed integer: for equities and other
non-option types ``OADate(first_date) * 10**14 + market_code * 100 +
security_type``. ``OADate`` counts days since 1899-12-30; a security without a
map file uses OADate 0. The exponent 14 is the product of the option fields'
widths that sit below the date (style 10 x strike 10**6 x strike scale 100 x
market 1000 x type 100) and reproduces the known SPY/AAPL/IBM strings.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .map_files import MapFileProvider

__all__ = [
    "MARKET_CODES",
    "SECURITY_TYPE_CODES",
    "decode_base36",
    "encode_base36",
    "equity_security_identifier",
    "oa_date",
    "security_identifier",
]

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_OA_EPOCH = date(1899, 12, 30)
_DAYS_OFFSET = 10**14
_MARKET_OFFSET = 100

SECURITY_TYPE_CODES = MappingProxyType(
    {
        "base": 0,
        "equity": 1,
        "option": 2,
        "commodity": 3,
        "forex": 4,
        "future": 5,
        "cfd": 6,
        "crypto": 7,
        "futureoption": 8,
        "index": 9,
        "indexoption": 10,
        "cryptofuture": 11,
    }
)

MARKET_CODES = MappingProxyType(
    {
        "empty": 0,
        "usa": 1,
        "fxcm": 2,
        "oanda": 3,
        "dukascopy": 4,
        "bitfinex": 5,
        "cmeglobex": 6,
        "nymex": 7,
        "cbot": 8,
        "ice": 9,
        "cboe": 10,
        "india": 11,
        "kraken": 13,
        "bittrex": 14,
        "bithumb": 15,
        "binance": 16,
        "poloniex": 17,
        "coinone": 18,
        "hitbtc": 19,
        "okcoin": 20,
        "bitstamp": 21,
        "comex": 22,
        "cme": 23,
        "sgx": 24,
        "hkfe": 25,
        "nyseliffe": 26,
        "cfe": 33,
        "ftx": 34,
        "ftxus": 35,
        "binanceus": 36,
        "bybit": 37,
        "coinbase": 38,
        "interactivebrokers": 39,
        "eurex": 40,
        "ose": 41,
        "dydx": 42,
        "hyperliquid": 43,
        "kalshi": 44,
    }
)


def encode_base36(value: int) -> str:
    """Upper-case base-36 text of a non-negative integer."""
    if value < 0:
        raise ValueError("base36 encoding needs a non-negative integer")
    if value == 0:
        return "0"
    digits: list[str] = []
    while value:
        value, remainder = divmod(value, 36)
        digits.append(_DIGITS[remainder])
    return "".join(reversed(digits))


def decode_base36(text: str) -> int:
    """Inverse of :func:`encode_base36`."""
    return int(text, 36)


def oa_date(day: date | None) -> int:
    """OLE Automation date (whole days since 1899-12-30); None gives 0."""
    return 0 if day is None else (day - _OA_EPOCH).days


def security_identifier(
    ticker: str,
    first_date: date | None,
    market: str = "usa",
    security_type: str = "equity",
) -> str:
    """LEAN's SID string for a non-derivative security.

    ``ticker`` should be the security's *first* ticker (``MapFile.first_ticker``)
    and ``first_date`` its map file's first date, e.g. ``("SPY", 1998-01-02)`` ->
    ``"SPY R735QTJ8XC9X"``.
    """
    market_code = MARKET_CODES.get(market.lower())
    if market_code is None:
        raise ValueError(f"unknown market {market!r}")
    type_code = SECURITY_TYPE_CODES.get(security_type.lower())
    if type_code is None:
        raise ValueError(f"unknown security type {security_type!r}")
    properties = oa_date(first_date) * _DAYS_OFFSET + market_code * _MARKET_OFFSET + type_code
    return f"{ticker.upper()} {encode_base36(properties)}"


def equity_security_identifier(ticker: str, map_files: MapFileProvider, market: str = "usa") -> str:
    """SID of an equity known today as ``ticker``, using its map file's first ticker and date."""
    map_file = map_files.get(ticker)
    symbol = map_file.first_ticker if map_file.exists else ticker
    return security_identifier(symbol, map_file.first_date, market, "equity")
