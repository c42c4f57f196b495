"""Running backtests: every run's progress, and for the followed one a progress bar with date and ETA, equity
and drawdown charts that grow as points arrive (HoloViews ``Buffer`` streams: only new points travel), running
statistics, a log tail and cancel."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
import param
from holoviews.streams import Buffer
from panel.viewable import Viewer

from app.models.live import LiveRunsModel
from app.views.common import bind_alert, empty_state, message_alert

MAX_LIVE_POINTS = 5_000_000  # a buffer keeps every point of a run; the chart downsamples what it draws


def _frame(points: list[tuple[float, float]], peak: float) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    times = pd.to_datetime([t for t, _ in points], unit="s")
    values = [v for _, v in points]
    drawdowns = []
    for value in values:
        peak = max(peak, value)
        drawdowns.append((value / peak - 1.0) * 100.0 if peak else 0.0)
    return (pd.DataFrame({"time": times, "equity": values}), pd.DataFrame({"time": times, "drawdown": drawdowns}),
            peak)


def _empty(column: str) -> pd.DataFrame:
    return pd.DataFrame({"time": pd.Series(dtype="datetime64[ns]"), column: pd.Series(dtype=float)})


class LiveView(Viewer):
    def __init__(self, model: LiveRunsModel, **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        model = self.model
        self._peak = 0.0
        self.equity_stream = Buffer(_empty("equity"), length=MAX_LIVE_POINTS, index=False)
        self.drawdown_stream = Buffer(_empty("drawdown"), length=MAX_LIVE_POINTS, index=False)
        equity = hv.DynamicMap(lambda data: hv.Curve(data, "time", "equity").opts(
            responsive=True, height=300, title="Equity", ylabel="USD", tools=["hover"], framewise=True),
            streams=[self.equity_stream])
        drawdown = hv.DynamicMap(lambda data: hv.Area(data, "time", "drawdown").opts(
            responsive=True, height=180, title="Drawdown", ylabel="%", color="#c0392b", alpha=0.5, framewise=True),
            streams=[self.drawdown_stream])
        self.charts = pn.Column(pn.pane.HoloViews(equity, sizing_mode="stretch_width", css_classes=["live-equity"]),
                                pn.pane.HoloViews(drawdown, sizing_mode="stretch_width"),
                                sizing_mode="stretch_width")
        self.progress = pn.indicators.Progress(value=0, max=100, sizing_mode="stretch_width", bar_color="primary",
                                               css_classes=["live-progress"])
        self.caption = pn.pane.Markdown("", css_classes=["live-caption"])
        self.statistics = pn.pane.DataFrame(pd.DataFrame(), index=False, sizing_mode="stretch_width")
        self.log = pn.pane.Markdown("", sizing_mode="stretch_width", styles={"font-family": "monospace",
                                                                               "font-size": "0.8em"},
                                    max_height=240, css_classes=["live-log"])
        self.cancel_button = pn.widgets.Button(name="Cancel run", button_type="danger", width=120)
        self.cancel_button.on_click(self._cancel)
        self.error = message_alert("")
        self.runs = pn.widgets.Tabulator(pd.DataFrame(), show_index=False, disabled=True, sizing_mode="stretch_width",
                                         height=170, selectable=1, css_classes=["live-runs"])
        self.runs.on_click(self._follow_row)
        self.empty = empty_state("No backtest is running. Launch one on the Launch screen.")
        model.param.watch(self._append, "new_points")
        model.param.watch(self._reset, "reset_points")
        model.param.watch(self._show, ["percent", "current_date", "eta", "status", "statistics", "log_tail",
                                       "error", "active", "followed_id"])
        self._reset()
        self._show()

    def _cancel(self, _: Any) -> None:
        self.model.cancel()

    def _follow_row(self, event: Any) -> None:
        rows = self.model.active
        if 0 <= event.row < len(rows):
            self.model.follow(rows[event.row]["backtest_id"])

    def _reset(self, *_: Any) -> None:
        state = self.model.followed
        self._peak = 0.0
        points = list(state.equity) if state else []
        equity, drawdown, self._peak = _frame(points, 0.0)
        self.equity_stream.clear()
        self.drawdown_stream.clear()
        self.equity_stream.send(equity if points else _empty("equity"))
        self.drawdown_stream.send(drawdown if points else _empty("drawdown"))

    def _append(self, event: param.parameterized.Event) -> None:
        if not event.new:
            return
        equity, drawdown, self._peak = _frame(list(event.new), self._peak)
        self.equity_stream.send(equity)
        self.drawdown_stream.send(drawdown)

    def _show(self, *_: Any) -> None:
        model = self.model
        state = model.followed
        self.empty.visible = state is None
        self.charts.visible = self.progress.visible = self.cancel_button.visible = state is not None
        if state is None:
            self.caption.object = ""
            return
        self.progress.value = round(model.percent)
        self.caption.object = (f"**{state.name or state.backtest_id}** · `{state.backtest_id}` · {model.status} · "
                               f"{model.percent:.1f}% · algorithm date {model.current_date or '—'} · "
                               f"ETA {model.eta}")
        self.cancel_button.disabled = state.finished
        stats = model.statistics
        self.statistics.object = pd.DataFrame({"statistic": list(stats), "value": list(stats.values())})
        self.log.object = "<br>".join(line.replace("<", "&lt;") for line in model.log_tail[-40:]) or "*no log yet*"
        bind_alert(self.error, model.error)
        self.runs.value = pd.DataFrame(model.active)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            self.empty, pn.pane.Markdown("### Runs in this session"), self.runs, self.caption, self.progress,
            self.cancel_button, self.error, self.charts,
            pn.Row(pn.Column("### Running statistics", self.statistics, width=420),
                   pn.Column("### Log", self.log, sizing_mode="stretch_width"), sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
