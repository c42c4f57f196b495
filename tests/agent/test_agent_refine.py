"""The offline agent's refine, table-driven: an instruction on one of the project's example specs → the edits it
says it made and exactly the changes it made (by DSL path). Every refined spec validates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lean_runner.agent.agents import OfflineAgent
from lean_runner.agent.errors import NotUnderstoodError
from lean_runner.agent.spec_diff import spec_diff
from lean_runner.dsl import UniverseLibrary, validate_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "test-project" / "strategies"
VOLATILITY_CAP = {"max_volatility": 0.6, "window": 20}
RSI_EXIT = {"indicator": "rsi", "params": {"window": {"param": "rsi_window"}}, "op": ">",
            "value": {"param": "overbought"}}


def example(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return spec


# (example spec, instruction, the edits said, the changes made as (path, old, new))
CASES: list[tuple[str, str, list[str], list[tuple[str, Any, Any]]]] = [
    ("trend_positive_news",
     "Reduce max drawdown, keep similar returns. Make it less sensitive to single bad headlines.",
     ["stop loss tightened from 10% to 7%", "news sentiment window lengthened from 7 to 14 days"],
     [("parameters.sentiment_days.default", 7, 14), ("risk.stop_loss", 0.1, 0.07)]),
    ("trend_positive_news", "trade less", ["rebalance changed from daily to weekly"],
     [("rebalance.frequency", "daily", "weekly")]),
    ("trend_positive_news", "tighten the stop loss from 10% to 7%", ["stop loss tightened from 10% to 7%"],
     [("risk.stop_loss", 0.1, 0.07)]),
    ("trend_positive_news", "lengthen the news sentiment window from 7 to 14 days",
     ["news sentiment window lengthened from 7 to 14 days"], [("parameters.sentiment_days.default", 7, 14)]),
    ("trend_positive_news", "remove the volatility cap", ["volatility cap removed"],
     [("risk.volatility_cap", VOLATILITY_CAP, None)]),
    ("trend_positive_news", "drop FB", ["removed FB from the universe"],
     [("universe.symbols", ["AAPL", "GOOG", "FB", "IBM"], ["AAPL", "GOOG", "IBM"])]),
    ("trend_positive_news", "add QQQ", ["added QQQ to the universe"],
     [("universe.symbols", ["AAPL", "GOOG", "FB", "IBM"], ["AAPL", "GOOG", "FB", "IBM", "QQQ"])]),
    ("trend_positive_news", "rebalance weekly instead of daily", ["rebalance changed from daily to weekly"],
     [("rebalance.frequency", "daily", "weekly")]),
    ("rsi_mean_reversion", "reduce drawdown", ["stop loss tightened from 8% to 5.6%"],
     [("risk.stop_loss", 0.08, 0.056)]),
    ("rsi_mean_reversion", "add a 10% take profit", ["take profit of 10% added"], [("risk.take_profit", None, 0.1)]),
    ("rsi_mean_reversion", "use a 10% trailing stop", ["trailing stop of 10% added"],
     [("risk.trailing_stop", None, 0.1)]),
    ("rsi_mean_reversion", "set risk.stop_loss to 0.05", ["risk.stop_loss set to 0.05 (was 0.08)"],
     [("risk.stop_loss", 0.08, 0.05)]),
    ("rsi_mean_reversion", "hold at most 10 days", ["holding limit changed from 20 days to 10 days"],
     [("risk.max_holding_days", 20, 10)]),
    ("rsi_mean_reversion", "switch to QQQ only", ["universe set to QQQ"], [("universe.symbols[0]", "SPY", "QQQ")]),
    ("rsi_mean_reversion", "add a volatility cap of 32%", ["volatility cap set to 32%"],
     [("risk.volatility_cap", None, {"max_volatility": 0.32})]),
    ("rsi_mean_reversion", "rebalance weekly instead of every bar", ["rebalance changed from every bar to weekly"],
     [("rebalance", None, {"frequency": "weekly"})]),
    ("rsi_mean_reversion", "also sell when the price crosses below the 200-day SMA", ["1 exit condition(s) added"],
     [("exit.conditions", [RSI_EXIT], [RSI_EXIT, {"indicator": "price", "op": "crosses_below",
                                                 "value": {"indicator": "sma", "params": {"window": 200}}}])]),
    ("momentum_rotation", "trade less",
     ["indicator window lengthened from 126 to 189", "indicator window lengthened from 200 to 300"],
     [("parameters.lookback.default", 126, 189), ("entry.conditions[1].value.params.window", 200, 300)]),
    ("momentum_rotation", "hold the top 5", ["sizing max positions set to 5 (was 3)"],
     [("parameters.top_n.default", 3, 5)]),
    ("momentum_rotation", "switch to the S&P 500", ["universe set to SP500"],
     [("universe.name", "LEAN_SAMPLE", "SP500")]),
    ("momentum_rotation", "tighten the trailing stop from 15% to 10%", ["trailing stop tightened from 15% to 10%"],
     [("risk.trailing_stop", 0.15, 0.1)]),
    ("momentum_rotation", "remove the trailing stop and add a 8% stop loss",
     ["trailing stop removed", "stop loss of 8% added"],
     [("risk.trailing_stop", 0.15, None), ("risk.stop_loss", None, 0.08)]),
]


@pytest.mark.parametrize(("name", "instruction", "edits", "changes"), CASES,
                         ids=[f"{c[0]}: {c[1][:50]}" for c in CASES])
def test_instruction_makes_the_expected_edits(offline_agent: OfflineAgent, universes: UniverseLibrary, name: str,
                                              instruction: str, edits: list[str],
                                              changes: list[tuple[str, Any, Any]]) -> None:
    spec = example(name)
    refined = offline_agent.refine(spec, instruction)
    assert refined.edits == edits
    assert [(c.path, c.old, c.new) for c in spec_diff(spec, refined.json_spec)] == changes
    assert refined.not_understood == []
    assert validate_spec(refined.json_spec, universes=universes).valid
    assert refined.nl_summary.endswith("Changed: " + "; ".join(edits) + ".")
    assert spec == example(name)  # the version refined is left as it was


def test_an_instruction_with_no_edit_is_a_422_naming_the_phrases(offline_agent: OfflineAgent) -> None:
    with pytest.raises(NotUnderstoodError) as raised:
        offline_agent.refine(example("momentum_rotation"), "make it blue and shiny")
    assert raised.value.http_status == 422
    assert {"path": "instruction", "message": "not understood: 'blue and shiny'"} in raised.value.details


def test_a_goal_the_spec_cannot_take_is_reported(offline_agent: OfflineAgent) -> None:
    with pytest.raises(NotUnderstoodError) as raised:
        offline_agent.refine(example("rsi_mean_reversion"), "make it less sensitive to single bad headlines")
    assert any("the spec has no news sentiment condition" in d["message"] for d in raised.value.details)


def test_removing_what_the_spec_does_not_have_says_so(offline_agent: OfflineAgent) -> None:
    with pytest.raises(NotUnderstoodError) as raised:
        offline_agent.refine(example("rsi_mean_reversion"), "remove the take profit")
    assert {"path": "instruction", "message": "not understood: 'remove the take profit (the spec has no take "
                                              "profit)'"} in raised.value.details
    assert raised.value.message == "the instruction asks for no change the agent can make; not understood: " \
                                   "'remove the take profit (the spec has no take profit)'"


def test_reduce_drawdown_without_a_stop_adds_a_volatility_cap(offline_agent: OfflineAgent) -> None:
    spec = example("momentum_rotation")
    refined = offline_agent.refine(spec, "Reduce the max drawdown")
    assert refined.edits == ["volatility cap of 40% (20 bars) added"]
    assert refined.json_spec["risk"] == {"trailing_stop": 0.15, "volatility_cap": {"max_volatility": 0.4,
                                                                                   "window": 20}}
