"""Properties over random and mutated specs: the validator never raises, every error path points at a key of the
input (or a missing key of an object in it), and valid specs round-trip unchanged."""

from __future__ import annotations

import copy
from typing import Any

from dsl_examples import EXAMPLE_NAMES, load_example
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lean_runner.dsl import from_spec, to_spec, validate_spec
from lean_runner.dsl.indicators import INDICATORS
from lean_runner.dsl.problems import parse_path

KEYS = ["version", "universe", "symbols", "name", "entry", "exit", "conditions", "logic", "indicator", "params",
        "window", "op", "value", "param", "all", "any", "not", "sizing", "method", "risk", "stop_loss", "rank_by",
        "parameters", "type", "default", "min", "max", "output", "lag", "rebalance", "frequency", "fast", "slow",
        "volatility_cap", "max_volatility", "fraction", "max_positions", "my key", ""]
WORDS = ["sma", "smaa", "rsi", "macd", "bollinger", "news_sentiment", ">", "crosses_above", "all", "any", "daily",
         "int", "float", "SPY", "aapl", "equal_weight", "fixed_fraction", "monthly", "upper", "fast", "x"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(WORDS), st.text(max_size=8))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=25)


def _locations(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*path, index))
    return found


def _resolves(spec: Any, text: str) -> bool:
    """The path names a node of ``spec``, or a key missing from an object of ``spec``."""
    node = spec
    parts = parse_path(text)
    for position, part in enumerate(parts):
        in_object = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_object or in_list:
            node = node[part]
        else:
            return position == len(parts) - 1 and isinstance(node, dict) and isinstance(part, str)
    return True


def _assert_paths_resolve(spec: Any, config: Any = None) -> None:
    report = validate_spec(spec, config)
    for problem in [*report.errors, *report.warnings]:
        if problem.path.startswith("config"):
            assert _resolves({"config": config}, problem.path), problem
        else:
            assert _resolves(spec, problem.path), problem


@st.composite
def mutated_specs(draw: st.DrawFn) -> Any:
    spec = copy.deepcopy(load_example(draw(st.sampled_from(EXAMPLE_NAMES))))
    for _ in range(draw(st.integers(1, 4))):
        locations = _locations(spec)
        path = draw(st.sampled_from(locations))
        if not path:
            continue
        *parents, last = path
        parent: Any = spec
        for part in parents:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add", "rename", "indicator"]))
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(json_values)
        elif action == "rename" and isinstance(parent, dict):
            parent[str(last) + draw(st.sampled_from(["s", "_", "x"]))] = parent.pop(last)
        elif action == "indicator" and isinstance(parent, dict) and "indicator" in parent:
            parent["indicator"] = draw(st.sampled_from(sorted(INDICATORS)))
    return spec


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_validator_never_raises_on_random_json_and_paths_resolve(spec: Any) -> None:
    _assert_paths_resolve(spec)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_validator_never_raises_on_mutated_specs_and_paths_resolve(spec: Any) -> None:
    _assert_paths_resolve(spec)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs(), st.dictionaries(st.sampled_from(["start_date", "end_date", "initial_capital",
                                                         "slippage_model", "slippage_bps", "parameters",
                                                         "universe_override", "transaction_cost_bps", "startdate"]),
                                        json_values, max_size=4))
def test_config_errors_point_into_the_config(spec: Any, config: Any) -> None:
    _assert_paths_resolve(spec, config)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_every_valid_mutation_round_trips_unchanged(spec: Any) -> None:
    if validate_spec(spec).valid:
        assert to_spec(from_spec(spec)) == spec
