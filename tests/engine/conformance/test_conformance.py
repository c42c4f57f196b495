"""LEAN regression cases run on the embedded engine; every statistic string must equal LEAN's."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest

ALGORITHMS = Path(__file__).parent / "algorithms"

# LEAN's test harness runs every regression with Launcher/config.json's sample parameters
# ("ema-fast": 10, "ema-slow": 20), so ParameterizedAlgorithm's expected statistics belong to EMA(10)/EMA(20),
# not to the defaults the case description mentions.
LEAN_HARNESS_PARAMETERS = {"ema-fast": "10", "ema-slow": "20"}

# case name -> (our algorithm file, {statistic: reason} for known, explained differences)
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "BasicTemplateAlgorithm": ("basic_template.py", {}),
    "BasicTemplateDailyAlgorithm": ("basic_template_daily.py", {}),
    "MACDTrendAlgorithm": ("macd_trend.py", {}),
    "ParameterizedAlgorithm": ("parameterized.py", {}),
    "StatisticsResultsAlgorithm": ("statistics_results.py", {}),
    "StopLimitOrderRegressionAlgorithm": ("stop_limit_order.py", {}),
    "LimitFillRegressionAlgorithm": ("limit_fill.py", {}),
    "AddRemoveSecurityRegressionAlgorithm": ("add_remove_security.py", {}),
    "OnWarmupFinishedRegressionAlgorithm": ("on_warmup_finished.py", {}),
}


def _case(cases: list[dict], name: str) -> dict:
    return next(case for case in cases if case["name"] == name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_statistics_match_lean(name: str, conformance_cases: list[dict], lean_data: Path, tmp_path: Path,
                               parse_cache: Path) -> None:
    file_name, known_differences = CASES[name]
    expected = dict(_case(conformance_cases, name)["expected_statistics"])
    expected.pop("OrderListHash")
    config = LaunchConfig(algorithm_location=ALGORITHMS / file_name, algorithm_type_name=None, algorithm_id=name,
                          data_folder=lean_data, results_folder=tmp_path, cache_folder=parse_cache,
                          parameters=dict(LEAN_HARNESS_PARAMETERS))
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", outcome.error
    actual = outcome.statistics
    mismatches = {key: (actual.get(key), value) for key, value in expected.items() if actual.get(key) != value}
    unexplained = {key: pair for key, pair in mismatches.items() if key not in known_differences}
    assert not unexplained, f"{name}: (ours, LEAN's) per statistic: {unexplained}"
    assert list(actual)[: len(expected)] == list(expected), "statistics must come in LEAN's order"
    if mismatches:
        pytest.xfail("; ".join(f"{key}: ours {pair[0]!r}, LEAN {pair[1]!r}: {known_differences[key]}"
                               for key, pair in mismatches.items()))
