"""test-project is a lean-cli project whose algorithms use LEAN's public API and declared parameters."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[3] / "test-project"
ALGORITHMS = {
    "main.py": "BuyAndHoldAlgorithm",
    "ema_crossover.py": "EmaCrossoverAlgorithm",
    "macd_trend.py": "MacdTrendAlgorithm",
    "rsi_mean_reversion.py": "RsiMeanReversionAlgorithm",
}


def _config() -> dict:
    return json.loads((PROJECT / "config.json").read_text(encoding="utf-8"))


def test_config_has_lean_cli_shape_with_string_parameters():
    config = _config()
    assert config["algorithm-language"] == "Python"
    assert isinstance(config["description"], str) and config["description"]
    assert 100_000_000 <= config["local-id"] <= 999_999_999
    assert config["parameters"] and all(isinstance(v, str) for v in config["parameters"].values())


def test_gitignore_keeps_runs_and_data_out():
    assert set((PROJECT / ".gitignore").read_text().split()) >= {"backtests/", "data/"}


@pytest.mark.parametrize(("file_name", "class_name"), sorted(ALGORITHMS.items()))
def test_algorithm_files_define_a_documented_qcalgorithm(file_name, class_name):
    tree = ast.parse((PROJECT / file_name).read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert any(n.module == "AlgorithmImports" and n.names[0].name == "*" for n in imports)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    algorithm = classes[class_name]
    assert [b.id for b in algorithm.bases if isinstance(b, ast.Name)] == ["QCAlgorithm"]
    assert ast.get_docstring(algorithm)
    methods = {n.name for n in algorithm.body if isinstance(n, ast.FunctionDef)}
    assert {"initialize", "on_data"} <= methods


WINDOW_PARAMETERS = {"start_date", "end_date", "initial_cash", "symbols", "resolution"}


def test_every_parameter_read_is_declared_with_a_matching_default():
    declared = _config()["parameters"]
    read: dict[str, object] = {}
    for file_name in ALGORITHMS:
        tree = ast.parse((PROJECT / file_name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "get_parameter":
                name, default = (ast.literal_eval(arg) for arg in node.args)
                # The run request's window (start_date, ...) is passed per run, never declared project-wide.
                if name not in WINDOW_PARAMETERS:
                    read[name] = default
    assert set(read) == set(declared)
    for name, default in read.items():
        assert type(default)(declared[name]) == default, name
