"""The synthetic sample of a fresh machine: what the strategies need, what is written, and that it runs them."""

from __future__ import annotations

import json
import shutil
import textwrap
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from lean_runner.orchestration.planning import PlanningContext, prepare_run
from lean_runner.progress_lines import parse_statistic
from lean_runner.results_index.names import new_result_folder
from lean_runner.runners.local import LocalRunner
from lean_runner.runners.request import BacktestRequest
from lean_runner.services.sample_data import (
    DataWindow,
    SampleDataError,
    SampleDataReport,
    generate_sample_data,
    has_market_data,
    is_synthetic,
    sample_requirements,
)
from lean_runner.store.models import BacktestRecord

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST_PROJECT = REPO_ROOT / "test-project"
DSL_START, DSL_END = date(2015, 1, 1), date(2020, 12, 31)  # the DSL's default backtest window
LEAN_SAMPLE = tuple(json.loads((TEST_PROJECT / "universes" / "LEAN_SAMPLE.json").read_text())["symbols"])


@dataclass(frozen=True)
class Sample:
    project: Path
    data: Path
    report: SampleDataReport
    had_market_data_before: bool
    was_synthetic_before: bool


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """test-project copied to a clean folder and its sample generated into ``data/`` beside it."""
    root = tmp_path_factory.mktemp("fresh-machine")
    project = root / "project"
    shutil.copytree(TEST_PROJECT, project, ignore=shutil.ignore_patterns("backtests", "data", "storage"))
    data = root / "data"
    before = has_market_data(data), is_synthetic(data)
    report = generate_sample_data(project, data)
    return Sample(project, data, report, *before)


def _bars(zip_path: Path) -> list[list[str]]:
    with zipfile.ZipFile(zip_path) as archive:
        return [line.split(",") for line in archive.read(archive.namelist()[0]).decode().splitlines()]


def _run(project: Path, data: Path, cache: Path, algorithm: str) -> tuple[int, dict[str, str], list[str]]:
    runner = LocalRunner()
    request = BacktestRequest(algorithm=algorithm, parameters={}, engine=runner.engine)
    record = BacktestRecord(id=str(uuid.uuid4()), algorithm_id="1" + str(uuid.uuid4().int)[:9], status="running",
                            strategy=request.strategy, request=request.to_dict(), engine=runner.engine)
    plan = prepare_run(record, new_result_folder(project / "backtests"), runner,
                       PlanningContext(project, data, cache, 0.5))
    lines: list[str] = []
    handle = runner.start(plan, lines.append)
    exit_ = handle.wait(300)
    handle.cleanup()
    assert exit_ is not None
    return exit_.exit_code, dict(s for s in map(parse_statistic, lines) if s), lines


# -- requirements --------------------------------------------------------------------------------------------

def test_requirements_of_test_project_list_spy_and_the_strategies_dates() -> None:
    requirements = sample_requirements(TEST_PROJECT)
    assert requirements.windows == (
        DataWindow("minute", ("SPY",), date(2013, 10, 7), date(2013, 10, 11)),  # main.py
        DataWindow("hour", ("SPY",), date(2004, 1, 1), DSL_END),  # the benchmark of every strategy
        DataWindow("daily", ("SPY",), date(2004, 1, 1), DSL_END),  # macd_trend.py from 2004, the DSL's to 2020
        DataWindow("daily", tuple(sorted(set(LEAN_SAMPLE) - {"SPY"})), DSL_START, DSL_END),
    )
    assert "SPY" in requirements.symbols and set(LEAN_SAMPLE) <= set(requirements.symbols)
    assert {"AAPL", "GOOG", "FB", "IBM"} <= set(requirements.symbols)  # trend_positive_news.json's own list
    assert (requirements.start, requirements.end, requirements.finest_resolution) == (
        date(2004, 1, 1), DSL_END, "minute")
    assert requirements.notes == ()


