"""Straightforward reference computations of LEAN's indicators, written from their definitions.

Each function takes whole series (numpy arrays) and returns ``(values, ready)``: the indicator's value and
``is_ready`` after every input, so tests can compare them sample by sample.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


def ready_from(n: int, first_ready_sample: int) -> B:
    return np.arange(1, n + 1) >= first_ready_sample


def _windows(x: F, period: int) -> list[F]:
    """The last ``min(i + 1, period)`` values at each step, oldest first."""
    return [x[max(0, i + 1 - period): i + 1] for i in range(len(x))]


def sma(x: F, period: int) -> tuple[F, B]:
    return np.array([w.mean() for w in _windows(x, period)]), ready_from(len(x), period)


def ema(x: F, period: int, k: float | None = None) -> tuple[F, B]:
    """Mean of what it has until ``period`` values (LEAN's seed), then ``v·k + previous·(1 − k)``."""
    k = 2 / (period + 1) if k is None else k
    out = np.empty(len(x))
    for i, value in enumerate(x):
        out[i] = x[: i + 1].mean() if i + 1 <= period else value * k + out[i - 1] * (1 - k)
    return out, ready_from(len(x), period)


def wilders(x: F, period: int) -> tuple[F, B]:
    """Mean of what it has until ``period`` values, then ``v/n + previous·(1 − 1/n)``."""
    out = np.empty(len(x))
    for i, value in enumerate(x):
        if i + 1 <= period:
            out[i] = x[: i + 1].mean()
        else:
            out[i] = value / period + out[i - 1] * (1 - 1 / period)
    return out, ready_from(len(x), period)


def lwma(x: F, period: int) -> tuple[F, B]:
    """Weights period..1 from the newest value, always over the full denominator period·(period+1)/2."""
    if period == 1:
        return x.copy(), ready_from(len(x), 1)
    denominator = period * (period + 1) / 2
    out = np.array([np.dot(w[::-1], np.arange(period, period - len(w), -1)) / denominator
                    for w in _windows(x, period)])
    return out, ready_from(len(x), period)


MOVING_AVERAGES = {"SIMPLE": sma, "EXPONENTIAL": ema, "WILDERS": wilders, "LINEAR_WEIGHTED_MOVING_AVERAGE": lwma}


def rsi(x: F, period: int, kind: str = "WILDERS") -> tuple[F, B]:
    diff = np.diff(x)
    gains, _ = MOVING_AVERAGES[kind](np.where(diff >= 0, diff, 0.0), period)
    losses, _ = MOVING_AVERAGES[kind](np.where(diff < 0, -diff, 0.0), period)
    out = np.full(len(x), 100.0)
    for i in range(1, len(x)):
        gain, loss = max(gains[i - 1], 0.0), max(losses[i - 1], 0.0)
        out[i] = 100.0 if round(loss, 10) == 0 else 100 - 100 / (1 + gain / loss)
    return out, ready_from(len(x), period + 1)


def population_std(window: F) -> float:
    return 0.0 if np.ptp(window) == 0 else float(np.std(window))


def std(x: F, period: int) -> tuple[F, B]:
    return np.array([population_std(w) for w in _windows(x, period)]), ready_from(len(x), period)


def variance(x: F, period: int) -> tuple[F, B]:
    values, ready = std(x, period)
    return values**2, ready


def bollinger(x: F, period: int, k: float, kind: str = "SIMPLE") -> dict[str, F]:
    middle, _ = MOVING_AVERAGES[kind](x, period)
    deviation, _ = std(x, period)
    upper, lower = middle + k * deviation, middle - k * deviation
    width = upper - lower
    band_width = np.zeros(len(x))
    percent_b = np.zeros(len(x))
    for i in range(len(x)):  # both hold their last value while their denominator is 0
        band_width[i] = width[i] / middle[i] * 100 if middle[i] != 0 else (band_width[i - 1] if i else 0.0)
        percent_b[i] = (x[i] - lower[i]) / width[i] if width[i] != 0 else (percent_b[i - 1] if i else 0.0)
    return {"middle": middle, "upper": upper, "lower": lower, "std": deviation, "band_width": band_width,
            "percent_b": percent_b, "ready": ready_from(len(x), period)}


def true_range(high: F, low: F, close: F) -> F:
    previous = np.concatenate([[np.nan], close[:-1]])
    ranges = np.maximum(high - low, np.maximum(np.abs(high - previous), np.abs(low - previous)))
    ranges[0] = high[0] - low[0]
    return ranges


def atr(high: F, low: F, close: F, period: int, kind: str = "WILDERS") -> tuple[F, B]:
    return MOVING_AVERAGES[kind](true_range(high, low, close), period)


def _base_index(i: int, period: int) -> int:
    return max(0, i - period)


def momentum(x: F, period: int) -> tuple[F, B]:
    return np.array([x[i] - x[_base_index(i, period)] for i in range(len(x))]), ready_from(len(x), period + 1)


def roc(x: F, period: int) -> tuple[F, B]:
    base = np.array([x[_base_index(i, period)] for i in range(len(x))])
    out = np.divide(x - base, base, out=np.zeros(len(x)), where=base != 0)
    return out, ready_from(len(x), period + 1)


def rocp(x: F, period: int) -> tuple[F, B]:
    values, ready = roc(x, period)
    return values * 100, ready


def delay(x: F, period: int) -> tuple[F, B]:
    return np.array([x[_base_index(i, period)] for i in range(len(x))]), ready_from(len(x), period + 1)


def rolling_sum(x: F, period: int) -> tuple[F, B]:
    return np.array([w.sum() for w in _windows(x, period)]), ready_from(len(x), period)


def maximum(x: F, period: int) -> tuple[F, npt.NDArray[np.int64], B]:
    """Rolling max and how many samples ago its latest occurrence was."""
    values, since = [], []
    for w in _windows(x, period):
        values.append(w.max())
        since.append(len(w) - 1 - int(np.flatnonzero(w == w.max())[-1]))
    return np.array(values), np.array(since), ready_from(len(x), period)


def minimum(x: F, period: int) -> tuple[F, npt.NDArray[np.int64], B]:
    values, since = [], []
    for w in _windows(x, period):
        values.append(w.min())
        since.append(len(w) - 1 - int(np.flatnonzero(w == w.min())[-1]))
    return np.array(values), np.array(since), ready_from(len(x), period)


def stochastic(high: F, low: F, close: F, period: int, k_period: int, d_period: int) -> dict[str, F]:
    """Fast %K over ``period`` bars (0 and no %K input on a zero range), %K = mean of ``k_period`` fast values,
    %D = mean of ``d_period`` %K values; each 0 until its inputs fill."""
    n = len(close)
    fast, slow_k, slow_d, ready = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    fast_inputs: list[float] = []
    k_inputs: list[float] = []
    for i in range(n):
        if i + 1 >= period:
            highest, lowest = high[i + 1 - period: i + 1].max(), low[i + 1 - period: i + 1].min()
            if highest - lowest != 0:
                value = (close[i] - lowest) / (highest - lowest)
                fast_inputs.append(value)
                fast[i] = value * 100
        if len(fast_inputs) >= k_period:
            k_value = sum(fast_inputs[-k_period:]) / k_period
            k_inputs.append(k_value)
            slow_k[i] = k_value * 100
        if len(k_inputs) >= d_period:
            slow_d[i] = sum(k_inputs[-d_period:]) / d_period * 100
        ready[i] = i + 1 >= period and len(fast_inputs) >= k_period and len(k_inputs) >= d_period
    return {"fast": fast, "k": slow_k, "d": slow_d, "ready": ready}


def adx(high: F, low: F, close: F, period: int) -> dict[str, F]:
    """Wilder's ADX as LEAN computes it (see ``AverageDirectionalIndex``)."""
    n = len(close)
    tr, dm_plus, dm_minus = true_range(high, low, close), np.zeros(n), np.zeros(n)
    tr[0] = 0.0
    up, down = np.diff(high), -np.diff(low)
    dm_plus[1:] = np.where((high[1:] > high[:-1]) & (up >= down), up, 0.0)
    dm_minus[1:] = np.where((low[:-1] > low[1:]) & (down > up), down, 0.0)
    smoothed = np.zeros((3, n))
    for i in range(n):
        previous = smoothed[:, i - 1] if i else np.zeros(3)
        decay = previous / period if i + 1 > period + 1 else 0.0
        smoothed[:, i] = previous + np.array([tr[i], dm_plus[i], dm_minus[i]]) - decay
    plus_di, minus_di, values, ready = np.zeros(n), np.zeros(n), np.full(n, 50.0), np.zeros(n, dtype=bool)
    dx: list[float] = []
    dx_bars: list[int] = []
    for i in range(n):
        if i + 1 > period and smoothed[0, i] != 0:
            plus_di[i] = 100 * smoothed[1, i] / smoothed[0, i]
            minus_di[i] = 100 * smoothed[2, i] / smoothed[0, i]
        total = plus_di[i] + minus_di[i]
        if total != 0:  # otherwise the value is 50 and nothing is averaged
            dx.append(100 * abs(plus_di[i] - minus_di[i]) / total)
            dx_bars.append(i)
        ready[i] = len(dx) >= period
    if dx:
        values[dx_bars] = wilders(np.array(dx), period)[0]
    return {"adx": values, "plus_di": plus_di, "minus_di": minus_di, "ready": ready}
