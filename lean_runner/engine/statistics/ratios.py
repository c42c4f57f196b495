"""LEAN's return/risk formulas over daily fraction series, in doubles (reference §3.3).

Every function is pure, takes plain floats and never raises: where LEAN's double
math yields NaN or an infinity, so do these, and the caller applies LEAN's
"0 when NaN or zero" guards and decimal casts.

Example::

    >>> annual_performance([0.001, 0.002], 252)  # (1 + mean)^252 - 1
    0.4589...
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lean_runner.engine.statistics.moments import (
    average,
    normal_cdf,
    normal_inverse_cdf,
    power,
    sample_excess_kurtosis,
    sample_skewness,
    sample_standard_deviation,
    sample_variance,
    streaming_mean,
)

__all__ = [
    "annual_downside_standard_deviation",
    "annual_performance",
    "annual_variance",
    "observed_sharpe_ratio",
    "probabilistic_sharpe_ratio",
    "tracking_error",
    "value_at_risk",
]


def _nan_or_zero(value: float) -> bool:
    return math.isnan(value) or value == 0.0


def annual_performance(performance: Sequence[float], trading_days_per_year: int) -> float:
    """``(mean + 1)^N - 1`` with the arithmetic mean of the daily fractions."""
    return power(average(performance) + 1.0, trading_days_per_year) - 1.0


def annual_variance(performance: Sequence[float], trading_days_per_year: int) -> float:
    """Sample variance times N; 0 when the variance is NaN (fewer than 2 points) or 0."""
    variance = sample_variance(performance)
    return 0.0 if _nan_or_zero(variance) else variance * trading_days_per_year


def annual_downside_standard_deviation(performance: Sequence[float], trading_days_per_year: int) -> float:
    """sqrt of the annual variance of the strictly negative fractions only."""
    downside = [value for value in performance if value < 0.0]
    return math.sqrt(annual_variance(downside, trading_days_per_year))


def tracking_error(
    performance: Sequence[float], benchmark: Sequence[float], trading_days_per_year: int
) -> float:
    """sqrt of the annual variance of ``performance - benchmark``; 0 if lengths differ."""
    if len(performance) != len(benchmark):
        return 0.0
    differences = [p - b for p, b in zip(performance, benchmark, strict=True)]
    return math.sqrt(annual_variance(differences, trading_days_per_year))


def observed_sharpe_ratio(performance: Sequence[float], risk_free_per_period: float) -> float:
    """Non-annualised Sharpe ratio of the samples; 0 when the deviation is NaN or 0."""
    excess = average(performance) - risk_free_per_period
    deviation = sample_standard_deviation(performance)
    return 0.0 if _nan_or_zero(deviation) else excess / deviation


def probabilistic_sharpe_ratio(
    performance: Sequence[float], benchmark_sharpe_ratio: float, risk_free_per_period: float
) -> float:
    """Probability that the true Sharpe ratio exceeds ``benchmark_sharpe_ratio``.

    Uses LEAN's estimate of the Sharpe ratio's standard error with the *excess*
    kurtosis, ``sqrt((1 - skew·SR + (kurt - 1)/4 · SR²) / (n - 1))``, and returns 0
    when that is undefined (NaN: too few samples, zero variance or a negative radicand).
    """
    observed = observed_sharpe_ratio(performance, risk_free_per_period)
    skewness = sample_skewness(performance)
    kurtosis = sample_excess_kurtosis(performance)
    radicand = (1.0 - skewness * observed + (kurtosis - 1.0) / 4.0 * (observed * observed)) / (
        len(performance) - 1
    )
    estimate_deviation = power(radicand, 0.5)
    if math.isnan(estimate_deviation):
        return 0.0
    z = 0.0 if _nan_or_zero(estimate_deviation) else (observed - benchmark_sharpe_ratio) / estimate_deviation
    result = normal_cdf(z)
    return 0.0 if math.isnan(result) else result


def value_at_risk(performance: Sequence[float], lookback_days: int, confidence_level: float) -> float:
    """One-day parametric (variance-covariance) VaR over the last ``lookback_days`` samples.

    The ``1 - confidence`` quantile of a normal distribution with the samples' mean
    and sample standard deviation; a fraction, negative for a loss.
    """
    window = list(performance[-lookback_days:]) if lookback_days > 0 else []
    mean = streaming_mean(window)
    deviation = math.sqrt(sample_variance(window)) if len(window) > 1 else math.nan
    return normal_inverse_cdf(1.0 - confidence_level, mean, deviation)
