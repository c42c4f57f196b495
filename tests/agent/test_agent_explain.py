"""Explanations of real result folders (specs run on the embedded engine over the real data): every number the
explanation states is checked against the result, recomputed here from the result files with pandas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lean_runner.agent.agents import OfflineAgent
from lean_runner.agent.explain import format_money, format_percent
from lean_runner.agent.facts import result_facts
from lean_runner.dsl import UniverseLibrary, backtest_results, validate_spec
from lean_runner.engine.results.reader import LeanResultFolder

EXAMPLES = Path(__file__).resolve().parents[2] / "test-project" / "strategies"
COSTS = {"transaction_cost_bps": 5, "slippage_model": "basic"}
GOLDEN_CROSS = {"version": 1, "universe": {"symbols": ["SPY", "QQQ", "IWM"]},
                "entry": {"conditions": [{"indicator": "sma", "params": {"window": 50}, "op": ">",
                                          "value": {"indicator": "sma", "params": {"window": 200}}}]},
                "exit": {"conditions": [{"indicator": "sma", "params": {"window": 50}, "op": "<",
                                         "value": {"indicator": "sma", "params": {"window": 200}}}]},
                "sizing": {"method": "equal_weight", "max_positions": 3}}
RUNS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "rsi": (json.loads((EXAMPLES / "rsi_mean_reversion.json").read_text()),
            {"start_date": "2008-01-01", "end_date": "2012-12-31", **COSTS}),
    "rotation": (json.loads((EXAMPLES / "momentum_rotation.json").read_text()),
                 {"start_date": "2012-01-01", "end_date": "2016-12-31", **COSTS}),
    "golden": (GOLDEN_CROSS, {"start_date": "2004-01-01", "end_date": "2014-12-31"}),
}
RunSpec = Callable[..., LeanResultFolder]  # the run_spec fixture
NUMBER = re.compile(r"-?\$\d{1,3}(?:,\d{3})*|\d{4}-\d{2}-\d{2}|\d{4}-\d{2}(?!\d)|-?\d+\.\d%|\d+")


@pytest.fixture(scope="module", params=sorted(RUNS))
def run(request: pytest.FixtureRequest, run_spec: RunSpec) -> tuple[str, dict[str, Any], dict[str, Any],
                                                                     LeanResultFolder]:
    spec, config = RUNS[request.param]
    return request.param, spec, config, run_spec(spec, config, request.param)


def _day_series(points: list[tuple[float, float]]) -> pd.Series:
    """Chart samples by New York trading day (a midnight sample closes the day before), as LEAN's charts mean."""
    times = pd.to_datetime([t for t, _ in points], unit="s", utc=True).tz_convert("America/New_York")
    days = list((times.tz_localize(None) - pd.Timedelta(microseconds=1)).date)
    days[0] = times[0].date()  # the first sample is the start
    series = pd.Series([v for _, v in points], index=pd.Index(days))
    series = series[~series.index.duplicated(keep="last")]
    return series[[i == 0 or day.weekday() < 5 for i, day in enumerate(series.index)]]


