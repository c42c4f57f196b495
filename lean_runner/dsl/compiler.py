"""Compile a checked spec plus a backtest config into a readable LEAN Python algorithm (``main.py``).

Example::

    code = compile_spec(json.loads(Path("test-project/strategies/rsi_mean_reversion.json").read_text()),
                        {"start_date": "2010-01-01", "end_date": "2014-12-31", "transaction_cost_bps": 5})
    Path("main.py").write_text(code)   # runs on the embedded engine and on QuantConnect's LEAN image

The generated code uses only LEAN's public Python API. Its indicators are small classes fed bar
by bar inside the algorithm (``codegen_library``), so it does not depend on which indicator
helpers an engine provides; they follow LEAN's definitions.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from lean_runner.dsl import codegen_library as lib
from lean_runner.dsl.codegen_algorithm import BARS_PER_YEAR, RESOLUTION_NAMES, algorithm_methods
from lean_runner.dsl.codegen_rules import FeatureTable
from lean_runner.dsl.config import CONFIG, BacktestConfig
from lean_runner.dsl.indicators import INDICATORS
from lean_runner.dsl.language import STRATEGY, Strategy
from lean_runner.dsl.problems import Report
from lean_runner.dsl.spec import SpecError
from lean_runner.dsl.universes import UniverseLibrary
from lean_runner.dsl.validation import validate_spec

__all__ = ["compile_spec", "compile_strategy"]

def compile_spec(spec: Any, config: Any = None, *, universes: UniverseLibrary | None = None) -> str:
    """Validate ``spec`` (and ``config``) and return the algorithm's source; raises :class:`SpecError`."""
    report = validate_spec(spec, config, universes=universes)
    if not report.valid:
        raise SpecError(report)
    strategy: Strategy = STRATEGY.build(spec)
    backtest: BacktestConfig = CONFIG.build(config) if config is not None else BacktestConfig()
    symbols = _symbols(strategy, backtest, universes, report)
    if not report.valid:
        raise SpecError(report)
    return compile_strategy(strategy, backtest, symbols)


def _symbols(strategy: Strategy, config: BacktestConfig, universes: UniverseLibrary | None,
             report: Report) -> list[str]:
    override = config.universe_override
    if isinstance(override, tuple):
        return list(override)
    name = override if isinstance(override, str) else strategy.universe.name
    if name is None:
        return list(strategy.universe.symbols or ())
    if universes is None:
        report.error(("config", "universe_override") if override else ("universe", "name"),
                     f"Universe '{name}' cannot be resolved: no universes folder was given")
        return []
    return list(universes.load(name).symbols)


def _class_name(strategy: Strategy) -> str:
    words = re.findall(r"[A-Za-z0-9]+", strategy.name or "")
    name = "".join(word[:1].upper() + word[1:] for word in words) or "DslStrategy"
    if name[0].isdigit():
        name = "Strategy" + name
    return name if name.endswith("Algorithm") else name + "Algorithm"


def compile_strategy(strategy: Strategy, config: BacktestConfig, symbols: list[str]) -> str:
    """The algorithm source for a built strategy, config and resolved symbol list."""
    features = FeatureTable()
    methods = algorithm_methods(strategy, config, features)
    library = [lib.FEATURE_BASE]
    emitted: set[str] = set()
    for class_name, source in sorted({lib.FEATURE_CLASSES[i] for i in INDICATORS if lib.FEATURE_CLASSES[i][0]
                                      in features.classes}):
        for helper in lib.FEATURE_DEPENDENCIES.get(class_name, ()):
            if helper not in emitted:
                library.append(lib.HELPER_CLASSES[helper])
                emitted.add(helper)
        if class_name not in emitted:
            library.append(source)
            emitted.add(class_name)
    library.append(lib.SYMBOL_STATE)
    if "Sentiment" in features.classes:
        library.append(lib.NEWS_SENTIMENT)
    if config.transaction_cost_bps is not None:
        library.append(lib.FEE_MODEL)
    resolution = strategy.resolution or "daily"
    header = _header(strategy, config, symbols)
    body = "\n".join(part.rstrip("\n") + "\n" for part in library)
    return (f"{header}\n# region imports\nfrom AlgorithmImports import *\n# endregion\n"
            f"import math\nfrom collections import deque\nfrom datetime import date, datetime, timedelta\n"
            f"from typing import Optional, Union, cast\n\n"
            f"SYMBOLS = {symbols!r}\nRESOLUTION = Resolution.{RESOLUTION_NAMES[resolution]}\n"
            f"BARS_PER_YEAR = {BARS_PER_YEAR[resolution]}\n\n{body}\n\n"
            f"class {_class_name(strategy)}(QCAlgorithm):\n"
            f'    """{_docstring(strategy)}"""\n\n{methods}')


def _docstring(strategy: Strategy) -> str:
    text = strategy.description or strategy.name or "A strategy compiled from a spec."
    lines = textwrap.wrap(text.replace("\\", "/").replace('"', "'"), width=100) or [""]
    return "\n    ".join(lines) + ("\n    " if len(lines) > 1 else "")


def _header(strategy: Strategy, config: BacktestConfig, symbols: list[str]) -> str:
    fees = ("LEAN's default brokerage fees" if config.transaction_cost_bps is None
            else f"{config.transaction_cost_bps} bps of traded value")
    slippage = f"{config.slippage_fraction * 10000:g} bps against the trader" if config.slippage_fraction else "none"
    lines = [f"# {strategy.name or 'Strategy'}: generated by lean-workbench from a strategy spec (DSL version "
             f"{strategy.version}).", "# Edit the spec and compile it again rather than editing this file."]
    if strategy.description:
        lines.append(f"# {strategy.description}")
    lines.append(f"# Backtest: {config.start:%Y-%m-%d} to {config.end:%Y-%m-%d}, cash {config.capital:g}, "
                 f"{len(symbols)} symbol{'s' if len(symbols) != 1 else ''}; fees: {fees}; slippage: {slippage}.")
    return "\n".join(lines) + "\n"
