"""``strategy-and-backtest-api.md`` sections 1–2 against the real server: strategies, versions, validation,
backtests of DSL versions and their results, user scoping."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import ServerProcess, wait_for_status

REPO = Path(__file__).resolve().parents[2]
SPEC = json.loads((REPO / "test-project" / "strategies" / "rsi_mean_reversion.json").read_text())
CONFIG = {"start_date": "2010-01-01", "end_date": "2012-12-31", "initial_capital": 100000,
          "transaction_cost_bps": 5, "slippage_model": "basic"}
STRATEGY_FIELDS = {"id", "user_id", "name", "description", "current_version_id", "created_at", "updated_at"}
VERSION_FIELDS = {"id", "strategy_id", "json_spec", "nl_summary", "origin", "created_by", "created_at"}


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def created(client: httpx.Client) -> dict:
    response = client.post("/strategies", json={"user_id": "u_123", "name": "RSI reversion",
                                                "description": "Buy oversold, sell overbought.", "json_spec": SPEC,
                                                "nl_summary": "Buys when RSI < 30...", "origin": "user"})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_strategy_answers_201_with_the_strategy_and_its_first_version(client: httpx.Client,
                                                                           created: dict) -> None:
    strategy, version = created["strategy"], created["version"]
    assert set(strategy) == STRATEGY_FIELDS and set(version) == VERSION_FIELDS
    assert strategy["id"].startswith("s_") and version["id"].startswith("sv_")
    assert strategy["current_version_id"] == version["id"] and version["strategy_id"] == strategy["id"]
    assert version["json_spec"] == SPEC and version["origin"] == "user" and version["created_by"] == "u_123"
    assert strategy["created_at"].endswith("Z")


def test_list_strategies_is_per_user(client: httpx.Client, created: dict) -> None:
    mine = client.get("/strategies", params={"user_id": "u_123"}).json()["items"]
    assert created["strategy"]["id"] in [item["id"] for item in mine]
    item = next(i for i in mine if i["id"] == created["strategy"]["id"])
    assert item["origin_latest"] == "user" and set(item) >= STRATEGY_FIELDS
    others = client.get("/strategies", params={"user_id": "u_other"}).json()["items"]
    assert created["strategy"]["id"] not in [item["id"] for item in others]
    assert client.get("/strategies").status_code == 400  # user_id is required


def test_get_strategy_with_its_current_version(client: httpx.Client, created: dict) -> None:
    body = client.get(f"/strategies/{created['strategy']['id']}").json()
    assert body["strategy"] == created["strategy"] and body["current_version"] == created["version"]


def test_new_version_moves_the_current_one_and_versions_list_in_order(client: httpx.Client, created: dict) -> None:
    strategy_id = created["strategy"]["id"]
    changed = copy.deepcopy(SPEC)
    changed["name"] = "RSI reversion, tighter"
    response = client.post(f"/strategies/{strategy_id}/versions",
                           json={"json_spec": changed, "nl_summary": "Tighter.", "origin": "agent",
                                 "created_by": "agent_system"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["strategy"]["current_version_id"] == body["version"]["id"] != created["version"]["id"]
    assert set(body["strategy"]) == {"id", "current_version_id", "updated_at"}
    assert body["version"]["origin"] == "agent" and body["version"]["created_by"] == "agent_system"
    versions = client.get(f"/strategies/{strategy_id}/versions").json()["items"]
    assert [v["id"] for v in versions[:2]] == [created["version"]["id"], body["version"]["id"]]
    assert set(versions[0]) == {"id", "origin", "created_at"}
    full = client.get(f"/strategy-versions/{created['version']['id']}").json()
    assert full == created["version"]  # versions are immutable
    listed = client.get("/strategies", params={"user_id": "u_123"}).json()["items"]
    assert next(i for i in listed if i["id"] == strategy_id)["origin_latest"] == "agent"


def test_an_invalid_spec_is_a_422_listing_every_problem_and_nothing_is_stored(client: httpx.Client) -> None:
    bad = copy.deepcopy(SPEC)
    bad["entry"]["conditions"][0]["params"]["window"] = 0
    bad["sizing"] = {"method": "everything"}
    before = client.get("/strategies", params={"user_id": "u_bad"}).json()["items"]
    response = client.post("/strategies", json={"user_id": "u_bad", "name": "Bad", "json_spec": bad})
    assert response.status_code == 422
    error = response.json()["error"]
    paths = [d["path"] for d in error["details"]]
    assert "entry.conditions[0].params.window" in paths and any(p.startswith("sizing") for p in paths)
    assert client.get("/strategies", params={"user_id": "u_bad"}).json()["items"] == before == []


def test_validate_answers_200_valid_or_not_with_paths(client: httpx.Client) -> None:
    assert client.post("/strategies/validate", json={"json_spec": SPEC}).json() == {"valid": True, "errors": [],
                                                                                   "warnings": []}
    bad = copy.deepcopy(SPEC)
    bad["entry"]["conditions"][0]["params"]["window"] = 0
    body = client.post("/strategies/validate", json={"json_spec": bad}).json()
    assert body["valid"] is False
    assert {"path": "entry.conditions[0].params.window", "message": body["errors"][0]["message"]} in body["errors"]
    assert client.post("/strategies/validate", json={"json_spec": "not a spec"}).json()["valid"] is False


@pytest.mark.parametrize(("path", "status"), [("/strategies/s_missing", 404), ("/strategies/s_missing/versions", 404),
                                              ("/strategy-versions/sv_missing", 404), ("/backtests/bt_missing", 404),
                                              ("/backtests/bt_missing/results", 404)])
def test_unknown_ids_are_404(client: httpx.Client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status and response.json()["error"]["code"] == "not_found"


@pytest.fixture(scope="module")
def backtest(client: httpx.Client, created: dict) -> dict:
    response = client.post("/backtests", json={"user_id": "u_123", "strategy_version_id": created["version"]["id"],
                                               "config": CONFIG, "tags": ["chat_session:conv_789"]})
    assert response.status_code == 202, response.text
    return response.json()["backtest"]


def test_create_backtest_answers_202_queued_with_the_config(backtest: dict, created: dict) -> None:
    assert backtest["id"].startswith("bt_") and backtest["status"] == "queued"
    assert backtest["config"] == CONFIG and backtest["strategy_version_id"] == created["version"]["id"]
    assert backtest["user_id"] == "u_123" and backtest["created_at"].endswith("Z")


def test_a_finished_backtest_has_metrics_and_full_results_in_fractions(client: httpx.Client,
                                                                       backtest: dict) -> None:
    wait_for_status(client, backtest["id"], {"completed", "failed"}, timeout=300)
    body = client.get(f"/backtests/{backtest['id']}").json()
    assert body["status"] == "completed", body
    metrics = body["metrics_summary"]
    assert set(metrics) == {"total_return", "cagr", "max_drawdown", "sharpe"}
    assert 0 <= metrics["max_drawdown"] < 1 and body["completed_at"] and body["started_at"]
    results = client.get(f"/backtests/{backtest['id']}/results").json()
    assert set(results) == {"id", "equity_curve", "drawdowns", "trades", "per_period_metrics"}
    curve = results["equity_curve"]
    assert curve[0] == {"date": curve[0]["date"], "equity": 100000.0} and curve[0]["date"] <= "2010-01-04"
    assert [p["period"] for p in results["per_period_metrics"]] == ["2010", "2011", "2012"]
    compounded = 1.0
    for period in results["per_period_metrics"]:
        compounded *= 1 + period["return"]
    # The curve is the daily equity chart (cents); total_return comes from LEAN's Start and End Equity.
    assert compounded - 1 == pytest.approx(metrics["total_return"], abs=1e-6)
    assert max(d["depth"] for d in results["drawdowns"]) == pytest.approx(metrics["max_drawdown"], abs=0.01)
    for trade in results["trades"]:
        assert trade["side"] in ("buy", "sell") and trade["entry_date"] <= trade["exit_date"]


def test_backtests_list_is_per_user_with_metrics(client: httpx.Client, backtest: dict) -> None:
    wait_for_status(client, backtest["id"], {"completed", "failed"}, timeout=300)
    items = client.get("/backtests", params={"user_id": "u_123"}).json()["items"]
    item = next(i for i in items if i["id"] == backtest["id"])
    assert set(item) == {"id", "user_id", "strategy_version_id", "status", "created_at", "completed_at",
                         "metrics_summary"}
    assert item["metrics_summary"]["sharpe"] is not None
    assert backtest["id"] not in [i["id"] for i in client.get("/backtests", params={"user_id": "u_9"}).json()["items"]]


def test_a_dsl_backtest_is_visible_to_the_v2_endpoints_too(client: httpx.Client, backtest: dict) -> None:
    status = client.get(f"/api/v2/backtest/status/{backtest['id']}").json()
    assert status["backtest_id"] == backtest["id"] and status["request"]["config"] == CONFIG


def test_cancel_of_a_finished_backtest_is_a_409(client: httpx.Client, backtest: dict) -> None:
    wait_for_status(client, backtest["id"], {"completed", "failed"}, timeout=300)
    response = client.post(f"/backtests/{backtest['id']}/cancel")
    assert response.status_code == 409 and "completed" in response.json()["error"]["message"]


def test_a_config_the_version_cannot_run_is_a_422_with_paths(client: httpx.Client, created: dict) -> None:
    response = client.post("/backtests", json={"user_id": "u_123", "strategy_version_id": created["version"]["id"],
                                               "config": {"start_date": "2014-01-01", "end_date": "2013-01-01"}})
    assert response.status_code == 422
    assert "config.end_date" in [d["path"] for d in response.json()["error"]["details"]]
    unknown = client.post("/backtests", json={"user_id": "u_123", "strategy_version_id": "sv_nope", "config": {}})
    assert unknown.status_code == 404
