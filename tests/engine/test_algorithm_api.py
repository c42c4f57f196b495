"""LEAN API behaviour, checked by algorithms that assert on themselves while running on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.engine.launcher import BacktestOutcome, LaunchConfig, run_backtest

ALGORITHMS = Path(__file__).parent / "api_algorithms"


def _run(file_name: str, algorithm_id: str, tmp_path: Path, lean_data: Path, parse_cache: Path,
         parameters: dict[str, str] | None = None) -> BacktestOutcome:
    """Run one of the API algorithms on the sample data; its console goes to console.txt."""
    config = LaunchConfig(algorithm_location=ALGORITHMS / file_name, algorithm_type_name=None,
                          algorithm_id=algorithm_id, data_folder=lean_data, results_folder=tmp_path,
                          parameters=parameters or {}, cache_folder=parse_cache)
    with open(tmp_path / "console.txt", "w") as console:
        return run_backtest(config, stream=console)


@pytest.mark.parametrize(("file_name", "marker"), [
    ("history_requests.py", "history checks passed"),
    ("warm_up_bars.py", "warm-up checks passed"),
    ("orders_api.py", "orders checks passed"),
    ("schedule_and_consolidate.py", "schedule checks passed"),
    ("remove_and_add_again.py", "re-add checks passed"),
    ("changes_from_on_data.py", "on_data changes checks passed"),
    ("lean_forms.py", "lean forms checks passed"),
    ("auxiliary_only_slice.py", "auxiliary slice checks passed"),
    ("hour_bar_market_order.py", "hour bar market order checks passed"),
    ("set_holdings_targets.py", "set_holdings targets checks passed"),
    ("dotnet_forms.py", "dotnet forms checks passed"),
])
def test_algorithm_checks_pass(file_name: str, marker: str, tmp_path: Path, lean_data: Path,
                               parse_cache: Path) -> None:
    outcome = _run(file_name, "api", tmp_path, lean_data, parse_cache)
    assert outcome.status == "Completed", outcome.error + (tmp_path / "console.txt").read_text()[-3000:]
    assert marker in (tmp_path / "api-log.txt").read_text()


def test_unsupported_lean_api_raises_not_implemented_naming_it(tmp_path: Path, lean_data: Path,
                                                                parse_cache: Path) -> None:
    outcome = _run("unsupported_api.py", "api", tmp_path, lean_data, parse_cache)
    assert outcome.status == "RuntimeError"
    assert "QCAlgorithm.AddOption is part of LEAN's API but not supported" in outcome.error


@pytest.mark.parametrize(("choice", "expected"), [("IBM", "ibm"), ("constant", "constant")])
def test_set_benchmark_with_a_symbol_or_a_function(choice: str, expected: str, tmp_path: Path, lean_data: Path,
                                                   parse_cache: Path) -> None:
    from lean_runner.engine.data.reader import LeanDataReader
    from lean_runner.engine.results.reader import read_result_folder

    outcome = _run("custom_benchmark.py", "bench", tmp_path, lean_data, parse_cache, {"benchmark": choice})
    assert outcome.status == "Completed"
    values = [v for _, v in read_result_folder(tmp_path).charts["Benchmark"].series["Benchmark"].values]
    if expected == "constant":
        assert set(values) == {7}
    else:
        from datetime import date

        from lean_runner.engine.data.factor_files import FactorFileProvider
        from lean_runner.engine.feed import adjust

        hour = LeanDataReader(lean_data, parse_cache).trade_bars("IBM", "hour", date(2013, 10, 4), date(2013, 10, 11))
        closes = adjust(hour, FactorFileProvider(lean_data).get("IBM"), "Adjusted").close
        assert values[-1] == pytest.approx(closes[-1], rel=1e-6)  # the last IBM hourly close, not SPY's


def test_closed_trades_excursions_cover_every_price_the_position_saw(tmp_path: Path, lean_data: Path,
                                                                     parse_cache: Path) -> None:
    import json

    from lean_runner.engine.results.reader import read_result_folder

    outcome = _run("trade_excursions.py", "mtm", tmp_path, lean_data, parse_cache)
    assert outcome.status == "Completed", outcome.error
    log = (tmp_path / "mtm-log.txt").read_text()
    expected = json.loads(log.split("expected excursions ", 1)[1].splitlines()[0])
    trades = read_result_folder(tmp_path).total_performance["closedTrades"]
    assert len(trades) == len(expected) > 30
    assert {t["symbol"]["value"] for t in trades} == {"SPY", "IBM", "AIG"}
    assert any(t["entryTime"][:10] != t["exitTime"][:10] for t in trades)  # one held overnight
    for trade, mine in zip(trades, expected, strict=True):
        assert trade["symbol"]["value"] == mine["symbol"]
        assert trade["mae"] == pytest.approx(mine["mae"], abs=0.006), mine
        assert trade["mfe"] == pytest.approx(mine["mfe"], abs=0.006), mine


def test_statistics_use_the_algorithms_risk_free_rate_model(tmp_path: Path, lean_data: Path,
                                                             parse_cache: Path) -> None:
    statistics = {}
    for model in ("default", "constant", "function"):
        (tmp_path / model).mkdir()
        outcome = _run("risk_free_model.py", "rf", tmp_path / model, lean_data, parse_cache, {"model": model})
        assert outcome.status == "Completed", outcome.error
        statistics[model] = outcome.statistics
    # 2013's rate in the data folder is 0.75%: a constant 0.75% model gives the same statistics.
    assert statistics["constant"] == statistics["default"]
    assert float(statistics["function"]["Sharpe Ratio"]) < float(statistics["default"]["Sharpe Ratio"])
    assert statistics["function"]["Net Profit"] == statistics["default"]["Net Profit"]
