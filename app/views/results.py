"""The results screen: a page of results from the store (sorted, filtered), delete with confirmation, picks for
the comparison; and a result's detail: LEAN's statistics and every chart, with downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import holoviews as hv
import pandas as pd
import panel as pn
from bokeh.models.widgets.tables import BooleanFormatter, NumberFormatter
from holoviews.operation.downsample import downsample1d
from panel.viewable import Viewer

from app.models.detail import ResultDetailModel
from app.models.results import COLUMNS, SORTABLE, STATUSES, ResultsModel
from app.views.common import SYNTHETIC_BADGE, bind_alert, empty_state, message_alert, number

TABLE_COLUMNS = {"timestamp": "Result", "strategy_name": "Strategy", "status": "Status", "start_date": "Start",
                 "end_date": "End", "total_return": "Return %", "sharpe_ratio": "Sharpe",
                 "max_drawdown": "Max DD %", "total_trades": "Trades", "final_value": "Final value",
                 "synthetic_data": "Synthetic data"}
TABLE_FORMATS = {"total_return": NumberFormatter(format="0.00"), "sharpe_ratio": NumberFormatter(format="0.000"),
                 "max_drawdown": NumberFormatter(format="0.00"), "final_value": NumberFormatter(format="0,0.00"),
                 "synthetic_data": BooleanFormatter()}
CHART_WIDTH_POINTS = 1500  # downsample1d keeps about this many points per drawn line; the data is never cut


class ResultsTableView(Viewer):
    """``on_open(timestamp)`` shows a result's detail; ``on_compare(timestamps)`` the comparison."""

    def __init__(self, model: ResultsModel, on_open: Callable[[str], None],
                 on_compare: Callable[[list[str]], None], **params: Any) -> None:
        super().__init__(**params)
        self.model = model
        self.on_open, self.on_compare = on_open, on_compare
        self.strategy = pn.widgets.Select.from_param(model.param.strategy_filter, name="Strategy", width=180)
        self.status = pn.widgets.Select.from_param(model.param.status_filter, name="Status", options=STATUSES,
                                                   width=130)
        self.sort = pn.widgets.Select(name="Sort by", options={label: key for key, label in SORTABLE.items()},
                                      value=model.sort_by, width=160)
        self.sort.param.watch(lambda e: setattr(model, "sort_by", e.new), "value")
        self.descending = pn.widgets.Checkbox.from_param(model.param.descending, name="Largest / newest first")
        self.page_size = pn.widgets.Select(name="Rows", options=[10, 20, 50, 100], value=model.page_size, width=80)
        self.page_size.param.watch(lambda e: setattr(model, "page_size", e.new), "value")
        self.table = pn.widgets.Tabulator(pd.DataFrame(columns=list(TABLE_COLUMNS)), show_index=False,
                                          disabled=True, selectable="checkbox", sizing_mode="stretch_width",
                                          titles=TABLE_COLUMNS, formatters=TABLE_FORMATS,
                                          hidden_columns=["backtest_id", "created_at"],
                                          css_classes=["results-table"], height=560)
        self.table.on_click(self._clicked)
        self.table.param.watch(self._picked, "selection")
        self.previous = pn.widgets.Button(name="‹ Previous", width=100)
        self.next = pn.widgets.Button(name="Next ›", width=100)
        self.previous.on_click(lambda _: model.previous_page())
        self.next.on_click(lambda _: model.next_page())
        self.pager = pn.pane.Markdown("", css_classes=["results-pager"])
        self.open_button = pn.widgets.Button(name="Open", width=90, button_type="primary")
        self.compare_button = pn.widgets.Button(name="Compare selected", width=160, css_classes=["compare-button"])
        self.delete_button = pn.widgets.Button(name="Delete selected", width=140, button_type="danger")
        self.confirm = pn.Row(visible=False)
        self.open_button.on_click(lambda _: self._open_selected())
        self.compare_button.on_click(lambda _: self.on_compare(list(model.selected)))
        self.delete_button.on_click(lambda _: self._ask_delete())
        self.message = message_alert("", "info")
        self.empty = empty_state("No results yet — launch one on the Launch screen.")
        model.param.watch(self._show, ["rows", "total", "page", "message", "selected", "loading"])
        self._show()

    def _selected_rows(self) -> list[dict[str, Any]]:
        rows = self.model.rows
        return [rows[i] for i in self.table.selection if 0 <= i < len(rows)]

    def _picked(self, _: Any) -> None:
        # The checkbox column picks results for the comparison (and for delete); picks survive page changes.
        on_page = {row["timestamp"] for row in self.model.rows}
        kept = [t for t in self.model.selected if t not in on_page]
        self.model.selected = (kept + [row["timestamp"] for row in self._selected_rows()])[-5:]

    def _clicked(self, event: Any) -> None:
        if event.column == "timestamp" and 0 <= event.row < len(self.model.rows):
            self.on_open(self.model.rows[event.row]["timestamp"])

    def _open_selected(self) -> None:
        rows = self._selected_rows()
        if rows:
            self.on_open(rows[-1]["timestamp"])

    def _ask_delete(self) -> None:
        targets = [row["timestamp"] for row in self._selected_rows()]
        if not targets:
            bind_alert(self.message, "Tick the results to delete first.")
            return
        yes = pn.widgets.Button(name=f"Yes, delete {len(targets)} result(s)", button_type="danger",
                                css_classes=["confirm-delete"])
        no = pn.widgets.Button(name="Keep them")
        yes.on_click(lambda _: self._delete(targets))
        no.on_click(lambda _: setattr(self.confirm, "visible", False))
        self.confirm.objects = [pn.pane.Markdown(f"Delete **{', '.join(targets)}**? Its files are removed."), yes,
                                no]
        self.confirm.visible = True

    def _delete(self, targets: list[str]) -> None:
        self.confirm.visible = False
        for timestamp in targets:
            self.model.delete(timestamp)
        self.table.selection = []

    def _show(self, *_: Any) -> None:
        model = self.model
        frame = pd.DataFrame(model.rows, columns=[*COLUMNS, "created_at"]) if model.rows else \
            pd.DataFrame(columns=[*COLUMNS, "created_at"])
        self.table.value = frame
        on_page = [i for i, row in enumerate(model.rows) if row["timestamp"] in model.selected]
        if self.table.selection != on_page:
            self.table.selection = on_page
        self.pager.object = f"Page {model.page} of {model.pages} · {model.total:,} results"
        self.previous.disabled = model.page <= 1
        self.next.disabled = model.page >= model.pages
        self.empty.visible = model.total == 0
        self.table.visible = model.total > 0
        self.compare_button.disabled = not 2 <= len(model.selected) <= 5
        self.compare_button.name = f"Compare selected ({len(model.selected)})"
        self.table.loading = model.loading
        bind_alert(self.message, model.message)

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(pn.Row(self.strategy, self.status, self.sort, self.page_size, self.descending),
                         self.empty, self.table,
                         pn.Row(self.previous, self.pager, self.next, self.open_button, self.compare_button,
                                self.delete_button),
                         self.confirm, self.message, sizing_mode="stretch_width")


