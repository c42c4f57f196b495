"""LEAN data-folder layout: resolution names, zip paths and entry names (reference §1.1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import MappingProxyType

from .timeconv import NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_SECOND

__all__ = [
    "INTRADAY_RESOLUTIONS",
    "RESOLUTIONS",
    "bar_period_ns",
    "entry_name",
    "normalize_kind",
    "normalize_resolution",
    "relative_zip_path",
]

RESOLUTIONS = ("daily", "hour", "minute", "second")
INTRADAY_RESOLUTIONS = ("minute", "second")
_PERIODS = MappingProxyType(
    {"daily": NS_PER_DAY, "hour": NS_PER_HOUR, "minute": NS_PER_MINUTE, "second": NS_PER_SECOND}
)
_KINDS = ("trade", "quote")


def normalize_resolution(resolution: str) -> str:
    """Lower-case resolution name; accepts LEAN spellings like ``Daily``/``Resolution.MINUTE``."""
    name = str(resolution).rsplit(".", 1)[-1].strip().lower()
    if name == "tick":
        raise ValueError("tick resolution is not supported by the bar reader")
    if name not in _PERIODS:
        raise ValueError(f"unknown resolution {resolution!r}; expected one of {', '.join(RESOLUTIONS)}")
    return name


def normalize_kind(kind: str) -> str:
    """``trade`` or ``quote`` (case-insensitive)."""
    name = kind.strip().lower()
    if name not in _KINDS:
        raise ValueError(f"unknown data kind {kind!r}; expected 'trade' or 'quote'")
    return name


def bar_period_ns(resolution: str) -> int:
    """Nominal bar length in nanoseconds (one day for daily)."""
    return _PERIODS[normalize_resolution(resolution)]


def relative_zip_path(
    security_type: str,
    market: str,
    resolution: str,
    ticker: str,
    day: date | None = None,
    kind: str = "trade",
) -> Path:
    """Zip path relative to the data folder, e.g. ``equity/usa/minute/spy/20131007_trade.zip``."""
    res = normalize_resolution(resolution)
    base = Path(security_type.lower()) / market.lower() / res
    if res in INTRADAY_RESOLUTIONS:
        if day is None:
            raise ValueError(f"{res} data needs a date")
        return base / ticker.lower() / f"{day:%Y%m%d}_{normalize_kind(kind)}.zip"
    return base / f"{ticker.lower()}.zip"


def entry_name(resolution: str, ticker: str, day: date | None = None, kind: str = "trade") -> str:
    """CSV entry name inside the zip, e.g. ``20131007_spy_minute_trade.csv`` or ``spy.csv``."""
    res = normalize_resolution(resolution)
    if res in INTRADAY_RESOLUTIONS:
        if day is None:
            raise ValueError(f"{res} data needs a date")
        return f"{day:%Y%m%d}_{ticker.lower()}_{res}_{normalize_kind(kind)}.csv"
    return f"{ticker.lower()}.csv"
