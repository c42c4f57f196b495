"""Specs read and write back unchanged, node by node, and the published JSON Schema matches the language."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from dsl_examples import EXAMPLE_NAMES, KITCHEN_SINK, load_example

from lean_runner.dsl import SpecError, config_from_json, config_schema, from_spec, json_schema, to_spec
from lean_runner.dsl.conditions import AllOf, Comparison, Expression, NotOf, Rule
from lean_runner.dsl.indicators import INDICATORS
from lean_runner.dsl.kinds import ParamRef
from lean_runner.dsl.language import Risk, Sizing, Strategy, Universe


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_reads_back_unchanged(name: str) -> None:
    spec = load_example(name)
    assert to_spec(from_spec(spec)) == spec


def test_spec_with_every_node_reads_back_unchanged() -> None:
    strategy = from_spec(KITCHEN_SINK)
    assert isinstance(strategy, Strategy)
    assert to_spec(strategy) == KITCHEN_SINK
    assert to_spec(from_spec(copy.deepcopy(KITCHEN_SINK))) == KITCHEN_SINK


NODES: list[tuple[type, dict[str, Any]]] = [
    (Expression, {"indicator": "bollinger", "params": {"window": {"param": "w"}, "k": 1.5}, "output": "upper",
                  "lag": 2}),
    (Comparison, {"indicator": "price", "op": "crosses_below", "value": {"indicator": "sma", "params": {"window": 3}}}),
    (AllOf, {"all": [{"not": {"indicator": "volume", "op": ">", "value": 0}}]}),
    (NotOf, {"not": {"any": [{"indicator": "rsi", "op": "<", "value": {"param": "low"}}]}}),
    (Rule, {"conditions": [{"indicator": "returns", "op": ">=", "value": 0}], "logic": "any"}),
    (Universe, {"name": "SP500"}),
    (Sizing, {"method": "volatility_target", "target_volatility": 0.1, "max_weight": {"param": "cap"},
              "rank_by": {"indicator": "roc", "params": {"window": 20}}, "rank_order": "asc"}),
    (Risk, {"trailing_stop": 0.1, "volatility_cap": {"max_volatility": 0.5, "window": 30}}),
]


@pytest.mark.parametrize(("model", "node"), NODES, ids=[m.__name__ for m, _ in NODES])
def test_every_node_kind_reads_back_unchanged(model: type, node: dict[str, Any]) -> None:
    built = from_spec(node, model)
    assert isinstance(built, model)
    assert to_spec(built) == node


def test_parameter_references_become_param_refs() -> None:
    built = from_spec({"indicator": "sma", "params": {"window": {"param": "fast"}}}, Expression)
    assert built.params == {"window": ParamRef("fast")}


def test_from_spec_of_an_invalid_spec_raises_with_the_report() -> None:
    with pytest.raises(SpecError, match=r"^universe: Missing required key 'universe'") as raised:
        from_spec({"version": 1, "entry": {"conditions": [{"indicator": "x", "op": ">", "value": 1}]}})
    assert [e.path for e in raised.value.report.errors] == ["universe", "entry.conditions[0].indicator"]


def test_config_reads_with_documented_defaults() -> None:
    config = config_from_json({"slippage_model": "basic"})
    assert (config.start.isoformat(), config.end.isoformat(), config.capital) == ("2015-01-01", "2020-12-31", 100000)
    assert config.slippage_fraction == 0.0005
    assert config_from_json({}).slippage_fraction == 0.0


def test_json_schema_is_a_valid_schema_that_accepts_every_example() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in EXAMPLE_NAMES:
        jsonschema.validate(load_example(name), schema)
    jsonschema.validate(KITCHEN_SINK, schema)
    jsonschema.Draft202012Validator.check_schema(config_schema())
    jsonschema.validate({"universe_override": "SP500", "start_date": "2015-01-01", "end_date": "2024-12-31",
                         "initial_capital": 100000, "transaction_cost_bps": 5, "slippage_model": "basic"},
                        config_schema())


@pytest.mark.parametrize("mutation", [
    {"exitt": {}}, {"version": 2}, {"resolution": "weekly"}, {"universe": {"symbols": ["spy"]}},
    {"entry": {"conditions": [{"indicator": "smaa", "op": ">", "value": 1}]}},
    {"entry": {"conditions": [{"indicator": "sma", "params": {"window": 0}, "op": ">", "value": 1}]}},
    {"entry": {"conditions": [{"indicator": "bollinger", "op": ">", "value": 1}]}},
    {"entry": {"conditions": [{"indicator": "rsi", "params": {"windw": 3}, "op": ">", "value": 1}]}},
])
def test_json_schema_rejects_what_the_validator_rejects(mutation: dict[str, Any]) -> None:
    spec = {**load_example("rsi_mean_reversion"), **mutation}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(spec, json_schema())


def test_json_schema_describes_every_indicator_and_its_parameters() -> None:
    schema = json_schema()
    assert schema["$defs"]["Comparison"]["properties"]["indicator"]["enum"] == list(INDICATORS)
    rules = {rule["if"]["properties"]["indicator"]["const"]: rule["then"]
             for rule in schema["$defs"]["Comparison"]["allOf"]}
    for name, definition in INDICATORS.items():
        assert set(rules[name]["properties"]["params"]["properties"]) == {p.name for p in definition.params}
