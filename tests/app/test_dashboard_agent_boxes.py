"""The dashboard's agent boxes driven without a browser: preview before saving, refine with its diff, explain a
real DSL backtest and apply a suggested change as a new version."""

from __future__ import annotations

import time

from app.models.agent import AgentModel
from lean_runner.services import Workbench, models
from lean_runner.services.access import ANYONE

DESCRIPTION = "Buy SPY when RSI(14) is below 30 and sell when it is above 70, with a 5% stop loss"


def test_preview_shows_the_spec_and_its_validation_without_saving(workbench: Workbench) -> None:
    agent = AgentModel(workbench=workbench, user_id="u_preview")
    agent.description = DESCRIPTION
    assert agent.preview()
    assert agent.valid and agent.errors == []
    assert '"rsi"' in agent.spec_text and "SPY" in agent.spec_text
    assert "RSI" in agent.summary
    assert workbench.strategies.list("u_preview", ANYONE).items == []  # nothing stored by a preview


def test_a_description_with_nothing_usable_says_what_was_not_understood(workbench: Workbench) -> None:
    agent = AgentModel(workbench=workbench, user_id="u_nothing")
    agent.description = "make me rich with quantum vibes"
    assert not agent.preview()
    assert "quantum" in agent.message or agent.not_understood
    assert agent.spec_text == ""


def test_save_then_refine_preview_shows_the_diff_and_refine_adds_a_version(workbench: Workbench) -> None:
    agent = AgentModel(workbench=workbench, user_id="u_refine")
    agent.description = DESCRIPTION
    version_id = agent.save("RSI dip")
    assert version_id and agent.refine_version == version_id
    agent.instruction = "tighten the stop loss to 3%"
    assert agent.preview_refinement()
    assert any(change["path"].endswith("stop_loss") and change["new"] == 0.03 for change in agent.diff), agent.diff
    new_version = agent.refine()
    assert new_version and new_version != version_id
    stored = workbench.strategies.version(new_version, ANYONE)
    assert stored.json_spec["risk"]["stop_loss"] == 0.03 and stored.origin == "agent"


def test_explain_a_finished_dsl_backtest_and_apply_a_suggestion(workbench: Workbench) -> None:
    agent = AgentModel(workbench=workbench, user_id="u_explain")
    agent.description = DESCRIPTION
    version_id = agent.save("RSI dip")
    assert version_id
    created = workbench.backtests.create(models.CreateBacktestRequest(
        user_id="u_explain", strategy_version_id=version_id,
        config={"start_date": "2010-01-01", "end_date": "2013-12-31"}), ANYONE)
    backtest_id = created.backtest.id
    deadline = time.monotonic() + 300
    while workbench.backtests.get(backtest_id, ANYONE).status in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert agent.explain(backtest_id), agent.message
    assert agent.explanation and agent.suggestions
    assert agent.explained_version == version_id
    refined = agent.apply_suggestion(0)
    assert refined, agent.message
    versions = workbench.strategies.versions(workbench.strategies.version(version_id, ANYONE).strategy_id,
                                             ANYONE).items
    assert [v.id for v in versions][-1] == refined and len(versions) == 2
