"""The strategy DSL: a JSON language for strategies that validates with exact paths and compiles to LEAN.

Plain Python, no web imports::

    from lean_runner.dsl import validate_spec, compile_spec, from_spec, to_spec, json_schema

    report = validate_spec(spec, config, data_folder=Path("data"), universes=library)
    report.as_response()      # {"valid": ..., "errors": [{"path", "message"}], "warnings": [...]}
    code = compile_spec(spec, config, universes=library)   # a LEAN Python algorithm (main.py)

See ``docs/dsl.md``.
"""

from lean_runner.dsl.compiler import compile_spec, compile_strategy
from lean_runner.dsl.config import BacktestConfig
from lean_runner.dsl.language import Strategy
from lean_runner.dsl.problems import Problem, Report
from lean_runner.dsl.results import backtest_results
from lean_runner.dsl.spec import SpecError, config_from_json, config_schema, from_spec, json_schema, to_spec
from lean_runner.dsl.universes import NamedUniverse, UniverseError, UniverseLibrary
from lean_runner.dsl.validation import validate_spec

__all__ = [
    "BacktestConfig", "NamedUniverse", "Problem", "Report", "SpecError", "Strategy", "UniverseError",
    "UniverseLibrary", "backtest_results", "compile_spec", "compile_strategy", "config_from_json", "config_schema",
    "from_spec", "json_schema", "to_spec", "validate_spec",
]
