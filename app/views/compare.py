"""Compare 2 to 5 results: normalised equity overlaid, drawdowns overlaid, statistics side by side with the
best value of each row marked."""

from __future__ import annotations

from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
from holoviews.operation.downsample import downsample1d
from panel.viewable import Viewer

from app.models.compare import METRICS, CompareModel
from app.views.common import empty_state, number

CHART_WIDTH_POINTS = 1500


def comparison_table_html(table: pd.DataFrame, best: dict[str, str]) -> str:
    """Metrics as rows, results as columns; the best value of a row in bold with a ★."""
    head = "".join(f"<th>{label}</th>" for label in table.columns)
    rows = []
    for metric, label, _ in METRICS:
        if metric not in table.index:
            continue
        cells = []
        for column in table.columns:
            text = number(table.loc[metric, column])
            cells.append(f"<td class='best'><b>★ {text}</b></td>" if best.get(metric) == column else f"<td>{text}</td>")
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    return (f"<table class='compare-table' style='border-collapse:collapse;width:100%'><thead><tr><th></th>{head}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


class CompareView(Viewer):
    def __init__(self, model: CompareModel, **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        self.body = pn.Column(sizing_mode="stretch_width")
        self.model.param.watch(self._show, ["curves", "drawdowns", "table", "best", "message"])
        self._show()

    def _overlay(self, curves: dict[str, pd.Series], title: str, ylabel: str, column: str) -> hv.Overlay:
        # Each chart its own value dimension: HoloViews shares the ranges of same-named dimensions.
        lines = [hv.Curve(pd.DataFrame({"time": series.index, column: series.to_numpy()}), "time", column,
                          label=label) for label, series in curves.items()]
        return downsample1d(hv.Overlay(lines), width=CHART_WIDTH_POINTS).opts(
            hv.opts.Curve(responsive=True, height=300, tools=["hover"], ylabel=ylabel),
            hv.opts.Overlay(title=title, legend_position="top_left"))

    def _show(self, *_: Any) -> None:
        model = self.model
        if not model.curves:
            self.body.objects = [empty_state(model.message or "Pick 2 to 5 results in the results table to compare "
                                             "them.")]
            return
        parts: list[Any] = []
        if model.message:
            parts.append(pn.pane.Alert(model.message, alert_type="warning"))
        parts += [pn.pane.HoloViews(self._overlay(model.curves, "Equity, normalised to 100", "index",
                                                  "compared_equity"),
                                    sizing_mode="stretch_width", css_classes=["compare-equity"]),
                  pn.pane.HoloViews(self._overlay(model.drawdowns, "Drawdowns", "%", "compared_drawdown"),
                                    sizing_mode="stretch_width"),
                  pn.pane.HTML(comparison_table_html(model.table, model.best), sizing_mode="stretch_width")]
        self.body.objects = parts

    def __panel__(self) -> pn.viewable.Viewable:
        return self.body
