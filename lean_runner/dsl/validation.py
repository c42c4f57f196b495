"""Validate a spec (and optionally a backtest config against a data folder), reporting every problem at once.

Example::

    validate_spec({"version": 1, "universe": {"symbols": ["SPY"]},
                   "entry": {"conditions": [{"indicator": "smaa", "op": ">", "value": 1}]}}).as_response()
    # {"valid": False, "errors": [{"path": "entry.conditions[0].indicator",
    #                              "message": "Unknown indicator 'smaa'; did you mean 'sma'?"}], "warnings": [...]}

The validator never raises: whatever JSON it is given, it answers with a :class:`Report`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lean_runner.dsl.config import CONFIG
from lean_runner.dsl.datachecks import check_market_data, check_sentiment_data
from lean_runner.dsl.kinds import Context
from lean_runner.dsl.language import NAME_PATTERN, RESOLUTIONS, STRATEGY, SYMBOL_PATTERN
from lean_runner.dsl.problems import Path as SpecPath
from lean_runner.dsl.problems import Report, did_you_mean, quoted_list
from lean_runner.dsl.universes import UniverseError, UniverseLibrary

__all__ = ["validate_spec"]


def validate_spec(spec: Any, config: Any = None, *, data_folder: Path | None = None,
                  universes: UniverseLibrary | None = None) -> Report:
    """Check ``spec``; with ``config`` also the backtest config, and with a ``data_folder`` too, the data.

    ``universes`` resolves named universes (``{"name": "SP500"}``); without it names are not checked.
    Errors of the config have paths under ``config.``.
    """
    report = Report()
    ctx = Context(report, parameters=_declared_parameters(spec))
    spec_ok = STRATEGY.check(spec, (), ctx)
    if isinstance(spec, dict):
        _check_rules(spec, ctx)
        _check_parameter_pairs(spec, report)
        if spec_ok:
            for name in ctx.parameters or {}:
                if name not in ctx.used_parameters:
                    report.warn(("parameters", name), f"Parameter '{name}' is declared but never used")
    spec_symbols = _universe_symbols(spec, universes, report)
    if config is None:
        return report
    config_ok = CONFIG.check(config, ("config",), ctx)
    if isinstance(config, dict):
        _check_overrides(config.get("parameters"), ctx)
    symbols, symbols_path = spec_symbols
    override = config.get("universe_override") if isinstance(config, dict) else None
    if isinstance(override, list) and all(isinstance(s, str) for s in override):
        symbols, symbols_path = list(override), ("config", "universe_override")
    elif isinstance(override, str) and universes is not None and re.fullmatch(r"[A-Za-z0-9_\-]+", override):
        symbols, symbols_path = _load_universe(universes, override, ("config", "universe_override"), report)
    symbols = [s for s in symbols if isinstance(s, str) and re.fullmatch(SYMBOL_PATTERN, s)]
    if data_folder is None or not symbols:
        return report
    resolution = spec.get("resolution", "daily") if isinstance(spec, dict) else "daily"
    resolution = resolution if resolution in RESOLUTIONS else "daily"
    start = end = None
    if config_ok:
        from lean_runner.dsl.config import BacktestConfig

        parsed: BacktestConfig = CONFIG.build(config)
        start, end = parsed.start, parsed.end
    check_market_data(report, Path(data_folder), symbols, symbols_path, resolution, start, end)
    check_sentiment_data(report, Path(data_folder), symbols, spec)
    return report


def _declared_parameters(spec: Any) -> dict[str, dict[str, Any]]:
    """The parameter declarations well-formed enough to resolve references against."""
    parameters = spec.get("parameters") if isinstance(spec, dict) else None
    if not isinstance(parameters, dict):
        return {}
    return {name: decl for name, decl in parameters.items()
            if isinstance(decl, dict) and decl.get("type") in ("int", "float")
            and re.fullmatch(NAME_PATTERN, name)}


def _check_rules(spec: dict[str, Any], ctx: Context) -> None:
    sizing = spec.get("sizing")
    rotation = isinstance(sizing, dict) and "rank_by" in sizing
    if "entry" not in spec and not rotation:
        ctx.report.error(("entry",), "Missing required key 'entry': when to open a position (it may be left out "
                                     "only when sizing.rank_by picks the positions)")
    if not rotation and "entry" in spec and "exit" not in spec and "risk" not in spec:
        ctx.report.warn(("exit",), "No 'exit' rule and no 'risk' rules: positions, once opened, are never closed")


def _check_parameter_pairs(spec: dict[str, Any], report: Report) -> None:
    """Warn when a parameter named like 'fast…' has a default not below its 'slow…' twin."""
    parameters = spec.get("parameters")
    if not isinstance(parameters, dict):
        return
    for name, decl in parameters.items():
        twin = name.replace("fast", "slow")
        if twin == name or twin not in parameters:
            continue
        fast = decl.get("default") if isinstance(decl, dict) else None
        slow = parameters[twin].get("default") if isinstance(parameters[twin], dict) else None
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (fast, slow))
        if numbers and fast >= slow:  # type: ignore[operator]
            report.warn(("parameters", name, "default"), f"'{name}' window ({fast}) should be shorter than "
                                                         f"'{twin}' ({slow})")


def _load_universe(universes: UniverseLibrary, name: str, path: SpecPath,
                   report: Report) -> tuple[list[str], SpecPath]:
    try:
        return list(universes.load(name).symbols), path
    except UniverseError as error:
        known = universes.names()
        guess = did_you_mean(name, known)
        if guess and guess != name:
            report.error(path, f"Unknown universe '{name}'; did you mean '{guess}'?")
        elif name in known:
            report.error(path, str(error))
        else:
            report.error(path, f"Unknown universe '{name}'; known universes: {quoted_list(known) or 'none'} "
                               f"(files in {universes.folder})")
        return [], path


def _universe_symbols(spec: Any, universes: UniverseLibrary | None, report: Report) -> tuple[list[str], SpecPath]:
    universe = spec.get("universe") if isinstance(spec, dict) else None
    if not isinstance(universe, dict):
        return [], ("universe",)
    symbols = universe.get("symbols")
    if isinstance(symbols, list) and all(isinstance(s, str) for s in symbols):
        return list(dict.fromkeys(symbols)), ("universe", "symbols")
    name = universe.get("name")
    if isinstance(name, str) and universes is not None and re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        return _load_universe(universes, name, ("universe", "name"), report)
    return [], ("universe",)


def _check_overrides(overrides: Any, ctx: Context) -> None:
    """Each parameter value of the config must name a declared parameter and fit its type and range."""
    if not isinstance(overrides, dict):
        return
    declared = ctx.parameters or {}
    for name, value in overrides.items():
        path: SpecPath = ("config", "parameters", name)
        decl = declared.get(name)
        if decl is None:
            guess = did_you_mean(name, declared)
            hint = f"did you mean '{guess}'?" if guess else f"declared: {quoted_list(sorted(declared)) or 'none'}"
            ctx.report.error(path, f"Unknown parameter '{name}'; {hint}")
            continue
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # the config's own check reported it
        if decl.get("type") == "int" and not isinstance(value, int):
            ctx.report.error(path, f"Must be an integer (parameter '{name}' is an int)")
        low, high = decl.get("min"), decl.get("max")
        if isinstance(low, int | float) and value < low:
            ctx.report.error(path, f"Must be >= {low} (the 'min' of parameter '{name}')")
        if isinstance(high, int | float) and value > high:
            ctx.report.error(path, f"Must be <= {high} (the 'max' of parameter '{name}')")
