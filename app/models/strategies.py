"""The strategies screen: DSL specs (validation with paths and lines, versions, diffs, compiled LEAN code)
and the project's ``.py`` files (syntax checked before saving, never written outside the project).

Example::

    dsl = DslEditorModel(workbench=workbench)
    dsl.spec_text = '{"version": 1, ...}'
    dsl.validate()                 # the view calls it debounced while the user types
    dsl.errors[0]                  # {"path": "entry.conditions[0].params.window", "message": ..., "line": 14}
"""

from __future__ import annotations

import ast
import difflib
import json
from pathlib import Path
from typing import Any

import param

from app.models.json_paths import line_of_path, value_lines
from app.models.messages import message_of, problems_of
from lean_runner.dsl import compile_spec
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import models
from lean_runner.services.access import ANYONE, Caller

NEW_STRATEGY = ""


def pretty(spec: Any) -> str:
    """A spec as the editor shows it: indented, keys in their order."""
    return json.dumps(spec, indent=2)


def spec_diff(old: Any, new: Any, *, old_name: str = "a", new_name: str = "b") -> str:
    """A unified diff of two specs' pretty JSON ('' when equal)."""
    return "".join(difflib.unified_diff(pretty(old).splitlines(keepends=True), pretty(new).splitlines(keepends=True),
                                        fromfile=old_name, tofile=new_name))


