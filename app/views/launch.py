"""The launch form: strategy or version, window, costs, the strategy's declared parameters (one typed widget
each) and the engine; plus the notice that offers the synthetic sample when the data folder is empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn
from panel.viewable import Viewer

from app.models.data import DataFolderModel
from app.models.launch import DSL, PYTHON, LaunchModel, ParameterDeclaration
from app.views.common import SYNTHETIC_BADGE, bind_alert, message_alert


def parameter_widget(declaration: ParameterDeclaration) -> pn.widgets.Widget:
    """One widget for a declared parameter, typed by its declaration."""
    label = declaration.name + (" *" if declaration.required else "")
    if declaration.type == "integer":
        return pn.widgets.IntInput(name=label, value=declaration.default, start=_int(declaration.minimum),
                                   end=_int(declaration.maximum), step=_int(declaration.step) or 1, width=160)
    if declaration.type == "number":
        return pn.widgets.FloatInput(name=label, value=declaration.default, start=declaration.minimum,
                                     end=declaration.maximum, step=declaration.step or 0.1, width=160)
    if declaration.type == "boolean":
        return pn.widgets.Checkbox(name=label, value=bool(declaration.default))
    return pn.widgets.TextInput(name=label, value="" if declaration.default is None else str(declaration.default),
                                width=160)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


class DataNoticeView(Viewer):
    """Nothing when the data folder holds market data; otherwise a notice and the button for the sample."""

    def __init__(self, model: DataFolderModel, **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        self.button = pn.widgets.Button(name="Generate the synthetic sample", button_type="warning")
        self.button.on_click(self._generate)
        self.message = message_alert("", "info")
        self.notice = pn.pane.Alert("", alert_type="warning")
        self.model.param.watch(self._show, ["has_market_data", "synthetic", "message", "busy"])
        self._show()

    def _generate(self, _: Any) -> None:
        self.button.loading = True
        try:
            self.model.generate()
        finally:
            self.button.loading = False

    def _show(self, *_: Any) -> None:
        model = self.model
        if not model.has_market_data:
            self.notice.object = (f"**The data folder `{model.data_folder}` holds no market data.** Backtests "
                                  "need LEAN-format data there (set `WORKBENCH_DATA_FOLDER`), or generate a "
                                  "synthetic sample to try the workbench. Results on it are marked synthetic.")
            self.notice.visible = self.button.visible = True
        elif model.synthetic:
            self.notice.object = (f"{SYNTHETIC_BADGE} The data folder holds the generated sample, not real "
                                  "market data: results are for trying the workbench only.")
            self.notice.visible, self.button.visible = True, False
        else:
            self.notice.visible = self.button.visible = False
        bind_alert(self.message, model.message)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self.notice, self.button, self.message, sizing_mode="stretch_width")


class LaunchView(Viewer):
    """The form; ``on_launched`` gets the queued backtest's id (the app then follows it on the runs screen)."""

    def __init__(self, model: LaunchModel, data: DataFolderModel, on_launched: Callable[[str], None] | None = None,
                 **params: Any) -> None:
        super().__init__(**params)
        self.model, self.data = model, data
        self.on_launched = on_launched
        self.kind = pn.widgets.RadioButtonGroup.from_param(model.param.kind, name="What to run")
        self.strategy = pn.widgets.Select.from_param(model.param.strategy, name="Strategy", width=260,
                                                     css_classes=["launch-strategy"])
        self.version = pn.widgets.Select(name="DSL version", options=self._version_options(), width=320)
        self.version.param.watch(lambda e: setattr(model, "version", e.new), "value")
        self.version.value = model.version
        start = pn.widgets.DatePicker.from_param(model.param.start_date, name="Start date", width=160)
        end = pn.widgets.DatePicker.from_param(model.param.end_date, name="End date", width=160)
        cash = pn.widgets.FloatInput.from_param(model.param.initial_cash, name="Initial cash (USD)", width=160)
        self.window = pn.Row(start, end, cash)
        self.symbols = pn.widgets.TextInput.from_param(model.param.symbols, name="Symbols (comma-separated)",
                                                       width=260, placeholder="empty: the strategy's own")
        self.universe = pn.widgets.TextInput.from_param(model.param.universe, name="Universe (DSL)", width=160,
                                                        placeholder="e.g. SP500")
        self.resolution = pn.widgets.Select.from_param(model.param.resolution, name="Resolution", width=120)
        self.costs = pn.Row(pn.widgets.FloatInput.from_param(model.param.transaction_cost_bps,
                                                             name="Transaction cost (bps, DSL)", width=200),
                            pn.widgets.FloatInput.from_param(model.param.slippage_bps, name="Slippage (bps, DSL)",
                                                             width=180))
        self.engine = pn.widgets.RadioButtonGroup(name="Engine", options=["auto", "local", "docker"],
                                                  value=model.engine)
        self.engine.param.watch(lambda e: setattr(model, "engine", e.new), "value")
        self.engine_note = pn.pane.Markdown("", styles={"font-size": "0.9em"})
        self.parameters = pn.Column(sizing_mode="stretch_width")
        self.button = pn.widgets.Button(name="Launch backtest", button_type="primary", width=180,
                                        css_classes=["launch-button"])
        self.button.on_click(self._launch)
        self.error = message_alert("")
        self.problems = pn.pane.Markdown("")
        model.param.watch(self._show_declarations, "declarations")
        model.param.watch(self._show, ["kind", "docker_reason", "error", "problems"])
        self._show_declarations()
        self._show()

    def _version_options(self) -> dict[str, str]:
        return {self.model.version_label(v): v for v in self.model.param.version.objects}

    def _show_declarations(self, *_: Any) -> None:
        widgets = []
        for declaration in self.model.declarations:
            widget = parameter_widget(declaration)
            widget.param.watch(lambda e, name=declaration.name: self._set_value(name, e.new), "value")
            widgets.append(widget)
        self.parameters.objects = ([pn.pane.Markdown("**Parameters the strategy declares**"),
                                    pn.FlexBox(*widgets)] if widgets
                                   else [pn.pane.Markdown("*The strategy declares no parameters.*")])

    def _set_value(self, name: str, value: Any) -> None:
        self.model.values = {**self.model.values, name: value}

    def _show(self, *_: Any) -> None:
        model = self.model
        python = model.kind == PYTHON
        self.strategy.visible, self.version.visible = python, not python
        self.universe.visible = self.costs.visible = model.kind == DSL
        if model.docker_available:
            self.engine.options = ["auto", "local", "docker"]
            self.engine_note.object = "*auto*: a LEAN container when Docker can run it, else the embedded engine."
        else:
            self.engine.options = ["auto", "local"]  # Docker cannot be chosen; the note says why
            if self.engine.value == "docker":
                self.engine.value = "auto"
            self.engine_note.object = f"Docker is unavailable: {model.docker_reason}"
        bind_alert(self.error, model.error)
        self.problems.object = "\n".join(f"- `{p.get('path') or '(request)'}`: {p.get('message')}"
                                         for p in model.problems if p.get("message") != model.error)

    def _launch(self, _: Any) -> None:
        self.button.loading = True
        try:
            backtest_id = self.model.launch()
        finally:
            self.button.loading = False
        if backtest_id and self.on_launched is not None:
            self.on_launched(backtest_id)

    def refresh(self) -> None:
        self.model.refresh()
        self.version.options = self._version_options()
        self.version.value = self.model.version
        self.data.refresh()

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            DataNoticeView(model=self.data),
            self.kind, pn.Row(self.strategy, self.version), self.window,
            pn.Row(self.symbols, self.universe, self.resolution), self.costs,
            pn.pane.Markdown("**Engine**"), self.engine, self.engine_note, self.parameters,
            self.button, self.error, self.problems, sizing_mode="stretch_width")
