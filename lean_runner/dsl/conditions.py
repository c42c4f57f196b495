"""Expressions and conditions: ``{"indicator": ..., "params": ..., "op": ..., "value": ...}``, all/any/not, rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from lean_runner.dsl.indicators import INDICATORS, check_params, params_schema
from lean_runner.dsl.kinds import Choice, Context, Integer, Kind, Number, ParamRef, Text, Tunable
from lean_runner.dsl.problems import Path, did_you_mean, quoted_list
from lean_runner.dsl.structures import Field, ListOf, Node, OneOf

__all__ = ["CONDITION", "EXPRESSION", "OPERATORS", "AllOf", "AnyOf", "Comparison", "Condition", "Expression", "NotOf",
           "Rule", "number_of"]

OPERATORS = (">", "<", ">=", "<=", "crosses_above", "crosses_below")


class Params(Kind):
    """An indicator's ``params`` object; its names and values are checked against the indicator."""

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, dict):
            ctx.report.error(path, "Must be an object of parameter name → value, like {\"window\": 20}")
            return False
        return True

    def build(self, value: Any) -> Any:
        return {k: ParamRef(v["param"]) if isinstance(v, dict) else v for k, v in value.items()}

    def dump(self, obj: Any) -> Any:
        return {k: {"param": v.name} if isinstance(v, ParamRef) else v for k, v in obj.items()}

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object"}

    def describe(self) -> str:
        return "an object of parameter name → value"


def number_of(value: Any, ctx: Context) -> float | None:
    """A literal number, or the default of the declared parameter it refers to."""
    if isinstance(value, dict) and isinstance(value.get("param"), str):
        value = (ctx.parameters or {}).get(value["param"], {}).get("default")
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check_expression(raw: dict[str, Any], path: Path, ctx: Context) -> bool:
    definition = INDICATORS[raw["indicator"]]
    ok = check_params(definition, raw.get("params"), (*path, "params"), ctx)
    output = raw.get("output")
    if output is None and definition.outputs and definition.default_output is None:
        ctx.report.error((*path, "output"), f"Missing required key 'output': '{definition.name}' has outputs "
                                            f"{quoted_list(definition.outputs)}")
        ok = False
    elif output is not None and not definition.outputs:
        ctx.report.error((*path, "output"), f"'{definition.name}' has a single output; remove 'output'")
        ok = False
    elif output is not None and output not in definition.outputs:
        guess = did_you_mean(output, definition.outputs)
        hint = f"did you mean '{guess}'?" if guess else f"must be one of {quoted_list(definition.outputs)}"
        ctx.report.error((*path, "output"), f"Unknown output '{output}' of '{definition.name}'; {hint}")
        ok = False
    params = raw.get("params") or {}
    if ok and definition.name == "macd":
        fast = number_of(params.get("fast", 12), ctx)
        slow = number_of(params.get("slow", 26), ctx)
        if fast is not None and slow is not None and fast >= slow:
            where = (*path, "params", "fast") if "fast" in params else (*path, "params", "slow")
            ctx.report.warn(where, f"'fast' window ({fast}) should be shorter than 'slow' ({slow})")
    return ok


_EXPRESSION_FIELDS = {
    "indicator": Field(Choice(tuple(INDICATORS), "indicator"), "The indicator's name.", required=True),
    "params": Field(Params(), "The indicator's parameters; omitted ones take their defaults."),
    "output": Field(Text(), "Which output of a multi-output indicator (macd, bollinger)."),
    "lag": Field(Integer(minimum=0), "Use the value from this many bars ago.", default=0),
}


def _expression_schema_extra(defs: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for definition in INDICATORS.values():
        then: dict[str, Any] = {"properties": {"params": params_schema(definition, defs)}}
        if definition.outputs:
            then["properties"]["output"] = {"enum": list(definition.outputs)}
            if definition.default_output is None:
                then["required"] = ["output"]
        else:
            then["not"] = {"required": ["output"]}
        rules.append({"if": {"properties": {"indicator": {"const": definition.name}}}, "then": then})
    return {"allOf": rules}


@dataclass(frozen=True, kw_only=True)
class Expression:
    """An indicator value of the symbol being evaluated, e.g. ``{"indicator": "sma", "params": {"window": 50}}``."""

    DOC: ClassVar[str] = "An indicator of the symbol being evaluated."
    SHAPE: ClassVar[str] = "an expression like {\"indicator\": \"sma\", \"params\": {\"window\": 50}}"
    FIELDS: ClassVar[dict[str, Field]] = _EXPRESSION_FIELDS

    indicator: str
    params: dict[str, Any] | None = None
    output: str | None = None
    lag: int | None = None

    check_node = staticmethod(_check_expression)
    schema_extra = staticmethod(_expression_schema_extra)


EXPRESSION = Node(Expression)


def _is_tunable(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, dict) and "param" in value and "indicator" not in value)


