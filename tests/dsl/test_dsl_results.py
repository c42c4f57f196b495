"""Results in the seed's shape, from a real LEAN result folder written by a generated algorithm."""

from __future__ import annotations

import itertools
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dsl_examples import RunAlgorithm, load_example

from lean_runner.dsl import UniverseLibrary, backtest_results, compile_spec
from lean_runner.dsl.results import _fills, drawdown_episodes, period_returns, round_trips
from lean_runner.engine.results.reader import LeanResultFolder, read_result_folder


@pytest.fixture
def rotation(run_algorithm: RunAlgorithm, universes: UniverseLibrary) -> LeanResultFolder:
    """The momentum rotation (partial resizes, several symbols, costs) over 2012-2016."""
    config = {"start_date": "2012-01-01", "end_date": "2016-12-31", "transaction_cost_bps": 5,
              "slippage_model": "basic"}
    _, folder = run_algorithm(compile_spec(load_example("momentum_rotation"), config, universes=universes),
                              "rotation")
    return read_result_folder(folder)


def test_results_have_the_seed_shape(rotation: LeanResultFolder) -> None:
    results = backtest_results(rotation)
    assert set(results) == {"metrics_summary", "equity_curve", "drawdowns", "trades", "per_period_metrics"}
    assert set(results["metrics_summary"]) == {"total_return", "cagr", "max_drawdown", "sharpe"}
    assert set(results["equity_curve"][0]) == {"date", "equity"}
    assert set(results["drawdowns"][0]) == {"start", "end", "depth"}
    assert set(results["trades"][0]) == {"symbol", "side", "entry_date", "exit_date", "entry_price", "exit_price",
                                         "quantity", "pnl", "return_pct"}
    assert [p["period"] for p in results["per_period_metrics"]] == ["2012", "2013", "2014", "2015", "2016"]


def test_metrics_are_fractions_of_leans_statistics(rotation: LeanResultFolder) -> None:
    metrics = backtest_results(rotation)["metrics_summary"]
    stats = rotation.statistics
    assert metrics["total_return"] == pytest.approx(float(stats["Net Profit"].rstrip("%")) / 100, abs=1e-5)
    assert metrics["cagr"] == pytest.approx(float(stats["Compounding Annual Return"].rstrip("%")) / 100)
    assert metrics["max_drawdown"] == pytest.approx(float(stats["Drawdown"].rstrip("%")) / 100)
    assert metrics["sharpe"] == pytest.approx(float(stats["Sharpe Ratio"]))


def test_equity_curve_is_daily_and_ends_at_the_end_equity(rotation: LeanResultFolder) -> None:
    curve = backtest_results(rotation)["equity_curve"]
    days = [date.fromisoformat(p["date"]) for p in curve]
    assert days == sorted(set(days))
    assert days[0] == date(2012, 1, 1) and days[-1] == date(2016, 12, 30)
    assert all(day.weekday() < 5 for day in days[1:])
    assert curve[0]["equity"] == 100000
    assert curve[-1]["equity"] == pytest.approx(float(rotation.statistics["End Equity"]), abs=0.01)


def test_drawdown_episodes_agree_with_the_equity_curve(rotation: LeanResultFolder) -> None:
    results = backtest_results(rotation)
    equity = {date.fromisoformat(p["date"]): p["equity"] for p in results["equity_curve"]}
    episodes = results["drawdowns"]
    assert episodes
    for episode in episodes:
        start = date.fromisoformat(episode["start"])
        end = date.fromisoformat(episode["end"]) if episode["end"] else date.max
        peak = equity[start]
        assert peak == max(v for d, v in equity.items() if d <= start)  # it starts at a running peak
        inside = [v for d, v in equity.items() if start < d < end]
        assert all(v < peak for v in inside)
        assert episode["depth"] == pytest.approx(1 - min(inside) / peak)
        if episode["end"]:
            assert equity[date.fromisoformat(episode["end"])] >= peak
    assert all(e["end"] is not None and e["end"] <= n["start"] for e, n in itertools.pairwise(episodes))
    assert max(e["depth"] for e in episodes) == pytest.approx(results["metrics_summary"]["max_drawdown"], abs=1e-3)


def test_trade_pnl_sums_to_the_realised_pnl_of_the_lean_result(rotation: LeanResultFolder) -> None:
    trades = backtest_results(rotation)["trades"]
    assert len(trades) > 5 and {t["side"] for t in trades} == {"buy"}
    realised = float(rotation.raw["totalPerformance"]["tradeStatistics"]["totalProfitLoss"])
    assert sum(t["pnl"] for t in trades) == pytest.approx(realised, abs=0.01 * len(trades))
    for trade in trades:
        assert trade["entry_date"] <= trade["exit_date"]
        assert trade["pnl"] == pytest.approx((trade["exit_price"] - trade["entry_price"]) * trade["quantity"])
        assert trade["return_pct"] == pytest.approx(trade["exit_price"] / trade["entry_price"] - 1)


