""".NET number semantics that LEAN's output depends on.

LEAN formats its statistics with C# ``decimal`` and ``double`` rules, which differ
from Python's: ``Math.Round`` is banker's rounding, a ``decimal`` keeps its scale
(``2.200`` stays ``2.200``), ``ToString("0.00")`` rounds half away from zero, and a
``double``→``decimal`` conversion keeps 15 significant digits. These helpers
reproduce exactly those rules so our strings equal LEAN's.

Example::

    >>> decimal_round(to_decimal(0.022) * 100, 3)
    Decimal('2.200')
    >>> format_double(round_double(-18.99961, 3))
    '-19'
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "decimal_round",
    "decimal_to_string",
    "format_double",
    "format_fixed_2",
    "round_double",
    "round_to_significant_digits",
    "smart_round",
    "to_decimal",
]


def to_decimal(value: float | int | Decimal) -> Decimal:
    """Convert like C#'s explicit ``(decimal)double``: 15 significant digits, no trailing zeros."""
    if value.__class__ is float:
        if value.is_integer() and -1e15 < value < 1e15:  # volumes, quantities: all digits, no exponent
            return Decimal(int(value))
        return _double_to_decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return _double_to_decimal(value)


# Prices and volumes repeat: the statistics convert the same doubles many times over.
@lru_cache(maxsize=1 << 16)
def _double_to_decimal(value: float) -> Decimal:
    if math.isnan(value) or math.isinf(value):
        raise OverflowError(f"cannot convert {value!r} to decimal")
    if value == 0:
        return Decimal(0)
    text = format(value, ".15g")
    dec = Decimal(text)
    # ".15g" may print an exponent; normalising keeps the value and drops trailing zeros.
    if "e" in text or "E" in text:
        dec = dec.normalize()
    return dec


def decimal_round(value: Decimal, places: int) -> Decimal:
    """``Math.Round(decimal, places)``: banker's rounding that never adds scale."""
    exponent = value.as_tuple().exponent
    scale = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if scale <= places:
        return value
    try:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # pragma: no cover - only for absurd magnitudes
        return value


def decimal_to_string(value: Decimal) -> str:
    """``decimal.ToString()``: plain notation, the scale kept, ``-0`` printed as ``0``."""
    if value == 0 and value.is_signed():
        value = -value
    text = format(value, "f")
    return "0" if text in ("-0", "-0.0") else text


def round_double(value: float, places: int) -> float:
    """``Math.Round(double, places)``: scale, round half to even on the binary value, scale back."""
    if math.isnan(value) or math.isinf(value) or abs(value) >= 1e16:
        return value
    power = 10.0**places
    return round(value * power) / power


def format_double(value: float) -> str:
    """``double.ToString()`` on .NET Core: shortest round-trip text, ``-0`` as ``0``."""
    if value == 0:
        return "0"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = repr(value) if abs(value) < 1e15 else format(value, ".15e")
    if "e" in text:
        mantissa, exp = text.split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "-" if exp.startswith("-") else "+"
        digits = exp.lstrip("+-").rjust(2, "0")
        return f"{mantissa}E{sign}{digits}"
    return text


def format_fixed_2(value: float | Decimal) -> str:
    """``ToString("0.00")``: two decimals, midpoints rounded away from zero."""
    dec = value if isinstance(value, Decimal) else to_decimal(value)
    text = format(dec.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    return "0.00" if text == "-0.00" else text


def round_to_significant_digits(value: Decimal, digits: int) -> Decimal:
    """LEAN's ``RoundToSignificantDigits`` for decimals (banker's rounding at the digit)."""
    if value == 0:
        return value
    magnitude = math.floor(math.log10(abs(value)))
    places = digits - 1 - magnitude
    if places >= 0:
        return decimal_round(value, places)
    step = Decimal(10) ** (-places)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * step


def smart_round(value: float) -> float:
    """LEAN's ``SmartRounding`` of chart values: above 1000 round to 4 dp, else 7 significant digits."""
    if value == 0 or math.isnan(value) or math.isinf(value):
        return value
    text = format(value, ".15g")  # the (decimal)double digits
    if "e" not in text and _needs_no_rounding(text):
        return float(text)  # most chart values already have few enough digits: no decimal arithmetic
    dec = to_decimal(value)
    rounded = decimal_round(dec, 4) if abs(dec) > 1000 else round_to_significant_digits(dec, 7)
    return float(rounded.normalize())


def _needs_no_rounding(text: str) -> bool:
    """Whether ``smart_round`` leaves this plain decimal text as it is (4 dp above 1000, else 7 digits)."""
    digits = text.lstrip("-")
    if abs(float(digits)) > 1000:
        point = digits.find(".")
        return point < 0 or len(digits) - point - 1 <= 4
    return len(digits.replace(".", "").lstrip("0")) <= 7
