"""Kinds that hold other kinds: lists, maps, model nodes (``Node``) and shape-told unions (``OneOf``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from lean_runner.dsl.kinds import Context, Kind
from lean_runner.dsl.problems import Path, did_you_mean

__all__ = ["Field", "ListOf", "MapOf", "Node", "NodeModel", "OneOf"]


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind
    min_items: int = 0
    unique: bool = False

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, list):
            ctx.report.error(path, f"Must be a list of {self.item.describe()}")
            return False
        if len(value) < self.min_items:
            ctx.report.error(path, f"Must hold at least {self.min_items} item{'s' if self.min_items > 1 else ''}")
            return False
        ok = all([self.item.check(item, (*path, i), ctx) for i, item in enumerate(value)])
        if ok and self.unique:
            seen: set[Any] = set()
            for i, item in enumerate(value):
                key = repr(item)
                if key in seen:
                    ctx.report.error((*path, i), f"Duplicate {item!r}; list each once")
                    ok = False
                seen.add(key)
        return ok

    def build(self, value: Any) -> Any:
        return tuple(self.item.build(item) for item in value)

    def dump(self, obj: Any) -> Any:
        return [self.item.dump(item) for item in obj]

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, tuple)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {"type": "array", "items": self.item.schema(defs)}
        if self.min_items:
            result["minItems"] = self.min_items
        if self.unique:
            result["uniqueItems"] = True
        return result

    def describe(self) -> str:
        return f"a list of {self.item.describe()}"


@dataclass(frozen=True)
class MapOf(Kind):
    """An object with free keys (matching ``key_pattern``) and values of one kind."""

    value: Kind
    key_pattern: str
    key_doc: str

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, dict):
            ctx.report.error(path, f"Must be an object of {self.key_doc} → {self.value.describe()}")
            return False
        ok = True
        for key, item in value.items():
            if not re.fullmatch(self.key_pattern, key):
                ctx.report.error((*path, key), f"'{key}' is not {self.key_doc}")
                ok = False
            ok = self.value.check(item, (*path, key), ctx) and ok
        return ok

    def build(self, value: Any) -> Any:
        return {key: self.value.build(item) for key, item in value.items()}

    def dump(self, obj: Any) -> Any:
        return {key: self.value.dump(item) for key, item in obj.items()}

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, dict)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "propertyNames": {"pattern": f"^(?:{self.key_pattern})$"},
                "additionalProperties": self.value.schema(defs)}

    def describe(self) -> str:
        return f"an object of {self.key_doc} → {self.value.describe()}"


@dataclass(frozen=True)
class Field:
    """One key of a node: its kind, whether it is required, what it means, and its default when absent."""

    kind: Kind
    doc: str
    required: bool = False
    attr: str | None = None
    default: Any = None


class NodeModel(Protocol):
    FIELDS: ClassVar[dict[str, Field]]
    DOC: ClassVar[str]


@dataclass(frozen=True)
class Node(Kind):
    """An object whose keys are declared by a model class's ``FIELDS``.

    Unknown keys are errors with a did-you-mean; after its fields pass, the class's optional
    ``check_node(raw, path, ctx)`` runs the checks that involve several keys.
    """

    model: type

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        if not isinstance(value, dict):
            ctx.report.error(path, f"Must be {self.describe()}")
            return False
        fields: dict[str, Field] = self.model.FIELDS  # type: ignore[attr-defined]
        ok = True
        for key in value:
            if key not in fields:
                guess = did_you_mean(key, fields)
                hint = f"did you mean '{guess}'?" if guess else f"allowed keys: {', '.join(fields)}"
                ctx.report.error((*path, key), f"Unknown key '{key}'; {hint}")
                ok = False
        for key, spec in fields.items():
            if key in value:
                ok = spec.kind.check(value[key], (*path, key), ctx) and ok
            elif spec.required:
                ctx.report.error((*path, key), f"Missing required key '{key}': {spec.doc}")
                ok = False
        hook: Callable[[dict[str, Any], Path, Context], bool] | None = getattr(self.model, "check_node", None)
        if ok and hook is not None:
            ok = hook(value, path, ctx)
        return ok

    def build(self, value: Any) -> Any:
        fields: dict[str, Field] = self.model.FIELDS  # type: ignore[attr-defined]
        return self.model(**{spec.attr or key: spec.kind.build(value[key])
                             for key, spec in fields.items() if key in value})

    def dump(self, obj: Any) -> Any:
        fields: dict[str, Field] = self.model.FIELDS  # type: ignore[attr-defined]
        result = {}
        for key, spec in fields.items():
            item = getattr(obj, spec.attr or key)
            if item is not None:
                result[key] = spec.kind.dump(item)
        return result

    def owns(self, obj: Any) -> bool:
        return isinstance(obj, self.model)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        name = self.model.__name__
        if name not in defs:
            defs[name] = {}  # placeholder: recursive models refer to themselves
            fields: dict[str, Field] = self.model.FIELDS  # type: ignore[attr-defined]
            properties = {}
            for key, spec in fields.items():
                prop = {**spec.kind.schema(defs), "description": spec.doc}
                if spec.default is not None:
                    prop["default"] = spec.default
                properties[key] = prop
            body: dict[str, Any] = {"type": "object", "description": self.model.DOC,  # type: ignore[attr-defined]
                                    "properties": properties, "additionalProperties": False}
            required = [key for key, spec in fields.items() if spec.required]
            if required:
                body["required"] = required
            extra: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(self.model, "schema_extra", None)
            if extra is not None:
                body.update(extra(defs))
            defs[name] = body
        return {"$ref": f"#/$defs/{name}"}

    def describe(self) -> str:
        return str(getattr(self.model, "SHAPE", f"an object ({self.model.__name__})"))


@dataclass(frozen=True)
class OneOf(Kind):
    """A union told apart by the raw value's shape: the first option whose test accepts the value checks it."""

    options: Sequence[tuple[Callable[[Any], bool], Kind]]
    what: str

    def _pick(self, value: Any) -> Kind | None:
        return next((kind for test, kind in self.options if test(value)), None)

    def check(self, value: Any, path: Path, ctx: Context) -> bool:
        kind = self._pick(value)
        if kind is None:
            ctx.report.error(path, f"Must be {self.what}")
            return False
        return kind.check(value, path, ctx)

    def build(self, value: Any) -> Any:
        kind = self._pick(value)
        assert kind is not None, "build() takes checked values only"
        return kind.build(value)

    def dump(self, obj: Any) -> Any:
        kind = next(kind for _, kind in self.options if kind.owns(obj))
        return kind.dump(obj)

    def owns(self, obj: Any) -> bool:
        return any(kind.owns(obj) for _, kind in self.options)

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"oneOf": [kind.schema(defs) for _, kind in self.options]}

    def describe(self) -> str:
        return self.what
