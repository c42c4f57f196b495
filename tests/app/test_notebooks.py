"""Both notebooks executed with nbclient against real services: the quickstart in-process on a copy of
test-project, the REST notebook against a real ``workbench serve``; their outputs are checked."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from api_server import ServerProcess, make_project, start_server
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(name: str, env: dict[str, str], cwd: Path) -> Any:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        f"{name} is stored with outputs"
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel inherits the environment of the process that starts it
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return notebook


def printed(notebook: Any) -> str:
    return "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []) if output.get("output_type") == "stream")


def displayed_mimetypes(cell: Any) -> set[str]:
    return {mime for output in cell.get("outputs", []) if output.get("output_type") in ("display_data",
                                                                                          "execute_result")
            for mime in output.get("data", {})}


@pytest.fixture(scope="module")
def rest_server(tmp_path_factory: pytest.TempPathFactory, lean_data: Path,
                parse_cache: Path) -> Iterator[ServerProcess]:
    started = start_server(make_project(tmp_path_factory.mktemp("rest-notebook") / "project"), lean_data,
                           parse_cache)
    yield started
    started.stop()


def test_quickstart_runs_a_backtest_shows_the_monitor_and_results_and_compares_two_runs(
        tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    project = make_project(tmp_path / "project")
    env = {"WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
           "WORKBENCH_CACHE_FOLDER": str(parse_cache), "WORKBENCH_ENGINE": "local"}
    notebook = execute("quickstart.ipynb", env, tmp_path)
    text = printed(notebook)
    assert "status: completed percent: 100.0" in text
    points = int(text.split("equity points: ")[1].split()[0])
    assert points >= 1  # a run of a few seconds sends few progress events; the browser test watches a long one
    assert "results: 1" in text
    final_value = float(text.split("final value: ")[1].split()[0])
    first = text.split("launched ")[1].split()[0]
    [result] = [p for p in (project / "backtests").iterdir()
                if p.is_dir() and json.loads((p / "workbench.json").read_text())["backtestId"] == first]
    statistics = json.loads(next(result.glob("*-summary.json")).read_text())["statistics"]
    assert final_value == pytest.approx(float(statistics["End Equity"]))
    assert "total_return" in text and "best:" in text
    view_cells = [c for c in notebook.cells if c.cell_type == "code" and c.source.rstrip().endswith("_view")]
    assert len(view_cells) == 3
    for cell in view_cells:  # each screen renders as a Panel/Bokeh display
        assert displayed_mimetypes(cell) & {"application/vnd.holoviews_exec.v0+json", "text/html"}, cell.outputs


def test_rest_notebook_drives_the_api_and_the_websocket(rest_server: ServerProcess, tmp_path: Path) -> None:
    notebook = execute("rest-api.ipynb", {"WORKBENCH_URL": rest_server.url}, tmp_path)
    text = printed(notebook)
    assert "main" in text.splitlines()[0]
    assert "202 queued" in text or "202 running" in text
    assert "'backtest_completed'" in text and "'progress_update'" in text and "final: backtest_completed" in text
    assert "valid: True []" in text
    assert "status: completed" in text
    assert "years: ['2012', '2013']" in text
