"""Contract properties from LEAN's ``symbol-properties/symbol-properties-database.csv``.

Each row gives the quote currency, multiplier, tick size and lot size of one
``(market, symbol, type)``; a ``[*]`` row is the default for a market and type
(US equity: USD, multiplier 1, tick 0.01, lot 1). When the file holds the same
key twice the first row wins, as LEAN's comment in the file asks.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SymbolProperties", "SymbolPropertiesDatabase"]

SYMBOL_PROPERTIES_RELATIVE_PATH = Path("symbol-properties") / "symbol-properties-database.csv"
_WILDCARD = "[*]"


@dataclass(frozen=True)
class SymbolProperties:
    """Properties of one security; ``None`` marks an empty optional column."""

    description: str
    quote_currency: str
    contract_multiplier: float
    minimum_price_variation: float
    lot_size: float
    market_ticker: str | None = None
    minimum_order_size: float | None = None
    price_magnifier: float = 1.0
    strike_multiplier: float = 1.0

    @classmethod
    def default(cls, quote_currency: str = "USD") -> SymbolProperties:
        """LEAN's fallback when no row matches: multiplier 1, tick 0.01, lot 1."""
        return cls("", quote_currency, 1.0, 0.01, 1.0)


def _number(text: str, default: float) -> float:
    text = text.strip()
    return float(text) if text else default


def _optional_number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _parse_row(fields: list[str]) -> SymbolProperties:
    padded = [*fields, *([""] * (12 - len(fields)))]
    return SymbolProperties(
        description=padded[3].strip(),
        quote_currency=padded[4].strip(),
        contract_multiplier=_number(padded[5], 1.0),
        minimum_price_variation=_number(padded[6], 0.01),
        lot_size=_number(padded[7], 1.0),
        market_ticker=padded[8].strip() or None,
        minimum_order_size=_optional_number(padded[9]),
        price_magnifier=_number(padded[10], 1.0),
        strike_multiplier=_number(padded[11], 1.0),
    )


class SymbolPropertiesDatabase:
    """Lookup of :class:`SymbolProperties` by market, symbol and security type."""

    def __init__(self, rows: dict[tuple[str, str, str], SymbolProperties | list[str]]) -> None:
        # Rows stay as raw CSV fields until first asked for: the file has ~10,000 rows and a
        # backtest reads a handful.
        self._rows = rows

    @classmethod
    def load(cls, data_folder: Path) -> SymbolPropertiesDatabase:
        """Load ``<data_folder>/symbol-properties/symbol-properties-database.csv``."""
        return cls.from_file(Path(data_folder) / SYMBOL_PROPERTIES_RELATIVE_PATH)

    @classmethod
    def from_file(cls, path: Path) -> SymbolPropertiesDatabase:
        """Parse the CSV, skipping comments, blank lines and the header."""
        rows: dict[tuple[str, str, str], SymbolProperties | list[str]] = {}
        with open(path, encoding="utf-8", newline="") as handle:
            for fields in csv.reader(handle):
                if not fields or not fields[0].strip() or fields[0].lstrip().startswith("#"):
                    continue
                if fields[0].strip().lower() == "market" or len(fields) < 8:
                    continue
                key = (fields[0].strip().lower(), fields[1].strip().upper(), fields[2].strip().lower())
                if key not in rows:
                    rows[key] = fields
        return cls(rows)

    def _row(self, key: tuple[str, str, str]) -> SymbolProperties | None:
        row = self._rows.get(key)
        if isinstance(row, list):
            row = self._rows[key] = _parse_row(row)
        return row

    def __len__(self) -> int:
        return len(self._rows)

    def find(self, market: str, symbol: str, security_type: str) -> SymbolProperties | None:
        """The exact row, else the ``[*]`` row for the market/type, else None."""
        market_key, type_key = market.lower(), security_type.lower()
        exact = self._row((market_key, symbol.upper(), type_key))
        if exact is not None:
            return exact
        return self._row((market_key, _WILDCARD, type_key))

    def get(self, market: str, symbol: str, security_type: str) -> SymbolProperties:
        """Like :meth:`find` but falls back to :meth:`SymbolProperties.default`."""
        found = self.find(market, symbol, security_type)
        return found if found is not None else SymbolProperties.default()
