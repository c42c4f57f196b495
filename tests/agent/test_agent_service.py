"""``AgentService`` as the dashboard and notebooks call it (built by ``Workbench.from_settings`` over a real SQLite
store): previews that save nothing, the refine preview's diff, and the writes' origins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_server import make_project

from lean_runner.agent.agents import OfflineAgent
from lean_runner.agent.errors import NotUnderstoodError
from lean_runner.agent.model_agent import ModelAgent, ModelEndpoint
from lean_runner.services import ANYONE, Workbench, models
from lean_runner.settings import Settings, SettingsError

PROMPT = "Buy SPY from 2010 to 2014 with $50,000 when RSI(14) is below 30 and the stochastic is low; 5% stop loss"


@pytest.fixture
def workbench(tmp_path: Path, lean_data: Path, parse_cache: Path) -> Iterator[Workbench]:
    project = make_project(tmp_path / "project")
    built = Workbench.from_settings(Settings.from_env({
        "WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
        "WORKBENCH_CACHE_FOLDER": str(parse_cache), "WORKBENCH_ENGINE": "local"}))
    yield built
    built.close()


def test_the_composition_root_builds_the_offline_agent_by_default(workbench: Workbench) -> None:
    assert isinstance(workbench.agent.agent, OfflineAgent)
    assert workbench.agent.agent.universe_names == ["LEAN_SAMPLE", "SP500"]
    assert {"SPY", "AAPL", "BRK.B"} <= workbench.agent.agent.known_symbols


def test_preview_from_text_shows_spec_summary_validation_and_leftovers_without_saving(workbench: Workbench) -> None:
    preview = workbench.agent.preview_from_text(PROMPT, name="RSI")
    assert preview.valid and preview.errors == []
    assert preview.json_spec["entry"]["conditions"] == [{"indicator": "rsi", "params": {"window": 14}, "op": "<",
                                                         "value": 30}]
    assert preview.json_spec["risk"] == {"stop_loss": 0.05} and preview.json_spec["name"] == "RSI"
    assert preview.not_understood == ["stochastic is low"]
    assert preview.backtest_config == {"start_date": "2010-01-01", "end_date": "2014-12-31",
                                       "initial_capital": 50000}
    assert workbench.strategies.list("u_1", ANYONE).items == []


def test_preview_refine_gives_the_edits_and_the_diff_without_saving(workbench: Workbench) -> None:
    created = workbench.agent.from_text(models.AgentFromTextRequest(user_id="u_1", name="RSI",
                                                                    natural_language_prompt=PROMPT), ANYONE)
    preview = workbench.agent.preview_refine(created.version.id, "tighten the stop loss to 3%", ANYONE)
    assert preview.edits == ["stop loss tightened from 5% to 3%"]
    assert [change.model_dump() for change in preview.diff] == [{"path": "risk.stop_loss", "old": 0.05, "new": 0.03}]
    assert preview.valid
    assert [v.id for v in workbench.strategies.versions(created.strategy.id, ANYONE).items] == [created.version.id]


def test_from_text_and_refine_write_agent_and_mixed_versions(workbench: Workbench) -> None:
    created = workbench.agent.from_text(models.AgentFromTextRequest(user_id="u_1", name="RSI",
                                                                    natural_language_prompt=PROMPT), ANYONE)
    assert (created.version.origin, created.version.created_by) == ("agent", "agent_system")
    refined = workbench.agent.refine(created.version.id, models.AgentRefineRequest(
        user_id="u_1", instruction="add a 10% take profit"), ANYONE)
    assert refined.new_version.origin == "agent" and refined.old_version_id == created.version.id
    mine = workbench.strategies.create(models.CreateStrategyRequest(user_id="u_1", name="Mine",
                                                                    json_spec=created.version.json_spec), ANYONE)
    mixed = workbench.agent.refine(mine.version.id, models.AgentRefineRequest(user_id="u_1",
                                                                              instruction="rebalance weekly"), ANYONE)
    assert mixed.new_version.origin == "mixed" and mixed.new_version.created_by == "agent_system"
    with pytest.raises(NotUnderstoodError):
        workbench.agent.preview_refine(mine.version.id, "paint it green", ANYONE)


def test_the_model_agent_needs_its_endpoint_and_model() -> None:
    with pytest.raises(SettingsError, match="WORKBENCH_AGENT_BASE_URL and WORKBENCH_AGENT_MODEL"):
        Settings.from_env({"WORKBENCH_AGENT": "model", "WORKBENCH_AGENT_MODEL": "llama3.1"})
    with pytest.raises(SettingsError, match="WORKBENCH_AGENT='genius'"):
        Settings.from_env({"WORKBENCH_AGENT": "genius"})


def test_the_settings_choose_the_model_agent(tmp_path: Path, lean_data: Path, parse_cache: Path) -> None:
    project = make_project(tmp_path / "project")
    built = Workbench.from_settings(Settings.from_env({
        "WORKBENCH_PROJECT": str(project), "WORKBENCH_DATA_FOLDER": str(lean_data),
        "WORKBENCH_CACHE_FOLDER": str(parse_cache), "WORKBENCH_AGENT": "Model",
        "WORKBENCH_AGENT_BASE_URL": "http://127.0.0.1:11434/v1", "WORKBENCH_AGENT_MODEL": "llama3.1",
        "WORKBENCH_AGENT_TIMEOUT": "7", "WORKBENCH_AGENT_MAX_ATTEMPTS": "2"}))
    try:
        agent = built.agent.agent
        assert isinstance(agent, ModelAgent)
        assert agent.endpoint == ModelEndpoint(base_url="http://127.0.0.1:11434/v1", model="llama3.1", api_key="",
                                               timeout=7.0, max_attempts=2)
        assert agent.offline.universe_names == ["LEAN_SAMPLE", "SP500"]
    finally:
        built.close()
