"""The example specs of the test project, for the DSL tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lean_runner.engine.launcher import BacktestOutcome

PROJECT = Path(__file__).resolve().parents[2] / "test-project"
EXAMPLES = PROJECT / "strategies"
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.json"))

# run_algorithm(code, name="main", parameters=None, data_folder=None) -> (outcome, result folder)
RunAlgorithm = Callable[..., tuple[BacktestOutcome, Path]]


def load_example(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return spec


# A spec that uses every indicator, operator, logic node, sizing and risk rule (no news sentiment).
KITCHEN_SINK: dict[str, Any] = {
    "version": 1, "name": "Every indicator", "universe": {"symbols": ["SPY", "QQQ", "IWM", "EEM"]},
    "parameters": {"window": {"type": "int", "default": 20, "min": 5, "max": 60},
                   "floor": {"type": "float", "default": 20.0}},
    "entry": {"logic": "any", "conditions": [
        {"all": [{"indicator": "price", "params": {"field": "high"}, "op": ">",
                  "value": {"indicator": "rolling_max", "params": {"window": {"param": "window"}}, "lag": 1}},
                 {"not": {"indicator": "rsi", "op": ">", "value": 80}}]},
        {"indicator": "macd", "output": "histogram", "op": "crosses_above", "value": 0},
        {"indicator": "price", "op": "crosses_below",
         "value": {"indicator": "bollinger", "params": {"window": 20, "k": 2.5}, "output": "lower"}},
        {"indicator": "ema", "params": {"window": 12}, "op": ">=", "value": {"indicator": "sma", "params":
                                                                               {"window": 26}}},
    ]},
    "exit": {"conditions": [
        {"indicator": "rsi", "params": {"window": 10}, "op": "<=", "value": {"param": "floor"}},
        {"indicator": "volume", "op": ">", "value": 0},
        {"any": [{"indicator": "roc", "params": {"window": 5}, "op": "<", "value": -0.05},
                 {"indicator": "returns", "op": "<", "value": -0.03},
                 {"indicator": "price", "op": "<", "value": {"indicator": "rolling_min", "params": {"window": 10,
                                                                                                    "field": "low"},
                                                            "lag": 1}},
                 {"indicator": "atr", "op": ">", "value": 10},
                 {"indicator": "volatility", "params": {"window": 10, "annualized": False}, "op": ">",
                  "value": 0.04}]},
    ]},
    "sizing": {"method": "volatility_target", "target_volatility": 0.1, "volatility_window": 30, "max_positions": 3},
    "risk": {"stop_loss": 0.05, "take_profit": 0.2, "trailing_stop": 0.08, "max_holding_days": 30,
             "volatility_cap": {"max_volatility": 0.5}},
    "rebalance": {"frequency": "weekly"},
}
