"""Search strategies: which parameter sets to backtest next, given the scores of those already run.

A strategy proposes batches; the optimizer backtests a batch (in parallel), scores each child
(its target value turned into a loss, smaller is better; None when it failed or broke a
constraint) and asks for the next batch until a strategy returns an empty one.

- :class:`GridSearch` (lean-cli's "Grid Search"): every point of the grid, in one batch.
- :class:`EulerSearch` (lean-cli's "Euler Search"): a coarse grid over the whole range, then
  ever finer grids around the best point so far, down to the parameters' own steps. It backtests
  far fewer points than the full grid and finds the best of a smooth, single-peaked target.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from lean_runner.optimization.parameters import ParameterRange, ParameterSet

PointKey = tuple[tuple[str, str], ...]
STRATEGY_NAMES = ("Grid Search", "Euler Search")


def point_key(point: Mapping[str, str]) -> PointKey:
    return tuple(sorted(point.items()))


class SearchStrategy(Protocol):
    name: str

    def next_batch(self, losses: Mapping[PointKey, float | None]) -> list[ParameterSet]:
        """The next points to backtest (none already in ``losses``); empty when the search is over."""
        ...


class GridSearch:
    """Every combination of every parameter's values."""

    name = "Grid Search"

    def __init__(self, ranges: Sequence[ParameterRange]) -> None:
        self._ranges = list(ranges)

    def next_batch(self, losses: Mapping[PointKey, float | None]) -> list[ParameterSet]:
        return [point for point in _product(self._ranges, [(None, None, None)] * len(self._ranges))
                if point_key(point) not in losses]


class EulerSearch:
    """A coarse grid of about ``segments`` steps per parameter, then finer grids around the best.

    Each level searches ``best ± coarse step`` with a step ``segments`` times smaller (a whole
    multiple of the parameter's own step), until the level at the parameter's own step is done.
    """

    name = "Euler Search"

    def __init__(self, ranges: Sequence[ParameterRange], *, segments: int = 4) -> None:
        if segments < 2:
            raise ValueError("Euler search needs at least 2 segments per level")
        self._ranges = list(ranges)
        self._segments = segments
        self._strides: list[float] | None = None
        self._center: ParameterSet | None = None

    def next_batch(self, losses: Mapping[PointKey, float | None]) -> list[ParameterSet]:
        while True:
            if self._strides is None:  # the first level: the whole range
                self._strides = [self._coarse(r, (r.max - r.min) / self._segments) for r in self._ranges]
                bounds: list[tuple[float | None, float | None, float | None]] = [
                    (None, None, s) for s in self._strides]
            else:
                if all(stride == r.step for stride, r in zip(self._strides, self._ranges, strict=True)):
                    return []
                best = _best(losses)
                if best is None:
                    return []
                self._center = dict(best)
                bounds = []
                strides = []
                for stride, r in zip(self._strides, self._ranges, strict=True):
                    middle = float(self._center[r.name])
                    finer = self._coarse(r, stride / self._segments)
                    bounds.append((r.snap(middle - stride), r.snap(middle + stride), finer))
                    strides.append(finer)
                self._strides = strides
            batch = [p for p in _product(self._ranges, bounds) if point_key(p) not in losses]
            if batch:
                return batch

    @staticmethod
    def _coarse(r: ParameterRange, wanted: float) -> float:
        """The multiple of the parameter's step nearest ``wanted`` (at least one step)."""
        return float(Decimal(repr(r.step)) * max(1, round(wanted / r.step)))


def _product(ranges: Sequence[ParameterRange],
             bounds: Sequence[tuple[float | None, float | None, float | None]]) -> list[ParameterSet]:
    axes = [[(r.name, r.text(v)) for v in r.values(low=low, high=high, step=step)]
            for r, (low, high, step) in zip(ranges, bounds, strict=True)]
    return [dict(combination) for combination in itertools.product(*axes)]


def _best(losses: Mapping[PointKey, float | None]) -> PointKey | None:
    scored = [(loss, key) for key, loss in losses.items() if loss is not None]
    return min(scored)[1] if scored else None


def build_strategy(name: str, ranges: Sequence[ParameterRange]) -> SearchStrategy:
    """The strategy called ``name`` (lean-cli's names, any case: ``"grid search"``, ``"Euler Search"``)."""
    from lean_runner.optimization.errors import OptimizationSpecError

    wanted = name.strip().lower().replace("-", " ").replace("_", " ")
    if wanted in ("grid search", "grid"):
        return GridSearch(ranges)
    if wanted in ("euler search", "euler"):
        return EulerSearch(ranges)
    raise OptimizationSpecError(f"strategy {name!r} is not one of {', '.join(STRATEGY_NAMES)}",
                                details=[{"path": "strategy", "message": "use 'Grid Search' or 'Euler Search'"}])
