"""Shortable providers and LEAN's shortable check (QCAlgorithm.Shortable), on the data folder's test brokerage."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from lean_runner.engine.custom_data import Globals
from lean_runner.engine.shortable import LocalDiskShortableProvider, NullShortableProvider, is_shortable


def test_local_disk_provider_reads_quantity_and_rates_per_date(lean_data: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Globals, "data_folder", str(lean_data))
    provider = LocalDiskShortableProvider("TestBrokerage")
    assert provider.shortable_quantity("SPY", datetime(2013, 10, 7, 10)) == 1000
    assert provider.fee_rate("SPY", datetime(2013, 10, 7)) == pytest.approx(0.0025)
    assert provider.rebate_rate("SPY", datetime(2013, 10, 7)) == 0.0
    assert provider.shortable_quantity("AIG", datetime(2013, 10, 7)) == 1001
    assert provider.shortable_quantity("SPY", datetime(2001, 1, 2)) is None  # no row: unlimited
    assert provider.shortable_quantity("IBM", datetime(2013, 10, 7)) is None  # no file: unlimited


def _security(limit: int | None, held: float) -> SimpleNamespace:
    provider = SimpleNamespace(shortable_quantity=lambda symbol, when: limit)
    return SimpleNamespace(shortable_provider=provider, symbol="SPY", local_time=datetime(2013, 10, 7),
                           holdings=SimpleNamespace(quantity=held))


@pytest.mark.parametrize(("limit", "held", "open_quantity", "quantity", "allowed"), [
    (None, 0, 0, -10**9, True),   # no data: unlimited
    (1000, 0, 0, -1000, True),
    (1000, 0, 0, -1001, False),
    (1000, 0, -1000, -10, False),  # open orders count
    (1000, -1000, 0, -1, False),   # so do holdings
    (1000, 500, 0, -1500, True),   # selling a long counts only what goes short
])
def test_shortable_check_counts_holdings_and_open_orders(limit: int | None, held: float, open_quantity: float,
                                                         quantity: float, allowed: bool) -> None:
    assert is_shortable(_security(limit, held), quantity, open_quantity) is allowed


def test_null_provider_is_unlimited_and_free() -> None:
    provider = NullShortableProvider()
    when = datetime(2013, 10, 7)
    assert (provider.shortable_quantity("SPY", when), provider.fee_rate("SPY", when),
            provider.rebate_rate("SPY", when)) == (None, 0.0, 0.0)
