"""Benchmark the dashboard in Chromium: first render of the results page with 1,000 stored results, of a detail
view with a 100,000-point equity curve, and the live chart's update rate during a run.

``python bench/dashboard.py [--results 1000] [--points 100000] [--json out.json]``

1. Fills a project with ``--results`` results (one real run through the API, copied; see bench/filled_project.py), and
   gives one copy an equity curve of ``--points`` points (a random walk written into LEAN's result file, so the
   detail view reads it the way it reads any result).
2. Starts ``workbench serve`` on it and opens, each in a fresh page of Debian's Chromium (Playwright):
   ``/?screen=results`` until the table shows its first page, and ``/?result=<timestamp>`` until the equity
   chart is drawn. Each is measured ``--repeat`` times; the fastest and the median are printed.
3. Launches a backtest that runs for about 20 s, follows it on the runs screen and counts how often the number
   of points in the live equity chart grows (updates per second, over the run).
4. The peer in the same run: a bare Panel page (no workbench) with a 20-row table and a 100,000-point HoloViews
   curve, served by Panel itself: the floor of the toolkit on this machine. Ratios say what the workbench adds.

Goals (issue #12): results page under 1.5 s, detail under 2 s, at least 2 live updates per second.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "api"))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "app"))
from api_server import start_server  # noqa: E402
from filled_project import fill_project  # noqa: E402
from page_probes import EQUITY_POINTS_JS  # noqa: E402

TEMPLATE_DATA = REPO.parent / "shared" / "lean-data"  # the data the brief names: ../shared/lean-data
CHROMIUM = "/usr/bin/chromium"
GOAL_RESULTS_S, GOAL_DETAIL_S, GOAL_UPDATES_PER_S = 1.5, 2.0, 2.0
CANVAS_IN = """(css) => {
  const walk = (root) => { for (const el of root.querySelectorAll('*')) {
      if (el.matches && el.matches(css)) { return el; }
      if (el.shadowRoot) { const found = walk(el.shadowRoot); if (found) { return found; } } } return null; };
  const host = walk(document);
  if (!host) { return false; }
  const deep = (root) => { for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'CANVAS' && el.width > 0) { return true; }
      if (el.shadowRoot && deep(el.shadowRoot)) { return true; } } return false; };
  return deep(host.shadowRoot || host);
}"""
PEER_APP = '''
import numpy as np, pandas as pd, panel as pn, holoviews as hv
from holoviews.operation.downsample import downsample1d
hv.extension("bokeh", logo=False)
pn.extension("tabulator")
points = int(__import__("os").environ["PEER_POINTS"])
times = pd.date_range("2000-01-03", periods=points, freq="min")
walk = 1e5 + np.cumsum(np.random.default_rng(1).normal(0, 50, points))
curve = hv.Curve(pd.DataFrame({"time": times, "value": walk}), "time", "value")
table = pn.widgets.Tabulator(pd.DataFrame({"a": range(20), "b": [0.5] * 20}), css_classes=["results-table"])
pn.Column(table, pn.pane.HoloViews(downsample1d(curve, width=1500).opts(responsive=True, height=320),
                                   css_classes=["detail-equity"], sizing_mode="stretch_width")).servable()
'''


@dataclass
class RenderFigures:
    name: str
    fastest_s: float
    median_s: float
    runs: int


def give_long_equity_curve(project: Path, points: int) -> str:
    """Rewrite one copied result's equity chart to ``points`` points; returns its timestamp."""
    folders = sorted(p for p in (project / "backtests").iterdir() if p.is_dir())
    folder = folders[0]
    metadata = json.loads((folder / "workbench.json").read_text())
    result_file = folder / f"{metadata['algorithmId']}.json"
    result = json.loads(result_file.read_text())
    rng = np.random.default_rng(7)
    start = 946_890_000  # 2000-01-03 09:00 UTC
    values = 100_000 + np.cumsum(rng.normal(0, 50, points))
    series = result["charts"]["Strategy Equity"]["series"]["Equity"]
    series["values"] = [[start + 60 * i, v, v, v, v] for i, v in enumerate(values.round(4).tolist())]
    result_file.write_text(json.dumps(result))
    return folder.name


def first_render(browser: Any, url: str, ready: str, repeat: int, name: str) -> RenderFigures:
    timings = []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ready, timeout=120_000)
        timings.append(time.perf_counter() - started)
        page.close()
    return RenderFigures(name, min(timings), statistics.median(timings), repeat)


ROWS_IN = """(count) => {
  const rows = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) {
      if (el.classList && el.classList.contains('tabulator-row')) { rows.push(el); }
      if (el.shadowRoot) { walk(el.shadowRoot); } } };
  walk(document);
  return rows.length >= count;
}"""


