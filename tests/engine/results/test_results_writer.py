"""The result folder: LEAN's files, key names and formats, and reading it back."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from lean_runner.engine.results import (
    AccountType,
    BacktestResult,
    LeanResultFolder,
    ResultFolderError,
    build_algorithm_configuration,
    build_state,
    default_charts,
    format_runtime_statistics,
    read_result_folder,
    write_backtest_results,
    write_result_json,
)
from lean_runner.engine.results.charts import EQUITY, RETURN, STRATEGY_EQUITY, Chart, Series
from lean_runner.engine.results.reader import parse_json
from lean_runner.engine.results.writer import format_n2, format_percent

ALGO_ID = "1234567890"
START = 1381118400  # 2013-10-07 04:00 UTC
CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


def _order(order_id: int) -> dict:
    return {
        "id": order_id,
        "symbol": {"value": "SPY", "id": "SPY R735QTJ8XC9X", "permtick": "SPY"},
        "price": 144.7,
        "quantity": 690,
        "type": 0,
        "status": 3,
    }


def _event(order_id: int, event_id: int) -> dict:
    return {
        "id": f"{ALGO_ID}-{order_id}-{event_id}",
        "algorithmId": ALGO_ID,
        "orderId": order_id,
        "orderEventId": event_id,
        "symbol": "SPY R735QTJ8XC9X",
        "time": 1381152660.0,
        "status": "filled",
        "fillPrice": 144.7,
    }


def _result(equity_points: int = 5) -> BacktestResult:
    charts = default_charts()
    equity = charts[STRATEGY_EQUITY].series[EQUITY]
    for i in range(equity_points):
        equity.add_point(START + i * 3600, 100000 + i * 10.123456)
    charts[STRATEGY_EQUITY].series[RETURN].add_point(START, 0.0)
    user = Chart("Indicators (user)")
    user.add_series(Series("EMA fast", unit=""))
    charts[user.name] = user
    return BacktestResult(
        charts=charts,
        orders={"1": _order(1), "2": _order(2)},
        order_events=[_event(1, 1), _event(1, 2)],
        profit_loss={"2013-10-11T20:00:00Z": 12.5},
        statistics={"Total Orders": "2", "Sharpe Ratio": "1.5", "Net Profit": "0.5%"},
        runtime_statistics={"Equity": "$100,050.00"},
        total_performance={
            "tradeStatistics": {"totalNumberOfTrades": 1},
            "portfolioStatistics": {"sharpeRatio": "1.5"},
            "closedTrades": [{"Symbol": "SPY"}],
        },
        state=build_state("Completed", start_time=datetime(2024, 5, 1, 12), hostname="host", name="demo"),
        algorithm_configuration=build_algorithm_configuration(
            "demo", {"ema-fast": "10"}, date(2013, 10, 7), date(2013, 10, 11)
        ),
        server_statistics={"Up Time": "0d 00:00:05"},
        rolling_window={},
        logs=["2013-10-07 09:31:00 Purchased Stock", "2013-10-11 16:00:00 done"],
    )


def test_write_backtest_results_writes_leans_files(tmp_path):
    folder = tmp_path / "backtests" / "2024-05-01_12-00-00"
    paths = write_backtest_results(folder, ALGO_ID, _result())
    assert sorted(p.name for p in paths) == sorted(
        [f"{ALGO_ID}.json", f"{ALGO_ID}-summary.json", f"{ALGO_ID}-order-events.json", f"{ALGO_ID}-log.txt"]
    )
    # no temp files left and no log.txt (the engine owns that one)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    for path in paths:
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))


def test_full_result_keys_are_camel_case_and_dictionary_keys_verbatim(tmp_path):
    write_backtest_results(tmp_path, ALGO_ID, _result())
    data = json.loads((tmp_path / f"{ALGO_ID}.json").read_text())
    assert list(data) == [
        "rollingWindow",
        "totalPerformance",
        "charts",
        "orders",
        "profitLoss",
        "statistics",
        "runtimeStatistics",
        "state",
        "serverStatistics",
        "algorithmConfiguration",
    ]  # analysis is None -> left out; orderEvents never here
    assert all(CAMEL.match(key) for key in data)
    assert list(data["charts"]) == [
        "Strategy Equity",
        "Benchmark",
        "Drawdown",
        "Portfolio Turnover",
        "Exposure",
        "Capacity",
        "Indicators (user)",
    ]
    assert list(data["charts"]["Indicators (user)"]["series"]) == ["EMA fast"]
    assert list(data["orders"]) == ["1", "2"] and data["orders"]["1"]["symbol"]["permtick"] == "SPY"
    assert data["statistics"]["Sharpe Ratio"] == "1.5"
    assert data["profitLoss"] == {"2013-10-11T20:00:00Z": 12.5}
    assert data["totalPerformance"]["closedTrades"] == [{"Symbol": "SPY"}]
    for chart in data["charts"].values():
        assert set(chart) == {"name", "chartType", "series"}
        for series in chart["series"].values():
            assert all(CAMEL.match(key) for key in series)
    equity = data["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    assert equity[1] == [START + 3600, 100010.1235, 100010.1235, 100010.1235, 100010.1235]
    text = (tmp_path / f"{ALGO_ID}.json").read_text()
    assert text.startswith('{\n  "rollingWindow": {},\n  "totalPerformance": {')


def test_order_events_file_is_compact_and_only_written_with_events(tmp_path):
    write_backtest_results(tmp_path / "a", ALGO_ID, _result())
    text = (tmp_path / "a" / f"{ALGO_ID}-order-events.json").read_text()
    assert "\n" not in text and ": " not in text and ", " not in text
    assert [e["id"] for e in json.loads(text)] == [f"{ALGO_ID}-1-1", f"{ALGO_ID}-1-2"]

    quiet = _result()
    quiet.order_events = []
    paths = write_backtest_results(tmp_path / "b", ALGO_ID, quiet)
    assert not (tmp_path / "b" / f"{ALGO_ID}-order-events.json").exists()
    assert len(paths) == 3


def test_algorithm_log_has_one_line_per_message(tmp_path):
    write_backtest_results(tmp_path, ALGO_ID, _result())
    assert (tmp_path / f"{ALGO_ID}-log.txt").read_text() == (
        "2013-10-07 09:31:00 Purchased Stock\n2013-10-11 16:00:00 done\n"
    )


def test_summary_holds_only_strategy_equity_and_performance_without_trades(tmp_path):
    write_backtest_results(tmp_path, ALGO_ID, _result())
    summary = json.loads((tmp_path / f"{ALGO_ID}-summary.json").read_text())
    assert set(summary) == {
        "totalPerformance",
        "charts",
        "statistics",
        "runtimeStatistics",
        "state",
        "serverStatistics",
        "algorithmConfiguration",
    }
    assert set(summary["totalPerformance"]) == {"tradeStatistics", "portfolioStatistics"}
    assert list(summary["charts"]) == ["Strategy Equity"]
    assert list(summary["charts"]["Strategy Equity"]["series"]) == ["Equity"]
    assert len(summary["charts"]["Strategy Equity"]["series"]["Equity"]["values"]) == 5  # <= 100: as is


def test_summary_equity_is_resampled_when_there_are_many_candles(tmp_path):
    result = _result(equity_points=0)
    equity = result.charts[STRATEGY_EQUITY].series[EQUITY]
    for day in range(400):  # 400 daily candles -> 4-day candles
        equity.add_point(START + day * 86400, 100000 + day)
    write_backtest_results(tmp_path, ALGO_ID, result)
    summary = json.loads((tmp_path / f"{ALGO_ID}-summary.json").read_text())
    values = summary["charts"]["Strategy Equity"]["series"]["Equity"]["values"]
    assert len(values) == 1 + 100  # first candle + one per 4-day bucket (the last one at the final time)
    assert values[0] == [START, 100000, 100000, 100000, 100000]
    assert values[1] == [START + 4 * 86400, 100001, 100004, 100001, 100004]
    assert values[-1][0] == START + 399 * 86400 and values[-1][4] == 100399
    full = json.loads((tmp_path / f"{ALGO_ID}.json").read_text())
    assert len(full["charts"]["Strategy Equity"]["series"]["Equity"]["values"]) == 400


def test_total_performance_none_is_left_out(tmp_path):
    result = _result()
    result.total_performance = None
    write_backtest_results(tmp_path, ALGO_ID, result)
    assert "totalPerformance" not in json.loads((tmp_path / f"{ALGO_ID}.json").read_text())
    assert "totalPerformance" not in json.loads((tmp_path / f"{ALGO_ID}-summary.json").read_text())


def test_snapshot_keeps_only_the_last_orders(tmp_path):
    result = _result()
    result.orders = {str(i): _order(i) for i in range(1, 151)}
    path = write_result_json(tmp_path, ALGO_ID, result, max_orders=100)
    orders = json.loads(path.read_text())["orders"]
    assert len(orders) == 100 and next(iter(orders)) == "51"


@pytest.mark.parametrize("bad", ["", "a/b", "..", ".hidden", " x"])
def test_bad_algorithm_ids_are_rejected(tmp_path, bad):
    with pytest.raises(ValueError, match="algorithm id"):
        write_backtest_results(tmp_path, bad, BacktestResult())


def test_round_trip_through_read_result_folder(tmp_path):
    result = _result()
    write_backtest_results(tmp_path, ALGO_ID, result)
    (tmp_path / "log.txt").write_text("2024-05-01T12:00:00.0000000Z TRACE:: hi\n")
    (tmp_path / "data-monitor-report-20240501120000000.json").write_text('{"charts": "no"}')
    loaded = read_result_folder(tmp_path)
    assert isinstance(loaded, LeanResultFolder)
    assert loaded.algorithm_id == ALGO_ID and loaded.result_path == tmp_path / f"{ALGO_ID}.json"
    assert loaded.statistics == result.statistics
    assert loaded.status == "Completed"
    assert loaded.state["Hostname"] == "host"
    assert loaded.algorithm_configuration["parameters"] == {"ema-fast": "10"}
    assert list(loaded.orders) == ["1", "2"]
    assert loaded.profit_loss == {"2013-10-11T20:00:00Z": 12.5}
    assert {name: chart.to_json() for name, chart in loaded.charts.items()} == {
        name: chart.to_json() for name, chart in result.charts.items()
    }
    curve = loaded.equity_curve()
    assert curve[0] == (START, 100000.0) and curve[-1] == (START + 4 * 3600, 100040.4938)
    assert [e["orderEventId"] for e in loaded.order_events] == [1, 2]
    assert loaded.summary is not None and "Strategy Equity" in loaded.summary["charts"]
    assert loaded.algorithm_log() == result.logs
    assert loaded.files.engine_log == tmp_path / "log.txt"


def test_the_fast_json_parser_reads_what_json_reads(tmp_path):
    # The reader parses with orjson; every written file must come back exactly as the standard library reads it.
    paths = write_backtest_results(tmp_path, ALGO_ID, _result(equity_points=2_000))
    for path in (p for p in paths if p.suffix == ".json"):
        raw = path.read_bytes()
        assert parse_json(raw) == json.loads(raw)
    # What only json accepts (NaN, Infinity) still reads, and what neither reads raises json's error.
    nan_text = b'{"a": NaN, "b": Infinity, "c": [1.5, -0.0]}'
    parsed = parse_json(nan_text)
    assert parsed["a"] != parsed["a"] and parsed["b"] == float("inf") and parsed["c"] == [1.5, -0.0]
    with pytest.raises(json.JSONDecodeError):
        parse_json(b'{"a": ')


def test_read_prefers_the_lean_cli_config_id(tmp_path):
    write_backtest_results(tmp_path, "111", _result())
    write_backtest_results(tmp_path, "222", _result())
    (tmp_path / "config").write_text(json.dumps({"id": 111, "container": "lean_cli_x"}))
    assert read_result_folder(tmp_path).algorithm_id == "111"


def test_read_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(ResultFolderError, match="does not exist"):
        read_result_folder(tmp_path / "missing")
    with pytest.raises(ResultFolderError, match="no LEAN result file"):
        read_result_folder(tmp_path)
    (tmp_path / f"{ALGO_ID}-summary.json").write_text("{}")
    with pytest.raises(ResultFolderError, match="no LEAN result file"):
        read_result_folder(tmp_path)
    (tmp_path / f"{ALGO_ID}.json").write_text('{"charts": {"Strategy Equity": ')
    with pytest.raises(ResultFolderError, match="not valid JSON") as err:
        read_result_folder(tmp_path)
    assert err.value.path == tmp_path / f"{ALGO_ID}.json"


def test_state_uses_lean_keys_and_string_values():
    state = build_state(
        "RuntimeError",
        start_time=datetime(2024, 5, 1, 14, 0, 1, tzinfo=timezone(timedelta(hours=2))),
        end_time=datetime(2024, 5, 1, 12, 5, 0, 999999),
        runtime_error="boom",
        stack_trace="at x",
        log_count=3,
        order_count=2,
        name="demo",
        hostname="host",
    )
    assert state == {
        "StartTime": "2024-05-01T12:00:01Z",
        "EndTime": "2024-05-01T12:05:00Z",
        "RuntimeError": "boom",
        "StackTrace": "at x",
        "LogCount": "3",
        "OrderCount": "2",
        "InsightCount": "0",
        "Status": "RuntimeError",
        "Hostname": "host",
        "Name": "demo",
    }
    assert build_state("Running", start_time=datetime.now(UTC), hostname="h")["EndTime"] == ""
    with pytest.raises(ValueError, match="unknown algorithm status 'Done'"):
        build_state("Done", start_time=datetime.now(UTC))


def test_algorithm_configuration_shape():
    config = build_algorithm_configuration(
        "demo",
        {"ema-fast": 10, "live": True, "ratio": 0.5},
        datetime(2013, 10, 7),
        datetime(2013, 10, 11, 23, 59, 59, 999999),
        tags=["ema"],
    )
    assert config == {
        "name": "demo",
        "tags": ["ema"],
        "accountCurrency": "USD",
        "brokerage": 0,
        "accountType": 0,
        "parameters": {"ema-fast": "10", "live": "true", "ratio": "0.5"},
        "outOfSampleMaxEndDate": None,
        "outOfSampleDays": 0,
        "startDate": "2013-10-07T00:00:00Z",
        "endDate": "2013-10-11T23:59:59Z",
        "tradingDaysPerYear": 252,
    }
    cash = build_algorithm_configuration(
        "d", {}, date(2020, 1, 1), date(2020, 2, 1), account_type=AccountType.CASH
    )
    assert cash["accountType"] == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0.00"),
        (1234.56, "1,234.56"),
        (3.485, "3.49"),  # decimal ToString rounds halves away from zero
        (-3.485, "-3.49"),
        (1234567.891, "1,234,567.89"),
        (Decimal("0.005"), "0.01"),
        (-0.004, "0.00"),
    ],
)
def test_format_n2(value, text):
    assert format_n2(value) == text


@pytest.mark.parametrize(
    ("fraction", "text"), [(0.0169, "1.69 %"), (0, "0.00 %"), (-0.12345, "-12.35 %"), (15.5, "1,550.00 %")]
)
def test_format_percent_is_dotnet_p_format(fraction, text):
    assert format_percent(fraction) == text


def test_runtime_statistics_formats_and_order():
    stats = format_runtime_statistics(
        equity=101234.5,
        fees=3.44,
        holdings=99800.123,
        net_profit=-1234.567,
        psr="51.234%",
        return_fraction=0.01691,
        unrealized=-3.444,
        volume=250000,
        extra={"Custom": "7", "Equity": "ignored"},
    )
    assert stats == {
        "Custom": "7",
        "Equity": "$101,234.50",
        "Fees": "-$3.44",
        "Holdings": "$99,800.12",
        "Net Profit": "$-1,234.57",
        "Probabilistic Sharpe Ratio": "51.234%",
        "Return": "1.69 %",
        "Unrealized": "$-3.44",
        "Volume": "$250,000.00",
    }
    assert list(stats) == sorted(stats)
    zero = format_runtime_statistics(
        equity=0, fees=0, holdings=0, net_profit=0, psr=None, return_fraction=0, unrealized=0, volume=0
    )
    assert zero["Probabilistic Sharpe Ratio"] == "0%" and zero["Fees"] == "-$0.00"


def test_read_result_folder_accepts_a_path_like_string(tmp_path):
    write_backtest_results(tmp_path, ALGO_ID, _result())
    assert read_result_folder(Path(str(tmp_path))).algorithm_id == ALGO_ID
