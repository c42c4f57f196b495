"""The value kinds a spec is made of. Each kind checks raw JSON, builds the model value and writes it back.

A kind knows four things about its values: :meth:`Kind.check` (add every problem to the
report, never raise), :meth:`Kind.build` (raw JSON → model, for checked input only),
:meth:`Kind.dump` (model → the same JSON) and :meth:`Kind.schema` (its JSON Schema).
Models are dataclasses whose ``FIELDS`` declare their JSON keys with kinds (:class:`Node`),
so validation, round-tripping and the published JSON Schema all come from one declaration.
This module holds the scalar kinds; ``structures`` the lists, maps, nodes and unions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from lean_runner.dsl.problems import Path, Report, did_you_mean, quoted_list

__all__ = ["Boolean", "Choice", "Context", "DateText", "Integer", "Kind", "Number", "ParamRef", "Text", "Tunable"]


@dataclass
class Context:
    """What a check can see besides its value: the report and the spec's declared parameters."""

    report: Report
    # None: the declarations are not known (a node checked on its own), so references are not checked.
    parameters: Mapping[str, Mapping[str, Any]] | None = field(default_factory=dict)
    used_parameters: set[str] = field(default_factory=set)


class Kind:
    """A kind of JSON value (see the module docstring)."""

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        raise NotImplementedError

    def build(self, value: Any) -> Any:
        return value

    def dump(self, obj: Any) -> Any:
        return obj

    def owns(self, obj: Any) -> bool:
        """Whether a built model value is of this kind (used to dump unions)."""
        return True

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Number(Kind):
    """A JSON number (integers are kept as integers), optionally bounded."""

    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    integer: ClassVar[bool] = False

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not _is_number(value) or (self.integer and not isinstance(value, int)):
            ctx.report.error(path, f"Must be {self.describe()}")
            return False
        if not math.isfinite(value):
            ctx.report.error(path, "Must be a finite number")
            return False
        problem = self.range_problem(value)
        if problem:
            ctx.report.error(path, problem)
        return not problem

    def range_problem(self, value: float) -> str:
        """``"Must be >= 1"`` when ``value`` is out of range, else ``""``."""
        if self.minimum is not None:
            if self.exclusive_minimum and value <= self.minimum:
                return f"Must be > {_show(self.minimum)}"
            if value < self.minimum:
                return f"Must be >= {_show(self.minimum)}"
        if self.maximum is not None and value > self.maximum:
            return f"Must be <= {_show(self.maximum)}"
        return ""

    def owns(self, obj: Any) -> bool:
        return _is_number(obj)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            result["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
        if self.maximum is not None:
            result["maximum"] = self.maximum
        return result

    def describe(self) -> str:
        text = "an integer" if self.integer else "a number"
        bounds = []
        if self.minimum is not None:
            bounds.append(f"{'>' if self.exclusive_minimum else '>='} {_show(self.minimum)}")
        if self.maximum is not None:
            bounds.append(f"<= {_show(self.maximum)}")
        return f"{text} {' and '.join(bounds)}" if bounds else text


@dataclass(frozen=True)
class Integer(Number):
    """A JSON integer (``5.0`` is not one), optionally bounded."""

    integer: ClassVar[bool] = True


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class ParamRef:
    """``{"param": "fast"}``: the value of a declared parameter (its default unless a backtest overrides it)."""

    name: str


@dataclass(frozen=True)
class Tunable(Kind):
    """A number, or a reference to a declared parameter whose type and range fit this place."""

    inner: Number

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, dict):
            if _is_number(value):
                return self.inner.check(value, path, ctx)
            ctx.report.error(path, f"Must be {self.describe()}")
            return False
        extra = [key for key in value if key != "param"]
        for key in extra:
            ctx.report.error((*path, key), f"Unknown key '{key}'; a parameter reference is {{\"param\": NAME}}")
        name = value.get("param")
        if name is None:
            ctx.report.error((*path, "param"), "Missing required key 'param': the name of a declared parameter")
            return False
        if not isinstance(name, str):
            ctx.report.error((*path, "param"), "Must be the name of a declared parameter (a string)")
            return False
        return not extra and self._check_reference(name, (*path, "param"), ctx)

    def _check_reference(self, name: str, path: Path, ctx: Context) -> bool:
        if ctx.parameters is None:
            return True
        declared = ctx.parameters.get(name)
        if declared is None:
            guess = did_you_mean(name, ctx.parameters)
            hint = f"did you mean '{guess}'?" if guess else (
                f"declared: {quoted_list(sorted(ctx.parameters))}" if ctx.parameters
                else "declare it under 'parameters'")
            ctx.report.error(path, f"Unknown parameter '{name}'; {hint}")
            return False
        ctx.used_parameters.add(name)
        path = path[:-1]  # type and range problems belong to the place that uses the parameter
        if self.inner.integer and declared.get("type") != "int":
            ctx.report.error(path, f"Parameter '{name}' is a {declared.get('type')}; this needs an integer "
                                   f"(declare it with \"type\": \"int\")")
            return False
        for label in ("min", "max", "default"):
            bound = declared.get(label)
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                continue
            problem = self.inner.range_problem(bound)
            if problem:
                ctx.report.error(path, f"Parameter '{name}' can be {_show(bound)} (its {label}); {problem[0].lower()}"
                                       f"{problem[1:]} here")
                return False
        return True

    def build(self, value: Any) -> Any:
        return ParamRef(value["param"]) if isinstance(value, dict) else value

    def dump(self, obj: Any) -> Any:
        return {"param": obj.name} if isinstance(obj, ParamRef) else obj

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, ParamRef) or _is_number(obj)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        defs.setdefault("ParamRef", {
            "type": "object", "description": "The value of a declared parameter: {\"param\": NAME}.",
            "properties": {"param": {"type": "string"}}, "required": ["param"], "additionalProperties": False})
        return {"oneOf": [self.inner.schema(defs), {"$ref": "#/$defs/ParamRef"}]}

    def describe(self) -> str:
        return f"{self.inner.describe()} or a parameter reference like {{\"param\": \"fast\"}}"