def expected_numbers(result: LeanResultFolder, config: dict[str, Any]) -> dict[str, str]:
    """What an explanation of ``result`` may say, recomputed from the result files: display text by meaning."""
    shaped = backtest_results(result)
    monthly = backtest_results(result, monthly=True)["per_period_metrics"]
    curve = pd.Series({pd.Timestamp(p["date"]).date(): p["equity"] for p in shaped["equity_curve"]})
    stats = result.statistics
    numbers = {"start": str(curve.index[0]), "end": str(curve.index[-1]),
               "start_equity": format_money(float(stats["Start Equity"])),
               "end_equity": format_money(float(stats["End Equity"])),
               "total_return": format_percent(float(stats["End Equity"]) / float(stats["Start Equity"]) - 1),
               "cagr": format_percent(float(stats["Compounding Annual Return"].rstrip("%")) / 100)}
    for number, episode in enumerate(sorted(shaped["drawdowns"], key=lambda d: -d["depth"])[:3]):
        window = curve[(curve.index >= pd.Timestamp(episode["start"]).date())]
        if episode["end"]:
            window = window[window.index < pd.Timestamp(episode["end"]).date()]
        trough = window.idxmin()
        numbers |= {f"dd{number}_depth": format_percent(episode["depth"]), f"dd{number}_start": episode["start"],
                    f"dd{number}_trough": str(trough)}
        if episode["end"]:
            numbers |= {f"dd{number}_end": episode["end"],
                        f"dd{number}_days": str((pd.Timestamp(episode["end"]).date() - trough).days)}
    for period in shaped["per_period_metrics"]:
        numbers[f"year_{period['period']}"] = period["period"]
        numbers[f"return_{period['period']}"] = format_percent(period["return"])
    best_year = max(shaped["per_period_metrics"], key=lambda p: p["return"])
    numbers |= {"best_year": best_year["period"], "best_year_return": format_percent(best_year["return"])}
    best, worst = max(monthly, key=lambda p: p["return"]), min(monthly, key=lambda p: p["return"])
    numbers |= {"best_month": best["period"], "best_month_return": format_percent(best["return"]),
                "worst_month": worst["period"], "worst_month_return": format_percent(worst["return"])}
    trades = shaped["trades"]
    wins = [t["pnl"] for t in trades if t["pnl"] > 0]
    losses = [t["pnl"] for t in trades if t["pnl"] <= 0]
    numbers |= {"trades": str(len(trades)), "wins": str(len(wins)),
                "win_rate": format_percent(len(wins) / len(trades)) if trades else "",
                "average_win": format_money(sum(wins) / len(wins)) if wins else "",
                "average_loss": format_money(sum(losses) / len(losses)) if losses else ""}
    exposure = result.charts["Exposure"].series["Equity - Long Ratio"].values
    numbers["exposure"] = format_percent(sum(1 for _, v in exposure if v > 0) / len(exposure))
    fees = float(stats["Total Fees"].lstrip("$").replace(",", ""))
    slippage = (sum(abs(t["quantity"]) * (t["entry_price"] + t["exit_price"]) for t in trades) * 5 / 10000
                if config.get("slippage_model") == "basic" else 0.0)
    numbers |= {"fees": format_money(fees), "slippage": format_money(slippage),
                "before_costs": format_percent((float(stats["End Equity"]) + fees + slippage)
                                               / float(stats["Start Equity"]) - 1)}
    numbers |= _regimes(curve, _day_series(result.charts["Benchmark"].series["Benchmark"].values))
    return {key: value for key, value in numbers.items() if value}


def _regimes(curve: pd.Series, benchmark: pd.Series) -> dict[str, str]:
    """The strategy on the top and bottom thirds of days by the benchmark's 21-day volatility."""
    days = [day for day in curve.index if day in benchmark.index]
    frame = pd.DataFrame({"equity": curve[days].astype(float), "bench": benchmark[days].astype(float)})
    returns = frame.pct_change().iloc[1:]
    returns["vol"] = returns["bench"].rolling(21).std() * 252 ** 0.5
    returns = returns.dropna()
    third = len(returns) // 3
    ordered = returns["vol"].sort_values().to_numpy()
    numbers = {}
    for label, chosen, boundary in (("high", returns[returns["vol"] >= ordered[-third]], ordered[-third]),
                                    ("low", returns[returns["vol"] <= ordered[third - 1]], ordered[third - 1])):
        numbers |= {f"{label}_days": str(len(chosen)), f"{label}_boundary": format_percent(boundary),
                    f"{label}_strategy": format_percent((1 + chosen["equity"]).prod() - 1),
                    f"{label}_bench": format_percent((1 + chosen["bench"]).prod() - 1)}
    return numbers