_HEADER = "from AlgorithmImports import *\n\n\nclass Strategy(QCAlgorithm):\n    def initialize(self):\n"


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param("""
        self.set_start_date(2020, 1, 2)
        self.set_end_date(2020, 3, 31)
        self.add_equity("AAPL", Resolution.DAILY)
        """, [DataWindow("hour", ("SPY",), date(2020, 1, 2), date(2020, 3, 31)),
              DataWindow("daily", ("AAPL",), date(2020, 1, 2), date(2020, 3, 31))], id="literals"),
    pytest.param("""
        self.SetStartDate(datetime(2020, 1, 2))
        self.SetEndDate(datetime(2020, 1, 10))
        self.AddEquity("msft")
        """, [DataWindow("minute", ("MSFT",), date(2020, 1, 2), date(2020, 1, 10)),
              DataWindow("hour", ("SPY",), date(2020, 1, 2), date(2020, 1, 10))], id="pascal-case-default-minute"),
    pytest.param("""
        self.set_start_date(date.fromisoformat(self.get_parameter("start_date", "2019-05-01")))
        self.set_end_date(date.fromisoformat(self.get_parameter("end_date", "2019-05-31")))
        resolution = getattr(Resolution, self.get_parameter("resolution", "Hour").upper())
        tickers = self.get_parameter("symbols", "QQQ,IWM").split(",")
        self._symbols = [self.add_equity(ticker, resolution).symbol for ticker in tickers]
        """, [DataWindow("hour", ("IWM", "QQQ", "SPY"), date(2019, 5, 1), date(2019, 5, 31))],
        id="parameters-with-defaults"),
    pytest.param("""
        self.set_start_date(2018, 1, 1)
        self.set_end_date(2018, 12, 31)
        for ticker in ["BAC", "WM"]:
            self.add_security(SecurityType.EQUITY, ticker, Resolution.DAILY)
        self.add_security(SecurityType.FOREX, "EURUSD", Resolution.DAILY)
        self.set_benchmark("QQQ")
        """, [DataWindow("hour", ("QQQ",), date(2018, 1, 1), date(2018, 12, 31)),
              DataWindow("daily", ("BAC", "WM"), date(2018, 1, 1), date(2018, 12, 31))],
        id="loop-add-security-benchmark"),
])
def test_requirements_read_the_ways_algorithms_name_symbols_and_dates(
        tmp_path: Path, body: str, expected: list[DataWindow]) -> None:
    (tmp_path / "strategy.py").write_text(_HEADER + textwrap.indent(textwrap.dedent(body).strip(), " " * 8) + "\n")
    requirements = sample_requirements(tmp_path)
    assert list(requirements.windows) == expected
    assert requirements.notes == ()


def test_unreadable_strategies_are_skipped_with_a_note_and_the_rest_still_read(tmp_path: Path) -> None:
    shutil.copy(TEST_PROJECT / "main.py", tmp_path / "main.py")
    (tmp_path / "broken.py").write_text("class Broken(QCAlgorithm:\n")
    (tmp_path / "unknown_ticker.py").write_text(_HEADER + "        self.add_equity(self.pick(), Resolution.TICK)\n")
    (tmp_path / "tick.py").write_text(_HEADER + '        self.add_equity("SPY", Resolution.TICK)\n')
    (tmp_path / "helpers.py").write_text("def pick():\n    return 'SPY'\n")
    strategies = tmp_path / "strategies"
    strategies.mkdir()
    (strategies / "not_json.json").write_text("{")
    (strategies / "unknown_universe.json").write_text(json.dumps({"universe": {"name": "NOPE"}}))
    requirements = sample_requirements(tmp_path)
    assert requirements.windows[0] == DataWindow("minute", ("SPY",), date(2013, 10, 7), date(2013, 10, 11))
    notes = "\n".join(requirements.notes)
    for expected in ("broken.py: not read (SyntaxError", "unknown_ticker.py: the ticker at line 6 is not known",
                     "tick.py: tick data at line 6 is not generated", "strategies/not_json.json: not read",
                     "strategies/unknown_universe.json: not read (no universe 'NOPE'"):
        assert expected in notes
    assert "helpers.py" not in notes  # a module without subscriptions is not a strategy


# -- generation ----------------------------------------------------------------------------------------------

