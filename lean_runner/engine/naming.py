"""Both of LEAN's Python naming styles on one object.

LEAN's Python API answers to ``set_holdings`` and ``SetHoldings`` alike. Our
classes are written in snake_case; ``lean_names`` adds a PascalCase alias for
every public method and property, and ``PascalCaseAttributes`` resolves
PascalCase reads of plain instance attributes (``self.Portfolio``-style code on
fields set in ``__init__``).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

_SNAKE_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Irregular PascalCase names whose snake form is not the mechanical one.
_PASCAL_EXCEPTIONS = {"ema": "EMA", "sma": "SMA", "macd": "MACD", "rsi": "RSI", "roc": "ROC", "atr": "ATR",
                      "adx": "ADX", "momp": "MOMP", "std": "STD", "bb": "BB", "max": "MAX", "min": "MIN",
                      "sto": "STO", "mom": "MOM", "lwma": "LWMA", "obv": "OBV", "vwap": "VWAP", "cci": "CCI",
                      "aroon": "AROON", "wilr": "WILR", "mfi": "MFI", "kama": "KAMA", "dema": "DEMA",
                      "tema": "TEMA", "trix": "TRIX", "apo": "APO", "ppo": "PPO", "logr": "LOGR",
                      "var": "VAR", "ichimoku": "ICHIMOKU", "keltner": "KCH"}


def to_snake(name: str) -> str:
    """``SetHoldings`` → ``set_holdings``; ``EMA`` → ``ema``; ``IsReady`` → ``is_ready``."""
    return _SNAKE_BOUNDARY.sub("_", name).lower()


def to_pascal(name: str) -> str:
    """``set_holdings`` → ``SetHoldings``; ``ema`` → ``EMA`` (LEAN's indicator helpers)."""
    if name in _PASCAL_EXCEPTIONS:
        return _PASCAL_EXCEPTIONS[name]
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def lean_names(cls: T) -> T:
    """Class decorator: add PascalCase aliases for public methods, properties and constants."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):  # bases first, so the class's own members win
        members.update(vars(klass))
    for name, member in members.items():
        if name.startswith("_"):
            continue
        pascal = to_pascal(name)
        if pascal != name and pascal not in vars(cls):
            setattr(cls, pascal, member)
    return cls


class PascalCaseAttributes:
    """Mixin: resolve ``obj.SomeField`` to ``obj.some_field`` for instance attributes."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:1].isupper():
            snake = to_snake(name)
            if snake != name:
                try:
                    return object.__getattribute__(self, snake)
                except AttributeError:
                    pass
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
