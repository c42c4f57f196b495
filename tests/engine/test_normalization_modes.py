"""Data normalization modes on AAPL's 2014 daily data (four dividends and the 7:1 split of 2014-06-09), checked
against LEAN's daily file and factor file and LEAN's portfolio rules (``SecurityPortfolioManager.ApplyDividend``
and ``ApplySplit``): dividends pay cash in RAW and SPLIT_ADJUSTED, splits change holdings only in RAW."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from lean_runner.engine.launcher import LaunchConfig, run_backtest

RECORDER = Path(__file__).parent / "algorithms" / "normalization_recorder.py"
MODES = ("RAW", "ADJUSTED", "SPLIT_ADJUSTED", "TOTAL_RETURN")


def _record(lean_data: Path, tmp_path: Path, parse_cache: Path, mode: str, how: str = "add_equity") -> dict:
    output = tmp_path / f"{mode}-{how}.json"
    config = LaunchConfig(algorithm_location=RECORDER, algorithm_type_name="NormalizationRecorderAlgorithm",
                          algorithm_id=f"{mode}-{how}", data_folder=lean_data, results_folder=tmp_path / mode,
                          cache_folder=parse_cache, parameters={"mode": mode, "how": how, "output": str(output)})
    outcome = run_backtest(config, stream=io.StringIO())
    assert outcome.status == "Completed", outcome.error
    return json.loads(output.read_text())


@pytest.fixture(scope="module")
def recorded(lean_data: Path, tmp_path_factory: pytest.TempPathFactory, parse_cache: Path) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("modes")
    return {mode: _record(lean_data, folder, parse_cache, mode) for mode in MODES}


def _raw_closes(lean_data: Path) -> dict[str, float]:
    with zipfile.ZipFile(lean_data / "equity/usa/daily/aapl.zip") as archive:
        text = archive.read(archive.namelist()[0]).decode()
    closes = {}
    for line in text.splitlines():
        stamp, _, _, _, close, _ = line.split(",")
        day = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        closes[day.isoformat()] = int(close) / 10_000
    return closes


def _split_factor(lean_data: Path, day: str) -> float:
    """The factor file's split factor for ``day``: the earliest row dated on or after it (reference §2)."""
    rows = [line.split(",") for line in (lean_data / "equity/usa/factor_files/aapl.csv").read_text().split()]
    wanted = day.replace("-", "")
    return float(next(row for row in rows if row[0] >= wanted)[2])


def test_raw_prices_are_the_files_prices(recorded: dict[str, dict], lean_data: Path) -> None:
    raw = _raw_closes(lean_data)
    assert [close for day, close, *_ in recorded["RAW"]["days"]] == [raw[day] for day, *_ in recorded["RAW"]["days"]]


def test_split_adjusted_and_total_return_prices(recorded: dict[str, dict], lean_data: Path) -> None:
    raw = _raw_closes(lean_data)
    paid = 0.0
    dividends = {day: amount for kind, day, amount, _ in recorded["TOTAL_RETURN"]["events"] if kind == "dividend"}
    for (day, split_adjusted, *_), (_, total_return, *_) in zip(recorded["SPLIT_ADJUSTED"]["days"],
                                                               recorded["TOTAL_RETURN"]["days"], strict=True):
        paid += dividends.get(day, 0.0)
        assert split_adjusted == pytest.approx(raw[day] * _split_factor(lean_data, day), rel=1e-12), day
        assert total_return == pytest.approx(split_adjusted + paid, rel=1e-12), day  # LEAN's SumOfDividends
    assert paid == pytest.approx(3.05 + 3.29 + 0.47 + 0.47)


@pytest.mark.parametrize(("mode", "pays"), [("RAW", True), ("SPLIT_ADJUSTED", True), ("ADJUSTED", False),
                                            ("TOTAL_RETURN", False)])
def test_dividends_pay_cash_only_in_raw_and_split_adjusted(recorded: dict[str, dict], mode: str,
                                                           pays: bool) -> None:
    days = {day: (quantity, cash) for day, _, quantity, _, cash in recorded[mode]["days"]}
    ordered = [day for day, *_ in recorded[mode]["days"]]
    dividends = [(day, amount) for kind, day, amount, _ in recorded[mode]["events"] if kind == "dividend"]
    assert [day for day, _ in dividends] == ["2014-02-06", "2014-05-08", "2014-08-07", "2014-11-06"]
    for day, amount in dividends:
        before = ordered[ordered.index(day) - 1]
        quantity, cash_before = days[before]
        expected = cash_before + (quantity * amount if pays else 0.0)
        assert days[day][1] == pytest.approx(expected, abs=1e-9), (mode, day)


def test_the_split_changes_holdings_only_in_raw(recorded: dict[str, dict]) -> None:
    for mode in MODES:
        days = {day: (close, quantity, average, cash) for day, close, quantity, average, cash in recorded[mode]["days"]}
        (close_before, quantity_before, average_before, cash_before), after = days["2014-06-06"], days["2014-06-09"]
        split = next(amount for kind, day, amount, _ in recorded[mode]["events"] if kind == "split")
        assert split == pytest.approx(1 / 7, rel=1e-6)
        if mode != "RAW":
            assert (after[1], after[2], after[3]) == (quantity_before, average_before, cash_before), mode
            continue
        shares = quantity_before / split
        assert after[1] == int(shares) == 699  # whole shares; the fraction is paid out
        assert after[2] == pytest.approx(average_before * split, rel=1e-12)
        assert after[3] == pytest.approx(cash_before + (shares - int(shares)) * close_before * split, rel=1e-12)


def test_the_mode_set_on_the_security_in_initialize_equals_the_add_equity_argument(
        recorded: dict[str, dict], lean_data: Path, tmp_path: Path, parse_cache: Path) -> None:
    assert _record(lean_data, tmp_path, parse_cache, "RAW", how="security") == recorded["RAW"]
