"""Price/split factors and corporate actions from LEAN factor files.

A row ``yyyyMMdd,price_factor,split_factor,reference_price`` applies to bars on
dates up to and including the row date: a bar on day ``d`` uses the earliest
row with ``row.date >= d`` (factor 1 after the last row). Row date is the last
trading day before the event, and the reference price that day's raw close.
Rows containing ``inf`` or ``e+`` and rows whose factor product is not positive
are skipped, as in LEAN. Dividends and splits are derived from consecutive rows
with ``decimal`` arithmetic and banker's rounding, like LEAN's C# ``decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = [
    "Dividend",
    "FactorFile",
    "FactorFileProvider",
    "FactorRow",
    "Split",
    "normalization_mode",
]

_DECIMAL = Context(prec=28, rounding=ROUND_HALF_EVEN)
_CENT = Decimal("0.01")
_MODES = MappingProxyType(
    {
        "raw": "Raw",
        "adjusted": "Adjusted",
        "splitadjusted": "SplitAdjusted",
        "totalreturn": "TotalReturn",
        "scaledraw": "ScaledRaw",
    }
)


def normalization_mode(mode: str) -> str:
    """Canonical LEAN name of a normalisation mode (accepts ``SPLIT_ADJUSTED``, ``adjusted``...)."""
    canonical = _MODES.get(mode.replace("_", "").replace("-", "").lower())
    if canonical is None:
        raise ValueError(
            f"unknown data normalization mode {mode!r}; expected one of {sorted(_MODES.values())}"
        )
    return canonical


class _TradingCalendar(Protocol):
    def next_trading_day(self, day: date) -> date: ...


@dataclass(frozen=True)
class FactorRow:
    """One factor-file row, kept as exact decimals."""

    date: date
    price_factor: Decimal
    split_factor: Decimal
    reference_price: Decimal

    @property
    def price_scale_factor(self) -> Decimal:
        """Combined factor ``price_factor * split_factor`` used by Adjusted mode."""
        return _DECIMAL.multiply(self.price_factor, self.split_factor)


@dataclass(frozen=True)
class Split:
    """A split taking effect on ``date`` (the trading day after the factor row)."""

    date: date
    split_factor: float
    reference_price: float


@dataclass(frozen=True)
class Dividend:
    """A dividend paid on ``date`` (the trading day after the factor row)."""

    date: date
    distribution: float
    reference_price: float


def _parse_line(line: str) -> FactorRow | None:
    if "inf" in line or "e+" in line:
        return None
    parts = [p.strip() for p in line.strip().split(",")]
    if len(parts) < 3 or not parts[0][:8].isdigit():
        return None
    try:
        row = FactorRow(
            date(int(parts[0][:4]), int(parts[0][4:6]), int(parts[0][6:8])),
            Decimal(parts[1]),
            Decimal(parts[2]),
            Decimal(parts[3]) if len(parts) > 3 and parts[3] else Decimal(0),
        )
    except (InvalidOperation, ValueError):
        return None
    return row if row.price_scale_factor > 0 else None


def read_factor_rows(path: Path) -> list[FactorRow]:
    """Parse a factor file, dropping skipped rows; sorted by date, first row per date wins."""
    rows: dict[date, FactorRow] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = _parse_line(line)
            if row is not None and row.date not in rows:
                rows[row.date] = row
    return [rows[d] for d in sorted(rows)]


class FactorFile:
    """Factor lookups and corporate actions of one security."""

    def __init__(self, permtick: str, rows: list[FactorRow]) -> None:
        self.permtick = permtick.lower()
        self.rows: tuple[FactorRow, ...] = tuple(sorted(rows, key=lambda r: r.date))
        self.dates = np.array([np.datetime64(r.date, "D") for r in self.rows], dtype="datetime64[D]")
        self.price_factors = np.array([float(r.price_factor) for r in self.rows], dtype=np.float64)
        self.split_factors = np.array([float(r.split_factor) for r in self.rows], dtype=np.float64)
        self.price_scale_factors = np.array(
            [float(r.price_scale_factor) for r in self.rows], dtype=np.float64
        )

    @property
    def minimum_date(self) -> date | None:
        """Day before the first row (LEAN ``FactorFileMinimumDate``), None without rows."""
        return self.rows[0].date - timedelta(days=1) if self.rows else None

    def __repr__(self) -> str:
        return f"FactorFile({self.permtick!r}, rows={len(self.rows)})"

    def _column(self, mode: str) -> npt.NDArray[np.float64] | None:
        canonical = normalization_mode(mode)
        if canonical == "Raw":
            return None
        if canonical in ("SplitAdjusted", "TotalReturn"):
            return self.split_factors
        return self.price_scale_factors

    def factors(self, days: npt.ArrayLike, mode: str = "Adjusted") -> npt.NDArray[np.float64]:
        """Vectorised :meth:`factor` over a ``datetime64[D]`` array."""
        query = np.asarray(days, dtype="datetime64[D]")
        column = self._column(mode)
        if column is None or column.size == 0:
            return np.ones(query.shape, dtype=np.float64)
        index = np.searchsorted(self.dates, query, side="left")
        padded = np.append(column, 1.0)
        return padded[index]

    def factor(self, day: date, mode: str = "Adjusted") -> float:
        """Price multiplier for a bar on ``day``: earliest row with ``row.date >= day``.

        Adjusted/ScaledRaw use ``price_factor * split_factor``; SplitAdjusted and
        TotalReturn use ``split_factor``; Raw is always 1.
        """
        return float(self.factors(np.array([np.datetime64(day, "D")]), mode)[0])

    def corporate_actions(
        self, start: date, end: date, exchange_hours: _TradingCalendar
    ) -> list[Split | Dividend]:
        """Splits and dividends whose effective date lies in ``[start, end]``, in date order.

        Each pair of consecutive rows ``(row, next)`` yields, on the trading day
        after ``row.date``, a dividend ``round(ref - ref * pf_row / pf_next, 2)``
        when the price factors differ and a split ``sf_row / sf_next`` when the
        split factors differ. A dividend precedes a split on the same date.
        """
        events: list[Split | Dividend] = []
        for row, following in zip(self.rows, self.rows[1:], strict=False):
            if row.date >= end:
                break
            effective = exchange_hours.next_trading_day(row.date)
            if not start <= effective <= end:
                continue
            reference = row.reference_price
            if row.price_factor != following.price_factor:
                ratio = _DECIMAL.divide(row.price_factor, following.price_factor)
                distribution = _DECIMAL.subtract(reference, _DECIMAL.multiply(reference, ratio))
                rounded = distribution.quantize(_CENT, rounding=ROUND_HALF_EVEN)
                if rounded != 0:
                    events.append(Dividend(effective, float(rounded), float(reference)))
            if row.split_factor != following.split_factor:
                split = _DECIMAL.divide(row.split_factor, following.split_factor)
                events.append(Split(effective, float(split), float(reference)))
        return events


class FactorFileProvider:
    """Reads and caches factor files of one market folder; a missing file means factor 1."""

    def __init__(self, data_folder: Path, market: str = "usa", security_type: str = "equity") -> None:
        self.folder = Path(data_folder) / security_type.lower() / market.lower() / "factor_files"
        self._cache: dict[str, FactorFile] = {}

    def get(self, ticker: str) -> FactorFile:
        """Factor file ``{ticker}.csv`` (pass the map file's permtick); empty when absent."""
        key = ticker.lower()
        cached = self._cache.get(key)
        if cached is None:
            path = self.folder / f"{key}.csv"
            cached = FactorFile(key, read_factor_rows(path) if path.is_file() else [])
            self._cache[key] = cached
        return cached
