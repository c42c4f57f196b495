"""Conversions between Python numbers and LEAN's C# ``decimal`` values.

LEAN keeps every statistic as ``decimal`` but computes most of them in ``double``;
the value that reaches the summary is therefore ``(decimal)someDouble``: 15
significant digits, at most 28 decimal places, clamped to the decimal range by
``SafeDecimalCast``. Decimal arithmetic itself runs with 28 significant digits.
These helpers give the statistics modules one place for those rules.

Example::

    >>> net_decimal(0.1 + 0.2)
    Decimal('0.3')
    >>> net_decimal(1e-30)
    Decimal('0')
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Context, Decimal

from lean_runner.engine.dotnet_format import to_decimal

__all__ = [
    "DECIMAL_CONTEXT",
    "DECIMAL_MAX",
    "net_decimal",
    "net_float",
]

#: ``decimal.MaxValue`` (2^96 - 1).
DECIMAL_MAX = Decimal(79228162514264337593543950335)
_DECIMAL_MAX_AS_DOUBLE = float(DECIMAL_MAX)
_SMALLEST_STEP = Decimal(1).scaleb(-28)

#: Arithmetic context matching C#'s 28-significant-digit decimal arithmetic.
DECIMAL_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


def net_decimal(value: float | int | Decimal) -> Decimal:
    """``SafeDecimalCast``: a double as LEAN's decimal, never raising.

    LEAN throws on NaN; a statistic must never fail here, so NaN becomes 0 and the
    infinities clamp like any out-of-range value.
    """
    if value.__class__ is float and value.is_integer() and -1e15 < value < 1e15:
        return Decimal(int(value))  # whole numbers (minutes between bars, volumes) need no more checks
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if math.isnan(value):
        return Decimal(0)
    if value >= _DECIMAL_MAX_AS_DOUBLE:
        return DECIMAL_MAX
    if value <= -_DECIMAL_MAX_AS_DOUBLE:
        return -DECIMAL_MAX
    dec = to_decimal(value)
    exponent = dec.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -28:
        # A decimal holds at most 28 fractional digits; smaller magnitudes vanish.
        dec = dec.quantize(_SMALLEST_STEP, rounding=ROUND_HALF_EVEN)
        return Decimal(0) if dec == 0 else dec.normalize()
    return dec


def net_float(value: Decimal) -> float:
    """``(double)decimal``: the nearest double (finite for any decimal LEAN can hold)."""
    result = float(value)
    if math.isinf(result):  # only for Python decimals beyond LEAN's range
        return math.copysign(float(DECIMAL_MAX), result)
    return result
