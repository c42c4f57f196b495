"""security-database.csv: LEAN's industry identifiers (its one sample row is a made-up AAPL entry)."""

from __future__ import annotations

from pathlib import Path

from lean_runner.engine.data.security_database import SecurityDatabase


def test_reads_the_identifiers_of_a_listed_sid(lean_data: Path) -> None:
    definition = SecurityDatabase.load(lean_data).get("AAPL R735QTJ8XC9X")
    assert definition is not None
    assert (definition.cusip, definition.composite_figi, definition.sedol, definition.isin, definition.cik) == \
        ("03783310", "BBG000B9XRY4", "2046251", "US0378331005", 320193)


def test_an_unlisted_sid_or_a_missing_file_has_no_identifiers(lean_data: Path, tmp_path: Path) -> None:
    assert SecurityDatabase.load(lean_data).get("SPY R735QTJ8XC9X") is None
    assert SecurityDatabase.load(tmp_path).get("AAPL R735QTJ8XC9X") is None
