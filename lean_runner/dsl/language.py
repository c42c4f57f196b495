"""The strategy language: one dataclass per node, each declaring its JSON keys (``FIELDS``).

A spec (version 1) reads, in full::

    {"version": 1, "name": "SMA crossover", "universe": {"symbols": ["SPY"]}, "resolution": "daily",
     "parameters": {"fast": {"type": "int", "default": 50, "min": 10, "max": 100}},
     "entry": {"conditions": [{"indicator": "sma", "params": {"window": {"param": "fast"}},
                               "op": "crosses_above", "value": {"indicator": "sma", "params": {"window": 200}}}]},
     "exit": {"conditions": [{"indicator": "sma", "params": {"window": {"param": "fast"}},
                              "op": "<", "value": {"indicator": "sma", "params": {"window": 200}}}]},
     "sizing": {"method": "equal_weight"}, "risk": {"stop_loss": 0.1}, "rebalance": {"frequency": "daily"}}

``docs/dsl.md`` explains every key; :func:`lean_runner.dsl.spec.json_schema` publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from lean_runner.dsl.conditions import (
    CONDITION,
    EXPRESSION,
    OPERATORS,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Expression,
    NotOf,
    Rule,
    number_of,
)
from lean_runner.dsl.kinds import Choice, Context, Integer, Number, Text, Tunable
from lean_runner.dsl.problems import Path, quoted_list
from lean_runner.dsl.structures import Field, ListOf, MapOf, Node

__all__ = [
    "CONDITION", "EXPRESSION", "OPERATORS", "STRATEGY", "AllOf", "AnyOf", "Comparison", "Condition", "Expression",
    "NotOf", "ParameterDecl", "Rebalance", "Risk", "Rule", "Sizing", "Strategy", "Universe", "VolatilityCap",
]

RESOLUTIONS = ("daily", "hour", "minute")
FREQUENCIES = ("every_bar", "daily", "weekly", "monthly")
SYMBOL_PATTERN = r"[A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)?"
NAME_PATTERN = r"[A-Za-z_][A-Za-z0-9_]*"


def _check_universe(raw: dict[str, Any], path: Path, ctx: Context) -> bool:
    if "symbols" in raw and "name" in raw:
        ctx.report.error((*path, "name"), "Give either 'symbols' or 'name', not both")
        return False
    if "symbols" not in raw and "name" not in raw:
        ctx.report.error((*path, "symbols"), "Missing required key 'symbols' (a list of tickers like [\"SPY\"]); "
                                             "or give 'name', a named universe like \"SP500\"")
        return False
    return True


@dataclass(frozen=True, kw_only=True)
class Universe:
    DOC: ClassVar[str] = "The symbols traded: a list of tickers, or the name of a universe file."
    SHAPE: ClassVar[str] = "a universe like {\"symbols\": [\"SPY\"]} or {\"name\": \"SP500\"}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "symbols": Field(ListOf(Text(SYMBOL_PATTERN, "an upper-case ticker like 'AAPL' or 'BRK.B'"), min_items=1,
                                unique=True), "US equity tickers."),
        "name": Field(Text(r"[A-Za-z0-9_\-]+", "a universe name like 'SP500'"),
                      "A named universe: a file <project>/universes/<name>.json."),
    }
    symbols: tuple[str, ...] | None = None
    name: str | None = None

    check_node = staticmethod(_check_universe)


def _check_parameter(raw: dict[str, Any], path: Path, ctx: Context) -> bool:
    ok = True
    if raw["type"] == "int":
        for key in ("default", "min", "max", "step"):
            if key in raw and not isinstance(raw[key], int):
                ctx.report.error((*path, key), "Must be an integer (the parameter's type is 'int')")
                ok = False
    low, high, default = raw.get("min"), raw.get("max"), raw["default"]
    if low is not None and high is not None and low > high:
        ctx.report.error((*path, "max"), f"Must be >= 'min' ({low})")
        return False
    if low is not None and default < low:
        ctx.report.error((*path, "default"), f"Must be >= {low} (the parameter's 'min')")
        ok = False
    if high is not None and default > high:
        ctx.report.error((*path, "default"), f"Must be <= {high} (the parameter's 'max')")
        ok = False
    return ok


@dataclass(frozen=True, kw_only=True)
class ParameterDecl:
    DOC: ClassVar[str] = "A named, typed value the spec refers to with {\"param\": NAME}; optimizers vary it."
    SHAPE: ClassVar[str] = "a parameter like {\"type\": \"int\", \"default\": 50, \"min\": 10, \"max\": 200}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "type": Field(Choice(("int", "float"), "parameter type"), "'int' or 'float'.", required=True),
        "default": Field(Number(), "The value used unless a backtest overrides it.", required=True),
        "min": Field(Number(), "The smallest value an optimization may try."),
        "max": Field(Number(), "The largest value an optimization may try."),
        "step": Field(Number(minimum=0, exclusive_minimum=True), "The step an optimization takes."),
        "description": Field(Text(), "What the parameter means."),
    }
    type: str
    default: float
    min: float | None = None
    max: float | None = None
    step: float | None = None
    description: str | None = None

    check_node = staticmethod(_check_parameter)


SIZING_METHODS = ("equal_weight", "fixed_fraction", "volatility_target")
_SIZING_KEYS = {"fraction": ("fixed_fraction",), "target_volatility": ("volatility_target",),
                "volatility_window": ("volatility_target",), "max_weight": ("volatility_target",)}


def _check_sizing(raw: dict[str, Any], path: Path, ctx: Context) -> bool:
    method = raw.get("method", "equal_weight")
    ok = True
    for key, methods in _SIZING_KEYS.items():
        if key in raw and method not in methods:
            ctx.report.error((*path, key), f"'{key}' applies to method {quoted_list(methods)} only; "
                                           f"remove it or set 'method' to '{methods[0]}'")
            ok = False
    required = {"fixed_fraction": "fraction", "volatility_target": "target_volatility"}.get(method)
    if required and required not in raw:
        ctx.report.error((*path, required), f"Missing required key '{required}' for method '{method}'")
        ok = False
    if "rank_order" in raw and "rank_by" not in raw:
        ctx.report.error((*path, "rank_order"), "'rank_order' needs 'rank_by'; add the expression to rank by")
        ok = False
    fraction, slots = number_of(raw.get("fraction"), ctx), number_of(raw.get("max_positions"), ctx)
    if ok and fraction is not None and slots is not None and fraction * slots > 1 + 1e-9:
        ctx.report.warn((*path, "fraction"), f"{fraction} × max_positions {slots} = {fraction * slots:g} of the "
                                             f"portfolio; orders beyond the buying power will be rejected")
    return ok


@dataclass(frozen=True, kw_only=True)
class Sizing:
    DOC: ClassVar[str] = "How much of the portfolio each position gets, how many positions, and ranking."
    SHAPE: ClassVar[str] = "a sizing like {\"method\": \"equal_weight\", \"max_positions\": 5}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "method": Field(Choice(SIZING_METHODS, "sizing method"),
                        "equal_weight: 1 / max_positions (or 1 / universe size) each; fixed_fraction: 'fraction' "
                        "each; volatility_target: target_volatility / volatility / slots, capped at max_weight.",
                        default="equal_weight"),
        "fraction": Field(Tunable(Number(minimum=0, maximum=1, exclusive_minimum=True)),
                          "fixed_fraction: the portfolio fraction of each position."),
        "target_volatility": Field(Tunable(Number(minimum=0, exclusive_minimum=True)),
                                   "volatility_target: the annualized volatility aimed at for the portfolio."),
        "volatility_window": Field(Tunable(Integer(minimum=2)), "volatility_target: bars of the volatility "
                                                                "estimate.", default=20),
        "max_weight": Field(Tunable(Number(minimum=0, maximum=1, exclusive_minimum=True)),
                            "volatility_target: the largest weight of one position (default: the equal weight)."),
        "max_positions": Field(Tunable(Integer(minimum=1)), "The most positions held at once."),
        "rank_by": Field(EXPRESSION, "Rotation: at each rebalance hold the top max_positions symbols by this "
                                     "expression among those whose entry rule holds."),
        "rank_order": Field(Choice(("desc", "asc"), "rank order"), "desc: highest first; asc: lowest first.",
                            default="desc"),
    }
    method: str | None = None
    fraction: Any = None
    target_volatility: Any = None
    volatility_window: Any = None
    max_weight: Any = None
    max_positions: Any = None
    rank_by: Expression | None = None
    rank_order: str | None = None

    check_node = staticmethod(_check_sizing)


@dataclass(frozen=True, kw_only=True)
class VolatilityCap:
    DOC: ClassVar[str] = "Close, and do not open, positions whose annualized volatility exceeds a cap."
    SHAPE: ClassVar[str] = "a volatility cap like {\"max_volatility\": 0.6, \"window\": 20}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "max_volatility": Field(Tunable(Number(minimum=0, exclusive_minimum=True)),
                                "The cap on annualized volatility (0.6 = 60%).", required=True),
        "window": Field(Tunable(Integer(minimum=2)), "Bars of the volatility estimate.", default=20),
    }
    max_volatility: Any
    window: Any = None


@dataclass(frozen=True, kw_only=True)
class Risk:
    DOC: ClassVar[str] = "Exits checked on every bar's close, before the rules; each closes the whole position."
    SHAPE: ClassVar[str] = "risk rules like {\"stop_loss\": 0.05, \"take_profit\": 0.2}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "stop_loss": Field(Tunable(Number(minimum=0, maximum=1, exclusive_minimum=True)),
                           "Exit when the close falls this fraction below the average entry price."),
        "take_profit": Field(Tunable(Number(minimum=0, exclusive_minimum=True)),
                             "Exit when the close rises this fraction above the average entry price."),
        "trailing_stop": Field(Tunable(Number(minimum=0, maximum=1, exclusive_minimum=True)),
                               "Exit when the close falls this fraction below its highest close since entry."),
        "max_holding_days": Field(Tunable(Integer(minimum=1)), "Exit after this many calendar days held."),
        "volatility_cap": Field(Node(VolatilityCap), VolatilityCap.DOC),
    }
    stop_loss: Any = None
    take_profit: Any = None
    trailing_stop: Any = None
    max_holding_days: Any = None
    volatility_cap: VolatilityCap | None = None


@dataclass(frozen=True, kw_only=True)
class Rebalance:
    DOC: ClassVar[str] = ("When the entry/exit rules and sizing run: every bar, or the first bar of each day, week "
                          "or month.")
    SHAPE: ClassVar[str] = "a schedule like {\"frequency\": \"monthly\"}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "frequency": Field(Choice(FREQUENCIES, "frequency"), "every_bar (the default without 'rebalance'), or the "
                                                             "first bar of each day, week or month.", required=True),
    }
    frequency: str


@dataclass(frozen=True)
class _Version(Integer):
    """The language version; this workbench reads version 1."""

    def range_problem(self, value: float) -> str:
        return "" if value == 1 else f"Unsupported version {value}; this workbench reads version 1"

    def schema(self, defs: dict[str, Any]) -> dict[str, Any]:
        return {"const": 1}


@dataclass(frozen=True, kw_only=True)
class Strategy:
    DOC: ClassVar[str] = "A strategy spec (the json_spec of a strategy version)."
    SHAPE: ClassVar[str] = "a strategy spec object"
    FIELDS: ClassVar[dict[str, Field]] = {
        "version": Field(_Version(), "The language version: 1.", required=True),
        "name": Field(Text(), "A short name."),
        "description": Field(Text(), "What the strategy does."),
        "universe": Field(Node(Universe), Universe.DOC, required=True),
        "resolution": Field(Choice(RESOLUTIONS, "resolution"), "Bar size: daily, hour or minute.", default="daily"),
        "parameters": Field(MapOf(Node(ParameterDecl), NAME_PATTERN, "a parameter name like 'fast_window'"),
                            "Declared parameters, by name."),
        "entry": Field(Node(Rule), "When to open a position (required unless sizing.rank_by is given)."),
        "exit": Field(Node(Rule), "When to close a position."),
        "sizing": Field(Node(Sizing), Sizing.DOC),
        "risk": Field(Node(Risk), Risk.DOC),
        "rebalance": Field(Node(Rebalance), Rebalance.DOC),
    }
    version: int
    universe: Universe
    name: str | None = None
    description: str | None = None
    resolution: str | None = None
    parameters: dict[str, ParameterDecl] | None = None
    entry: Rule | None = None
    exit: Rule | None = None
    sizing: Sizing | None = None
    risk: Risk | None = None
    rebalance: Rebalance | None = None


STRATEGY = Node(Strategy)
