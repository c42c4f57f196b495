"""The dashboard in Debian's Chromium (Playwright) against a real ``workbench serve``: a researcher's session.

One server and one browser page for the module; the steps build on each other in file order (write a
spec, launch, watch, reload, results, detail, compare, delete). Every step saves a screenshot under the
test's temporary folder. Under ``CI=true`` a missing Chromium fails the tests instead of skipping them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import ServerProcess, make_project, start_server, wait_for_status
from page_probes import EQUITY_POINTS_JS

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
CURVE_LABELS_JS = """() => {
  const labels = new Set();
  for (const doc of window.Bokeh.documents) {
    for (const model of doc.all_models) {
      if (model.type === "LegendItem" && model.label && model.label.value) { labels.add(model.label.value); }
    }
  }
  return [...labels];
}"""


def require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM} (Debian's package 'chromium'; .ci/install-system.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class Session:
    """The page, what left the machine, the console errors, and numbered screenshots."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page, self.folder = page, folder
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.shots = 0
        page.on("request", lambda request: None if request.url.startswith(LOOPBACK)
                else self.outside.append(request.url))
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def shot(self, name: str) -> Path:
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def tab(self, name: str) -> None:
        self.page.locator(".bk-tab", has_text=name).first.click()

    def text(self, css: str) -> str:
        """The text a component shows (Panel renders into its element's shadow root)."""
        return str(self.page.locator(css).first.evaluate("el => (el.shadowRoot || el).textContent"))

    def wait_text(self, text: str, timeout: float = 60) -> None:
        self.page.get_by_text(text).first.wait_for(timeout=timeout * 1000)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path) -> Iterator[ServerProcess]:
    project = make_project(tmp_path_factory.mktemp("dashboard") / "project")
    started = start_server(project, lean_data, parse_cache)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def session(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    shots = tmp_path_factory.mktemp("screenshots")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(server.url + "/")
        yield Session(page, shots)
        browser.close()
    keep = os.environ.get("WORKBENCH_KEEP_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as opened:
        yield opened


def test_the_page_loads_with_its_screens(session: Session) -> None:
    session.page.locator(".bk-tab", has_text="Compare").first.wait_for(timeout=120_000)
    for screen in ("Strategies", "Launch", "Runs", "Results", "Compare"):
        assert session.page.locator(".bk-tab", has_text=screen).count() >= 1
    session.shot("loaded")
    assert session.errors == []


def test_a_bad_window_is_shown_at_its_path_and_fixing_it_clears_it(session: Session, server: ServerProcess) -> None:
    spec = json.loads((server.project / "strategies" / "rsi_mean_reversion.json").read_text())
    condition = spec["entry"]["conditions"][0]
    condition["params"]["window"] = -5
    editor = session.page.locator(".dsl-editor .ace_text-input").first
    editor.focus()
    session.page.keyboard.press("Control+A")
    session.page.keyboard.insert_text(json.dumps(spec, indent=2))
    session.wait_text("entry.conditions[0].params.window", timeout=30)
    assert "Not valid yet" in session.text(".dsl-status")
    session.shot("bad-window")
    condition["params"]["window"] = 14
    editor.focus()
    session.page.keyboard.press("Control+A")
    session.page.keyboard.insert_text(json.dumps(spec, indent=2))
    session.wait_text("Valid — ready to save", timeout=30)
    assert "entry.conditions[0].params.window" not in session.text(".dsl-problems")
    session.shot("fixed-window")


def test_a_launch_shows_progress_and_the_chart_grows_before_it_completes(session: Session,
                                                                         client: httpx.Client) -> None:
    session.tab("Launch")
    session.page.locator(".launch-strategy select").select_option("slow_minute")
    session.page.locator(".launch-button button").click()
    session.wait_text("slow_minute ·", timeout=60)  # the runs screen follows the new run
    session.shot("launched")
    samples = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        value = session.page.locator(".live-progress progress").first.get_attribute("value")
        points = session.page.evaluate(EQUITY_POINTS_JS)
        status = client.get("/api/v2/backtest/results", params={"strategy_name": "slow_minute"}).json()
        samples.append((float(value or 0), points, status["total_count"]))
        if len(samples) >= 2 and samples[-1][1] > samples[0][1] and samples[-1][0] > samples[0][0]:
            break
        time.sleep(1)
    session.shot("running")
    first, last = samples[0], samples[-1]
    assert last[0] > first[0], f"the progress bar did not advance: {samples}"
    assert last[1] > first[1], f"the equity chart gained no points: {samples}"
    assert last[2] == 0, "the run completed before the chart was seen growing (the test proves nothing)"


def test_a_reload_during_the_run_re_attaches(session: Session, client: httpx.Client, server: ServerProcess) -> None:
    session.page.reload()
    session.wait_text("slow_minute ·", timeout=60)
    caption = session.text(".live-caption")
    assert "running" in caption or "queued" in caption
    session.shot("reloaded")
    backtest_id = caption.split(" · ")[1].strip()
    assert backtest_id.startswith("bt_")
    final = wait_for_status(client, backtest_id, {"completed", "failed", "cancelled"}, timeout=300)
    assert final["status"] == "completed", final
    session.wait_text("completed", timeout=60)
    session.shot("completed")


def test_the_finished_run_is_in_the_results_table_and_its_detail_has_statistics_and_charts(
        session: Session, client: httpx.Client) -> None:
    session.tab("Results")
    session.page.locator(".results-table").get_by_text("slow_minute").first.wait_for(timeout=60_000)
    session.shot("results")
    row = session.page.locator(".results-table .tabulator-row", has_text="slow_minute").first
    row.locator(".tabulator-cell[tabulator-field='timestamp']").click()
    session.wait_text("LEAN statistics", timeout=60)
    statistics = session.text(".lean-statistics")
    assert "Sharpe Ratio" in statistics and "Total Orders" in statistics
    assert session.page.locator(".detail-equity canvas").count() >= 1
    session.shot("detail")
    session.page.locator(".bk-tab", has_text="Returns").first.click()  # built when first shown
    session.page.locator(".monthly-heatmap canvas").first.wait_for(timeout=60_000)
    session.shot("detail-returns")


def test_compare_overlays_two_curves(session: Session, client: httpx.Client) -> None:
    run = client.post("/api/v2/backtest/run", json={"strategy_name": "main", "start_date": "2013-10-07",
                                                     "end_date": "2013-10-09"})  # other numbers than the first
    assert run.status_code == 202
    assert wait_for_status(client, run.json()["backtest_id"], {"completed", "failed"})["status"] == "completed"
    session.tab("Results")
    session.page.locator(".results-table").get_by_text("main").first.wait_for(timeout=60_000)
    boxes = session.page.locator(".results-table .tabulator-row input[type='checkbox']")
    boxes.nth(0).check()
    boxes.nth(1).check()
    session.page.locator(".compare-button button").click()
    session.page.locator(".compare-table").first.wait_for(timeout=60_000)
    labels = session.page.evaluate(CURVE_LABELS_JS)
    assert sum(1 for label in labels if " · " in label) >= 2, labels
    assert session.page.locator(".compare-table td.best").count() >= 1
    session.shot("compare")


def test_delete_removes_a_result(session: Session, client: httpx.Client) -> None:
    before = client.get("/api/v2/backtest/results").json()["total_count"]
    session.tab("Results")
    session.page.locator(".results-table .tabulator-row").first.wait_for()
    boxes = session.page.locator(".results-table .tabulator-row input[type='checkbox']")
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    boxes.first.check()
    session.page.get_by_role("button", name="Delete selected").click()
    session.page.locator(".confirm-delete button").click()
    session.wait_text("Deleted ", timeout=60)
    session.shot("deleted")
    assert client.get("/api/v2/backtest/results").json()["total_count"] == before - 1


def test_describe_a_strategy_preview_then_save_then_explain_its_backtest_and_apply_a_suggestion(
        session: Session, client: httpx.Client, server: ServerProcess) -> None:
    session.tab("Strategies")
    session.page.locator(".bk-tab", has_text="Describe in English").first.click()
    box = session.page.locator(".agent-description textarea")
    box.fill("Buy SPY when RSI(14) is below 30 and sell when it is above 70, with a 5% stop loss")
    session.page.locator(".agent-preview button").click()
    session.wait_text("What it does:", timeout=60)
    assert "Valid" in session.text(".agent-summary")
    assert client.get("/strategies", params={"user_id": "default"}).json()["items"] == []  # nothing saved yet
    session.shot("described")
    session.page.get_by_role("button", name="Save strategy").click()
    session.wait_text("Saved strategy", timeout=60)
    [strategy] = client.get("/strategies", params={"user_id": "default"}).json()["items"]
    version_id = strategy["current_version_id"]
    created = client.post("/backtests", json={"user_id": "default", "strategy_version_id": version_id,
                                              "config": {"start_date": "2010-01-01", "end_date": "2013-12-31"}})
    backtest_id = created.json()["backtest"]["id"]
    deadline = time.monotonic() + 300
    while client.get(f"/backtests/{backtest_id}").json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    listed = client.get("/api/v2/backtest/results", params={"page_size": 100}).json()["results"]
    [timestamp] = [r["timestamp"] for r in listed if r["backtest_id"] == backtest_id]
    session.page.goto(f"{server.url}/?result={timestamp}")
    session.wait_text("LEAN statistics", timeout=60)
    session.shot("dsl-detail")
    session.page.locator(".bk-tab", has_text="Explain").first.click()
    session.page.locator(".agent-explain button").click()
    session.page.locator(".agent-suggestion button").first.wait_for(timeout=60_000)
    session.shot("explained")
    session.page.locator(".agent-suggestion button").first.click()
    session.wait_text("Created version", timeout=60)
    versions = client.get(f"/strategies/{strategy['id']}/versions").json()["items"]
    assert len(versions) == 2 and versions[-1]["origin"] == "agent"


def test_nothing_left_the_machine_and_the_console_and_server_log_stayed_clean(session: Session,
                                                                             server: ServerProcess) -> None:
    assert session.outside == [], sorted(set(session.outside))
    assert session.errors == []
    log = server.log_text()
    # Errors in our code show as a traceback through it; Bokeh logs its own closed-socket tracebacks when a
    # page goes away mid-write (a reload), which are not ours.
    ours = re.findall(rf'File "{re.escape(str(REPO))}/(?:app|api|lean_runner)/[^"]+", line \d+', log)
    assert ours == [] and "Callable raised" not in log, log[-3000:]
