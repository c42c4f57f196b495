"""The parameters an optimization varies: ``name min max step`` ranges and the points of a grid over them."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from lean_runner.optimization.errors import OptimizationSpecError

MAX_VALUES_PER_PARAMETER = 100_000
ParameterSet = dict[str, str]
"""One point of the search: parameter name → the value the algorithm reads with ``get_parameter``."""


@dataclass(frozen=True)
class ParameterRange:
    """``min``..``max`` in steps of ``step`` (both ends included when the step lands on ``max``).

    Values are exact decimals, so ``0.1`` steps do not drift; integral ranges give integer text
    (``"10"``, not ``"10.0"``), which is what ``get_parameter(name, 10)`` parses::

        ParameterRange("ema-fast", 5, 20, 5).values()   # [5, 10, 15, 20]
    """

    name: str
    min: float
    max: float
    step: float

    def __post_init__(self) -> None:
        problems = []
        if not self.name:
            problems.append("a parameter needs a name")
        if not all(math.isfinite(v) for v in (self.min, self.max, self.step)):
            problems.append(f"{self.name}: min, max and step must be finite numbers")
        elif self.step <= 0:
            problems.append(f"{self.name}: step must be more than 0 (got {self.step:g})")
        elif self.max < self.min:
            problems.append(f"{self.name}: max ({self.max:g}) is below min ({self.min:g}); swap them")
        elif (self.max - self.min) / self.step >= MAX_VALUES_PER_PARAMETER:
            problems.append(f"{self.name}: {self.min:g}..{self.max:g} in steps of {self.step:g} is more than "
                            f"{MAX_VALUES_PER_PARAMETER:,} values; take a larger step")
        if problems:
            raise OptimizationSpecError("; ".join(problems),
                                        details=[{"path": f"parameters.{self.name}", "message": p} for p in problems])

    @property
    def integral(self) -> bool:
        return all(float(v).is_integer() for v in (self.min, self.max, self.step))

    def values(self, *, low: float | None = None, high: float | None = None, step: float | None = None) -> list[float]:
        """The lattice points from ``low`` to ``high`` (default: the whole range) every ``step``."""
        start = Decimal(repr(self.min if low is None else max(self.min, low)))
        stop = Decimal(repr(self.max if high is None else min(self.max, high)))
        stride = Decimal(repr(self.step if step is None else step))
        count = int((stop - start) / stride + Decimal("1e-9")) + 1
        return [float(start + stride * index) for index in range(max(count, 0))]

    def snap(self, value: float) -> float:
        """``value`` moved onto this range's lattice (``min + k * step``) and into ``[min, max]``."""
        steps = round((Decimal(repr(value)) - Decimal(repr(self.min))) / Decimal(repr(self.step)))
        snapped = float(Decimal(repr(self.min)) + Decimal(repr(self.step)) * steps)
        return min(max(snapped, self.min), self.values()[-1])

    def text(self, value: float) -> str:
        """The value as the algorithm receives it."""
        if self.integral:
            return str(round(value))
        return format(Decimal(repr(value)).normalize(), "f")

    def to_dict(self) -> dict[str, Any]:
        """lean-cli's optimizer-config entry: ``{"name", "min", "max", "step"}``."""
        return {"name": self.name, "min": self.min, "max": self.max, "step": self.step}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ParameterRange:
        try:
            return cls(str(data["name"]), float(data["min"]), float(data["max"]), float(data["step"]))
        except (KeyError, TypeError, ValueError) as error:
            raise OptimizationSpecError(f"a parameter needs name, min, max and step numbers: {error}",
                                        details=[{"path": "parameters", "message": str(error)}]) from error


def grid_points(ranges: Sequence[ParameterRange]) -> list[ParameterSet]:
    """Every combination of the ranges' values, the first parameter varying slowest."""
    axes = [[(r.name, r.text(v)) for v in r.values()] for r in ranges]
    return [dict(combination) for combination in itertools.product(*axes)]


def grid_size(ranges: Iterable[ParameterRange]) -> int:
    return math.prod(len(r.values()) for r in ranges)


def declared_parameters(project: Path, strategy: str) -> dict[str, str]:
    """The parameters a strategy declares, name → default text.

    A ``.py`` strategy's are the project's ``config.json`` ``parameters`` (lean-cli's place); a
    DSL spec (``.json``) declares its own in ``parameters``.
    """
    if strategy.endswith(".json"):
        spec = _load_json(project / strategy)
        declared = spec.get("parameters") or {}
        return {name: str(decl.get("default", "")) for name, decl in declared.items() if isinstance(decl, dict)}
    config = project / "config.json"
    if not config.is_file():
        return {}
    parameters = _load_json(config).get("parameters") or {}
    return {str(name): str(value) for name, value in parameters.items()}


def spec_parameter_ranges(spec: Mapping[str, Any]) -> list[ParameterRange]:
    """Ranges from a DSL spec's ``parameters`` that declare ``min`` and ``max`` (step 1 for ints unless given)."""
    ranges = []
    for name, decl in (spec.get("parameters") or {}).items():
        if isinstance(decl, dict) and "min" in decl and "max" in decl:
            step = decl.get("step", 1)
            ranges.append(ParameterRange(name, float(decl["min"]), float(decl["max"]), float(step)))
    return ranges


def check_declared(ranges: Sequence[ParameterRange], declared: Mapping[str, str], strategy: str) -> None:
    """Raise when a range names a parameter the strategy does not declare (listing every such name)."""
    unknown = [r.name for r in ranges if r.name not in declared]
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise OptimizationSpecError(
            f"{strategy} declares no parameter {', '.join(map(repr, unknown))} (declared: {known}); add it to "
            f"config.json's parameters (a DSL spec: to its parameters) or fix the name",
            details=[{"path": f"parameters.{name}", "message": "not declared by the strategy"} for name in unknown])


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise OptimizationSpecError(f"cannot read {path}: {error}") from error
    return data if isinstance(data, dict) else {}
