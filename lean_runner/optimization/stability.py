"""How the target changes around the best point, and the warnings an optimization result carries.

A best point whose neighbours (one step away in any parameter) score far worse is an isolated
peak: most likely noise the sweep fitted, not a property of the strategy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lean_runner.optimization.parameters import ParameterRange
from lean_runner.optimization.search import PointKey, point_key
from lean_runner.optimization.targets import Target

ISOLATED_PEAK_DROP = 0.5
"""A best point is an isolated peak when its neighbours' mean target is below half of it (or worse, for min)."""


@dataclass(frozen=True)
class Stability:
    """The best point's target, each neighbour's (None: failed or broke a constraint) and their mean."""

    best_value: float
    neighbours: list[dict[str, Any]]
    neighbour_mean: float | None
    relative_drop: float | None

    @property
    def isolated_peak(self) -> bool:
        return self.relative_drop is not None and self.relative_drop > ISOLATED_PEAK_DROP

    def to_dict(self) -> dict[str, Any]:
        return {"best_value": self.best_value, "neighbours": self.neighbours, "neighbour_mean": self.neighbour_mean,
                "relative_drop": self.relative_drop, "isolated_peak": self.isolated_peak}


def neighbour_points(best: Mapping[str, str], ranges: Sequence[ParameterRange]) -> list[dict[str, str]]:
    """The points one step away from ``best`` in one parameter (inside the ranges)."""
    points = []
    for r in ranges:
        value = float(best[r.name])
        for moved in (value - r.step, value + r.step):
            if r.min - 1e-12 <= moved <= r.max + 1e-12:
                points.append({**best, r.name: r.text(r.snap(moved))})
    return points


def measure_stability(best: Mapping[str, str], best_value: float, ranges: Sequence[ParameterRange],
                      values: Mapping[PointKey, float | None], target: Target) -> Stability:
    """The stability of ``best`` from the target ``values`` of the points the sweep ran."""
    found = [(point, values[point_key(point)]) for point in neighbour_points(best, ranges)
             if point_key(point) in values]
    neighbours: list[dict[str, Any]] = [{"parameters": point, "value": value} for point, value in found]
    if not found:
        return Stability(best_value, [], None, None)
    # A failed neighbour counts as no better than the worst one that ran: the peak is at least that sharp.
    ran = [value for _, value in found if value is not None]
    worst = (min(ran) if target.direction == "max" else max(ran)) if ran else best_value
    filled = [value if value is not None else worst for _, value in found]
    mean = sum(filled) / len(filled)
    scale = abs(best_value) if best_value != 0 else 1.0
    drop = (best_value - mean) / scale if target.direction == "max" else (mean - best_value) / scale
    return Stability(best_value, neighbours, mean, drop)


def result_warnings(stability: Stability | None, *, in_sample_sharpe: float | None = None,
                    out_of_sample_sharpe: float | None = None, failed: int = 0, total: int = 0) -> list[str]:
    """Plain-language warnings about overfitting and failures, for the result and the dashboard."""
    warnings = []
    if stability is not None and stability.isolated_peak:
        warnings.append(f"The best point is an isolated peak: its neighbours average {stability.neighbour_mean:.4g} "
                        f"against its {stability.best_value:.4g}. It is likely fitted noise; prefer a point in a "
                        f"broad plateau.")
    if in_sample_sharpe is not None and out_of_sample_sharpe is not None and in_sample_sharpe > 0 \
            and out_of_sample_sharpe < in_sample_sharpe / 2:
        warnings.append(f"The out-of-sample Sharpe ratio ({out_of_sample_sharpe:.3f}) is far below the in-sample "
                        f"one ({in_sample_sharpe:.3f}): the chosen parameters do not carry over to unseen data.")
    if failed:
        warnings.append(f"{failed} of {total} backtests failed or timed out; see their folders' log.txt.")
    return warnings