class DslEditorModel(param.Parameterized):
    """A DSL spec being edited, its problems, the strategy's versions, diffs and compiled code."""

    strategy_id: param.Selector[str] = param.Selector(default=NEW_STRATEGY, objects=[NEW_STRATEGY],
                                 doc="The DSL strategy being edited ('' = a new one).")
    strategy_name = param.String(default="", doc="The strategy's name (for a new strategy).")
    spec_text = param.String(default="", doc="The spec as JSON text, as typed.")
    errors = param.List(default=[], doc="Problems that make the spec invalid: path, message and 0-based line.")
    warnings = param.List(default=[], doc="Problems that do not stop it from running.")
    valid = param.Boolean(default=False, doc="True when the text is JSON and the spec validates.")
    versions = param.List(default=[], doc="The strategy's versions, oldest first: id, origin, created_at.")
    diff_from: param.Selector[str | None] = param.Selector(default=None, objects=[], allow_None=True,
                                                           doc="The older version of the diff.")
    diff_to: param.Selector[str | None] = param.Selector(default=None, objects=[], allow_None=True,
                                                         doc="The newer version of the diff.")
    diff = param.String(default="", doc="Unified diff between diff_from and diff_to.")
    compiled = param.String(default="", doc="The LEAN Python code the edited spec compiles to.")
    message = param.String(default="", doc="What the last save did, or why it failed.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, user_id: str = "default", **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self.user_id = user_id
        self.labels: dict[str, str] = {}
        self.refresh()

    # -- strategies and versions -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read this user's DSL strategies."""
        items = self.workbench.strategies.list(self.user_id, self.caller).items
        self.labels = {NEW_STRATEGY: "New strategy", **{i.id: i.name for i in items}}
        self.param.strategy_id.objects = list(self.labels)
        if self.strategy_id not in self.labels:
            self.strategy_id = NEW_STRATEGY

    def project_examples(self) -> dict[str, Path]:
        """The project's example specs (``strategies/*.json``), by file stem."""
        folder = self.workbench.project.project / "strategies"
        return {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}

    def load_example(self, stem: str) -> None:
        """Start a new strategy from a project example."""
        path = self.project_examples()[stem]
        spec = json.loads(path.read_text(encoding="utf-8"))
        self.strategy_id = NEW_STRATEGY
        self.strategy_name = str(spec.get("name") or stem) if isinstance(spec, dict) else stem
        self.spec_text = pretty(spec)
        self.validate()

    @param.depends("strategy_id", watch=True)
    def _open_strategy(self) -> None:
        if not self.strategy_id:
            self.versions = []
            self.param.diff_from.objects = self.param.diff_to.objects = []
            self.diff_from = self.diff_to = None
            return
        found = self.workbench.strategies.get(self.strategy_id, self.caller)
        self.strategy_name = found.strategy.name
        self.versions = [v.model_dump() for v in self.workbench.strategies.versions(self.strategy_id,
                                                                                   self.caller).items]
        ids = [v["id"] for v in self.versions]
        self.param.diff_from.objects = self.param.diff_to.objects = ids
        self.diff_to = ids[-1] if ids else None
        self.diff_from = ids[-2] if len(ids) > 1 else self.diff_to
        if found.current_version is not None:
            self.spec_text = pretty(found.current_version.json_spec)
        self.validate()

    @param.depends("diff_from", "diff_to", watch=True)
    def _make_diff(self) -> None:
        if not self.diff_from or not self.diff_to:
            self.diff = ""
            return
        old = self.workbench.strategies.version(self.diff_from, self.caller).json_spec
        new = self.workbench.strategies.version(self.diff_to, self.caller).json_spec
        self.diff = spec_diff(old, new, old_name=self.diff_from, new_name=self.diff_to) or "(no differences)"

    # -- validation ------------------------------------------------------------------------------------------
    def parsed(self) -> Any:
        return json.loads(self.spec_text)

    def validate(self) -> bool:
        """Check the text: JSON first (with its line), then every problem of the spec with its path and line."""
        try:
            spec = self.parsed()
        except json.JSONDecodeError as error:
            self.param.update(errors=[{"path": "(JSON)", "message": f"not JSON: {error.msg} at line {error.lineno}, "
                                       f"column {error.colno}", "line": error.lineno - 1}],
                              warnings=[], valid=False, compiled="")
            return False
        report = self.workbench.strategies.validate(spec)
        lines = value_lines(self.spec_text)
        errors = [{**p.as_json(), "line": line_of_path(lines, p.path)} for p in report.errors]
        warnings = [{**p.as_json(), "line": line_of_path(lines, p.path)} for p in report.warnings]
        compiled = ""
        if report.valid:
            try:
                compiled = compile_spec(spec, {}, universes=self.workbench.strategies.universes)
            except Exception as error:  # a spec that validates but cannot compile is a bug to show, not hide
                errors.append({"path": "", "message": f"compiling failed: {error}", "line": 0})
        self.param.update(errors=errors, warnings=warnings, valid=report.valid and not errors, compiled=compiled)
        return self.valid

    # -- saving ----------------------------------------------------------------------------------------------
    def save(self) -> str | None:
        """Store the spec as a new strategy or a new version of the open one; the version id, or None."""
        if not self.validate():
            self.message = f"Not saved: the spec has {len(self.errors)} problem(s)."
            return None
        try:
            if self.strategy_id:
                created = self.workbench.strategies.add_version(
                    self.strategy_id, models.CreateVersionRequest(json_spec=self.parsed()), self.caller)
                version_id = created.version.id
            else:
                made = self.workbench.strategies.create(models.CreateStrategyRequest(
                    user_id=self.user_id, name=self.strategy_name.strip() or "Untitled", json_spec=self.parsed()),
                    self.caller)
                version_id = made.version.id
                self.refresh()
                self.strategy_id = made.strategy.id
        except BacktestRunError as error:
            self.message = "Not saved: " + message_of(error)
            self.errors = [{**p, "line": line_of_path(value_lines(self.spec_text), p.get("path", ""))}
                           for p in problems_of(error)] or self.errors
            return None
        self._open_strategy()
        self.message = f"Saved version {version_id}."
        return version_id


class PythonEditorModel(param.Parameterized):
    """A project ``.py`` strategy's source, checked with Python's parser before it is saved."""

    strategy: param.Selector[str | None] = param.Selector(default=None, objects=[], allow_None=True,
                                                          doc="The strategy file's stem.")
    new_name = param.String(default="", doc="A name to save the source as a new strategy file.")
    source = param.String(default="", doc="The source as typed.")
    errors = param.List(default=[], doc="Syntax errors: line (1-based), column and message.")
    message = param.String(default="", doc="What the last save did, or why it failed.")

    def __init__(self, *, workbench: Any, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.refresh()

    def refresh(self) -> None:
        names = [s.name for s in self.workbench.project.list()]
        self.param.strategy.objects = names
        if self.strategy not in names:
            self.strategy = names[0] if names else None
        else:
            self._open()

    @param.depends("strategy", watch=True)
    def _open(self) -> None:
        if self.strategy:
            self.source = self.workbench.project.read_source(self.strategy)
            self.errors, self.message = [], ""

    def check(self) -> bool:
        """Parse the source; False with ``errors`` set when it is not valid Python."""
        try:
            ast.parse(self.source)
        except SyntaxError as error:
            self.errors = [{"line": error.lineno or 0, "column": error.offset or 0, "message": error.msg}]
            return False
        self.errors = []
        return True

    def save(self) -> bool:
        """Write the source (as ``new_name`` when given) after the syntax check; False with a message when refused."""
        if not self.check():
            first = self.errors[0]
            self.message = f"Not saved: syntax error at line {first['line']}: {first['message']}"
            return False
        name = self.new_name.strip() or self.strategy
        try:
            saved = self.workbench.project.save_source(name, self.source)
        except BacktestRunError as error:
            self.message = "Not saved: " + message_of(error)
            return False
        self.message = f"Saved {saved.path.name}."
        if self.new_name.strip():
            self.new_name = ""
            self.refresh()
            self.strategy = saved.name
        return True
