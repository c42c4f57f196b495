"""Factor lookups and corporate actions from the real factor files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from lean_runner.engine.data import Dividend, ExchangeHours, FactorFileProvider, Split, normalization_mode


@pytest.fixture(scope="module")
def factors(lean_data_folder: Path) -> FactorFileProvider:
    return FactorFileProvider(lean_data_folder)


@pytest.mark.parametrize(
    ("ticker", "day", "mode", "expected"),
    [
        ("spy", date(2013, 10, 7), "Adjusted", 0.8646266),
        ("spy", date(2013, 12, 19), "Adjusted", 0.8646266),
        ("spy", date(2013, 12, 20), "Adjusted", 0.8693686),
        ("spy", date(2021, 3, 19), "Adjusted", 1.0),
        ("spy", date(2060, 1, 1), "Adjusted", 1.0),
        ("spy", date(1990, 1, 1), "Adjusted", 0.6566606),
        ("spy", date(2013, 10, 7), "SplitAdjusted", 1.0),
        ("spy", date(2013, 10, 7), "Raw", 1.0),
        ("aapl", date(2014, 6, 5), "SplitAdjusted", 0.0357143),
        ("aapl", date(2014, 6, 6), "SplitAdjusted", 0.0357143),
        ("aapl", date(2014, 6, 9), "SplitAdjusted", 0.25),
        ("aapl", date(2020, 8, 28), "TotalReturn", 0.25),
        ("aapl", date(2020, 8, 31), "SplitAdjusted", 1.0),
        ("aapl", date(2014, 6, 5), "Adjusted", 0.9011818 * 0.0357143),
        ("aapl", date(2014, 6, 5), "ScaledRaw", 0.9011818 * 0.0357143),
        ("nosuchticker", date(2013, 10, 7), "Adjusted", 1.0),
    ],
)
def test_factor_uses_earliest_row_on_or_after_the_day(
    factors: FactorFileProvider, ticker: str, day: date, mode: str, expected: float
) -> None:
    assert factors.get(ticker).factor(day, mode) == pytest.approx(expected, rel=1e-12)


def test_spy_adjusted_close_on_2013_10_07(factors: FactorFileProvider) -> None:
    assert 167.42 * factors.get("spy").factor(date(2013, 10, 7)) == pytest.approx(144.756, abs=5e-4)


def test_vectorised_factors_match_scalar_lookups(factors: FactorFileProvider) -> None:
    aapl = factors.get("aapl")
    days = np.arange(np.datetime64("1997-06-01"), np.datetime64("2022-01-01"), 11)
    for mode in ("Adjusted", "SplitAdjusted", "Raw"):
        expected = [aapl.factor(d.astype(object), mode) for d in days]
        np.testing.assert_array_equal(aapl.factors(days, mode), expected)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("adjusted", "Adjusted"),
        ("SPLIT_ADJUSTED", "SplitAdjusted"),
        ("TotalReturn", "TotalReturn"),
        ("raw", "Raw"),
    ],
)
def test_normalization_mode_names(text: str, canonical: str) -> None:
    assert normalization_mode(text) == canonical


def test_unknown_normalization_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="normalization mode"):
        normalization_mode("Backwards")


def test_rows_with_inf_exponent_or_zero_product_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "equity" / "usa" / "factor_files"
    folder.mkdir(parents=True)
    (folder / "odd.csv").write_text(
        "20100104,0.9,1,10\n20110104,inf,1,10\n20120104,1.6e+6,1,10\n20130104,0,1,10\n20140104,0.95,1,11\n20501231,1,1,0\n"
    )
    odd = FactorFileProvider(tmp_path).get("odd")
    assert [row.date for row in odd.rows] == [date(2010, 1, 4), date(2014, 1, 4), date(2050, 12, 31)]
    assert odd.factor(date(2012, 6, 1)) == pytest.approx(0.95)


def test_aapl_corporate_actions_in_2014(factors: FactorFileProvider, equity_hours: ExchangeHours) -> None:
    events = factors.get("aapl").corporate_actions(date(2014, 1, 1), date(2014, 12, 31), equity_hours)
    assert events == [
        Dividend(date(2014, 2, 6), 3.05, 512.59),
        Dividend(date(2014, 5, 8), 3.29, 592.33),
        Split(date(2014, 6, 9), 0.1428572, 645.57),
        Dividend(date(2014, 8, 7), 0.47, 94.97),
        Dividend(date(2014, 11, 6), 0.47, 108.86),
    ]


def test_dividend_is_paid_the_trading_day_after_the_row(
    factors: FactorFileProvider, equity_hours: ExchangeHours
) -> None:
    events = factors.get("spy").corporate_actions(date(2013, 12, 1), date(2013, 12, 31), equity_hours)
    assert len(events) == 1
    dividend = events[0]
    assert isinstance(dividend, Dividend)
    assert dividend.date == date(2013, 12, 20)
    expected = round(181.5 - 181.5 * 0.8646266 / 0.8693686, 2)  # 0.99
    assert dividend.distribution == pytest.approx(expected)
    assert dividend.reference_price == 181.5


def test_split_factor_is_ratio_of_consecutive_split_factors(
    factors: FactorFileProvider, equity_hours: ExchangeHours
) -> None:
    events = factors.get("aapl").corporate_actions(date(2020, 8, 1), date(2020, 9, 30), equity_hours)
    splits = [e for e in events if isinstance(e, Split)]
    assert [(s.date, s.split_factor) for s in splits] == [(date(2020, 8, 31), 0.25)]


def test_missing_factor_file_has_no_corporate_actions(
    factors: FactorFileProvider, equity_hours: ExchangeHours
) -> None:
    assert (
        factors.get("nosuchticker").corporate_actions(date(2000, 1, 1), date(2020, 1, 1), equity_hours) == []
    )
