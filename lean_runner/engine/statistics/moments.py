"""Sample moments and normal-distribution helpers with LEAN's (MathNet's) conventions.

All functions take plain float sequences and return ``float('nan')`` where MathNet
returns NaN (too few samples, zero variance) instead of raising, so callers can apply
LEAN's own "NaN or zero means 0" rules. Overflow yields infinities, never exceptions.

* variance / covariance / standard deviation are *sample* statistics (n - 1 divisor);
* skewness is the bias-corrected G1 (``scipy.stats.skew(bias=False)``);
* kurtosis is the bias-corrected *excess* G2 (``scipy.stats.kurtosis(bias=False)``).

Example::

    >>> sample_variance([1.0, 2.0, 3.0, 4.0])
    1.6666666666666667
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

__all__ = [
    "average",
    "normal_cdf",
    "normal_inverse_cdf",
    "power",
    "sample_covariance",
    "sample_excess_kurtosis",
    "sample_skewness",
    "sample_standard_deviation",
    "sample_variance",
    "streaming_mean",
]

_NAN = float("nan")
_STANDARD_NORMAL = NormalDist()


def power(base: float, exponent: float) -> float:
    """``Math.Pow``: NaN for a negative base with a fractional exponent, inf on overflow."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        if base < 0 and float(exponent).is_integer() and int(exponent) % 2 == 1:
            return -math.inf
        return math.inf
    except ValueError:
        return _NAN


def average(values: Sequence[float]) -> float:
    """LINQ ``Average()``: a running sum divided by the count (NaN when empty)."""
    if not values:
        return _NAN
    total = 0.0
    for value in values:
        total += value
    return total / len(values)


def streaming_mean(values: Sequence[float]) -> float:
    """MathNet's ``Mean()`` on an enumerable: an incrementally updated mean."""
    if not values:
        return _NAN
    mean = 0.0
    for count, value in enumerate(values, start=1):
        mean += (value - mean) / count
    return mean


def sample_variance(values: Sequence[float]) -> float:
    """Sample variance, accumulated in one pass the way MathNet streams it."""
    count = len(values)
    if count < 2:
        return _NAN
    running_sum = values[0]
    accumulated = 0.0
    for index in range(1, count):
        value = values[index]
        n = index + 1
        running_sum += value
        spread = n * value - running_sum
        accumulated += spread * spread / (n * (n - 1))
    return accumulated / (count - 1)


def sample_standard_deviation(values: Sequence[float]) -> float:
    """Square root of :func:`sample_variance` (NaN when undefined or negative)."""
    variance = sample_variance(values)
    return math.sqrt(variance) if variance >= 0 else _NAN


def sample_covariance(first: Sequence[float], second: Sequence[float]) -> float:
    """Sample covariance of two equally long series (NaN when shorter than 2)."""
    count = min(len(first), len(second))
    if count < 2:
        return _NAN
    mean_first = streaming_mean(first[:count])
    mean_second = streaming_mean(second[:count])
    total = 0.0
    for a, b in zip(first[:count], second[:count], strict=True):
        total += (a - mean_first) * (b - mean_second)
    return total / (count - 1)


def _central_moments(values: Sequence[float]) -> tuple[float, float, float]:
    """Population central moments m2, m3, m4 (sums divided by n)."""
    count = len(values)
    mean = average(values)
    m2 = m3 = m4 = 0.0
    for value in values:
        deviation = value - mean
        squared = deviation * deviation
        m2 += squared
        m3 += squared * deviation
        m4 += squared * squared
    return m2 / count, m3 / count, m4 / count


def sample_skewness(values: Sequence[float]) -> float:
    """Bias-corrected sample skewness G1; NaN below 3 samples or at zero variance."""
    count = len(values)
    if count < 3:
        return _NAN
    m2, m3, _ = _central_moments(values)
    if not m2 > 0 or math.isinf(m2):
        return _NAN
    g1 = m3 / (m2 * math.sqrt(m2))
    return g1 * math.sqrt(count * (count - 1)) / (count - 2)


def sample_excess_kurtosis(values: Sequence[float]) -> float:
    """Bias-corrected sample excess kurtosis G2; NaN below 4 samples or at zero variance."""
    count = len(values)
    if count < 4:
        return _NAN
    m2, _, m4 = _central_moments(values)
    if not m2 > 0 or math.isinf(m2):
        return _NAN
    g2 = m4 / (m2 * m2) - 3.0
    return (count - 1) / ((count - 2) * (count - 3)) * ((count + 1) * g2 + 6.0)


def normal_cdf(x: float) -> float:
    """Standard normal CDF Φ(x), via the complementary error function for accurate tails."""
    if math.isnan(x):
        return _NAN
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_inverse_cdf(probability: float, mean: float, standard_deviation: float) -> float:
    """``Normal.InvCDF(mean, sd, p)``: the quantile of N(mean, sd²); NaN when undefined."""
    if not 0.0 < probability < 1.0 or math.isnan(mean) or not standard_deviation >= 0:
        return _NAN
    if math.isinf(mean) or math.isinf(standard_deviation):
        return _NAN
    return mean + standard_deviation * _STANDARD_NORMAL.inv_cdf(probability)
