"""The examples in the statistics modules' docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "capacity",
    "closed_trade",
    "decimal_casts",
    "moments",
    "performance",
    "ratios",
    "series",
    "summary",
    "trade_statistics",
    "trades",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"lean_runner.engine.statistics.{name}")
    outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert outcome.attempted > 0
    assert outcome.failed == 0
