"""Results paging, sorting and deleting; the compare selection; DSL validation, versions and diffs; the .py editor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models import CompareModel, DslEditorModel, LaunchModel, PythonEditorModel, ResultDetailModel, ResultsModel
from lean_runner.services import Workbench

CASH = [50_000.0, 80_000.0, 100_000.0, 120_000.0, 150_000.0]


@pytest.fixture(scope="module")
def finished(workbench: Workbench) -> list[str]:
    """Five completed runs of `main` (different cash, so different net profits)."""
    ids = []
    for cash in CASH:
        backtest_id = LaunchModel(workbench=workbench, strategy="main", initial_cash=cash).launch()
        assert backtest_id
        ids.append(backtest_id)
    for backtest_id in ids:
        assert workbench.orchestrator.wait(backtest_id, timeout=120).status == "completed"
    return ids


def test_results_are_paged_through_the_store(workbench: Workbench, finished: list[str]) -> None:
    results = ResultsModel(workbench=workbench, page_size=2)
    assert results.total == 5 and results.pages == 3
    first_page = [row["backtest_id"] for row in results.rows]
    assert first_page == finished[::-1][:2]  # newest first
    results.next_page()
    results.next_page()
    assert results.page == 3 and [row["backtest_id"] for row in results.rows] == [finished[0]]
    results.next_page()
    assert results.page == 3
    results.descending = False
    assert results.page == 1 and [row["backtest_id"] for row in results.rows] == finished[:2]


def test_results_sort_by_a_metric_across_pages(workbench: Workbench, finished: list[str]) -> None:
    results = ResultsModel(workbench=workbench, page_size=3, sort_by="total_return")
    every = []
    for page in (1, 2):
        results.page = page
        every += [row["total_return"] for row in results.rows]
    assert len(every) == 5 and every == sorted(every, reverse=True)
    results.param.update(sort_by="strategy_name", strategy_filter="ema_crossover")
    assert results.total == 0 and results.rows == []


def test_compare_selection_normalises_curves_and_marks_the_best(workbench: Workbench, finished: list[str]) -> None:
    results = ResultsModel(workbench=workbench, page_size=10)
    stamps = [row["timestamp"] for row in results.rows]
    for stamp in stamps:
        results.toggle_selected(stamp)
    assert results.selected == stamps[-5:]
    results.toggle_selected(stamps[-1])
    assert len(results.selected) == 4
    compare = CompareModel(workbench=workbench, timestamps=results.selected[:1])
    assert compare.curves == {} and "Pick 2" in compare.message
    compare.timestamps = results.selected[:2]
    assert len(compare.curves) == 2
    for curve in compare.curves.values():
        assert curve.iloc[0] == pytest.approx(100.0)
    by_label = {label: float(v) for label, v in compare.table.loc["net_profit"].items()}
    assert compare.best["net_profit"] == max(by_label, key=by_label.__getitem__)


def test_detail_has_statistics_curves_tables_and_downloads(workbench: Workbench, finished: list[str]) -> None:
    stamp = ResultsModel(workbench=workbench).rows[0]["timestamp"]
    detail = ResultDetailModel(workbench=workbench, timestamp=stamp)
    assert detail.error == ""
    assert detail.lean_statistics["Total Orders"] == "1"
    assert len(detail.equity) > 10 and detail.drawdown.max() <= 0 and detail.drawdown.min() < 0
    assert not detail.benchmark.empty and detail.benchmark.iloc[0] == pytest.approx(detail.equity.iloc[0])
    assert list(detail.monthly.index) == [2013] and not pd_isna(detail.monthly.loc[2013, "Oct"])
    assert list(detail.orders["symbol"]) == ["SPY"] and detail.orders["status"].iloc[0] == "Filled"
    assert json.loads(detail.result_json().read())["statistics"]["Total Orders"] == "1"
    assert detail.trades_csv().read().startswith("symbol,entry_time")


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_delete_removes_the_result_and_its_folder(workbench: Workbench, finished: list[str]) -> None:
    results = ResultsModel(workbench=workbench, page_size=20)
    before = results.total
    stamp = results.rows[-1]["timestamp"]
    folder = workbench.orchestrator.index.backtests / stamp
    assert folder.is_dir()
    assert results.delete(stamp)
    assert results.total == before - 1 and stamp not in [row["timestamp"] for row in results.rows]
    assert not folder.exists()
    assert not results.delete(stamp) and "Cannot delete" in results.message


def spec_text(window: int) -> str:
    spec = json.loads((Path(__file__).resolve().parents[2] / "test-project" / "strategies" /
                       "rsi_mean_reversion.json").read_text())
    spec["entry"]["conditions"][1]["value"]["params"]["window"] = window
    return json.dumps(spec, indent=2)


def test_dsl_errors_carry_path_and_line_and_clear_when_fixed(workbench: Workbench) -> None:
    editor = DslEditorModel(workbench=workbench, user_id="u_editor")
    editor.spec_text = spec_text(0)
    assert not editor.validate()
    [error] = editor.errors
    assert error["path"] == "entry.conditions[1].value.params.window"
    assert '"window": 0' in editor.spec_text.splitlines()[error["line"]]
    editor.spec_text = spec_text(200)
    assert editor.validate() and editor.errors == []
    assert "class" in editor.compiled and "QCAlgorithm" in editor.compiled
    editor.spec_text = "{ not json"
    assert not editor.validate() and editor.errors[0]["path"] == "(JSON)"


def test_dsl_versions_and_their_diff(workbench: Workbench) -> None:
    editor = DslEditorModel(workbench=workbench, user_id="u_versions", strategy_name="RSI")
    editor.spec_text = spec_text(0)
    assert editor.save() is None and "problem" in editor.message
    editor.spec_text = spec_text(200)
    first = editor.save()
    assert first and editor.strategy_id and len(editor.versions) == 1
    editor.spec_text = spec_text(150)
    second = editor.save()
    assert second and [v["id"] for v in editor.versions] == [first, second]
    assert (editor.diff_from, editor.diff_to) == (first, second)
    changed = [line[0] + line[1:].strip() for line in editor.diff.splitlines()
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['-"window": 200', '+"window": 150']
    launch = LaunchModel(workbench=workbench, user_id="u_versions", kind="DSL version")
    assert launch.version == second
    assert {d.name for d in launch.declarations} == {"rsi_window", "oversold", "overbought"}


def test_python_editor_refuses_a_syntax_error_and_saves_valid_source(workbench: Workbench) -> None:
    editor = PythonEditorModel(workbench=workbench, strategy="main")
    original = editor.source
    editor.source = original + "\ndef broken(:\n"
    assert not editor.save()
    assert editor.errors[0]["line"] == original.count("\n") + 2
    assert workbench.project.read_source("main") == original
    editor.source = original
    editor.new_name = "main_copy"
    assert editor.save() and editor.strategy == "main_copy"
    assert workbench.project.read_source("main_copy") == original
    editor.new_name = "../outside"
    assert not editor.save() and "Not saved" in editor.message
    assert not (workbench.project.project.parent / "outside.py").exists()
