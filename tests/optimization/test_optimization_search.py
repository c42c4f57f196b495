"""Search strategies, parameter ranges, targets and constraints, on synthetic objectives (no engine)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from lean_runner.optimization import (
    ChildJob,
    ChildOutcome,
    Constraint,
    EulerSearch,
    GridSearch,
    OptimizationSpec,
    OptimizationSpecError,
    ParameterOptimizer,
    ParameterRange,
    SweepContext,
    Target,
    read_summary,
    statistic_value,
)
from lean_runner.optimization.search import PointKey, SearchStrategy, point_key

Objective = Callable[[dict[str, str]], float]


def _bowl(a: float, b: float) -> Objective:
    """A smooth single-peaked objective with its maximum (0) at ``(a, b)``."""
    return lambda p: -((float(p["x"]) - a) ** 2) - 3 * (float(p["y"]) - b) ** 2


def _drive(strategy: SearchStrategy, objective: Objective) -> dict[PointKey, float]:
    losses: dict[PointKey, float | None] = {}
    while batch := strategy.next_batch(losses):
        for point in batch:
            assert point_key(point) not in losses, "a strategy proposed a point twice"
            losses[point_key(point)] = -objective(point)
    return {key: value for key, value in losses.items() if value is not None}


RANGES = [ParameterRange("x", 1, 60, 1), ParameterRange("y", 0, 3, 0.1)]


@pytest.mark.parametrize(("a", "b"), [(37, 1.7), (1, 0.0), (60, 3.0), (22, 0.3)])
def test_grid_and_euler_search_find_the_known_best_of_a_bowl(a: float, b: float) -> None:
    expected = {"x": str(int(a)), "y": format(b, "g") if b != int(b) else str(b)}
    for strategy in (GridSearch(RANGES), EulerSearch(RANGES)):
        losses = _drive(strategy, _bowl(a, b))
        best = dict(min(losses, key=lambda key: losses[key]))
        assert float(best["x"]) == a and float(best["y"]) == pytest.approx(b), (strategy.name, best, expected)


def test_euler_search_runs_far_fewer_backtests_than_the_grid() -> None:
    grid = _drive(GridSearch(RANGES), _bowl(37, 1.7))
    euler = _drive(EulerSearch(RANGES), _bowl(37, 1.7))
    assert len(grid) == 60 * 31
    assert len(euler) < len(grid) / 5


@pytest.mark.parametrize(("rng", "values", "texts"), [
    (ParameterRange("p", 5, 20, 5), [5, 10, 15, 20], ["5", "10", "15", "20"]),
    (ParameterRange("p", 0, 0.3, 0.1), [0.0, 0.1, 0.2, 0.3], ["0", "0.1", "0.2", "0.3"]),
    (ParameterRange("p", 1, 10, 4), [1, 5, 9], ["1", "5", "9"]),
    (ParameterRange("p", 7, 7, 1), [7], ["7"]),
])
def test_parameter_ranges_are_exact_lattices(rng: ParameterRange, values: list[float], texts: list[str]) -> None:
    assert rng.values() == values
    assert [rng.text(v) for v in rng.values()] == texts


@pytest.mark.parametrize(("low", "high", "step", "message"), [
    (10, 5, 1, "below min"), (1, 5, 0, "step must be more than 0"), (1, float("inf"), 1, "finite"),
    (0, 1e6, 1, "more than 100,000 values; take a larger step")])
def test_a_bad_parameter_range_says_how_to_fix_it(low: float, high: float, step: float, message: str) -> None:
    with pytest.raises(OptimizationSpecError, match=message):
        ParameterRange("p", low, high, step)


@pytest.mark.parametrize(("text", "value"), [
    ("0.716", 0.716), ("12.5%", 0.125), ("$1,234.50", 1234.5), ("-3.2%", -0.032), ("", None), ("-", None),
    ("SPY R735QTJ8XC9X", None)])
def test_statistic_values_read_lean_formatting(text: str, value: float | None) -> None:
    assert statistic_value(text) == (pytest.approx(value) if value is not None else None)


STATISTICS = {"Sharpe Ratio": "1.2", "Drawdown": "20.100%", "Total Orders": "12"}


@pytest.mark.parametrize(("constraint", "holds"), [
    ("Drawdown < 0.25", True), ("Drawdown < 0.2", False), ("Sharpe Ratio >= 1.2", True),
    ("TotalPerformance.PortfolioStatistics.SharpeRatio > 1.5", False), ("Total Orders == 12", True),
    ("Total Orders != 12", False), ("Alpha > 0", False)])
def test_constraints_compare_lean_statistics(constraint: str, holds: bool) -> None:
    assert Constraint.parse(constraint).holds(STATISTICS) is holds


def test_constraints_round_trip_through_lean_cli_objects() -> None:
    constraint = Constraint.parse("Drawdown <= 0.25")
    assert constraint.to_dict() == {"target": "Drawdown", "operator": "lessOrEqual", "target-value": 0.25}
    assert Constraint.from_dict(constraint.to_dict()) == constraint


@pytest.mark.parametrize("text", ["Drawdown", "Drawdown < a lot", "< 3"])
def test_an_unreadable_constraint_is_a_validation_error(text: str) -> None:
    with pytest.raises(OptimizationSpecError, match=r"Drawdown < 0\.25|not a number"):
        Constraint.parse(text)


def test_targets_accept_lean_cli_paths_and_directions() -> None:
    assert Target("TotalPerformance.PortfolioStatistics.SharpeRatio").value(STATISTICS) == 1.2
    assert Target("Drawdown", "min").better(0.1, 0.2)
    with pytest.raises(OptimizationSpecError, match="max or min"):
        Target("Drawdown", "lowest")


class SyntheticExecutor:
    """Children whose statistics come from a formula: the optimizer's bookkeeping without an engine."""

    def __init__(self, sharpe: Objective, drawdown: Objective) -> None:
        self._sharpe, self._drawdown = sharpe, drawdown

    def run(self, context: SweepContext, jobs: Sequence[ChildJob], on_done: Callable[[ChildOutcome], None],
            cancel: threading.Event) -> None:
        for job in jobs:
            point = dict(job.parameters)
            on_done(ChildOutcome(job, "completed", {"Sharpe Ratio": f"{self._sharpe(point):.4f}",
                                                    "Drawdown": f"{self._drawdown(point) * 100:.3f}%"}))


