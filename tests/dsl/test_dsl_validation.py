"""Validation: spec in, every problem out with its path and a message that says what would be valid (table-driven)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from lean_runner.dsl import UniverseLibrary, validate_spec
from lean_runner.dsl.problems import format_path, parse_path

BASE: dict[str, Any] = {
    "version": 1, "universe": {"symbols": ["SPY"]},
    "parameters": {"fast": {"type": "int", "default": 20, "min": 5, "max": 100},
                   "level": {"type": "float", "default": 30.0}},
    "entry": {"conditions": [
        {"indicator": "sma", "params": {"window": {"param": "fast"}}, "op": ">",
         "value": {"indicator": "sma", "params": {"window": 50}}},
        {"indicator": "rsi", "params": {"window": 14}, "op": "<", "value": {"param": "level"}},
    ]},
    "exit": {"conditions": [{"indicator": "rsi", "op": ">", "value": 70}]},
}


def _spec(*edits: tuple[str, Any]) -> dict[str, Any]:
    """BASE with each (path, value) applied; value ``DELETE`` removes the key."""
    spec = copy.deepcopy(BASE)
    for path, value in edits:
        *parents, last = parse_path(path)
        node: Any = spec
        for part in parents:
            node = node[part]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return spec


DELETE = object()

ERROR_CASES = [
    # the seed's own example
    ("window below 1", [("entry.conditions[1].params.window", 0)],
     [("entry.conditions[1].params.window", "Must be >= 1")]),
    ("unknown indicator", [("entry.conditions[0].indicator", "smaa")],
     [("entry.conditions[0].indicator", "Unknown indicator 'smaa'; did you mean 'sma'?")]),
    ("unknown top-level key", [("exitt", {})], [("exitt", "Unknown key 'exitt'; did you mean 'exit'?")]),
    ("missing universe", [("universe", DELETE)],
     [("universe", "Missing required key 'universe': The symbols traded: a list of tickers, or the name of a "
                   "universe file.")]),
    ("missing version", [("version", DELETE)],
     [("version", "Missing required key 'version': The language version: 1.")]),
    ("future version", [("version", 2)], [("version", "Unsupported version 2; this workbench reads version 1")]),
    ("window not an integer", [("entry.conditions[1].params.window", 14.5)],
     [("entry.conditions[1].params.window", "Must be an integer >= 1")]),
    ("window neither a number nor a reference", [("entry.conditions[1].params.window", "14")],
     [("entry.conditions[1].params.window",
       "Must be an integer >= 1 or a parameter reference like {\"param\": \"fast\"}")]),
    ("unknown operator", [("entry.conditions[1].op", "crosses_abov")],
     [("entry.conditions[1].op", "Unknown operator 'crosses_abov'; did you mean 'crosses_above'?")]),
    ("unknown indicator parameter", [("entry.conditions[1].params.windw", 3)],
     [("entry.conditions[1].params.windw", "Unknown parameter 'windw' for 'rsi'; did you mean 'window'?")]),
    ("missing required indicator parameter", [("entry.conditions[0].value.params", {})],
     [("entry.conditions[0].value.params.window",
       "Missing required parameter 'window' of 'sma': an integer >= 1 or a parameter reference like "
       "{\"param\": \"fast\"} (bars averaged)")]),
    ("unknown parameter reference", [("entry.conditions[0].params.window", {"param": "fats"})],
     [("entry.conditions[0].params.window.param", "Unknown parameter 'fats'; did you mean 'fast'?")]),
    ("float parameter where an integer is needed", [("entry.conditions[1].params.window", {"param": "level"})],
     [("entry.conditions[1].params.window",
       "Parameter 'level' is a float; this needs an integer (declare it with \"type\": \"int\")")]),
    ("parameter range reaches below the place's minimum", [("parameters.fast.min", 0)],
     [("entry.conditions[0].params.window", "Parameter 'fast' can be 0 (its min); must be >= 1 here")]),
    ("parameter default outside its range", [("parameters.fast.default", 200)],
     [("parameters.fast.default", "Must be <= 100 (the parameter's 'max')")]),
    ("int parameter with a fractional default", [("parameters.fast.default", 20.5)],
     [("parameters.fast.default", "Must be an integer (the parameter's type is 'int')")]),
    ("bollinger without output", [("entry.conditions[1].indicator", "bollinger"),
                                  ("entry.conditions[1].params", {})],
     [("entry.conditions[1].output", "Missing required key 'output': 'bollinger' has outputs 'upper', 'middle' or "
                                     "'lower'")]),
    ("misspelled output", [("entry.conditions[1].indicator", "macd"), ("entry.conditions[1].params", {}),
                           ("entry.conditions[1].output", "histogramm")],
     [("entry.conditions[1].output", "Unknown output 'histogramm' of 'macd'; did you mean 'histogram'?")]),
    ("output on a single-output indicator", [("entry.conditions[1].output", "upper")],
     [("entry.conditions[1].output", "'rsi' has a single output; remove 'output'")]),
    ("comparison value of the wrong type", [("entry.conditions[1].value", "thirty")],
     [("entry.conditions[1].value", "Must be a number, a parameter reference like {\"param\": \"threshold\"} or an "
                                    "expression like {\"indicator\": \"sma\", \"params\": {\"window\": 200}}")]),
    ("empty conditions", [("exit.conditions", [])], [("exit.conditions", "Must hold at least 1 item")]),
    ("nested logic error path", [("exit.conditions", [{"any": [{"not": {"indicator": "ema", "params": {"window": -1},
                                                                        "op": "<", "value": 1}}]}])],
     [("exit.conditions[0].any[0].not.params.window", "Must be >= 1")]),
    ("lower-case ticker", [("universe.symbols", ["SPY", "aapl"])],
     [("universe.symbols[1]", "'aapl' is not an upper-case ticker like 'AAPL' or 'BRK.B'")]),
    ("both symbols and a name", [("universe.name", "SP500")],
     [("universe.name", "Give either 'symbols' or 'name', not both")]),
    ("duplicate symbol", [("universe.symbols", ["SPY", "SPY"])],
     [("universe.symbols[1]", "Duplicate 'SPY'; list each once")]),
    ("unknown resolution", [("resolution", "dayly")],
     [("resolution", "Unknown resolution 'dayly'; did you mean 'daily'?")]),
    ("no entry rule", [("entry", DELETE)],
     [("entry", "Missing required key 'entry': when to open a position (it may be left out only when sizing.rank_by "
                "picks the positions)")]),
    ("sizing key of another method", [("sizing", {"method": "equal_weight", "fraction": 0.5})],
     [("sizing.fraction", "'fraction' applies to method 'fixed_fraction' only; remove it or set 'method' to "
                          "'fixed_fraction'")]),
    ("fixed fraction without a fraction", [("sizing", {"method": "fixed_fraction"})],
     [("sizing.fraction", "Missing required key 'fraction' for method 'fixed_fraction'")]),
    ("stop loss of 100% or more", [("risk", {"stop_loss": 1.5})], [("risk.stop_loss", "Must be <= 1")]),
    ("volatility cap without its maximum", [("risk", {"volatility_cap": {"window": 20}})],
     [("risk.volatility_cap.max_volatility",
       "Missing required key 'max_volatility': The cap on annualized volatility (0.6 = 60%).")]),
    ("rebalance frequency typo", [("rebalance", {"frequency": "montly"})],
     [("rebalance.frequency", "Unknown frequency 'montly'; did you mean 'monthly'?")]),
    ("nothing wrong", [], []),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in ERROR_CASES],
                         ids=[name for name, _, _ in ERROR_CASES])
def test_invalid_spec_reports_exact_paths_and_messages(edits: list[tuple[str, Any]],
                                                      expected: list[tuple[str, str]]) -> None:
    report = validate_spec(_spec(*edits))
    assert [(e.path, e.message) for e in report.errors] == expected
    assert report.valid is (not expected)


def test_every_problem_is_reported_at_once() -> None:
    spec = _spec(("entry.conditions[1].params.window", 0), ("entry.conditions[0].indicator", "smaa"),
                 ("exitt", {}), ("resolution", "dayly"), ("risk", {"stop_loss": -1}))
    paths = [e.path for e in validate_spec(spec).errors]
    assert sorted(paths) == sorted(["entry.conditions[1].params.window", "entry.conditions[0].indicator", "exitt",
                                    "resolution", "risk.stop_loss"])


def test_response_has_the_seed_shape_with_warnings_separate() -> None:
    response = validate_spec(_spec(("entry.conditions[1].params.window", 0))).as_response()
    assert response == {"valid": False, "warnings": [],
                        "errors": [{"path": "entry.conditions[1].params.window", "message": "Must be >= 1"}]}
    assert validate_spec(BASE).as_response() == {"valid": True, "errors": [], "warnings": []}


WARNING_CASES = [
    ("macd fast longer than slow", [("exit.conditions[0]", {"indicator": "macd", "params": {"fast": 200, "slow": 50},
                                                            "op": "<", "value": 0})],
     [("exit.conditions[0].params.fast", "'fast' window (200) should be shorter than 'slow' (50)")]),
    ("fast parameter not below slow", [("parameters.slow", {"type": "int", "default": 10}),
                                       ("exit.conditions[0].params", {"window": {"param": "slow"}})],
     [("parameters.fast.default", "'fast' window (20) should be shorter than 'slow' (10)")]),
    ("unused parameter", [("parameters.spare", {"type": "int", "default": 3})],
     [("parameters.spare", "Parameter 'spare' is declared but never used")]),
    ("no way out of a position", [("exit", DELETE)],
     [("exit", "No 'exit' rule and no 'risk' rules: positions, once opened, are never closed")]),
    ("fractions adding up to more than the portfolio", [("sizing", {"method": "fixed_fraction", "fraction": 0.5,
                                                                    "max_positions": 3})],
     [("sizing.fraction", "0.5 × max_positions 3 = 1.5 of the portfolio; orders beyond the buying power will be "
                          "rejected")]),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in WARNING_CASES],
                         ids=[name for name, _, _ in WARNING_CASES])
def test_questionable_spec_is_valid_with_warnings(edits: list[tuple[str, Any]],
                                                  expected: list[tuple[str, str]]) -> None:
    report = validate_spec(_spec(*edits))
    assert report.valid, report.errors
    assert [(w.path, w.message) for w in report.warnings] == expected


@pytest.mark.parametrize("value", [None, [], "spec", 1, True])
def test_a_spec_that_is_not_an_object_is_one_error_at_the_root(value: Any) -> None:
    report = validate_spec(value)
    assert [(e.path, e.message) for e in report.errors] == [("", "Must be a strategy spec object")]


CONFIG_CASES = [
    ("dates out of order", {"start_date": "2020-01-01", "end_date": "2019-01-01"},
     [("config.end_date", "Must have start_date (2020-01-01) before end_date (2019-01-01)")]),
    ("not a date", {"start_date": "01/02/2020"},
     [("config.start_date", "Must be a date written YYYY-MM-DD, like \"2015-01-31\"")]),
    ("unknown slippage model", {"slippage_model": "basik"},
     [("config.slippage_model", "Unknown slippage model 'basik'; did you mean 'basic'?")]),
    ("negative costs", {"transaction_cost_bps": -1}, [("config.transaction_cost_bps", "Must be >= 0")]),
    ("no capital", {"initial_capital": 0}, [("config.initial_capital", "Must be > 0")]),
    ("slippage bps without the basic model", {"slippage_bps": 3},
     [("config.slippage_bps", "'slippage_bps' applies to slippage_model 'basic' only; remove it or set "
                              "\"slippage_model\": \"basic\"")]),
    ("unknown config key", {"start": "2015-01-01"},
     [("config.start", "Unknown key 'start'; did you mean 'start_date'?")]),
    ("override of an undeclared parameter", {"parameters": {"fst": 10}},
     [("config.parameters.fst", "Unknown parameter 'fst'; did you mean 'fast'?")]),
    ("override outside the declared range", {"parameters": {"fast": 500}},
     [("config.parameters.fast", "Must be <= 100 (the 'max' of parameter 'fast')")]),
    ("unknown universe override", {"universe_override": "SP5000"},
     [("config.universe_override", "Unknown universe 'SP5000'; did you mean 'SP500'?")]),
]


@pytest.mark.parametrize(("config", "expected"), [(c, x) for _, c, x in CONFIG_CASES],
                         ids=[name for name, _, _ in CONFIG_CASES])
def test_invalid_backtest_config_reports_paths_under_config(config: dict[str, Any], expected: list[tuple[str, str]],
                                                            universes: UniverseLibrary) -> None:
    report = validate_spec(BASE, config, universes=universes)
    assert [(e.path, e.message) for e in report.errors] == expected


def test_unknown_named_universe_gets_a_did_you_mean(universes: UniverseLibrary) -> None:
    report = validate_spec(_spec(("universe", {"name": "LEAN_SAMPLES"})), universes=universes)
    assert [(e.path, e.message) for e in report.errors] == [
        ("universe.name", "Unknown universe 'LEAN_SAMPLES'; did you mean 'LEAN_SAMPLE'?")]


def test_universe_without_data_says_how_many_and_which_and_how_to_get_data(universes: UniverseLibrary,
                                                                           lean_data: Path) -> None:
    report = validate_spec(_spec(("universe", {"name": "SP500"})), {"start_date": "2015-01-01"},
                           data_folder=lean_data, universes=universes)
    [error] = report.errors
    assert error.path == "universe.name"
    sp500 = universes.load("SP500").symbols
    with_data = {"AAPL", "AIG", "BAC", "FB", "FOXA", "GOOG", "GOOGL", "IBM", "NWSA", "WM"}
    missing = [s for s in sp500 if s not in with_data]
    assert error.message.startswith(f"{len(missing)} of {len(sp500)} symbols have no daily data in {lean_data}: "
                                    f"{', '.join(missing[:40])} and {len(missing) - 40} more.")
    assert "workbench data generate --symbols" in error.message


def test_symbols_of_the_override_are_checked_against_the_data(lean_data: Path) -> None:
    report = validate_spec(BASE, {"universe_override": ["SPY", "ZZZZ"]}, data_folder=lean_data)
    assert [e.path for e in report.errors] == ["config.universe_override"]
    assert report.errors[0].message.startswith(f"1 of 2 symbols have no daily data in {lean_data}: ZZZZ.")


@pytest.mark.parametrize(("config", "expected"), [
    ({"start_date": "2022-01-01", "end_date": "2023-01-01"},
     [("config.start_date", "Must be on or before 2021-03-31: the daily data of the universe ends then")]),
    ({"start_date": "1990-01-01", "end_date": "1995-01-01"},
     [("config.end_date", "Must be on or after 1998-01-02: the daily data of the universe starts then")]),
])
def test_dates_outside_the_data_are_errors(config: dict[str, Any], expected: list[tuple[str, str]],
                                           lean_data: Path) -> None:
    report = validate_spec(BASE, config, data_folder=lean_data)
    assert [(e.path, e.message) for e in report.errors] == expected


def test_dates_partly_outside_a_symbols_data_are_warnings(lean_data: Path) -> None:
    report = validate_spec(_spec(("universe.symbols", ["SPY", "FB"])),
                           {"start_date": "2010-01-01", "end_date": "2024-12-31"}, data_folder=lean_data)
    assert report.valid
    assert [(w.path, w.message) for w in report.warnings] == [
        ("config.start_date", "1 symbols have no data yet on 2010-01-01 and join the backtest later: FB "
                              "(from 2012-05-18)"),
        ("config.end_date", "2 symbols have no data up to 2024-12-31: SPY (until 2021-03-31), FB "
                            "(until 2021-03-31)")]


def test_data_checks_run_only_with_a_config(lean_data: Path) -> None:
    assert validate_spec(_spec(("universe.symbols", ["ZZZZ"])), data_folder=lean_data).valid


def test_format_and_parse_path_are_inverse() -> None:
    path = ("parameters", "my window", "default", 3, "x_1")
    assert format_path(path) == 'parameters["my window"].default[3].x_1'
    assert parse_path(format_path(path)) == path
    assert parse_path("entry.conditions[1].params.window") == ("entry", "conditions", 1, "params", "window")
    assert format_path(()) == ""
