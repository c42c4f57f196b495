"""Expressions and conditions as generated Python: feature keys and constructors, ``compare(...)`` calls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lean_runner.dsl import codegen_library as lib
from lean_runner.dsl.indicators import INDICATORS, resolved_params
from lean_runner.dsl.kinds import ParamRef
from lean_runner.dsl.language import AllOf, AnyOf, Comparison, Expression, NotOf, Rule

__all__ = ["FeatureTable", "condition_code", "describe", "describe_condition", "literal", "rule_method"]


@dataclass
class FeatureTable:
    """The distinct indicator expressions of a spec, each with a readable key and a constructor."""

    constructors: dict[str, str] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)

    def key(self, expression: Expression) -> str:
        definition = INDICATORS[expression.indicator]
        params = resolved_params(definition, expression.params)
        parts = [expression.indicator]
        for param in definition.params:
            value = params[param.name]
            if isinstance(value, ParamRef):
                parts.append(value.name)
            elif isinstance(value, bool):
                parts.extend([] if value == param.default else [f"{param.name}_{str(value).lower()}"])
            else:
                parts.append(re.sub(r"\W", "p", str(value)))
        if definition.outputs:
            parts.append(expression.output or definition.default_output or "")
        if expression.lag:
            parts.append(f"lag{expression.lag}")
        key = "_".join(parts)
        if key not in self.constructors:
            class_name, _ = lib.FEATURE_CLASSES[expression.indicator]
            self.classes.add(class_name)
            arguments = [literal(params[p.name]) for p in definition.params]
            if definition.outputs:
                arguments.append(repr(expression.output or definition.default_output))
            if expression.indicator in ("rolling_max", "rolling_min"):
                arguments.append(f"highest={expression.indicator == 'rolling_max'}")
            if expression.lag:
                arguments.append(f"lag={expression.lag}")
            self.constructors[key] = f"{class_name}({', '.join(arguments)})"
        return key

    def ref(self, expression: Expression) -> str:
        return f's.f["{self.key(expression)}"]'


def literal(value: Any) -> str:
    if isinstance(value, ParamRef):
        return f"self.param_{value.name}"
    return repr(value)


def describe(expression: Expression) -> str:
    """``sma(window=fast)``, ``macd(fast=12).signal``, ``sma(window=20)[1 bar ago]``."""
    params = ", ".join(f"{k}={v.name if isinstance(v, ParamRef) else v}" for k, v in (expression.params or {}).items())
    text = f"{expression.indicator}({params})"
    if expression.output:
        text += f".{expression.output}"
    if expression.lag:
        text += f"[{expression.lag} bar{'s' if expression.lag > 1 else ''} ago]"
    return text


def describe_condition(condition: Any) -> str:
    if isinstance(condition, Comparison):
        value = condition.value
        right = describe(value) if isinstance(value, Expression) else (
            value.name if isinstance(value, ParamRef) else repr(value))
        return f"{describe(condition)} {condition.op} {right}"
    if isinstance(condition, NotOf):
        return f"not ({describe_condition(condition.condition)})"
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return "(" + joiner.join(describe_condition(c) for c in condition.conditions) + ")"


def condition_code(condition: Any, features: FeatureTable) -> str:
    if isinstance(condition, Comparison):
        value = condition.value
        left = features.ref(condition)
        right = features.ref(value) if isinstance(value, Expression) else literal(value)
        return f'compare({left}, "{condition.op}", {right})'
    if isinstance(condition, NotOf):
        return f"not {condition_code(condition.condition, features)}"
    assert isinstance(condition, AllOf | AnyOf)
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return "(" + joiner.join(condition_code(c, features) for c in condition.conditions) + ")"


def rule_method(name: str, title: str, rule: Rule, features: FeatureTable) -> str:
    logic = rule.logic or "all"
    lines = [f"    def {name}(self, s: SymbolState) -> bool:",
             f'        """{title} ({logic} of):']
    lines += [f"        - {describe_condition(c)}" for c in rule.conditions]
    lines.append('        """')
    joiner = "and" if logic == "all" else "or"
    codes = [condition_code(c, features) for c in rule.conditions]
    if len(codes) == 1:
        lines.append(f"        return {codes[0]}")
    else:
        lines.append("        return (")
        lines.append(f"            {codes[0]}")
        lines += [f"            {joiner} {code}" for code in codes[1:]]
        lines.append("        )")
    return "\n".join(lines)
