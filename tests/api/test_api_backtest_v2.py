"""``backtesting-api-v2.md`` against the real server: every endpoint, its fields and status codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import ServerProcess, wait_for_status

from lean_runner.engine.results.reader import read_result_folder

DOC_REQUEST = {"strategy_name": "main", "start_date": "2013-10-07", "end_date": "2013-10-11",
               "initial_cash": 100000, "symbols": ["SPY"], "resolution": "Minute"}
STATUS_FIELDS = {"backtest_id", "status", "request", "created_at", "started_at", "container_id"}
STATISTICS_FIELDS = {"total_return", "sharpe_ratio", "max_drawdown", "win_rate", "total_trades", "average_win",
                     "average_loss", "profit_factor", "net_profit"}


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def finished_main(client: httpx.Client) -> dict:
    """One completed run of the document's example request."""
    started = client.post("/api/v2/backtest/run", json=DOC_REQUEST)
    assert started.status_code == 202, started.text
    return wait_for_status(client, started.json()["backtest_id"], {"completed", "failed"})


def test_strategies_lists_the_project_files_with_their_docstrings(client: httpx.Client) -> None:
    response = client.get("/api/v2/backtest/strategies")
    assert response.status_code == 200
    strategies = {item["name"]: item for item in response.json()}
    assert {"main", "ema_crossover", "macd_trend", "rsi_mean_reversion", "slow_minute"} <= set(strategies)
    main = strategies["main"]
    assert set(main) == {"name", "file_path", "description", "last_modified"}
    assert main["file_path"].endswith("/main.py") and main["description"].startswith("Buy and hold SPY")


def test_a_strategy_file_edited_on_disk_lists_its_new_description(client: httpx.Client,
                                                                   server: ServerProcess) -> None:
    def described() -> dict[str, str]:
        return {item["name"]: item["description"] for item in client.get("/api/v2/backtest/strategies").json()}

    path = server.project / "edited_on_disk.py"
    path.write_text('"""First words."""\n')
    assert described()["edited_on_disk"] == "First words."
    path.write_text('"""Other words, longer."""\n')
    assert described()["edited_on_disk"] == "Other words, longer."
    path.unlink()
    assert "edited_on_disk" not in described()


def test_strategy_detail_declares_parameters_with_type_and_required(client: httpx.Client) -> None:
    response = client.get("/api/v2/backtest/strategies/ema_crossover")
    assert response.status_code == 200
    parameters = response.json()["parameters"]
    assert parameters["ema-fast"] == {"type": "integer", "required": False, "default": "10"}  # config.json's value
    assert parameters["ema-slow"]["default"] == "50"
    assert parameters["initial_cash"]["type"] == "number"


@pytest.mark.parametrize(("name", "status"), [("nope", 404), ("%2E%2E", 400), ("main.py", 400), ("a%2Fb", 400)])
def test_strategy_detail_refuses_unknown_and_outside_names(client: httpx.Client, name: str, status: int) -> None:
    response = client.get(f"/api/v2/backtest/strategies/{name}")
    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_run_answers_202_with_the_documented_status_fields(client: httpx.Client, finished_main: dict) -> None:
    assert set(finished_main) >= STATUS_FIELDS
    assert finished_main["backtest_id"].startswith("bt_") and len(finished_main["backtest_id"]) > 20
    assert finished_main["status"] == "completed", finished_main
    assert finished_main["request"]["strategy_name"] == "main"
    assert finished_main["container_id"] is None  # the embedded engine


def test_progress_of_a_finished_run_is_complete(client: httpx.Client, finished_main: dict) -> None:
    progress = client.get(f"/api/v2/backtest/progress/{finished_main['backtest_id']}").json()
    assert set(progress) == {"backtest_id", "status", "progress_percentage", "current_date", "log_entries",
                             "statistics"}
    assert progress["progress_percentage"] == 100.0 and progress["status"] == "completed"


