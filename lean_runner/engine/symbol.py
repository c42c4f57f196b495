"""LEAN's ``Symbol``: a ticker plus its security identifier (SID string)."""

from __future__ import annotations

from typing import Any

from lean_runner.engine.enums import SecurityType
from lean_runner.engine.naming import lean_names


@lean_names
class SecurityIdentifier:
    """The SID part of a symbol, e.g. ``SPY R735QTJ8XC9X``."""

    __slots__ = ("_text", "market", "security_type", "symbol")

    def __init__(self, text: str, symbol: str, market: str, security_type: int) -> None:
        self._text = text
        self.symbol = symbol
        self.market = market
        self.security_type = security_type

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return self._text

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._text)


@lean_names
class Symbol:
    """A security's identity. Compares and hashes equal to its ticker string, so ``data["SPY"]`` works."""

    __slots__ = ("_definition", "_hash", "id", "security_type", "value")

    def __init__(self, value: str, sid: SecurityIdentifier, security_type: int = SecurityType.EQUITY,
                 definition: Any = None) -> None:
        self.value = value.upper()
        self.id = sid
        self.security_type = security_type
        self._definition = definition  # industry identifiers from security-database.csv, if listed
        # Equities hash like their ticker so data["SPY"] works; custom data (type Base) shares a ticker with
        # its equity, so it hashes apart and is found by its Symbol object only.
        self._hash = hash(self.value) if int(security_type) != 0 else hash((self.value, "custom"))

    @property
    def cusip(self) -> str | None:
        return self._definition.cusip if self._definition else None

    @property
    def composite_figi(self) -> str | None:
        return self._definition.composite_figi if self._definition else None

    @property
    def sedol(self) -> str | None:
        return self._definition.sedol if self._definition else None

    @property
    def isin(self) -> str | None:
        return self._definition.isin if self._definition else None

    @property
    def cik(self) -> int | None:
        return self._definition.cik if self._definition else None

    @property
    def permtick(self) -> str:
        return self.value

    @property
    def underlying(self) -> None:
        return None

    @property
    def has_underlying(self) -> bool:
        return False

    @staticmethod
    def create(ticker: str, security_type: int = SecurityType.EQUITY, market: str = "usa", alias: Any = None) -> Symbol:
        """A symbol whose SID has no listing date (LEAN's ``Symbol.Create`` for an unknown ticker)."""
        sid = SecurityIdentifier(f"{ticker.upper()} 2T", ticker.upper(), market, int(security_type))
        return Symbol(alias or ticker, sid, security_type)

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return self.value

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Symbol):
            return self.value == other.value and self.security_type == other.security_type
        if isinstance(other, str):
            return self.value == other.upper() and int(self.security_type) != 0
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    # LEAN's string-like helpers (a Symbol compares as its ticker in Python) and canonical notions.
    @property
    def canonical(self) -> Symbol:
        return self  # only option and future chains have a canonical symbol apart from their contracts

    @property
    def has_canonical(self) -> bool:
        return False

    def is_canonical(self) -> bool:
        return False

    def get_alias(self) -> str:
        return self.value

    def compare_to(self, other: Any) -> int:
        mine, theirs = str(self), str(other)
        return (mine > theirs) - (mine < theirs)

    def contains(self, text: str) -> bool:
        return text in self.value

    def starts_with(self, text: str) -> bool:
        return self.value.startswith(text)

    def ends_with(self, text: str) -> bool:
        return self.value.endswith(text)

    def to_lower(self) -> str:
        return self.value.lower()

    def to_upper(self) -> str:
        return self.value.upper()

    def to_json(self) -> dict[str, str]:
        """The result-file form: ``{"value": "SPY", "id": "SPY R735QTJ8XC9X", "permtick": "SPY"}``."""
        return {"value": self.value, "id": str(self.id), "permtick": self.value}


Symbol.EMPTY = Symbol("", SecurityIdentifier("", "", "", 0), 0)  # type: ignore[attr-defined]
Symbol.NONE = Symbol.EMPTY  # type: ignore[attr-defined]
