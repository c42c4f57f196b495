"""The strategies screen: the DSL editor (validation while typing, versions, diffs, compiled code) and the
project's ``.py`` files (syntax checked before saving)."""

from __future__ import annotations

import contextlib
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from app.models.strategies import NEW_STRATEGY, DslEditorModel, PythonEditorModel
from app.views.common import bind_alert, message_alert

VALIDATE_DELAY_MS = 400  # typing pauses this long before the spec is checked


def problems_markdown(problems: list[dict[str, Any]], heading: str) -> str:
    if not problems:
        return ""
    lines = [f"**{heading}**", ""]
    for problem in problems:
        where = f"line {problem['line'] + 1}, " if problem.get("line") is not None else ""
        lines.append(f"- `{problem.get('path') or '(spec)'}` ({where.rstrip(', ')}): {problem['message']}")
    return "\n".join(lines)


class DslEditorView(Viewer):
    """Edit a DSL spec; each problem is listed with its path and marked at its line in the editor."""

    def __init__(self, model: DslEditorModel, **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        model = self.model
        self.strategy = pn.widgets.Select(name="DSL strategy", options=self._strategy_options(),
                                          value=model.strategy_id, width=260)
        self.example = pn.widgets.Select(name="Start from an example", options=["", *model.project_examples()],
                                         width=220)
        self.name_input = pn.widgets.TextInput.from_param(model.param.strategy_name, name="Name", width=260)
        self.editor = pn.widgets.CodeEditor(value=model.spec_text, language="json", sizing_mode="stretch_width",
                                            height=460, name="spec", css_classes=["dsl-editor"])
        self.problems = pn.pane.Markdown("", css_classes=["dsl-problems"], sizing_mode="stretch_width")
        self.status = pn.pane.Markdown("", css_classes=["dsl-status"])
        self.save_button = pn.widgets.Button(name="Save version", button_type="primary", width=140)
        self.message = message_alert("", "info")
        self.diff_from = pn.widgets.Select.from_param(model.param.diff_from, name="Diff from", width=200)
        self.diff_to = pn.widgets.Select.from_param(model.param.diff_to, name="to", width=200)
        self.diff = pn.pane.Markdown("", sizing_mode="stretch_width", css_classes=["dsl-diff"])
        self.versions = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.compiled = pn.widgets.CodeEditor(value="", language="python", readonly=True, height=460,
                                              sizing_mode="stretch_width")
        self._pending: Any = None

        self.strategy.param.watch(lambda e: setattr(model, "strategy_id", e.new), "value")
        self.example.param.watch(self._load_example, "value")
        self.editor.param.watch(self._typed, "value_input")
        self.editor.param.watch(self._typed, "value")
        self.save_button.on_click(self._save)
        model.param.watch(self._show, ["errors", "warnings", "valid", "compiled", "spec_text", "versions", "diff",
                                       "message", "strategy_id"])
        self._show()

    def _strategy_options(self) -> dict[str, str]:
        return {label: key for key, label in self.model.labels.items()}

    def _load_example(self, event: param.parameterized.Event) -> None:
        if event.new:
            self.model.load_example(event.new)

    def _typed(self, event: param.parameterized.Event) -> None:
        if event.new == self.model.spec_text:
            return
        self.model.spec_text = event.new
        document = pn.state.curdoc
        if document is None or document.session_context is None:  # no browser session (a notebook, a test)
            self.model.validate()
            return
        if self._pending is not None:
            with contextlib.suppress(ValueError):
                document.remove_timeout_callback(self._pending)
        self._pending = document.add_timeout_callback(self._validate_now, VALIDATE_DELAY_MS)

    def _validate_now(self) -> None:
        self._pending = None
        self.model.validate()

    def _save(self, _: Any) -> None:
        self.model.strategy_name = self.name_input.value
        self.model.save()
        self.strategy.options = self._strategy_options()
        self.strategy.value = self.model.strategy_id

    def _show(self, *_: Any) -> None:
        model = self.model
        if self.editor.value != model.spec_text:
            self.editor.value = model.spec_text
        self.editor.annotations = [{"row": max(0, int(p.get("line") or 0)), "column": 0,
                                    "text": f"{p.get('path')}: {p['message']}", "type": "error"}
                                   for p in model.errors] + \
                                  [{"row": max(0, int(p.get("line") or 0)), "column": 0,
                                    "text": f"{p.get('path')}: {p['message']}", "type": "warning"}
                                   for p in model.warnings]
        text = problems_markdown(model.errors, f"{len(model.errors)} problem(s)")
        warnings = problems_markdown(model.warnings, "Warnings")
        self.problems.object = "\n\n".join(t for t in (text, warnings) if t)
        if not model.spec_text.strip():
            self.status.object = "Type a spec, or start from an example."
        else:
            self.status.object = "✅ **Valid** — ready to save" if model.valid else "❌ **Not valid yet**"
        self.save_button.disabled = not model.valid
        self.compiled.value = model.compiled
        bind_alert(self.message, model.message)
        self.versions.object = "\n".join(
            [f"- `{v['id']}` · {v.get('origin', '')} · {v.get('created_at', '')}" for v in model.versions]
        ) or "*No versions yet: save the spec to create the first.*"
        self.diff.object = f"```diff\n{model.diff}\n```" if model.diff else ""
        if model.strategy_id != self.strategy.value and model.strategy_id in model.labels:
            self.strategy.options = self._strategy_options()
            self.strategy.value = model.strategy_id
        self.name_input.disabled = model.strategy_id != NEW_STRATEGY

    def __panel__(self) -> pn.viewable.Viewable:
        editor = pn.Column(pn.Row(self.strategy, self.example, self.name_input),
                           self.editor, pn.Row(self.save_button, self.status), self.message, self.problems,
                           sizing_mode="stretch_width")
        history = pn.Column("### Versions", self.versions, pn.Row(self.diff_from, self.diff_to), self.diff,
                            sizing_mode="stretch_width")
        return pn.Tabs(("Spec", editor), ("Versions and diff", history), ("Compiled LEAN code", self.compiled),
                       sizing_mode="stretch_width", dynamic=False)


class PythonEditorView(Viewer):
    """Edit a project ``.py`` strategy; the source is parsed before it is written."""

    def __init__(self, model: PythonEditorModel, **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        model = self.model
        self.strategy = pn.widgets.Select.from_param(model.param.strategy, name="Strategy file", width=260)
        self.new_name = pn.widgets.TextInput.from_param(model.param.new_name, name="Save as (optional)", width=220)
        self.editor = pn.widgets.CodeEditor(value=model.source, language="python", height=520,
                                            sizing_mode="stretch_width")
        self.check_button = pn.widgets.Button(name="Check syntax", width=130)
        self.save_button = pn.widgets.Button(name="Save", button_type="primary", width=100)
        self.message = message_alert("", "info")
        self.errors = pn.pane.Markdown("")
        self.editor.param.watch(lambda e: setattr(model, "source", e.new), "value")
        self.check_button.on_click(self._check)
        self.save_button.on_click(self._save)
        model.param.watch(self._show, ["source", "errors", "message"])
        self._show()

    def _check(self, _: Any) -> None:
        self.model.source = self.editor.value
        self.model.check()

    def _save(self, _: Any) -> None:
        self.model.source = self.editor.value
        self.model.save()

    def _show(self, *_: Any) -> None:
        model = self.model
        if self.editor.value != model.source:
            self.editor.value = model.source
        self.editor.annotations = [{"row": max(0, e["line"] - 1), "column": max(0, e["column"] - 1),
                                    "text": e["message"], "type": "error"} for e in model.errors]
        self.errors.object = "\n".join(f"- line {e['line']}, column {e['column']}: {e['message']}"
                                       for e in model.errors)
        bind_alert(self.message, model.message)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(pn.Row(self.strategy, self.new_name), self.editor,
                         pn.Row(self.check_button, self.save_button), self.message, self.errors,
                         sizing_mode="stretch_width")


class StrategiesView(Viewer):
    def __init__(self, dsl: DslEditorModel, python: PythonEditorModel, agent: Viewer | None = None,
                 **params: Any) -> None:
        super().__init__(**params)
        self.dsl_view, self.python_view, self.agent_view = DslEditorView(dsl), PythonEditorView(python), agent

    def __panel__(self) -> pn.viewable.Viewable:
        tabs: list[tuple[str, Any]] = [("DSL strategies", self.dsl_view), ("Python strategies", self.python_view)]
        if self.agent_view is not None:
            tabs.append(("Describe in English", self.agent_view))
        return pn.Tabs(*tabs, sizing_mode="stretch_width")
