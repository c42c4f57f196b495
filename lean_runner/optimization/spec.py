"""``OptimizationSpec``: what to optimize, built from a request body, CLI flags or an optimizer-config.json."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lean_runner.optimization.errors import OptimizationSpecError
from lean_runner.optimization.parameters import ParameterRange, grid_size
from lean_runner.optimization.search import STRATEGY_NAMES, SearchStrategy, build_strategy
from lean_runner.optimization.targets import Constraint, Target

MAX_GRID_POINTS = 100_000
LEAN_STRATEGY_TYPES = {"Grid Search": "QuantConnect.Optimizer.Strategies.GridSearchOptimizationStrategy",
                       "Euler Search": "QuantConnect.Optimizer.Strategies.EulerSearchOptimizationStrategy"}


@dataclass(frozen=True)
class OptimizationSpec:
    """One optimization: the strategy file, the search, the target, constraints and parameter ranges.

    ``algorithm`` is the project's ``.py`` file or DSL spec (``.json``); ``fixed_parameters``
    reach every child unchanged; ``window`` (``{"start-date", "end-date", "cash"}``) fixes the
    children's period; ``child_timeout`` (s) stops a child that runs longer.

    Example::

        OptimizationSpec(algorithm="ema_crossover.py", strategy="Grid Search",
                         target=Target("Sharpe Ratio", "max"),
                         parameters=[ParameterRange("ema-fast", 5, 20, 5)],
                         constraints=[Constraint.parse("Drawdown < 0.25")])
    """

    algorithm: str
    target: Target
    parameters: Sequence[ParameterRange]
    strategy: str = "Grid Search"
    constraints: Sequence[Constraint] = ()
    fixed_parameters: Mapping[str, str] = field(default_factory=dict)
    window: Mapping[str, Any] = field(default_factory=dict)
    max_concurrent: int = 0
    child_timeout: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.parameters:
            problems.append({"path": "parameters", "message": "give at least one parameter to vary "
                                                              "(name, min, max, step)"})
        names = [r.name for r in self.parameters]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append({"path": f"parameters.{name}", "message": "given twice"})
        if self.strategy_name not in STRATEGY_NAMES:
            problems.append({"path": "strategy", "message": f"use one of {', '.join(STRATEGY_NAMES)}"})
        if not problems and self.strategy_name == "Grid Search" and self.grid_size > MAX_GRID_POINTS:
            problems.append({"path": "parameters", "message": f"the grid has {self.grid_size:,} points, more than "
                                                              f"{MAX_GRID_POINTS:,}: take larger steps or use "
                                                              f"Euler Search"})
        if self.child_timeout is not None and self.child_timeout <= 0:
            problems.append({"path": "child_timeout", "message": "must be more than 0 seconds"})
        if problems:
            raise OptimizationSpecError("the optimization is invalid: "
                                        + "; ".join(f"{p['path']}: {p['message']}" for p in problems),
                                        details=problems)

    @property
    def strategy_name(self) -> str:
        for name in STRATEGY_NAMES:
            if self.strategy.strip().lower().replace("-", " ") in (name.lower(), name.split()[0].lower()):
                return name
        return self.strategy

    def new_search(self) -> SearchStrategy:
        return build_strategy(self.strategy_name, self.parameters)

    @property
    def grid_size(self) -> int:
        return grid_size(self.parameters)

    def optimizer_config(self) -> dict[str, Any]:
        """lean-cli's ``optimizer-config.json`` for this optimization."""
        return {
            "optimization-strategy": LEAN_STRATEGY_TYPES[self.strategy_name],
            "optimization-strategy-settings": {
                "$type": "QuantConnect.Optimizer.Strategies.StepBaseOptimizationStrategySettings, "
                         "QuantConnect.Optimizer",
                "default-segment-amount": 10},
            "optimization-criterion": self.target.to_dict(),
            "parameters": [r.to_dict() for r in self.parameters],
            "constraints": [c.to_dict() for c in self.constraints],
        }

    def to_dict(self) -> dict[str, Any]:
        return {"algorithm": self.algorithm, "strategy": self.strategy_name, "target": self.target.statistic,
                "target_direction": self.target.direction, "constraints": [c.text() for c in self.constraints],
                "parameters": [r.to_dict() for r in self.parameters], "fixed_parameters": dict(self.fixed_parameters),
                "window": dict(self.window), "max_concurrent": self.max_concurrent,
                "child_timeout": self.child_timeout}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OptimizationSpec:
        """From :meth:`to_dict`'s shape (the REST body); constraints as text or lean-cli objects."""
        known = {"algorithm", "strategy", "target", "target_direction", "constraints", "parameters",
                 "fixed_parameters", "window", "max_concurrent", "child_timeout"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise OptimizationSpecError(f"unknown keys: {', '.join(unknown)}",
                                        details=[{"path": key, "message": "unknown key"} for key in unknown])
        constraints = [Constraint.parse(c) if isinstance(c, str) else Constraint.from_dict(c)
                       for c in data.get("constraints") or []]
        return cls(algorithm=str(data.get("algorithm") or ""),
                   target=Target(str(data.get("target") or "Sharpe Ratio"), str(data.get("target_direction") or "max")),
                   parameters=[ParameterRange.from_dict(p) for p in data.get("parameters") or []],
                   strategy=str(data.get("strategy") or "Grid Search"), constraints=constraints,
                   fixed_parameters={str(k): str(v) for k, v in (data.get("fixed_parameters") or {}).items()},
                   window=dict(data.get("window") or {}), max_concurrent=int(data.get("max_concurrent") or 0),
                   child_timeout=float(data["child_timeout"]) if data.get("child_timeout") else None)
