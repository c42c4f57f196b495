"""The dashboard: every screen in one template, for one browser session (or one notebook).

:class:`Dashboard` builds a session's models from the one :class:`~lean_runner.services.Workbench`
and composes the views; :func:`session_factory` is what the server mounts at ``/`` (a new
dashboard per browser session, its live updates scheduled on that session's own document).

Example (a notebook)::

    import panel as pn
    pn.extension("tabulator", "codeeditor")
    dashboard = Dashboard(workbench)
    dashboard.live_view          # one screen as a cell; `dashboard` alone is the whole app
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import holoviews as hv
import panel as pn
from panel.viewable import Viewer

from app.models import (
    CompareModel,
    DataFolderModel,
    DslEditorModel,
    LaunchModel,
    LiveRunsModel,
    PythonEditorModel,
    ResultDetailModel,
    ResultsModel,
)
from app.models.agent import AgentModel
from app.views.agent import AgentView, ExplainView
from app.views.compare import CompareView
from app.views.launch import LaunchView
from app.views.live import LiveView
from app.views.results import ResultDetailView, ResultsTableView
from app.views.strategies import StrategiesView
from lean_runner.services.access import ANYONE, Caller

EXTENSIONS = ("tabulator", "codeeditor")
TITLE = "LEAN workbench"
SCREENS = ("Strategies", "Launch", "Runs", "Results", "Detail", "Compare")

_CSS = """
.compare-table th, .compare-table td { padding: 4px 10px; border-bottom: 1px solid var(--neutral-stroke-rest, #ddd);
  text-align: right; }
.compare-table td.best { color: #1e8449; }
"""


def load_extensions() -> None:
    """Panel's JavaScript for the widgets used here, served by the server itself (no CDN)."""
    hv.extension("bokeh", logo=False)
    pn.extension(*EXTENSIONS, raw_css=[_CSS], notifications=True, inline=True)


class Dashboard(Viewer):
    """All screens of one session. ``schedule`` runs a callable on the session's thread (live updates)."""

    def __init__(self, workbench: Any, *, caller: Caller = ANYONE, user_id: str = "default",
                 schedule: Callable[[Callable[[], None]], None] | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.live = LiveRunsModel(workbench=workbench, caller=caller, schedule=schedule)
        self.launch = LaunchModel(workbench=workbench, caller=caller, user_id=caller.user_id or user_id)
        self.data = DataFolderModel(workbench=workbench)
        self.dsl = DslEditorModel(workbench=workbench, caller=caller, user_id=caller.user_id or user_id)
        self.python = PythonEditorModel(workbench=workbench)
        self.results = ResultsModel(workbench=workbench, caller=caller)
        self.detail = ResultDetailModel(workbench=workbench, caller=caller)
        self.compare = CompareModel(workbench=workbench, caller=caller)
        self.agent = AgentModel(workbench=workbench, caller=caller, user_id=caller.user_id or user_id)

        self.agent_view = AgentView(self.agent, on_saved=self._described)
        self.strategies_view = StrategiesView(self.dsl, self.python, self.agent_view)
        self.launch_view = LaunchView(self.launch, self.data, on_launched=self.follow)
        self.live_view = LiveView(self.live)
        self.results_view = ResultsTableView(self.results, on_open=self.open_result, on_compare=self.compare_results)
        self.explain_view = ExplainView(self.agent, backtest_id=lambda: self.detail.summary.get("backtest_id"))
        self.detail_view = ResultDetailView(self.detail, explain=self.explain_view)
        self.compare_view = CompareView(self.compare)
        self.tabs = pn.Tabs(("Strategies", self.strategies_view), ("Launch", self.launch_view),
                            ("Runs", self.live_view), ("Results", self.results_view), ("Detail", self.detail_view),
                            ("Compare", self.compare_view), sizing_mode="stretch_width", dynamic=True,
                            css_classes=["screens"])
        self.tabs.param.watch(self._entered, "active")
        self.live.param.watch(self._run_finished, "active")
        self._finished: set[str] = set()
        if self.live.attach_running() is not None:  # a reload re-attaches to what is running
            self.go_to("Runs")

    # -- navigation ------------------------------------------------------------------------------------------
    def go_to(self, screen: str) -> None:
        self.tabs.active = SCREENS.index(screen)

    def open_link(self, *, screen: str = "", result: str = "") -> None:
        """Deep links: ``/?screen=results`` opens a screen, ``/?result=<timestamp>`` a result's detail."""
        if result:
            self.open_result(result)
        elif screen.title() in SCREENS:
            self.go_to(screen.title())

    def _entered(self, event: Any) -> None:
        screen = SCREENS[event.new]
        if screen == "Results":
            self.results.refresh()
        elif screen == "Launch":
            self.launch_view.refresh()

    def _described(self, _version_id: str) -> None:
        # A strategy the agent saved is one more DSL strategy: the editor and the launch form list it.
        self.dsl.refresh()
        self.launch.refresh()

    def follow(self, backtest_id: str) -> None:
        self.live.attach(backtest_id)
        self.go_to("Runs")

    def open_result(self, timestamp: str) -> None:
        self.detail.timestamp = timestamp
        self.go_to("Detail")

    def compare_results(self, timestamps: list[str]) -> None:
        self.compare.timestamps = list(timestamps)
        self.go_to("Compare")

    def _run_finished(self, _: Any) -> None:
        # A run that ends shows up in the results table without a manual refresh.
        ended = {row["backtest_id"] for row in self.live.active if row["status"] not in ("queued", "running")}
        if ended - self._finished:
            self._finished |= ended
            self.results.load()

    def close(self) -> None:
        self.live.close()

    def __panel__(self) -> pn.viewable.Viewable:
        return self.tabs

    def template(self, theme: str = "default") -> pn.template.BaseTemplate:
        """The whole app in a template with navigation and a light/dark theme switch (``theme``: default|dark)."""
        other, label = ("default", "Light theme") if theme == "dark" else ("dark", "Dark theme")
        links = pn.pane.HTML(f"<p style='font-size:0.85em'><a href='?theme={other}' class='theme-switch'>{label}</a>"
                             "<br><a href='/docs' target='_blank'>API docs</a> · "
                             "<a href='/openapi.json' target='_blank'>openapi.json</a></p>")
        return pn.template.BootstrapTemplate(title=TITLE, sidebar=[links], main=[self.tabs],
                                             sidebar_width=180, header_background="#1b4f72",
                                             theme="dark" if theme == "dark" else "default")


def session_factory(workbench: Any, caller_of: Callable[[Any], Caller | None]) -> Callable[[], Any]:
    """What the server mounts at ``/``: each browser session gets its own dashboard on its own document.
    ``caller_of(request)`` maps the session's HTTP request to a caller (None: not allowed in)."""

    def make() -> Any:
        document = pn.state.curdoc
        if document is not None:
            # Stylesheets of components made later in callbacks resolve against this; without it Panel points
            # them at its CDN (the page itself gets the server's path when it is rendered).
            document._template_variables.setdefault("dist_url", "static/extensions/panel/")
        # Bokeh's server session context carries the page's HTTP request (its arguments hold ?token=).
        request = getattr(document.session_context, "request", None) if document else None
        caller = caller_of(request)
        if caller is None:
            return pn.pane.Markdown("## A token is needed\nOpen the dashboard as `/?token=<your token>` "
                                    "(the server printed one at start, or see `WORKBENCH_TOKENS`).")
        def schedule(callback: Callable[[], None]) -> None:
            if document is not None:
                document.add_next_tick_callback(callback)  # thread-safe: runs on the session's own thread

        dashboard = Dashboard(workbench, caller=caller, schedule=schedule if document else None)
        pn.state.on_session_destroyed(lambda _context: dashboard.close())
        arguments = getattr(request, "arguments", None) or {}

        def argument(name: str) -> str:
            value = arguments.get(name, [b""])[0]
            return value.decode(errors="replace") if isinstance(value, bytes) else str(value)

        dashboard.open_link(screen=argument("screen"), result=argument("result"))
        return dashboard.template(theme=argument("theme") or "default")

    return make
