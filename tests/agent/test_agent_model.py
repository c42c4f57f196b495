"""The model agent against a scripted OpenAI-compatible server on loopback (real HTTP through the ``openai`` SDK):
valid specs, malformed JSON and invalid specs sent back with their errors, bounded attempts, timeouts, 429 and
5xx answers, explanations whose numbers come from the result, and logs without the API key."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scripted_model_server import Reply, ScriptedModelServer

from lean_runner.agent.agents import OfflineAgent
from lean_runner.agent.errors import (
    AgentSpecInvalidError,
    ModelReplyError,
    ModelTimeoutError,
    ModelUnavailableError,
    NotUnderstoodError,
)
from lean_runner.agent.explain import fact_table
from lean_runner.agent.facts import result_facts
from lean_runner.agent.model_agent import ModelAgent, ModelEndpoint
from lean_runner.dsl import UniverseLibrary, validate_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "test-project" / "strategies"
API_KEY = "sk-test-4f9c2a7e1b"
RSI_SPEC = {"version": 1, "name": "RSI dip", "universe": {"symbols": ["SPY"]},
            "entry": {"conditions": [{"indicator": "rsi", "params": {"window": 14}, "op": "<", "value": 30}]},
            "exit": {"conditions": [{"indicator": "rsi", "params": {"window": 14}, "op": ">", "value": 70}]}}
BAD_WINDOW = {**RSI_SPEC, "entry": {"conditions": [{"indicator": "rsi", "params": {"window": 0}, "op": "<",
                                                    "value": 30}]}}


@pytest.fixture(scope="module")
def model_server() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer().start()
    yield server
    server.stop()


@pytest.fixture
def agent(model_server: ScriptedModelServer, offline_agent: OfflineAgent, universes: UniverseLibrary) -> ModelAgent:
    endpoint = ModelEndpoint(base_url=model_server.url, model="scripted-llm", api_key=API_KEY, timeout=1.0,
                             max_attempts=3)
    return ModelAgent(endpoint, validate=lambda spec: [p.as_json() for p in validate_spec(
        spec, universes=universes).errors], offline=offline_agent)


def _last_user_message(request: dict[str, Any]) -> str:
    content: str = request["messages"][-1]["content"]
    return content


def test_a_valid_spec_is_drafted_with_the_schema_asked_for(agent: ModelAgent,
                                                           model_server: ScriptedModelServer) -> None:
    model_server.script(json.dumps(RSI_SPEC))
    draft = agent.draft("Buy SPY when RSI(14) is below 30; sell above 70", name="RSI dip")
    assert draft.json_spec == RSI_SPEC
    assert draft.nl_summary.startswith("Trades SPY on daily bars. Buys when the 14-bar RSI is below 30.")
    [request] = model_server.requests
    assert request["model"] == "scripted-llm" and request["temperature"] == 0
    assert request["response_format"]["type"] == "json_schema"
    schema = request["response_format"]["json_schema"]["schema"]
    assert schema["$ref"] == "#/$defs/Strategy" and set(schema["$defs"]["Strategy"]["required"]) >= {"version",
                                                                                                     "universe"}
    assert request["messages"][0]["role"] == "system" and '"$defs"' in request["messages"][0]["content"]
    assert "Buy SPY when RSI(14) is below 30" in _last_user_message(request)
    assert model_server.headers[0]["authorization"] == f"Bearer {API_KEY}"


def test_malformed_json_is_sent_back_then_a_valid_spec_is_taken(agent: ModelAgent,
                                                                model_server: ScriptedModelServer) -> None:
    truncated = '{"version": 1, "universe": {"symbols": ["SPY"]'
    model_server.script(truncated, "```json\n" + json.dumps(RSI_SPEC) + "\n```")
    assert agent.draft("Buy SPY when RSI(14) is below 30").json_spec == RSI_SPEC
    _, second = model_server.requests
    assert second["messages"][-2] == {"role": "assistant", "content": truncated}
    assert "not valid JSON" in _last_user_message(second)


def test_an_invalid_spec_is_sent_back_with_its_errors_then_the_correction_is_taken(
        agent: ModelAgent, model_server: ScriptedModelServer) -> None:
    model_server.script(json.dumps(BAD_WINDOW), json.dumps(RSI_SPEC))
    assert agent.draft("Buy SPY when RSI(14) is below 30").json_spec == RSI_SPEC
    correction = _last_user_message(model_server.requests[1])
    assert "entry.conditions[0].params.window" in correction and "Must be >= 1" in correction


def test_always_invalid_fails_with_the_last_errors_after_the_allowed_attempts(
        agent: ModelAgent, model_server: ScriptedModelServer) -> None:
    model_server.script(*[json.dumps(BAD_WINDOW)] * 3, json.dumps(RSI_SPEC))
    with pytest.raises(AgentSpecInvalidError) as raised:
        agent.draft("Buy SPY when RSI(14) is below 30")
    assert raised.value.http_status == 422
    assert {"path": "entry.conditions[0].params.window", "message": "Must be >= 1"} in raised.value.details
    assert len(model_server.requests) == 3


def test_never_json_is_a_502(agent: ModelAgent, model_server: ScriptedModelServer) -> None:
    model_server.script("Sure! Here is your strategy.", "I think you should buy low.", "No.")
    with pytest.raises(ModelReplyError) as raised:
        agent.draft("Buy SPY when RSI(14) is below 30")
    assert raised.value.http_status == 502 and raised.value.details[0]["path"] == "(reply)"


def test_a_slow_endpoint_times_out_with_a_504(agent: ModelAgent, model_server: ScriptedModelServer) -> None:
    model_server.script(Reply(content=json.dumps(RSI_SPEC), delay=3))
    with pytest.raises(ModelTimeoutError) as raised:
        agent.draft("Buy SPY when RSI(14) is below 30")
    assert raised.value.http_status == 504 and "did not answer within 1 seconds" in raised.value.message
    assert len(model_server.requests) == 1  # no silent retry


@pytest.mark.parametrize(("status", "error", "http_status"), [(429, ModelUnavailableError, 503),
                                                              (500, ModelReplyError, 502),
                                                              (503, ModelReplyError, 502),
                                                              (401, ModelUnavailableError, 503)])
def test_error_answers_fail_at_once_with_a_clear_status(agent: ModelAgent, model_server: ScriptedModelServer,
                                                        status: int, error: type[Exception], http_status: int) -> None:
    model_server.script(Reply(status=status), json.dumps(RSI_SPEC))
    with pytest.raises(error) as raised:
        agent.draft("Buy SPY when RSI(14) is below 30")
    assert raised.value.http_status == http_status  # type: ignore[attr-defined]
    assert len(model_server.requests) == 1
    assert API_KEY not in str(raised.value)


def test_a_server_without_schema_output_is_asked_for_json_mode(agent: ModelAgent,
                                                               model_server: ScriptedModelServer) -> None:
    model_server.script(Reply(status=400, content="response_format type json_schema is not supported"),
                        json.dumps(RSI_SPEC))
    assert agent.draft("Buy SPY when RSI(14) is below 30").json_spec == RSI_SPEC
    assert [r["response_format"]["type"] for r in model_server.requests] == ["json_schema", "json_object"]
    model_server.script(Reply(status=400, content="unknown model"))
    with pytest.raises(ModelReplyError, match="answered 400"):
        agent.draft("Buy SPY when RSI(14) is below 30")


def test_an_unreachable_endpoint_is_a_503(offline_agent: OfflineAgent) -> None:
    agent = ModelAgent(ModelEndpoint(base_url="http://127.0.0.1:9/v1", model="m", timeout=1.0),
                       validate=lambda spec: [], offline=offline_agent)
    with pytest.raises(ModelUnavailableError, match="cannot be reached"):
        agent.draft("Buy SPY")


def test_refine_sends_the_spec_and_names_the_edits_it_made(agent: ModelAgent,
                                                           model_server: ScriptedModelServer) -> None:
    tighter = {**RSI_SPEC, "risk": {"stop_loss": 0.05}}
    model_server.script(json.dumps(tighter))
    refined = agent.refine(RSI_SPEC, "add a 5% stop loss")
    assert refined.json_spec == tighter and refined.edits == ["risk: null → {\"stop_loss\": 0.05}"]
    message = _last_user_message(model_server.requests[0])
    assert json.dumps(RSI_SPEC) in message and "add a 5% stop loss" in message
    model_server.script(json.dumps(RSI_SPEC))
    with pytest.raises(NotUnderstoodError):
        agent.refine(RSI_SPEC, "make it nicer")  # the same spec back is no edit


def test_explanations_state_only_the_results_numbers(agent: ModelAgent, model_server: ScriptedModelServer,
                                                     run_spec: Any) -> None:
    spec = json.loads((EXAMPLES / "rsi_mean_reversion.json").read_text())
    config = {"start_date": "2008-01-01", "end_date": "2012-12-31", "transaction_cost_bps": 5}
    facts = result_facts(run_spec(spec, config, "model-explain"), config=config)
    table = fact_table(facts)
    invented = {"explanation": "The strategy lost 12% in 2010.", "suggested_changes": []}
    placeholders = {"explanation": "From {start} to {end} it returned {total_return}; the worst fall was "
                                   "{worst_drawdown_1_depth}, from {worst_drawdown_1_start}.",
                    "suggested_changes": ["tighten the stop loss from 8% to 6%", "add some machine learning"]}
    model_server.script(json.dumps(invented), json.dumps(placeholders))
    explanation = agent.explain(facts, spec, detail_level="summary", focus=["drawdowns"])
    assert explanation.explanation == (f"From {table['start']} to {table['end']} it returned {table['total_return']}; "
                                       f"the worst fall was {table['worst_drawdown_1_depth']}, from "
                                       f"{table['worst_drawdown_1_start']}.")
    assert explanation.suggested_changes == ["tighten the stop loss from 8% to 6%"]  # the one refine can apply
    first, second = model_server.requests
    assert json.dumps(table, indent=1) in _last_user_message(first) and "focusing on drawdowns" in \
        _last_user_message(first)
    assert "digits outside {name} placeholders" in _last_user_message(second)


def test_prompts_and_replies_are_logged_without_the_api_key(agent: ModelAgent, model_server: ScriptedModelServer,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    model_server.script(json.dumps(RSI_SPEC))
    with caplog.at_level(logging.INFO, logger="workbench.agent"):
        agent.draft(f"Buy SPY when RSI(14) is below 30 (my key is {API_KEY})")
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "workbench.agent")
    assert "Buy SPY when RSI(14) is below 30" in logged and '"RSI dip"' in logged
    assert API_KEY not in logged and "***" in logged
