"""``to_decimal`` is C#'s (decimal)double whichever path a value takes (integral fast path, cache)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import given
from hypothesis import strategies as st

from lean_runner.engine.dotnet_format import round_to_significant_digits, smart_round, to_decimal


def _by_the_rule(value: float) -> Decimal:
    """The rule itself: 15 significant digits, no trailing zeros, an exponent kept normalised."""
    if value == 0:
        return Decimal(0)
    text = format(value, ".15g")
    return Decimal(text).normalize() if "e" in text else Decimal(text)


@given(st.one_of(st.integers(-10**16, 10**16).map(float),
                 st.floats(allow_nan=False, allow_infinity=False, min_value=-1e20, max_value=1e20)))
def test_doubles_convert_with_15_significant_digits_and_the_same_scale(value: float) -> None:
    for _ in range(2):  # the second conversion may come from the cache
        converted = to_decimal(value)
        assert converted.as_tuple() == _by_the_rule(value).as_tuple()


def test_examples_from_csharp() -> None:
    assert str(to_decimal(0.1 + 0.2)) == "0.3"
    assert str(to_decimal(123456.0)) == "123456"
    assert str(to_decimal(1e15)) == "1E+15"
    assert str(to_decimal(-0.0)) == "0"
    assert to_decimal(Decimal("2.200")).as_tuple() == Decimal("2.200").as_tuple()


def _smart_round_by_decimals(value: float) -> float:
    dec = _by_the_rule(value)
    exponent = dec.as_tuple().exponent
    assert isinstance(exponent, int)
    if abs(dec) > 1000:
        rounded = dec.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN) if -exponent > 4 else dec
    else:
        rounded = round_to_significant_digits(dec, 7)
    return float(rounded.normalize())


@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
                 st.integers(-10**9, 10**9).map(lambda n: n / 10_000),  # values already rounded to 4 dp
                 st.integers(-10**6, 10**6).map(lambda n: n / 100)))
def test_smart_round_equals_lean_rounding_of_the_decimal(value: float) -> None:
    expected = 0.0 if value == 0 else _smart_round_by_decimals(value)
    assert smart_round(value) == expected


def test_smart_round_examples() -> None:
    assert smart_round(1234.56789) == 1234.5679
    assert smart_round(123456.7) == 123456.7
    assert smart_round(3.14159265) == 3.141593
    assert smart_round(0.000123456789) == 0.0001234568
    assert smart_round(-2.5) == -2.5
