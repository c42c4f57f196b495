"""docs/dsl.md documents every key of the language, every indicator and every config key."""

from __future__ import annotations

from pathlib import Path

import pytest

from lean_runner.dsl.conditions import AllOf, AnyOf, Comparison, NotOf, Rule
from lean_runner.dsl.config import BacktestConfig
from lean_runner.dsl.indicators import INDICATORS
from lean_runner.dsl.language import (
    FREQUENCIES,
    OPERATORS,
    ParameterDecl,
    Rebalance,
    Risk,
    Sizing,
    Strategy,
    Universe,
    VolatilityCap,
)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "dsl.md").read_text()
MODELS = [Strategy, Universe, ParameterDecl, Comparison, AllOf, AnyOf, NotOf, Rule, Sizing, Risk, VolatilityCap,
          Rebalance, BacktestConfig]
NAMES = sorted({f"{model.__name__}.{key}" for model in MODELS for key in model.FIELDS}  # type: ignore[attr-defined]
               | {f"indicator.{name}" for name in INDICATORS}
               | {f"param.{p.name}" for d in INDICATORS.values() for p in d.params}
               | {f"op.{op}" for op in OPERATORS} | {f"frequency.{f}" for f in FREQUENCIES})


@pytest.mark.parametrize("name", NAMES)
def test_every_key_indicator_and_operator_is_documented(name: str) -> None:
    word = name.split(".", 1)[1]
    assert f"`{word}`" in DOC or f"`{word} " in DOC or f"{word}`" in DOC, f"docs/dsl.md does not mention `{word}`"
