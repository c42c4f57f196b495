"""Compilation: every example compiles, type-checks against LEAN's stubs and runs on the embedded engine; the
generated SMA and EMA crossovers trade exactly like hand-written LEAN algorithms; costs become fee/slippage models."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from dsl_examples import EXAMPLE_NAMES, KITCHEN_SINK, PROJECT, RunAlgorithm, load_example

from lean_runner.dsl import SpecError, UniverseLibrary, compile_spec

ALGORITHMS = Path(__file__).parent / "algorithms"
CONFIG = {"start_date": "2010-01-01", "end_date": "2014-12-31"}

def test_sma_crossover_spec_trades_exactly_like_a_hand_written_lean_algorithm(sma_spec: dict[str, Any],
                                                                               run_algorithm: RunAlgorithm) -> None:
    by_hand, _ = run_algorithm((ALGORITHMS / "sma_crossover_by_hand.py").read_text(), "by_hand")
    generated, _ = run_algorithm(compile_spec(sma_spec, CONFIG), "generated")
    assert int(generated.statistics["Total Orders"]) > 10
    assert generated.statistics == by_hand.statistics


def test_ema_crossover_spec_trades_exactly_like_the_projects_ema_algorithm(run_algorithm: RunAlgorithm) -> None:
    ema = {"indicator": "ema", "params": {"window": 10}}
    slow = {"indicator": "ema", "params": {"window": 50}}
    spec = {"version": 1, "name": "EMA crossover", "universe": {"symbols": ["SPY"]},
            "entry": {"conditions": [{**ema, "op": ">", "value": slow}]},
            "exit": {"conditions": [{**ema, "op": "<", "value": slow}]}}
    by_hand, _ = run_algorithm((PROJECT / "ema_crossover.py").read_text(), "by_hand")
    generated, _ = run_algorithm(compile_spec(spec, CONFIG), "generated")
    assert generated.statistics == by_hand.statistics


@pytest.mark.parametrize("name", [n for n in EXAMPLE_NAMES if n != "trend_positive_news"])
def test_example_runs_on_the_embedded_engine_with_real_data(name: str, universes: UniverseLibrary,
                                                           run_algorithm: RunAlgorithm) -> None:
    config = {"start_date": "2012-01-01", "end_date": "2016-12-31", "transaction_cost_bps": 5,
              "slippage_model": "basic"}
    outcome, _ = run_algorithm(compile_spec(load_example(name), config, universes=universes), name)
    assert int(outcome.statistics["Total Orders"]) > 0


def test_spec_using_every_indicator_and_rule_runs_on_the_embedded_engine(run_algorithm: RunAlgorithm) -> None:
    outcome, _ = run_algorithm(compile_spec(KITCHEN_SINK, CONFIG))
    assert int(outcome.statistics["Total Orders"]) > 10


def test_parameters_are_lean_parameters_that_a_launch_can_override(sma_spec: dict[str, Any],
                                                                   run_algorithm: RunAlgorithm) -> None:
    code = compile_spec(sma_spec, {**CONFIG, "parameters": {"fast": 10}})
    assert 'self.param_fast = self.get_parameter("fast", 10)' in code
    default, _ = run_algorithm(code, "default")
    overridden, _ = run_algorithm(code, "overridden", parameters={"fast": "20"})
    by_hand, _ = run_algorithm((ALGORITHMS / "sma_crossover_by_hand.py").read_text(), "by_hand")
    assert overridden.statistics == by_hand.statistics
    assert default.statistics != by_hand.statistics


def _fills(results: Path, name: str) -> list[dict[str, Any]]:
    events = json.loads((results / f"{name}-order-events.json").read_text())
    return [e for e in events if e["status"] == "filled"]


def test_transaction_cost_bps_charges_that_share_of_each_fill(sma_spec: dict[str, Any],
                                                              run_algorithm: RunAlgorithm) -> None:
    code = compile_spec(sma_spec, {**CONFIG, "transaction_cost_bps": 10})
    assert "security.set_fee_model(BasisPointsFeeModel(10))" in code
    _, results = run_algorithm(code, "fees")
    fills = _fills(results, "fees")
    assert fills
    # LEAN's fee models price an order at the security's price when the fee is charged, which for an order
    # filled at the open is the last price before it: near the fill price, not equal to it.
    for fill in fills:
        traded = abs(fill["fillQuantity"]) * fill["fillPrice"]
        assert fill["orderFeeAmount"] == pytest.approx(0.001 * traded, rel=0.05)
    total_traded = sum(abs(f["fillQuantity"]) * f["fillPrice"] for f in fills)
    assert sum(f["orderFeeAmount"] for f in fills) == pytest.approx(0.001 * total_traded, rel=0.01)


def test_basic_slippage_fills_that_many_bps_against_the_trader(sma_spec: dict[str, Any],
                                                               run_algorithm: RunAlgorithm) -> None:
    plain = compile_spec(sma_spec, CONFIG)
    slipped = compile_spec(sma_spec, {**CONFIG, "slippage_model": "basic", "slippage_bps": 20})
    assert "ConstantSlippageModel(0.002)" in slipped and "SlippageModel" not in plain
    _, plain_results = run_algorithm(plain, "plain")
    _, slipped_results = run_algorithm(slipped, "slipped")
    pairs = list(zip(_fills(plain_results, "plain"), _fills(slipped_results, "slipped"), strict=False))
    assert pairs
    for before, after in pairs[:6]:
        side = 1 if after["fillQuantity"] > 0 else -1
        # ConstantSlippageModel moves the fill by 0.2% of the security's price, against the trader
        assert (after["fillPrice"] - before["fillPrice"]) / before["fillPrice"] == pytest.approx(side * 0.002,
                                                                                                rel=0.05)


def test_compiling_an_invalid_spec_raises_with_every_problem(sma_spec: dict[str, Any]) -> None:
    sma_spec["entry"]["conditions"][0]["indicator"] = "smaa"
    with pytest.raises(SpecError) as raised:
        compile_spec(sma_spec, {"start_date": "2020"})
    assert [e.path for e in raised.value.report.errors] == ["entry.conditions[0].indicator", "config.start_date"]


def test_generated_code_reads_like_the_spec(universes: UniverseLibrary) -> None:
    code = compile_spec(load_example("trend_positive_news"), universes=universes)
    assert code.startswith("# Trend + Positive News: generated by lean-workbench")
    assert "from AlgorithmImports import *" in code
    assert "class TrendPositiveNewsAlgorithm(QCAlgorithm):" in code
    assert "- sma(window=fast) > sma(window=slow)" in code
    assert 'compare(s.f["news_sentiment_sentiment_days"], ">", self.param_min_sentiment)' in code
    assert "class NewsSentiment(PythonData):" in code
    assert "self.add_data(NewsSentiment, ticker, RESOLUTION)" in code


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def test_generated_code_type_checks_against_leans_stubs(tmp_path: Path, universes: UniverseLibrary,
                                                        mypy_cache: Path) -> None:
    stubs = importlib.util.find_spec("QuantConnect")
    assert stubs is not None, "the quantconnect-stubs package is missing: pip install quantconnect-stubs"
    sources = {name: compile_spec(load_example(name), universes=universes) for name in EXAMPLE_NAMES}
    sources["every_indicator"] = compile_spec(KITCHEN_SINK, {**CONFIG, "transaction_cost_bps": 5,
                                                             "slippage_model": "basic"})
    for name, code in sources.items():
        (tmp_path / f"{name}.py").write_text(code)
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or "mypy"
    completed = subprocess.run([mypy, "--cache-dir", str(mypy_cache), "--no-error-summary", "--check-untyped-defs",
                                *sorted(f"{name}.py" for name in sources)], cwd=tmp_path, capture_output=True,
                               text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