@dataclass(frozen=True, kw_only=True)
class Comparison(Expression):
    """``{"indicator": ..., "params": ..., "op": ">", "value": 0.05}``: the expression, compared."""

    DOC: ClassVar[str] = "Compares an indicator of the symbol with a number or another expression."
    SHAPE: ClassVar[str] = "a comparison like {\"indicator\": \"rsi\", \"op\": \"<\", \"value\": 30}"
    FIELDS: ClassVar[dict[str, Field]] = {
        **_EXPRESSION_FIELDS,
        "op": Field(Choice(OPERATORS, "operator"), "How to compare: >, <, >=, <=, crosses_above, crosses_below "
                                                   "(crossing: on this bar and not on the bar before).",
                    required=True),
        "value": Field(OneOf([(_is_tunable, Tunable(Number())), (lambda v: isinstance(v, dict), EXPRESSION)],
                             "a number, a parameter reference like {\"param\": \"threshold\"} or an expression "
                             "like {\"indicator\": \"sma\", \"params\": {\"window\": 200}}"),
                       "What to compare with.", required=True),
    }

    op: str = ">"
    value: Any = None


@dataclass(frozen=True, kw_only=True)
class AllOf:
    DOC: ClassVar[str] = "True when every condition is."
    SHAPE: ClassVar[str] = "{\"all\": [conditions]}"
    FIELDS: ClassVar[dict[str, Field]]
    conditions: tuple[Any, ...]


@dataclass(frozen=True, kw_only=True)
class AnyOf:
    DOC: ClassVar[str] = "True when at least one condition is."
    SHAPE: ClassVar[str] = "{\"any\": [conditions]}"
    FIELDS: ClassVar[dict[str, Field]]
    conditions: tuple[Any, ...]


@dataclass(frozen=True, kw_only=True)
class NotOf:
    DOC: ClassVar[str] = "True when the condition is not."
    SHAPE: ClassVar[str] = "{\"not\": condition}"
    FIELDS: ClassVar[dict[str, Field]]
    condition: Any


def _has(key: str) -> Any:
    return lambda value: isinstance(value, dict) and key in value


CONDITION = OneOf([(_has("all"), Node(AllOf)), (_has("any"), Node(AnyOf)), (_has("not"), Node(NotOf)),
                   (lambda v: isinstance(v, dict), Node(Comparison))],
                  "a condition: a comparison {\"indicator\", \"op\", \"value\"}, {\"all\": [...]}, "
                  "{\"any\": [...]} or {\"not\": {...}}")
Condition = Comparison | AllOf | AnyOf | NotOf
AllOf.FIELDS = {"all": Field(ListOf(CONDITION, min_items=1), "Conditions that must all hold.", required=True,
                             attr="conditions")}
AnyOf.FIELDS = {"any": Field(ListOf(CONDITION, min_items=1), "Conditions of which one must hold.", required=True,
                             attr="conditions")}
NotOf.FIELDS = {"not": Field(CONDITION, "The condition to negate.", required=True, attr="condition")}


@dataclass(frozen=True, kw_only=True)
class Rule:
    DOC: ClassVar[str] = "Conditions evaluated per symbol on each rebalance bar."
    SHAPE: ClassVar[str] = "a rule like {\"conditions\": [...], \"logic\": \"all\"}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "conditions": Field(ListOf(CONDITION, min_items=1), "The rule's conditions.", required=True),
        "logic": Field(Choice(("all", "any"), "logic"), "Whether all conditions must hold, or any one.",
                       default="all"),
    }
    conditions: tuple[Any, ...]
    logic: str | None = None