def test_results_list_shows_lean_statistics_in_the_documents_units(client: httpx.Client, server: ServerProcess,
                                                                   finished_main: dict) -> None:
    body = client.get("/api/v2/backtest/results", params={"page": 1, "page_size": 20,
                                                          "strategy_name": "main"}).json()
    assert {"results", "total_count", "page", "page_size"} <= set(body) and body["page_size"] == 20
    item = next(r for r in body["results"] if r["backtest_id"] == finished_main["backtest_id"])
    assert set(item["statistics"]) == STATISTICS_FIELDS
    lean = read_result_folder(Path(item["result_path"])).statistics
    start, end = float(lean["Start Equity"]), float(lean["End Equity"])
    assert item["initial_cash"] == start == 100000 and item["final_value"] == end
    assert item["statistics"]["net_profit"] == pytest.approx(end - start)
    assert item["statistics"]["total_return"] == pytest.approx((end / start - 1) * 100)
    assert item["statistics"]["max_drawdown"] == -float(lean["Drawdown"].rstrip("%"))
    assert item["statistics"]["sharpe_ratio"] == float(lean["Sharpe Ratio"])
    assert (item["start_date"], item["end_date"]) == ("2013-10-07", "2013-10-11")
    assert Path(item["result_path"]).parent == server.project / "backtests"


def test_results_filter_by_strategy_and_paginate(client: httpx.Client, finished_main: dict) -> None:
    assert client.get("/api/v2/backtest/results", params={"strategy_name": "macd_trend"}).json()["total_count"] == 0
    page = client.get("/api/v2/backtest/results", params={"page_size": 1}).json()
    assert page["page_size"] == 1 and len(page["results"]) == 1 and page["total_count"] >= 1
    beyond = client.get("/api/v2/backtest/results", params={"page": 999}).json()
    assert beyond["results"] == [] and beyond["total_count"] == page["total_count"]


@pytest.mark.parametrize("query", [{"page": 0}, {"page_size": 101}, {"page_size": 0}, {"page": "x"}])
def test_results_refuse_bad_pages(client: httpx.Client, query: dict) -> None:
    response = client.get("/api/v2/backtest/results", params=query)
    assert response.status_code == 400 and response.json()["error"]["details"]


def test_a_result_by_timestamp_holds_trades_orders_and_the_equity_curve(client: httpx.Client,
                                                                        finished_main: dict) -> None:
    item = next(r for r in client.get("/api/v2/backtest/results").json()["results"]
                if r["backtest_id"] == finished_main["backtest_id"])
    detail = client.get(f"/api/v2/backtest/results/{item['timestamp']}").json()
    lean = read_result_folder(Path(item["result_path"]))
    assert detail["lean_statistics"] == lean.statistics
    assert len(detail["equity_curve"]) == len(lean.equity_curve()) > 100
    assert detail["equity_curve"][-1]["value"] == lean.equity_curve()[-1][1]
    assert [o["id"] for o in detail["orders"]] == sorted(int(k) for k in lean.orders)
    assert detail["statistics"] == item["statistics"]


@pytest.mark.parametrize("timestamp", ["..", "..%2F..%2Fetc", "%2E%2E", "a b", "x" * 150])
def test_result_timestamps_that_would_leave_the_project_are_refused(client: httpx.Client, timestamp: str) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, f"/api/v2/backtest/results/{timestamp}")
        assert response.status_code in (400, 404), (method, timestamp, response.text)
        assert "error" in response.json()


def test_run_window_replaces_the_algorithms_dates_and_cash(client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "main", "start_date": "2013-10-08",
                                                        "end_date": "2013-10-09", "initial_cash": 25000})
    done = wait_for_status(client, started.json()["backtest_id"], {"completed", "failed"})
    assert done["status"] == "completed", done
    item = next(r for r in client.get("/api/v2/backtest/results", params={"page_size": 100}).json()["results"]
                if r["backtest_id"] == done["backtest_id"])
    assert (item["start_date"], item["end_date"], item["initial_cash"]) == ("2013-10-08", "2013-10-09", 25000)


def test_tick_resolution_runs_on_the_embedded_engine(client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "main", "resolution": "Tick",
                                                        "symbols": ["IBM"], "start_date": "2013-10-07",
                                                        "end_date": "2013-10-07", "engine": "local"})
    assert started.status_code == 202, started.text
    done = wait_for_status(client, started.json()["backtest_id"], {"completed", "failed"})
    assert done["status"] == "completed", done


