"""Read and write specs: ``from_spec`` (checked JSON → model), ``to_spec`` (model → the same JSON), the JSON Schema.

Example::

    strategy = from_spec(json.loads(Path("test-project/strategies/rsi_mean_reversion.json").read_text()))
    assert to_spec(strategy) == json.loads(Path("test-project/strategies/rsi_mean_reversion.json").read_text())
"""

from __future__ import annotations

from typing import Any

from lean_runner.dsl.config import CONFIG, BacktestConfig
from lean_runner.dsl.kinds import Context
from lean_runner.dsl.language import STRATEGY, Strategy
from lean_runner.dsl.problems import Report
from lean_runner.dsl.structures import Node
from lean_runner.dsl.validation import validate_spec

__all__ = ["SCHEMA_ID", "SpecError", "config_from_json", "config_schema", "from_spec", "json_schema", "to_spec"]

SCHEMA_ID = "https://lean-workbench.local/schemas/strategy-spec-v1.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


class SpecError(ValueError):
    """A spec or config that does not validate; ``report`` holds every problem."""

    def __init__(self, report: Report) -> None:
        first = report.errors[0] if report.errors else None
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        super().__init__(f"{first.path or '(spec)'}: {first.message}{more}" if first else "invalid spec")
        self.report = report


def from_spec(spec: Any, model: type = Strategy) -> Any:
    """The model of a checked spec (a :class:`Strategy` unless ``model`` names a node class).

    Raises :class:`SpecError` with every problem when the JSON does not validate. A node
    checked on its own (``model`` other than ``Strategy``) accepts any parameter reference.
    """
    if model is Strategy:
        report = validate_spec(spec)
    else:
        report = Report()
        Node(model).check(spec, (), Context(report, parameters=None))
    if not report.valid:
        raise SpecError(report)
    return Node(model).build(spec)


def to_spec(node: Any) -> Any:
    """The JSON of a model node, exactly as it was read: ``to_spec(from_spec(s)) == s``."""
    return Node(type(node)).dump(node)


def config_from_json(config: Any) -> BacktestConfig:
    """The model of a backtest config; raises :class:`SpecError` (paths under ``config.``) when invalid."""
    report = Report()
    CONFIG.check(config, ("config",), Context(report, parameters=None))
    if not report.valid:
        raise SpecError(report)
    config_model: BacktestConfig = CONFIG.build(config)
    return config_model


def _document(node: Node, title: str, schema_id: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = node.schema(defs)
    return {"$schema": DRAFT, "$id": schema_id, "title": title, **root, "$defs": defs}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a version 1 strategy spec, generated from the models.

    It describes the shape of a spec; checks that span keys (parameter references and ranges,
    method-specific sizing keys, data availability) are :func:`validate_spec`'s.
    """
    return _document(STRATEGY, "Strategy spec (version 1)", SCHEMA_ID)


def config_schema() -> dict[str, Any]:
    """The JSON Schema of a backtest config."""
    return _document(CONFIG, "Backtest config", SCHEMA_ID.replace("strategy-spec", "backtest-config"))