@dataclass(frozen=True)
class Boolean(Kind):
    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, bool):
            ctx.report.error(path, "Must be true or false")
            return False
        return True

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "boolean"}

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Text(Kind):
    """A string, optionally matching a pattern that ``pattern_doc`` explains."""

    pattern: str | None = None
    pattern_doc: str = ""
    min_length: int = 0

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, str):
            ctx.report.error(path, f"Must be {self.describe()}")
            return False
        if len(value) < self.min_length:
            ctx.report.error(path, "Must not be empty")
            return False
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            ctx.report.error(path, f"'{value}' is not {self.pattern_doc}")
            return False
        return True

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, str)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"type": "string"}
        if self.pattern is not None:
            result["pattern"] = f"^(?:{self.pattern})$"
        if self.min_length:
            result["minLength"] = self.min_length
        return result

    def describe(self) -> str:
        return f"a string ({self.pattern_doc})" if self.pattern_doc else "a string"


@dataclass(frozen=True)
class DateText(Text):
    """A calendar date written ``YYYY-MM-DD``."""

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            ctx.report.error(path, "Must be a date written YYYY-MM-DD, like \"2015-01-31\"")
            return False
        return True

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few strings; a near miss gets a did-you-mean."""

    values: tuple[str, ...]
    what: str = "value"

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if isinstance(value, str) and value in self.values:
            return True
        if isinstance(value, str):
            guess = did_you_mean(value, self.values)
            hint = f"did you mean '{guess}'?" if guess else f"must be one of {quoted_list(self.values)}"
            ctx.report.error(path, f"Unknown {self.what} '{value}'; {hint}")
        else:
            ctx.report.error(path, f"Must be {self.describe()}")
        return False

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, str)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}

    def describe(self) -> str:
        return f"one of {quoted_list(self.values)}"