def test_trades_are_leans_closed_trades_with_partial_exits_of_open_positions(rotation: LeanResultFolder) -> None:
    trades = backtest_results(rotation)["trades"]
    statistics = rotation.raw["totalPerformance"]["tradeStatistics"]
    assert len(trades) == int(statistics["totalNumberOfTrades"])
    assert sum(t["pnl"] > 0 for t in trades) == int(statistics["numberOfWinningTrades"])
    # flat-to-flat round trips count fewer trades: a partial exit only closes a trade of its own in LEAN's builder
    assert len(round_trips(_fills(rotation))) < len(trades)


def test_without_leans_closed_trades_the_trades_are_rebuilt_from_the_fills(sma_spec: dict[str, Any],
                                                                            run_algorithm: RunAlgorithm) -> None:
    config = {"start_date": "2010-01-01", "end_date": "2014-12-31"}
    _, folder = run_algorithm(compile_spec(sma_spec, config), "sma")
    result = read_result_folder(folder)
    del result.raw["totalPerformance"]["closedTrades"]
    rebuilt = backtest_results(result)["trades"]
    closed = backtest_results(read_result_folder(folder))["trades"]
    assert len(rebuilt) == len(closed) > 5  # all in, all out: round trips and LEAN's trades coincide
    for ours, leans in zip(rebuilt, closed, strict=True):
        assert {k: v for k, v in ours.items() if isinstance(v, str)} == {k: v for k, v in leans.items()
                                                                          if isinstance(v, str)}
        assert [ours[k] for k in ("entry_price", "exit_price", "quantity", "pnl")] == pytest.approx(
            [leans[k] for k in ("entry_price", "exit_price", "quantity", "pnl")])


def test_trade_pnl_less_fees_sums_to_leans_profit_loss_records(sma_spec: dict[str, Any],
                                                               run_algorithm: RunAlgorithm) -> None:
    config = {"start_date": "2010-01-01", "end_date": "2014-12-31", "transaction_cost_bps": 10}
    _, folder = run_algorithm(compile_spec(sma_spec, config), "sma")
    result = read_result_folder(folder)
    trades = backtest_results(result)["trades"]
    assert len(trades) == len(result.profit_loss) > 5
    # LEAN records each closing fill's realised P&L less twice that fill's fee (its estimate of the round trip's fees)
    expected = sum(t["pnl"] for t in trades) - 2 * _closing_fees(result.order_events)
    assert sum(result.profit_loss.values()) == pytest.approx(expected, abs=0.01)


def _closing_fees(events: list[dict[str, Any]]) -> float:
    position: dict[str, float] = {}
    fees = 0.0
    for event in events:
        if event["status"] not in ("filled", "partiallyFilled"):
            continue
        held = position.get(event["symbolValue"], 0.0)
        if held and (held > 0) != (event["fillQuantity"] > 0):
            fees += event.get("orderFeeAmount", 0.0)
        position[event["symbolValue"]] = held + event["fillQuantity"]
    return fees


def test_yearly_and_monthly_returns_compound_to_the_total_return(rotation: LeanResultFolder) -> None:
    yearly = backtest_results(rotation)
    monthly = backtest_results(rotation, monthly=True)["per_period_metrics"]
    total = yearly["metrics_summary"]["total_return"]
    assert math.prod(1 + p["return"] for p in yearly["per_period_metrics"]) - 1 == pytest.approx(total, abs=1e-6)
    assert math.prod(1 + p["return"] for p in monthly) - 1 == pytest.approx(total, abs=1e-6)
    assert len(monthly) == 60 and monthly[0]["period"] == "2012-01"


def test_results_of_a_folder_path_equal_those_of_the_loaded_folder(rotation: LeanResultFolder) -> None:
    assert backtest_results(Path(rotation.folder)) == backtest_results(rotation)


CURVES = [
    ("no drawdown", [100, 101, 102], []),
    ("one recovered episode", [100, 90, 95, 100, 101], [("d0", "d3", 0.1)]),
    ("unrecovered at the end", [100, 110, 99, 105], [("d1", None, 0.1)]),
    ("two episodes", [100, 80, 120, 60, 130], [("d0", "d2", 0.2), ("d2", "d4", 0.5)]),
]


@pytest.mark.parametrize(("values", "expected"), [(v, e) for _, v, e in CURVES], ids=[n for n, _, _ in CURVES])
def test_drawdown_episodes_of_small_curves(values: list[float], expected: list[tuple[str, str | None, float]]) -> None:
    curve = [(date(2020, 1, 1 + i), float(v)) for i, v in enumerate(values)]
    day = {f"d{i}": date(2020, 1, 1 + i).isoformat() for i in range(len(values))}
    episodes = drawdown_episodes(curve)
    assert [(e["start"], e["end"]) for e in episodes] == [(day[s], day[e] if e else None) for s, e, _ in expected]
    assert [e["depth"] for e in episodes] == pytest.approx([d for _, _, d in expected])


def test_period_returns_start_from_the_initial_equity() -> None:
    curve = [(date(2019, 12, 31), 100.0), (date(2020, 6, 1), 120.0), (date(2020, 12, 31), 110.0),
             (date(2021, 3, 1), 121.0)]
    assert period_returns(curve) == [{"period": "2020", "return": pytest.approx(0.1)},
                                     {"period": "2021", "return": pytest.approx(0.1)}]