@pytest.mark.parametrize("detail_level", ["summary", "detailed"])
def test_every_number_in_the_explanation_is_the_results(run: tuple[str, dict, dict, LeanResultFolder],
                                                        offline_agent: OfflineAgent, detail_level: str) -> None:
    _, spec, config, result = run
    facts = result_facts(result, config=config)
    text = offline_agent.explain(facts, spec, detail_level=detail_level).explanation
    expected = expected_numbers(result, config)
    stated = NUMBER.findall(text)
    assert stated, text
    unexplained = [n for n in stated if n not in set(expected.values()) | {"21"}]  # 21: the regimes' window
    assert unexplained == [], (unexplained, text)
    must = ["start", "end", "total_return", "cagr", "dd0_depth", "dd0_start", "dd0_trough", "trades"]
    if detail_level == "detailed":
        must += ["fees", "exposure", "best_month_return", "worst_month_return", "high_strategy", "low_strategy"]
    for key in must:
        assert expected[key] in text, (key, expected[key], text)


def test_the_sentences_pair_each_number_with_its_meaning(run: tuple[str, dict, dict, LeanResultFolder],
                                                         offline_agent: OfflineAgent) -> None:
    _, spec, config, result = run
    expected = expected_numbers(result, config)
    text = offline_agent.explain(result_facts(result, config=config), spec, detail_level="detailed").explanation
    assert (f"From {expected['start']} to {expected['end']} the strategy returned {expected['total_return']} "
            f"({expected['cagr']} a year), turning {expected['start_equity']} into {expected['end_equity']}.") in text
    worst = f"The worst drawdown fell {expected['dd0_depth']} from the peak of {expected['dd0_start']} to " \
            f"{expected['dd0_trough']} and "
    assert worst in text
    recovery = f"recovered by {expected['dd0_end']}" if "dd0_end" in expected else "had not recovered by the end"
    assert worst + recovery in text
    if expected["trades"] != "0":
        assert f"It closed {expected['trades']} trades and won {expected['wins']} of them ({expected['win_rate']})." \
               in text
    assert f"It held a position on {expected['exposure']} of the days." in text
    assert f"On the benchmark's most volatile days ({expected['high_days']} days with its 21-day volatility at " \
           f"{expected['high_boundary']} or more) the strategy returned {expected['high_strategy']}" in text
    assert f"Fees came to {expected['fees']}" in text
    assert f"Its best year was {expected['best_year']} ({expected['best_year_return']})" in text


def test_focus_puts_a_topic_first(run: tuple[str, dict, dict, LeanResultFolder], offline_agent: OfflineAgent) -> None:
    _, spec, config, result = run
    facts = result_facts(result, config=config)
    text = offline_agent.explain(facts, spec, focus=["costs"]).explanation
    assert text.index("Fees came to") < text.index("The worst drawdown")
    assert "most volatile days" not in text  # a summary leaves the regimes out unless asked


def test_each_suggested_change_refines_the_spec_as_is(run: tuple[str, dict, dict, LeanResultFolder],
                                                      offline_agent: OfflineAgent,
                                                      universes: UniverseLibrary) -> None:
    name, spec, config, result = run
    suggestions = offline_agent.explain(result_facts(result, config=config), spec).suggested_changes
    if name in ("rsi", "rotation"):  # losses or deep falls on these runs: the stop is the first thing to change
        assert suggestions, name
    for suggestion in suggestions:
        refined = offline_agent.refine(spec, suggestion)
        assert refined.edits and refined.not_understood == [], (suggestion, refined)
        assert validate_spec(refined.json_spec, universes=universes).valid


def test_facts_match_the_results_drawdowns_and_years(run: tuple[str, dict, dict, LeanResultFolder]) -> None:
    _, _, config, result = run
    facts = result_facts(result, config=config)
    shaped = backtest_results(result)
    deepest = sorted(shaped["drawdowns"], key=lambda d: -d["depth"])[:3]
    assert [(d.start, d.end, d.depth) for d in facts.drawdowns] == [(d["start"], d["end"], d["depth"])
                                                                   for d in deepest]
    assert [(p.period, p.value) for p in facts.yearly] == [(p["period"], p["return"])
                                                           for p in shaped["per_period_metrics"]]
    assert facts.trade_count == len(shaped["trades"])
    assert facts.max_drawdown == pytest.approx(float(result.statistics["Drawdown"].rstrip("%")) / 100)
