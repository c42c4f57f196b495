"""Parameter optimization: grid and Euler search, walk-forward, on the warm local pool or a Dask cluster.

:class:`ParameterOptimizer` runs an :class:`OptimizationSpec`'s child backtests on a
:class:`ChildExecutor` and writes lean-cli's ``optimizations/<timestamp>/`` folder; the
service the API, CLI and dashboard call is ``lean_runner.services.optimizations``.
"""

from lean_runner.optimization.children import ChildExecutor, ChildJob, ChildOutcome, LocalChildExecutor, SweepContext
from lean_runner.optimization.errors import (
    OptimizationConflictError,
    OptimizationNotFoundError,
    OptimizationSpecError,
)
from lean_runner.optimization.optimizer import (
    ChildResult,
    OptimizationEvent,
    OptimizationResult,
    ParameterOptimizer,
    read_summary,
)
from lean_runner.optimization.parameters import ParameterRange, grid_points
from lean_runner.optimization.search import EulerSearch, GridSearch
from lean_runner.optimization.spec import OptimizationSpec
from lean_runner.optimization.targets import Constraint, Target, statistic_value

__all__ = ["ChildExecutor", "ChildJob", "ChildOutcome", "ChildResult", "Constraint", "EulerSearch", "GridSearch",
           "LocalChildExecutor", "OptimizationConflictError", "OptimizationEvent", "OptimizationNotFoundError",
           "OptimizationResult", "OptimizationSpec", "OptimizationSpecError", "ParameterOptimizer",
           "ParameterRange", "SweepContext", "Target", "grid_points", "read_summary", "statistic_value"]