def _curve(series: pd.Series, label: str, column: str = "detail_equity", **opts: Any) -> hv.Curve:
    # Charts get their own value dimensions: HoloViews shares the ranges of same-named dimensions.
    frame = pd.DataFrame({"time": series.index, column: series.to_numpy()})
    return hv.Curve(frame, "time", column, label=label).opts(**opts)


def _lazy(build: Callable[[], Any]) -> pn.param.ParamFunction:
    # Built when its tab is first shown: the other tabs cost nothing until then (prices read the data folder).
    return pn.param.ParamFunction(lambda: build(), lazy=True, sizing_mode="stretch_width")


class ResultDetailView(Viewer):
    def __init__(self, model: ResultDetailModel, explain: Viewer | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.model, self.explain = model, explain
        self.body = pn.Column(sizing_mode="stretch_width")
        self.model.param.watch(self._show, "revision")
        self._show()

    def _show(self, *_: Any) -> None:
        model = self.model
        if not model.timestamp:
            self.body.objects = [empty_state("Open a result from the table to see its detail.")]
            return
        if model.error:
            self.body.objects = [message_alert(model.error)]
            return
        self.body.objects = [self._header(), pn.Tabs(
            ("Overview", self._overview()), ("Returns", _lazy(self._returns)),
            ("Prices and trades", _lazy(self._prices)), ("Orders", _lazy(lambda: self._table(model.orders))),
            ("Logs", _lazy(self._logs)),
            *([("Explain", self.explain)] if self.explain is not None else []),
            sizing_mode="stretch_width", dynamic=True)]

    def _header(self) -> pn.viewable.Viewable:
        model, summary = self.model, self.model.summary
        badge = f" {SYNTHETIC_BADGE}" if model.synthetic else ""
        title = pn.pane.HTML(f"<h3>{summary.get('strategy_name')} · {model.timestamp}{badge}</h3>"
                             f"<p>{summary.get('start_date')} to {summary.get('end_date')} · return "
                             f"{number(summary.get('total_return'), 2, '%')} · Sharpe "
                             f"{number(summary.get('sharpe_ratio'), 3)} · max drawdown "
                             f"{number(summary.get('max_drawdown'), 2, '%')} · final value "
                             f"{number(summary.get('final_value'), 2)} USD</p>", css_classes=["detail-header"])
        json_download = pn.widgets.FileDownload(callback=model.result_json, filename=f"{model.timestamp}.json",
                                                label="Result JSON", button_type="light", width=150)
        csv_download = pn.widgets.FileDownload(callback=model.trades_csv, filename=f"{model.timestamp}-trades.csv",
                                               label="Trades CSV", button_type="light", width=150)
        return pn.Row(title, pn.layout.HSpacer(), json_download, csv_download, sizing_mode="stretch_width")

    def _overview(self) -> pn.viewable.Viewable:
        model = self.model
        synthetic = " (SYNTHETIC DATA)" if model.synthetic else ""
        overlay = _curve(model.equity, "Equity", color="#1f77b4")
        if not model.benchmark.empty:
            overlay = overlay * _curve(model.benchmark, "Benchmark", color="#7f7f7f", line_dash="dashed")
        equity = downsample1d(overlay, width=CHART_WIDTH_POINTS).opts(
            hv.opts.Curve(responsive=True, height=320, tools=["hover"], ylabel="USD"),
            hv.opts.Overlay(title="Equity against the benchmark" + synthetic, legend_position="top_left"))
        frame = pd.DataFrame({"time": model.drawdown.index, "detail_drawdown": model.drawdown.to_numpy()})
        line = hv.Curve(frame, "time", "detail_drawdown")  # a curve: HoloViews' LTTB downsampling has no Area
        underwater = downsample1d(line, width=CHART_WIDTH_POINTS).opts(
            responsive=True, height=200, color="#c0392b", title="Underwater drawdown" + synthetic, ylabel="%")
        charts = pn.Column(pn.pane.HoloViews(equity, sizing_mode="stretch_width", css_classes=["detail-equity"]),
                           pn.pane.HoloViews(underwater, sizing_mode="stretch_width"), sizing_mode="stretch_width")
        return pn.Row(charts, pn.Column("### LEAN statistics", self._statistics(), width=380),
                      sizing_mode="stretch_width")

    def _returns(self) -> pn.viewable.Viewable:
        model = self.model
        monthly = model.monthly.stack().reset_index() if not model.monthly.empty else pd.DataFrame()
        parts: list[Any] = []
        if not monthly.empty:
            monthly.columns = ["year", "month", "return"]
            monthly["year"] = monthly["year"].astype(str)
            heatmap = hv.HeatMap(monthly, ["month", "year"], "return").opts(
                responsive=True, height=max(200, 28 * monthly["year"].nunique() + 80), cmap="RdYlGn",
                colorbar=True, tools=["hover"], title="Monthly returns %", symmetric=True)
            parts.append(pn.pane.HoloViews(heatmap, sizing_mode="stretch_width", css_classes=["monthly-heatmap"]))
        if not model.yearly.empty:
            yearly = pd.DataFrame({"year": model.yearly.index.astype(str), "return": model.yearly.to_numpy()})
            bars = hv.Bars(yearly, "year", "return").opts(responsive=True, height=240, title="Yearly returns %",
                                                          tools=["hover"], color="#2e86c1")
            parts.append(pn.pane.HoloViews(bars, sizing_mode="stretch_width"))
        return pn.Column(*parts, sizing_mode="stretch_width") if parts else empty_state("No returns to show.")

    def _prices(self) -> pn.viewable.Viewable:
        model = self.model
        parts: list[Any] = []
        for symbol, closes in model.load_prices().items():
            trades = model.trades[model.trades["symbol"] == symbol]
            price = hv.Dimension(f"price_{symbol}", label="price")  # per symbol: same-named dimensions share ranges
            entries = hv.Scatter((pd.to_datetime(trades["entry_time"]).dt.tz_localize(None), trades["entry_price"]),
                                 "time", price, label="entry").opts(color="#27ae60", marker="triangle", size=9)
            exits = hv.Scatter((pd.to_datetime(trades["exit_time"]).dt.tz_localize(None), trades["exit_price"]),
                               "time", price, label="exit").opts(color="#c0392b", marker="inverted_triangle",
                                                                   size=9)
            line = hv.Curve((closes.index, closes.to_numpy()), "time", price, label=symbol)
            chart = (downsample1d(line, width=CHART_WIDTH_POINTS) * entries * exits).opts(
                hv.opts.Curve(responsive=True, height=260, tools=["hover"], color="#34495e"),
                hv.opts.Overlay(title=f"{symbol}: adjusted daily close, entries and exits"))
            parts.append(pn.pane.HoloViews(chart, sizing_mode="stretch_width"))
        if not parts:
            parts.append(empty_state("No daily prices in the data folder for the traded symbols."))
        parts += [pn.pane.Markdown("### Trades"), self._table(model.trades)]
        return pn.Column(*parts, sizing_mode="stretch_width")

    def _table(self, frame: pd.DataFrame) -> pn.viewable.Viewable:
        if frame.empty:
            return empty_state("None.")
        return pn.widgets.Tabulator(frame, show_index=False, disabled=True, pagination="local", page_size=25,
                                    sizing_mode="stretch_width")

    def _statistics(self) -> pn.viewable.Viewable:
        statistics = self.model.lean_statistics
        frame = pd.DataFrame({"statistic": list(statistics), "value": [str(v) for v in statistics.values()]})
        return pn.widgets.Tabulator(frame, show_index=False, disabled=True, width=370,
                                    css_classes=["lean-statistics"], height=540)

    def _logs(self) -> pn.viewable.Viewable:
        text = "\n".join(self.model.logs) or "(no log lines)"
        return pn.widgets.CodeEditor(value=text, readonly=True, language="text", height=420,
                                     sizing_mode="stretch_width")

    def __panel__(self) -> pn.viewable.Viewable:
        return self.body