@pytest.fixture
def declared_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_text("# an algorithm the synthetic executor never runs\n")
    (project / "config.json").write_text(json.dumps({"parameters": {"x": "1", "y": "0"}}))
    return project


@pytest.mark.parametrize("strategy", ["Grid Search", "Euler Search"])
def test_the_optimizer_marks_the_best_child_that_meets_the_constraints(declared_project: Path, tmp_path: Path,
                                                                     strategy: str) -> None:
    # The unconstrained peak (37, 1.7) has a drawdown over the limit; the best allowed point is x = 30.
    executor = SyntheticExecutor(_bowl(37, 1.7), lambda p: 0.1 if float(p["x"]) <= 30 else 0.5)
    spec = OptimizationSpec(algorithm="main.py", strategy=strategy, target=Target("Sharpe Ratio", "max"),
                            parameters=RANGES, constraints=[Constraint.parse("Drawdown < 0.25")])
    optimizer = ParameterOptimizer(executor=executor, data_folder=tmp_path)
    result = optimizer.run(spec, project=declared_project, folder=declared_project / "optimizations" / "run")
    assert result.best is not None and result.best.parameters == {"x": "30", "y": "1.7"}
    summary = read_summary(result.folder)
    assert [c["backtest_id"] for c in summary["children"] if c["best"]] == [result.best.backtest_id]
    assert summary["best"]["parameters"] == {"x": "30", "y": "1.7"}
    config = json.loads((result.folder / "optimizer-config.json").read_text())
    assert config["optimization-criterion"] == {"target": "Sharpe Ratio", "extremum": "max"}
    assert config["constraints"] == [{"target": "Drawdown", "operator": "less", "target-value": 0.25}]
    log = (result.folder / "log.txt").read_text()
    assert f"ParameterSet: (x:30,y:1.7) backtestId '{result.best.backtest_id}'" in log
    assert log.count("ParameterSet: (") == 1  # lean-cli takes the first such line as the optimum


def test_an_optimization_spec_round_trips_through_its_dict() -> None:
    spec = OptimizationSpec(algorithm="main.py", strategy="euler", target=Target("Drawdown", "min"), parameters=RANGES,
                            constraints=[Constraint.parse("Sharpe Ratio >= 0.5")], fixed_parameters={"z": "1"},
                            window={"start-date": "2013-01-01"}, max_concurrent=3, child_timeout=30)
    again = OptimizationSpec.from_dict(spec.to_dict())
    assert again.to_dict() == spec.to_dict() and again.strategy_name == "Euler Search"
    with pytest.raises(OptimizationSpecError, match="unknown keys: targt"):
        OptimizationSpec.from_dict({**spec.to_dict(), "targt": "x"})


def test_a_grid_too_large_to_run_is_refused_with_the_way_out() -> None:
    ranges = [ParameterRange(name, 0, 999, 1) for name in ("a", "b")]
    with pytest.raises(OptimizationSpecError, match=r"1,000,000 points.*use Euler Search"):
        OptimizationSpec(algorithm="main.py", target=Target("Sharpe Ratio"), parameters=ranges)
    assert OptimizationSpec(algorithm="main.py", target=Target("Sharpe Ratio"), parameters=ranges,
                            strategy="Euler Search").strategy_name == "Euler Search"


def test_an_undeclared_parameter_is_refused_before_any_backtest(declared_project: Path, tmp_path: Path) -> None:
    spec = OptimizationSpec(algorithm="main.py", target=Target("Sharpe Ratio"),
                            parameters=[ParameterRange("ema-fast", 1, 3, 1)])
    optimizer = ParameterOptimizer(executor=SyntheticExecutor(_bowl(0, 0), _bowl(0, 0)), data_folder=tmp_path)
    with pytest.raises(OptimizationSpecError, match="declares no parameter 'ema-fast'") as raised:
        optimizer.run(spec, project=declared_project, folder=tmp_path / "never")
    assert raised.value.details == [{"path": "parameters.ema-fast", "message": "not declared by the strategy"}]
    assert not (tmp_path / "never").exists()


def test_an_isolated_peak_is_warned_about(declared_project: Path, tmp_path: Path) -> None:
    spike: Objective = lambda p: 5.0 if p["x"] == "3" else 0.5  # noqa: E731
    spec = OptimizationSpec(algorithm="main.py", target=Target("Sharpe Ratio"),
                            parameters=[ParameterRange("x", 1, 5, 1)])
    result = ParameterOptimizer(executor=SyntheticExecutor(spike, lambda p: 0.1), data_folder=tmp_path).run(
        spec, project=declared_project, folder=tmp_path / "spike")
    assert result.stability is not None and result.stability.isolated_peak
    assert any("isolated peak" in warning for warning in result.warnings)
    smooth = ParameterOptimizer(executor=SyntheticExecutor(lambda p: 5 - abs(float(p["x"]) - 3) * 0.1,
                                                           lambda p: 0.1), data_folder=tmp_path).run(
        spec, project=declared_project, folder=tmp_path / "smooth")
    assert smooth.stability is not None and not smooth.stability.isolated_peak and smooth.warnings == []
