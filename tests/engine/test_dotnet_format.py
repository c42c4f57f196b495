"""``to_decimal`` is C#'s (decimal)double whichever path a value takes (integral fast path, cache)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lean_runner.engine.dotnet_format import to_decimal


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
