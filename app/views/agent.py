"""The agent in the dashboard: describe a strategy (spec, summary and validation shown before saving), refine a
version (the diff it would make shown before applying), and explain a result with its suggestions as buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn
from panel.viewable import Viewer

from app.models.agent import AgentModel
from app.views.common import bind_alert, message_alert


def diff_markdown(diff: list[dict[str, Any]], edits: list[str]) -> str:
    lines = [f"- {edit}" for edit in edits]
    lines += [f"- `{change['path']}`: `{change.get('old')}` → `{change.get('new')}`" for change in diff]
    return "\n".join(lines)


class AgentView(Viewer):
    """Describe and refine; ``on_saved(version_id)`` lets the app open the saved strategy in the DSL editor."""

    def __init__(self, model: AgentModel, on_saved: Callable[[str], None] | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.model, self.on_saved = model, on_saved
        self.description = pn.widgets.TextAreaInput(
            name="Describe a strategy", height=110, sizing_mode="stretch_width", css_classes=["agent-description"],
            placeholder="e.g. Buy SPY when the 50-day SMA crosses above the 200-day SMA, sell when it crosses "
                        "below, 8% stop loss")
        self.name_input = pn.widgets.TextInput(name="Name", width=260, placeholder="Described strategy")
        self.preview_button = pn.widgets.Button(name="Preview", width=110, css_classes=["agent-preview"])
        self.save_button = pn.widgets.Button(name="Save strategy", button_type="primary", width=140)
        self.spec = pn.widgets.CodeEditor(value="", language="json", readonly=True, height=320,
                                          sizing_mode="stretch_width")
        self.summary = pn.pane.Markdown("", sizing_mode="stretch_width", css_classes=["agent-summary"])
        self.version = pn.widgets.TextInput(name="Version to refine (sv_...)", width=300)
        self.instruction = pn.widgets.TextInput(name="What to change", sizing_mode="stretch_width",
                                                placeholder="e.g. reduce max drawdown, trade less")
        self.refine_preview_button = pn.widgets.Button(name="Preview the change", width=160)
        self.refine_button = pn.widgets.Button(name="Create the refined version", button_type="primary", width=220)
        self.diff = pn.pane.Markdown("", sizing_mode="stretch_width", css_classes=["agent-diff"])
        self.message = message_alert("", "info")
        self.preview_button.on_click(self._preview)
        self.save_button.on_click(self._save)
        self.refine_preview_button.on_click(self._preview_refinement)
        self.refine_button.on_click(self._refine)
        model.param.watch(self._show, ["spec_text", "summary", "valid", "errors", "not_understood", "edits",
                                       "diff", "message", "refine_version"])
        self._show()

    def _preview(self, _: Any) -> None:
        self.model.description = self.description.value_input or self.description.value
        self.model.preview()

    def _save(self, _: Any) -> None:
        self.model.description = self.description.value_input or self.description.value
        version_id = self.model.save(self.name_input.value or "")
        if version_id and self.on_saved is not None:
            self.on_saved(version_id)

    def _preview_refinement(self, _: Any) -> None:
        self.model.param.update(refine_version=(self.version.value or "").strip(), instruction=self.instruction.value)
        self.model.preview_refinement()

    def _refine(self, _: Any) -> None:
        self.model.param.update(refine_version=(self.version.value or "").strip(), instruction=self.instruction.value)
        self.model.refine()

    def _show(self, *_: Any) -> None:
        model = self.model
        self.spec.value = model.spec_text
        parts = []
        if model.summary:
            parts.append(f"**What it does:** {model.summary}")
        if model.spec_text:
            parts.append("✅ **Valid**" if model.valid else "❌ **Not valid:** " + "; ".join(
                f"`{e.get('path')}` {e.get('message')}" for e in model.errors))
        if model.not_understood:
            parts.append("**Not understood (left out):** " + ", ".join(f"“{p}”" for p in model.not_understood))
        self.summary.object = "\n\n".join(parts)
        self.save_button.disabled = not model.valid
        self.diff.object = diff_markdown(model.diff, model.edits)
        if model.refine_version and self.version.value != model.refine_version:
            self.version.value = model.refine_version
        bind_alert(self.message, model.message)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            "### Describe a strategy in plain English", self.description,
            pn.Row(self.name_input, self.preview_button, self.save_button), self.summary, self.spec,
            "### Refine a version", pn.Row(self.version, self.instruction),
            pn.Row(self.refine_preview_button, self.refine_button), self.diff, self.message,
            sizing_mode="stretch_width")


class ExplainView(Viewer):
    """Explain a finished backtest; each suggested change is a button that creates a refined version."""

    def __init__(self, model: AgentModel, backtest_id: Callable[[], str | None], **params: Any) -> None:
        super().__init__(**params)
        self.model, self.backtest_id = model, backtest_id
        self.button = pn.widgets.Button(name="Explain this result", button_type="primary", width=180,
                                        css_classes=["agent-explain"])
        self.detailed = pn.widgets.Checkbox(name="Detailed")
        self.text = pn.pane.Markdown("", sizing_mode="stretch_width", css_classes=["agent-explanation"])
        self.suggestions = pn.Column(sizing_mode="stretch_width")
        self.message = message_alert("", "info")
        self.button.on_click(self._explain)
        model.param.watch(self._show, ["explanation", "suggestions", "message"])

    def _explain(self, _: Any) -> None:
        backtest_id = self.backtest_id()
        if not backtest_id:
            bind_alert(self.message, "Open a result first.")
            return
        self.button.loading = True
        try:
            self.model.explain(backtest_id, detail_level="detailed" if self.detailed.value else "summary")
        finally:
            self.button.loading = False

    def _applier(self, index: int) -> Callable[[Any], None]:
        def apply(_: Any) -> None:
            self.model.apply_suggestion(index)
        return apply

    def _show(self, *_: Any) -> None:
        model = self.model
        self.text.object = model.explanation
        buttons = []
        for index, suggestion in enumerate(model.suggestions):
            button = pn.widgets.Button(name=suggestion, button_type="light", sizing_mode="stretch_width",
                                       css_classes=["agent-suggestion"])
            button.on_click(self._applier(index))
            buttons.append(button)
        self.suggestions.objects = ([pn.pane.Markdown("**Suggested changes** (each creates a refined version)"),
                                     *buttons] if buttons else [])
        bind_alert(self.message, model.message)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(pn.Row(self.button, self.detailed), self.text, self.suggestions, self.message,
                         sizing_mode="stretch_width")
