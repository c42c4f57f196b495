"""The project's ``.py`` strategies: list, describe (docstring, parameters), read and save their source.

A strategy is a top-level ``.py`` file of the LEAN project; its name is the file's stem.
Its parameters are the names it reads with ``get_parameter`` (typed by the default it
passes) and the project ``config.json`` parameters its source mentions; ``required`` means
neither the source nor ``config.json`` gives a default.

Example::

    project = ProjectStrategies(Path("test-project"))
    project.describe("ema_crossover").parameters["ema-fast"]   # ParameterInfo(type='integer', ...)
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lean_runner.services.errors import BadRequestError, NotFoundError, ValidationFailedError

STRATEGY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,99}")
MAX_SOURCE_BYTES = 1_000_000
_PYTHON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


@dataclass(frozen=True)
class ParameterInfo:
    type: str
    required: bool
    default: str | None = None


@dataclass(frozen=True)
class ProjectStrategy:
    name: str
    path: Path
    description: str
    last_modified: datetime
    parameters: dict[str, ParameterInfo] = field(default_factory=dict)


def check_strategy_name(name: object) -> str:
    """``name`` if it names a file directly in the project (no folders, no ``..``); raises BadRequestError."""
    if not isinstance(name, str) or not STRATEGY_NAME.fullmatch(name):
        raise BadRequestError(f"'{name}' is not a strategy name: use the .py file's stem, letters, digits, '_' "
                              f"and '-' (e.g. 'main')", details=[{"path": "strategy_name", "message": "invalid"}])
    return name


class ProjectStrategies:
    """The ``.py`` strategies at the top of ``project``."""

    def __init__(self, project: Path) -> None:
        self.project = project.resolve()
        # Listings parse every file; a file whose size and modification time are unchanged is not parsed again.
        self._listed: dict[Path, tuple[tuple[int, int], ProjectStrategy]] = {}

    def path_of(self, name: object) -> Path:
        """The file of strategy ``name`` (it may not exist yet); never a path outside the project."""
        path = (self.project / f"{check_strategy_name(name)}.py").resolve()
        if path.parent != self.project:
            raise BadRequestError(f"'{name}' would leave the project folder")
        return path

    def list(self) -> list[ProjectStrategy]:
        """Every strategy, by name, with its description (parameters are read by :meth:`describe`)."""
        strategies = []
        for path in sorted(self.project.glob("*.py")):
            if path.is_file() and not path.is_symlink() and STRATEGY_NAME.fullmatch(path.stem):
                strategies.append(self._listed_strategy(path))
        return strategies

    def _listed_strategy(self, path: Path) -> ProjectStrategy:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._listed.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        strategy = self._read(path, with_parameters=False)
        self._listed[path] = (key, strategy)
        return strategy

    def describe(self, name: object) -> ProjectStrategy:
        path = self.path_of(name)
        if not path.is_file():
            known = ", ".join(s.name for s in self.list()) or "none"
            raise NotFoundError(f"no strategy '{name}' in {self.project} (known: {known})")
        return self._read(path, with_parameters=True)

    def read_source(self, name: object) -> str:
        return self.describe(name).path.read_text(encoding="utf-8")

    def save_source(self, name: object, source: str) -> ProjectStrategy:
        """Write a strategy's source after checking that it is Python; raises ValidationFailedError with the line."""
        path = self.path_of(name)
        if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise ValidationFailedError(f"the source is over {MAX_SOURCE_BYTES:,} bytes",
                                        details=[{"path": "source", "message": "too large"}])
        try:
            ast.parse(source, filename=path.name)
        except SyntaxError as error:
            where = f"line {error.lineno}, column {error.offset}" if error.lineno else "unknown place"
            raise ValidationFailedError(f"{path.name} has a syntax error at {where}: {error.msg}",
                                        details=[{"path": f"source:{error.lineno or 0}:{error.offset or 0}",
                                                  "message": error.msg}]) from None
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(source, encoding="utf-8")
        os.replace(temporary, path)
        return self.describe(name)

    # -- reading ---------------------------------------------------------------------------------------------
    def _read(self, path: Path, *, with_parameters: bool) -> ProjectStrategy:
        try:
            source = path.read_text(encoding="utf-8")
            tree: ast.Module | None = ast.parse(source)
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            source, tree = "", None
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        parameters = _parameters(tree, source, self._config_parameters()) if with_parameters and tree else {}
        return ProjectStrategy(name=path.stem, path=path, description=_description(tree), last_modified=modified,
                               parameters=parameters)

    def _config_parameters(self) -> dict[str, str]:
        try:
            data = json.loads((self.project / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        parameters = data.get("parameters") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in parameters.items()} if isinstance(parameters, dict) else {}


def _description(tree: ast.Module | None) -> str:
    """The module's docstring, else the first QCAlgorithm-like class's, else ''. First paragraph only."""
    if tree is None:
        return ""
    text = ast.get_docstring(tree)
    if not text:
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and ast.get_docstring(node):
                text = ast.get_docstring(node)
                break
    return (text or "").strip().split("\n\n")[0].replace("\n", " ").strip()


def _parameters(tree: ast.Module, source: str, config: dict[str, str]) -> dict[str, ParameterInfo]:
    found: dict[str, ParameterInfo] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get_parameter", "GetParameter") and node.args):
            continue
        name = _literal(node.args[0])
        if not isinstance(name, str):
            continue
        default_node = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg in ("default_value", "defaultValue")), None)
        default = _literal(default_node) if default_node is not None else None
        kind = _PYTHON_TYPES.get(type(default), "string")
        in_config = config.get(name)
        text_default = in_config if in_config is not None else (None if default is None else str(default))
        found[name] = ParameterInfo(type=kind, required=text_default is None, default=text_default)
    for name, value in config.items():
        if name not in found and (f'"{name}"' in source or f"'{name}'" in source):
            found[name] = ParameterInfo(type=_type_of_text(value), required=False, default=value)
    return dict(sorted(found.items()))


def _literal(node: ast.AST | None) -> Any:
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


def _type_of_text(text: str) -> str:
    for kind, convert in (("integer", int), ("number", float)):
        try:
            convert(text)
            return kind
        except ValueError:
            continue
    return "boolean" if text.lower() in ("true", "false") else "string"
