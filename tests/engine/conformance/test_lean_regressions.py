"""LEAN's own Python regression algorithms, unmodified, run on the embedded engine.

The algorithms are read from ``../shared/conformance/lean-regressions/`` (never copied into the project);
``cases.json`` there holds the statistics LEAN itself prints for each. Every statistic except
``OrderListHash`` must be equal. A case the engine cannot reproduce yet is a strict xfail whose reason
names the differing statistics or the failure and the LEAN behaviour that is missing: when the engine
learns it, the xfail turns into an error and the entry must be removed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest

REGRESSIONS = Path(__file__).resolve().parents[3].parent / "shared" / "conformance" / "lean-regressions"

# LEAN's harness runs regressions with Launcher/config.json's parameters.
LEAN_HARNESS_PARAMETERS = {"ema-fast": "10", "ema-slow": "20"}

# case name -> None when every statistic matches, else why it does not (statistic and LEAN behaviour).
CASES: dict[str, str | None] = {
    "CallbackCommandRegressionAlgorithm": "no statistic: the import fails on IAlgorithm; LEAN's command API "
                                          "(IAlgorithm, add_command, Command) is not implemented",
    "ComboOrdersFillModelAlgorithm": "no statistic: the algorithm fails on Leg (NameError); combo orders (legs, "
                                     "combo_market_order, combo fills) are not implemented",
    "CompositeIndicatorWorksAsExpectedRegressionAlgorithm": None,
    "ConsolidateWithSizeAttributeRegressionAlgorithm": None,
    "ConvertToFrameworkAlgorithm": "no statistic: emit_insights raises NotImplementedError; the algorithm "
                                   "framework (insights, portfolio construction) is not implemented",
    "CustomBuyingPowerModelAlgorithm": "no statistic: the import fails on BuyingPowerModel; custom buying power "
                                       "model subclasses are not supported",
    "CustomMarginInterestRateModelAlgorithm": "no statistic: the import fails on MarginInterestRateParameters; "
                                              "margin interest rate models are not implemented",
    "CustomModelsAlgorithm": "no statistic: the import fails on ImmediateFillModel; custom fill, slippage and "
                             "buying power model subclasses are not supported",
    "CustomPartialFillModelAlgorithm": "Total Orders 87 against LEAN's 24 (and the statistics that follow): "
                                       "partial fills are not modelled, so an order its fill model fills in parts "
                                       "closes on its first fill and the algorithm places new ones",
    "CustomSecurityDataFilterRegressionAlgorithm": None,
    "CustomShortableProviderRegressionAlgorithm": None,
    "DelistingEventsAlgorithm": None,
    "ForwardDataOnlyFillModelAlgorithm": "Sharpe Ratio -47.3 against LEAN's -47.299 and Sortino Ratio -100.301 "
                                         "against -100.304 (every other statistic equal): a last-digit difference "
                                         "in the daily returns, not traced yet",
    "FuncRiskFreeRateInterestRateModelWithPythonLambda": None,
    "GetParameterRegressionAlgorithm": None,
    "HourReverseSplitRegressionAlgorithm": None,
    "IndicatorHistoryRegressionAlgorithm": None,
    "IndicatorVolatilityModelAlgorithm": None,
    "IndicatorWithRenkoBarsRegressionAlgorithm": "no statistic: MassIndex is missing (NameError), as are "
                                                 "WilderAccumulativeSwingIndex, WilderSwingIndex and Beta; the "
                                                 "Renko consolidator it feeds them from exists",
    "IndustryStandardSecurityIdentifiersRegressionAlgorithm": None,
    "MarketImpactSlippageModelRegressionAlgorithm": "no statistic: MarketImpactSlippageModel is missing "
                                                    "(NameError)",
    "MarketOnCloseOrderBufferExtendedMarketHoursRegressionAlgorithm": None,
    "OnWarmupFinishedNoWarmup": None,
    "SecurityCustomPropertiesAlgorithm": None,
    "SetCustomSettlementModelRegressionAlgorithm": "no statistic: its parent imports "
                                                   "CustomBrokerageModelRegressionAlgorithm, which is not part of "
                                                   "the suite",
    "SetEquityDataNormalizationModeOnAddEquity": None,
    "ShortInterestFeeRegressionAlgorithm": "no statistic: ShortMarginInterestRateModel is missing (NameError); "
                                           "short interest fees are not implemented",
    "ShortableProviderOrdersRejectedRegressionAlgorithm": None,
}


@pytest.fixture(scope="module")
def regression_cases() -> dict[str, dict]:
    index = REGRESSIONS / "cases.json"
    if not index.is_file():
        pytest.fail(f"LEAN's regression algorithms not found at {REGRESSIONS}; the suite needs ../shared beside "
                    f"the project.")
    return {case["name"]: case for case in json.loads(index.read_text())}


def test_every_regression_case_is_in_the_table(regression_cases: dict[str, dict]) -> None:
    assert sorted(regression_cases) == sorted(CASES)


def _params() -> list[object]:
    return [pytest.param(name, id=name, marks=[] if reason is None else [pytest.mark.xfail(strict=True,
                                                                                            reason=reason)])
            for name, reason in sorted(CASES.items())]


@pytest.mark.parametrize("name", _params())
def test_unmodified_lean_regression_matches_lean_statistics(name: str, regression_cases: dict[str, dict],
                                                            lean_data: Path, tmp_path: Path,
                                                            parse_cache: Path) -> None:
    case = regression_cases[name]
    expected = {key: value for key, value in case["expected_statistics"].items() if key != "OrderListHash"}
    config = LaunchConfig(algorithm_location=REGRESSIONS / case["file"], algorithm_type_name=name,
                          algorithm_id=name, data_folder=lean_data, results_folder=tmp_path,
                          cache_folder=parse_cache, parameters=dict(LEAN_HARNESS_PARAMETERS))
    with open(tmp_path / "console.txt", "w") as console:
        outcome = run_backtest(config, stream=console)
    assert outcome.status == "Completed", f"{name}: {outcome.error}"
    actual = outcome.statistics
    mismatches = {key: (actual.get(key), value) for key, value in expected.items() if actual.get(key) != value}
    assert not mismatches, f"{name}: (ours, LEAN's) per statistic: {mismatches}"
