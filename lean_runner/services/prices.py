"""Daily closing prices of a traded symbol, adjusted as the engine's default (``ADJUSTED``) fills see them,
so a result's entry and exit prices sit on the line. For the dashboard's price charts and notebooks.

Example::

    prices = daily_prices(Path("data"), "SPY", date(2013, 10, 7), date(2013, 10, 11))
    prices[0]   # (datetime.date(2013, 10, 7), 168.01...)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from lean_runner.engine.data import FactorFileProvider
from lean_runner.engine.data.reader import DataNotFoundError, LeanDataReader


def daily_prices(data_folder: Path, ticker: str, start: date, end: date,
                 cache_folder: Path | None = None) -> list[tuple[date, float]]:
    """Adjusted daily closes of ``ticker`` from ``start`` to ``end``; empty when the folder has no daily data."""
    reader = LeanDataReader(data_folder, cache_folder)
    try:
        bars = reader.trade_bars(ticker, "daily", start, end)
    except (DataNotFoundError, FileNotFoundError):
        return []
    if len(bars.close) == 0:
        return []
    days = bars.time.astype("datetime64[ns]").astype("datetime64[D]")  # exchange-local days
    factors = FactorFileProvider(data_folder).get(reader.map_file(ticker).permtick).factors(days)
    closes = bars.close * factors
    return [(day.astype(date), float(close)) for day, close in zip(days, closes, strict=True)
            if np.isfinite(close)]