@pytest.mark.parametrize(("body", "status", "path"), [
    ({"strategy_name": "main", "start_date": "2013-10-11", "end_date": "2013-10-07"}, 422, "end_date"),
    ({"strategy_name": "main", "symbols": ["spy"]}, 422, "symbols[0]"),
    ({"strategy_name": "main", "initial_cash": -5}, 422, "initial_cash"),
    ({"strategy_name": "main", "colour": "red"}, 422, "colour"),
    ({"strategy_name": "main", "resolution": "Weekly"}, 422, "resolution"),
    ({}, 422, "strategy_name"),
    ({"strategy_name": "does_not_exist"}, 404, None),
])
def test_bad_run_requests_say_what_is_wrong_where(client: httpx.Client, body: dict, status: int,
                                                  path: str | None) -> None:
    response = client.post("/api/v2/backtest/run", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if path:
        assert path in [d["path"] for d in error["details"]], error


def test_body_that_is_not_json_is_a_400(client: httpx.Client) -> None:
    response = client.post("/api/v2/backtest/run", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_cancel_a_running_backtest_then_cancelling_again_is_a_conflict(client: httpx.Client) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute",
                                                        "parameters": {"sleep-ms": 20}}).json()
    running = wait_for_status(client, started["backtest_id"], {"running"})
    assert running["status"] == "running" and running["started_at"]
    response = client.delete(f"/api/v2/backtest/cancel/{started['backtest_id']}")
    assert response.status_code == 200
    assert response.json() == {"message": f"Backtest '{started['backtest_id']}' cancelled successfully"}
    assert client.get(f"/api/v2/backtest/status/{started['backtest_id']}").json()["status"] == "cancelled"
    again = client.delete(f"/api/v2/backtest/cancel/{started['backtest_id']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_deleting_a_running_backtests_result_is_a_conflict_and_a_finished_one_goes(client: httpx.Client,
                                                                                  server: ServerProcess) -> None:
    started = client.post("/api/v2/backtest/run", json={"strategy_name": "slow_minute"}).json()
    wait_for_status(client, started["backtest_id"], {"running"})
    progress = client.get(f"/api/v2/backtest/progress/{started['backtest_id']}").json()
    assert progress["status"] == "running"
    folders = [p.name for p in (server.project / "backtests").iterdir() if p.is_dir()]
    busy = max(folders)  # the newest folder is the running one
    assert client.delete(f"/api/v2/backtest/results/{busy}").status_code == 409
    client.delete(f"/api/v2/backtest/cancel/{started['backtest_id']}")
    finished = client.post("/api/v2/backtest/run", json={"strategy_name": "main"}).json()
    wait_for_status(client, finished["backtest_id"], {"completed"})
    item = next(r for r in client.get("/api/v2/backtest/results", params={"page_size": 100}).json()["results"]
                if r["backtest_id"] == finished["backtest_id"])
    deleted = client.delete(f"/api/v2/backtest/results/{item['timestamp']}")
    assert deleted.status_code == 204 and not Path(item["result_path"]).exists()
    assert client.get(f"/api/v2/backtest/results/{item['timestamp']}").status_code == 404
    remaining = client.get("/api/v2/backtest/results", params={"page_size": 100}).json()["results"]
    assert finished["backtest_id"] not in [r["backtest_id"] for r in remaining]


def test_unknown_backtest_ids_are_404_everywhere(client: httpx.Client) -> None:
    for method, path in [("GET", "/api/v2/backtest/status/bt_nope"), ("GET", "/api/v2/backtest/progress/bt_nope"),
                         ("DELETE", "/api/v2/backtest/cancel/bt_nope")]:
        response = client.request(method, path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path


def test_unknown_api_paths_get_a_json_404(client: httpx.Client) -> None:
    response = client.get("/api/v2/backtest/nothing-here")
    assert response.status_code == 404 and json.loads(response.text)["error"]["code"] == "not_found"
