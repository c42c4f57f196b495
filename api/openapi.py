"""The OpenAPI 3.1 document, generated from the route list and the pydantic models that validate and shape bodies.

The DSL's own JSON Schemas (the strategy spec and the backtest config) are placed under
``components/schemas`` as they are, with their internal references re-pointed there.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import pydantic
from pydantic.json_schema import models_json_schema

from api.operations import Operation
from api.routes import REST_ROUTES
from lean_runner.dsl import config_schema, json_schema
from lean_runner.services import models

# The DSL's own schemas, referenced as they are from the models' fields that hold a spec or a config.
_DSL_FIELDS = (("CreateStrategyRequest", "json_spec", "StrategySpec"),
               ("CreateVersionRequest", "json_spec", "StrategySpec"),
               ("StrategyVersion", "json_spec", "StrategySpec"),
               ("CreateBacktestRequest", "config", "BacktestConfig"),
               ("AgentBacktestRequest", "config", "BacktestConfig"))
# What each path parameter accepts (result folders may also hold dots; the description keeps to the common form).
_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,100}$"
_PATH_PATTERNS = {"name": r"^[A-Za-z_][A-Za-z0-9_\-]{0,99}$", "timestamp": r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,99}$"}
MONITOR_PATH = "/api/v2/backtest/monitor/{backtest_id}"
_STATUS_TEXT = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad request",
                401: "No or unknown token", 403: "Another user's data", 404: "Not found",
                409: "Not allowed in the current state", 413: "Body too large", 422: "Validation failed",
                500: "Server error", 502: "The model endpoint failed or gave no usable answer",
                503: "Engine, database or model endpoint unavailable", 504: "The model endpoint timed out"}


def _embedded(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A standalone JSON Schema placed at ``#/components/schemas/<name>``: its ``#/...`` refs re-pointed."""
    prefix = f"#/components/schemas/{name}"

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: (prefix + value[1:] if key == "$ref" and isinstance(value, str) and value.startswith("#")
                          else walk(value)) for key, value in node.items() if key not in ("$schema", "$id")}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(schema)


def build_openapi(*, server_url: str | None = None) -> dict[str, Any]:
    operations: list[tuple[str, str, Operation]] = []
    for _, handler, path in REST_ROUTES:
        for method, operation in getattr(handler, "operations", {}).items():
            operations.append((path, method, operation))
    used: set[type[pydantic.BaseModel]] = {models.ErrorBody, models.StrategyV2}
    for _, _, operation in operations:
        used.update(m for m in (operation.body, operation.response) if m is not None)
    modes: tuple[Literal["validation", "serialization"], ...] = ("validation", "serialization")
    keyed = [(model, mode) for model in sorted(used, key=lambda m: m.__name__) for mode in modes]
    refs, definitions = models_json_schema(keyed, ref_template="#/components/schemas/{model}",
                                           by_alias=True)
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    schemas["StrategySpec"] = _embedded(json_schema(), "StrategySpec")
    schemas["BacktestConfig"] = _embedded(config_schema(), "BacktestConfig")
    for model_name, field_name, target in _DSL_FIELDS:
        for name, model_schema in schemas.items():
            if name == model_name or name.startswith(f"{model_name}-"):
                described = model_schema["properties"][field_name]
                model_schema["properties"][field_name] = {"$ref": f"#/components/schemas/{target}",
                                                    "description": described.get("description", "")}

    def ref(model: type[pydantic.BaseModel], mode: str) -> dict[str, Any]:
        return refs[(model, mode)]  # type: ignore[index]

    paths: dict[str, Any] = {}
    for path, method, operation in operations:
        item: dict[str, Any] = {"summary": operation.summary, "operationId": _operation_id(method, path),
                                "tags": list(operation.tags), "responses": {}}
        if operation.description:
            item["description"] = operation.description
        parameters = [{"name": name, "in": "path", "required": True,
                       "schema": {"type": "string", "pattern": _PATH_PATTERNS.get(name, _ID_PATTERN)}}
                      for name in re.findall(r"{(\w+)}", path)]
        for query in operation.query:
            schema: dict[str, Any] = {"type": query.kind}
            for key in ("minimum", "maximum", "default"):
                if getattr(query, key) is not None:
                    schema[key] = getattr(query, key)
            parameters.append({"name": query.name, "in": "query", "required": query.required,
                               "description": query.description, "schema": schema})
        if parameters:
            item["parameters"] = parameters
        if operation.body is not None:
            item["requestBody"] = {"required": True,
                                   "content": {"application/json": {"schema": ref(operation.body, "validation")}}}
        success: dict[str, Any] = {"description": _STATUS_TEXT.get(operation.success, "OK")}
        if operation.response is not None:
            success["content"] = {"application/json": {"schema": ref(operation.response, "serialization")}}
        elif operation.success != 204:  # the strategy list: a JSON array
            success["content"] = {"application/json": {"schema": {
                "type": "array", "items": ref(models.StrategyV2, "serialization")}}}
        item["responses"][str(operation.success)] = success
        errors = set(operation.errors) | {500}
        if operation.body is not None:
            errors |= {400, 413, 422}
        for status in sorted(errors):
            item["responses"][str(status)] = {
                "description": _STATUS_TEXT.get(status, "Error"),
                "content": {"application/json": {"schema": ref(models.ErrorBody, "serialization")}}}
        paths.setdefault(path, {})[method] = item
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "LEAN backtest workbench", "version": "1.0.0",
                 "description": "Both documented APIs: backtesting API v2 (project .py strategies) and the "
                                "strategy & backtest API (DSL strategies, versions, backtests, agent tools). "
                                "The WebSocket "
                                f"`{MONITOR_PATH}` "
                                "streams progress; see docs/api.md."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "Needed off loopback or when tokens are "
                                                                     "configured (WORKBENCH_TOKENS)."}}},
        "security": [{}, {"bearer": []}],
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document


def _operation_id(method: str, path: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path.replace("{", "by_").replace("}", "")) if w]
    return method + "".join(w[:1].upper() + w[1:] for w in words)