def rows_ready(count: int) -> str:
    return f"() => ({ROWS_IN})({count})"


def chart_ready() -> str:
    return f"() => ({CANVAS_IN})('.detail-equity')"


def live_update_rate(browser: Any, base: str, client: httpx.Client) -> tuple[float, int, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    run = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute", "parameters": {"sleep-ms": "20"}})
    run.raise_for_status()
    backtest_id = run.json()["backtest_id"]
    page.goto(base + "/?screen=runs")
    page.wait_for_function("() => window.Bokeh && window.Bokeh.documents.length > 0", timeout=120_000)
    changes, last, first_change, last_change = 0, -1, None, None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        points = page.evaluate(EQUITY_POINTS_JS)
        now = time.perf_counter()
        if points != last:
            if last >= 0:
                changes += 1
                first_change = first_change or now
                last_change = now
            last = points
        status = client.get(f"/api/v2/backtest/status/{backtest_id}").json()["status"]
        if status not in ("queued", "running"):
            break
        time.sleep(0.05)
    page.close()
    span = (last_change - first_change) if first_change and last_change and last_change > first_change else 0.0
    return (changes / span if span else 0.0), changes, span


def peer_figures(browser: Any, work: Path, points: int, repeat: int) -> list[RenderFigures]:
    app = work / "peer_app.py"
    app.write_text(PEER_APP)
    port_probe = httpx.Client()
    process = subprocess.Popen([sys.executable, "-m", "panel", "serve", str(app), "--port", "0", "--address",
                                "127.0.0.1", "--allow-websocket-origin", "*"],
                               env={**os.environ, "PEER_POINTS": str(points)}, stderr=subprocess.PIPE, text=True)
    try:
        url = None
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if "Bokeh app running at:" in line:
                url = line.split("at:")[1].strip()
        if url is None:
            raise SystemExit("the peer Panel app did not start")
        table = first_render(browser, url, rows_ready(20), repeat, "bare Panel: 20-row table")
        chart = first_render(browser, url, chart_ready(), repeat, f"bare Panel: {points:,}-point curve")
        return [table, chart]
    finally:
        port_probe.close()
        process.terminate()
        process.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1000)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("WORKBENCH_DATA_FOLDER", TEMPLATE_DATA)))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    try:
        print(f"filling a project with {args.results} results ...", flush=True)
        project = fill_project(work, args.data, args.results)
        long_result = give_long_equity_curve(project, args.points)
        server = start_server(project, args.data, work / "cache")
        try:
            with server.client() as client, sync_playwright() as playwright:
                total = client.get("/api/v2/backtest/results", params={"page_size": 1}).json()["total_count"]
                print(f"the server lists {total} results", flush=True)
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                figures = [
                    first_render(browser, server.url + "/?screen=results", rows_ready(20), args.repeat,
                                 f"results page ({total:,} results)"),
                    first_render(browser, f"{server.url}/?result={long_result}", chart_ready(), args.repeat,
                                 f"detail ({args.points:,}-point equity)"),
                ]
                rate, changes, span = live_update_rate(browser, server.url, client)
                figures += peer_figures(browser, work, args.points, args.repeat)
                browser.close()
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| first render | fastest s | median s | runs |")
    print("|---|---|---|---|")
    for item in figures:
        print(f"| {item.name} | {item.fastest_s:.2f} | {item.median_s:.2f} | {item.runs} |")
    print(f"\nlive equity chart: {changes} updates in {span:.1f} s = {rate:.1f} updates/s")
    results, detail, peer_table, peer_chart = figures
    verdicts = [
        ("results page", results.median_s, GOAL_RESULTS_S, peer_table.median_s),
        ("detail view", detail.median_s, GOAL_DETAIL_S, peer_chart.median_s),
    ]
    ok = True
    for name, seconds, goal, peer in verdicts:
        verdict = "PASS" if seconds < goal else "FAIL"
        ok &= verdict == "PASS"
        print(f"{verdict} {name}: median {seconds:.2f} s (goal < {goal} s; {seconds / peer:.1f}x the bare Panel page)")
    verdict = "PASS" if rate >= GOAL_UPDATES_PER_S else "FAIL"
    ok &= verdict == "PASS"
    print(f"{verdict} live updates: {rate:.1f}/s (goal >= {GOAL_UPDATES_PER_S}/s)")
    if args.json:
        args.json.write_text(json.dumps({"renders": [asdict(f) for f in figures],
                                         "live": {"updates_per_s": rate, "updates": changes, "seconds": span}},
                                        indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