def test_generated_sample_is_marked_synthetic_and_reports_what_it_wrote(sample: Sample) -> None:
    assert (sample.had_market_data_before, sample.was_synthetic_before) == (False, False)
    assert has_market_data(sample.data) and is_synthetic(sample.data)
    report = sample.report
    assert report.synthetic and report.folder == sample.data.resolve()
    assert (report.start, report.end, report.resolution) == (date(2004, 1, 1), DSL_END, "minute")
    assert report.symbols == sample_requirements(sample.project).symbols and "SPY" in report.symbols
    written = [path for path in sample.data.rglob("*") if path.is_file()]
    assert report.files == len(written)
    assert sum(path.stat().st_size for path in written) < 5 * 2**20  # years of daily bars, one week of minutes
    assert not list(sample.data.glob(".sample-data-*"))  # the scratch folder is gone
    assert (sample.data / "market-hours" / "market-hours-database.json").is_file()
    assert (sample.data / "symbol-properties" / "symbol-properties-database.csv").is_file()
    marker = json.loads((sample.data / "SYNTHETIC.json").read_text())
    assert marker["symbols"] == list(report.symbols) and marker["resolution"] == "minute"
    assert {"resolution": "minute", "symbols": ["SPY"], "start": "2013-10-07", "end": "2013-10-11"} \
        in marker["windows"]
    assert "synthetic sample (not market data)" in report.describe()


def test_main_runs_on_the_local_engine_with_only_the_generated_data(sample: Sample, parse_cache: Path) -> None:
    code, statistics, lines = _run(sample.project, sample.data, parse_cache, "main.py")
    assert code == 0, lines[-20:]
    assert statistics["Total Orders"] == "1"
    assert statistics["End Equity"] != "100000"  # it held synthetic SPY for a week


def test_a_daily_strategy_runs_over_its_years_on_the_generated_data(sample: Sample, parse_cache: Path) -> None:
    code, statistics, lines = _run(sample.project, sample.data, parse_cache, "macd_trend.py")
    assert code == 0, lines[-20:]
    assert int(statistics["Total Orders"]) > 10


def test_minute_hour_and_daily_bars_tell_the_same_story(sample: Sample) -> None:
    usa = sample.data / "equity" / "usa"
    minutes = _bars(usa / "minute" / "spy" / "20131007_trade.zip")
    hours = [bar for bar in _bars(usa / "hour" / "spy.zip") if bar[0].startswith("20131007")]
    daily = {bar[0][:8]: bar for bar in _bars(usa / "daily" / "spy.zip")}
    day = daily["20131007"]
    assert day[1] == minutes[0][1] == hours[0][1]  # open
    assert day[4] == minutes[-1][4] == hours[-1][4]  # close
    assert int(day[2]) == max(int(bar[2]) for bar in minutes)  # high
    assert int(day[3]) == min(int(bar[3]) for bar in minutes)  # low
    assert len(minutes) == 390 and len(hours) == 7


def test_the_daily_path_carries_on_from_the_minute_window_without_a_gap(sample: Sample) -> None:
    daily = {bar[0][:8]: bar for bar in _bars(sample.data / "equity" / "usa" / "daily" / "spy.zip")}
    # GBM bars open at the previous close: the rescaled path after the window keeps that (to a rounding unit).
    assert abs(int(daily["20131014"][1]) - int(daily["20131011"][4])) <= 1
    assert int(daily["20131007"][1]) == int(daily["20131004"][4])


def test_the_same_project_and_seed_give_the_same_bars(sample: Sample, tmp_path: Path) -> None:
    again = generate_sample_data(sample.project, tmp_path / "data")
    assert again.files == sample.report.files
    for path in sample.data.rglob("*.zip"):
        assert (tmp_path / "data" / path.relative_to(sample.data)).read_bytes() == path.read_bytes(), path


def test_scratch_left_by_a_killed_generation_is_cleared(tmp_path: Path) -> None:
    leftover = tmp_path / "data" / ".sample-data-killed" / "data" / "equity"
    leftover.mkdir(parents=True)
    generate_sample_data(TEST_PROJECT, tmp_path / "data")
    assert not list((tmp_path / "data").glob(".sample-data-*"))


def test_a_folder_with_market_data_is_refused_and_left_alone(tmp_path: Path) -> None:
    daily = tmp_path / "data" / "equity" / "usa" / "daily"
    daily.mkdir(parents=True)
    (daily / "spy.zip").write_bytes(b"real data")
    with pytest.raises(SampleDataError, match="already holds market data") as raised:
        generate_sample_data(TEST_PROJECT, tmp_path / "data")
    assert raised.value.http_status == 409
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["equity"]


def test_a_project_without_strategies_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    with pytest.raises(SampleDataError, match="no strategy"):
        generate_sample_data(tmp_path / "project", tmp_path / "data")
    assert not has_market_data(tmp_path / "data") and not is_synthetic(tmp_path / "data")


def test_the_shared_lean_data_is_market_data_and_not_synthetic(lean_data: Path) -> None:
    assert has_market_data(lean_data) and not is_synthetic(lean_data)
