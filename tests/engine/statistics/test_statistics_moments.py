"""Sample moments and the return/risk formulas agree with numpy/scipy reference computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from lean_runner.engine.statistics import ratios
from lean_runner.engine.statistics.moments import (
    average,
    normal_cdf,
    normal_inverse_cdf,
    power,
    sample_covariance,
    sample_excess_kurtosis,
    sample_skewness,
    sample_standard_deviation,
    sample_variance,
    streaming_mean,
)

SERIES = [0.012, -0.004, 0.0, 0.0, 0.021, -0.017, 0.003, 0.0005, -0.0081, 0.011]
OTHER = [0.010, -0.002, 0.001, -0.001, 0.018, -0.020, 0.004, 0.000, -0.006, 0.009]


def test_means_match_numpy():
    assert average(SERIES) == pytest.approx(np.mean(SERIES), rel=1e-15)
    assert streaming_mean(SERIES) == pytest.approx(np.mean(SERIES), rel=1e-14)


def test_variance_and_deviation_are_sample_statistics():
    assert sample_variance(SERIES) == pytest.approx(np.var(SERIES, ddof=1), rel=1e-13)
    assert sample_standard_deviation(SERIES) == pytest.approx(np.std(SERIES, ddof=1), rel=1e-13)


def test_covariance_is_the_sample_covariance():
    assert sample_covariance(SERIES, OTHER) == pytest.approx(np.cov(SERIES, OTHER, ddof=1)[0, 1], rel=1e-13)


def test_skewness_and_kurtosis_are_bias_corrected_g1_and_excess_g2():
    assert sample_skewness(SERIES) == pytest.approx(stats.skew(SERIES, bias=False), rel=1e-12)
    assert sample_excess_kurtosis(SERIES) == pytest.approx(stats.kurtosis(SERIES, bias=False), rel=1e-12)


@pytest.mark.parametrize(
    ("function", "values"),
    [
        (sample_variance, [1.0]),
        (sample_covariance, [1.0]),
        (sample_skewness, [1.0, 2.0]),
        (sample_skewness, [3.0, 3.0, 3.0]),
        (sample_excess_kurtosis, [1.0, 2.0, 3.0]),
        (sample_excess_kurtosis, [2.0, 2.0, 2.0, 2.0]),
    ],
)
def test_undefined_moments_are_nan_not_errors(function, values):
    result = function(values, values) if function is sample_covariance else function(values)
    assert math.isnan(result)


def test_normal_distribution_helpers_match_scipy():
    for x in (-6.0, -1.3, 0.0, 0.7, 3.2):
        assert normal_cdf(x) == pytest.approx(stats.norm.cdf(x), rel=1e-12)
    assert normal_inverse_cdf(0.01, 0.001, 0.02) == pytest.approx(
        stats.norm.ppf(0.01, 0.001, 0.02), rel=1e-12
    )
    assert normal_inverse_cdf(0.05, 0.5, 0.0) == 0.5
    assert math.isnan(normal_inverse_cdf(0.05, 0.0, math.nan))


def test_power_follows_net_math_pow_instead_of_raising():
    assert power(2.0, 10) == 1024.0
    assert math.isnan(power(-0.5, 0.5))
    assert power(10.0, 400) == math.inf


def test_annual_performance_and_variance_reference():
    days = 252
    assert ratios.annual_performance(SERIES, days) == pytest.approx(
        (np.mean(SERIES) + 1) ** days - 1, rel=1e-12
    )
    assert ratios.annual_variance(SERIES, days) == pytest.approx(np.var(SERIES, ddof=1) * days, rel=1e-12)
    assert ratios.annual_variance([0.01, 0.01, 0.01], days) == 0.0
    assert ratios.annual_variance([0.01], days) == 0.0


def test_downside_deviation_uses_only_strictly_negative_returns():
    negatives = [v for v in SERIES if v < 0]
    expected = math.sqrt(np.var(negatives, ddof=1) * 252)
    assert ratios.annual_downside_standard_deviation(SERIES, 252) == pytest.approx(expected, rel=1e-12)
    assert ratios.annual_downside_standard_deviation([0.01, 0.0, 0.02], 252) == 0.0
    assert ratios.annual_downside_standard_deviation([0.01, -0.02, 0.02], 252) == 0.0


def test_tracking_error_reference_and_unequal_lengths():
    diff = np.array(SERIES) - np.array(OTHER)
    assert ratios.tracking_error(SERIES, OTHER, 252) == pytest.approx(math.sqrt(np.var(diff, ddof=1) * 252))
    assert ratios.tracking_error(SERIES, OTHER[:-1], 252) == 0.0


def test_probabilistic_sharpe_ratio_reference():
    rf = 0.0075 / 252
    observed = (np.mean(SERIES) - rf) / np.std(SERIES, ddof=1)
    skew = stats.skew(SERIES, bias=False)
    kurt = stats.kurtosis(SERIES, bias=False)
    sigma = math.sqrt((1 - skew * observed + (kurt - 1) / 4 * observed**2) / (len(SERIES) - 1))
    expected = stats.norm.cdf((observed - 1 / math.sqrt(252)) / sigma)
    assert ratios.probabilistic_sharpe_ratio(SERIES, 1 / math.sqrt(252), rf) == pytest.approx(
        expected, rel=1e-10
    )


def test_probabilistic_sharpe_ratio_is_zero_when_undefined():
    assert ratios.probabilistic_sharpe_ratio([0.0, 0.0, 0.0, 0.0], 0.06, 0.0) == 0.0
    assert ratios.probabilistic_sharpe_ratio([0.01, 0.02], 0.06, 0.0) == 0.0


def test_value_at_risk_uses_the_last_n_samples():
    window = SERIES[-5:]
    expected = stats.norm.ppf(0.01, np.mean(window), np.std(window, ddof=1))
    assert ratios.value_at_risk(SERIES, 5, 0.99) == pytest.approx(expected, rel=1e-10)
