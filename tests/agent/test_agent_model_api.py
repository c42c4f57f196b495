"""The agent endpoints over HTTP on a real server configured with WORKBENCH_AGENT=model, pointed at the scripted
OpenAI-compatible server on loopback: statuses and bodies of every outcome, and what is (not) stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_server import ServerProcess, make_project, start_server
from scripted_model_server import Reply, ScriptedModelServer

API_KEY = "sk-served-9d8e7f6a5b"
SPEC = {"version": 1, "universe": {"symbols": ["SPY"]},
        "entry": {"conditions": [{"indicator": "rsi", "params": {"window": 14}, "op": "<", "value": 30}]},
        "risk": {"stop_loss": 0.05}}
REQUEST = {"user_id": "u_9", "name": "Model RSI", "natural_language_prompt": "Buy SPY when RSI(14) is below 30"}


@pytest.fixture(scope="module")
def model_server() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, lean_data: Path, parse_cache: Path,
           model_server: ScriptedModelServer) -> Iterator[ServerProcess]:
    project = make_project(tmp_path_factory.mktemp("model-served") / "project")
    running = start_server(project, lean_data, parse_cache, extra_env={
        "WORKBENCH_AGENT": "model", "WORKBENCH_AGENT_BASE_URL": model_server.url,
        "WORKBENCH_AGENT_MODEL": "scripted-llm", "WORKBENCH_AGENT_API_KEY": API_KEY,
        "WORKBENCH_AGENT_TIMEOUT": "1", "WORKBENCH_AGENT_MAX_ATTEMPTS": "2"})
    yield running
    assert running.stop() == 0, running.log_text()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def _stored(client: httpx.Client) -> list[dict]:
    items: list[dict] = client.get("/strategies", params={"user_id": "u_9"}).json()["items"]
    return items


def test_a_valid_model_spec_is_stored_as_the_agents(client: httpx.Client, model_server: ScriptedModelServer) -> None:
    model_server.script(json.dumps(SPEC))
    response = client.post("/agent/strategies/from-text", json=REQUEST)
    assert response.status_code == 201, response.text
    version = response.json()["version"]
    assert version["json_spec"] == {"version": 1, "name": "Model RSI", **{k: v for k, v in SPEC.items()
                                                                          if k != "version"}}
    assert version["origin"] == "agent" and version["created_by"] == "agent_system"
    assert response.json()["strategy"]["user_id"] == "u_9"


def test_a_spec_that_never_validates_is_a_422_with_its_errors_and_nothing_is_stored(
        client: httpx.Client, model_server: ScriptedModelServer) -> None:
    before = _stored(client)
    escaping = {**SPEC, "user_id": "u_evil", "strategy_id": "s_other"}  # model output is data: unknown keys fail
    model_server.script(json.dumps(escaping), json.dumps(escaping))
    response = client.post("/agent/strategies/from-text", json=REQUEST)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "agent_spec_invalid"
    assert {d["path"] for d in error["details"]} == {"user_id", "strategy_id"}
    assert len(model_server.requests) == 2  # WORKBENCH_AGENT_MAX_ATTEMPTS
    assert _stored(client) == before
    assert client.get("/strategies", params={"user_id": "u_evil"}).json()["items"] == []


@pytest.mark.parametrize(("reply", "status", "code"), [
    (Reply(status=429), 503, "agent_unavailable"),
    (Reply(status=500), 502, "agent_bad_gateway"),
    (Reply(content=json.dumps(SPEC), delay=3), 504, "agent_timeout"),
], ids=["rate-limited", "server-error", "slow"])
def test_endpoint_failures_answer_clearly_and_store_nothing(client: httpx.Client, model_server: ScriptedModelServer,
                                                            reply: Reply, status: int, code: str) -> None:
    before = _stored(client)
    model_server.script(reply, json.dumps(SPEC))
    response = client.post("/agent/strategies/from-text", json=REQUEST)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert API_KEY not in response.text
    assert _stored(client) == before


def test_refine_by_the_model_makes_a_new_agent_version(client: httpx.Client,
                                                       model_server: ScriptedModelServer) -> None:
    model_server.script(json.dumps(SPEC))
    created = client.post("/agent/strategies/from-text", json=REQUEST).json()
    tighter = {**created["version"]["json_spec"], "risk": {"stop_loss": 0.03}}
    model_server.script(json.dumps(tighter))
    response = client.post(f"/agent/strategies/{created['version']['id']}/refine",
                           json={"user_id": "u_9", "instruction": "tighten the stop loss to 3%"})
    assert response.status_code == 201, response.text
    new_version = response.json()["new_version"]
    assert new_version["json_spec"] == tighter and new_version["origin"] == "agent"
    assert "risk.stop_loss: 0.05 → 0.03" in new_version["nl_summary"]


def test_the_log_has_prompts_and_replies_but_not_the_key(server: ServerProcess, client: httpx.Client,
                                                         model_server: ScriptedModelServer) -> None:
    model_server.script(json.dumps(SPEC))
    assert client.post("/agent/strategies/from-text", json=REQUEST).status_code == 201
    log = server.log_text()
    assert "agent prompt to" in log and "Buy SPY when RSI(14) is below 30" in log and "agent reply:" in log
    assert API_KEY not in log
