"""The backtest config of the strategy service (``POST /backtests``'s ``config``), as a checked model.

Example::

    {"universe_override": "SP500", "start_date": "2015-01-01", "end_date": "2020-12-31",
     "initial_capital": 100000, "transaction_cost_bps": 5, "slippage_model": "basic"}

``transaction_cost_bps`` left out keeps LEAN's default brokerage fees (Interactive Brokers'
schedule for US equities); given (0 included) it replaces them with a fee of that many basis
points of each fill's traded value. ``slippage_model`` ``basic`` fills every order
``slippage_bps`` (default 5) basis points against the trader (LEAN's ``ConstantSlippageModel``);
``none`` (the default) fills at the market price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from lean_runner.dsl.kinds import Choice, Context, DateText, Number, Text
from lean_runner.dsl.language import NAME_PATTERN, SYMBOL_PATTERN
from lean_runner.dsl.problems import Path
from lean_runner.dsl.structures import Field, ListOf, MapOf, Node, OneOf

__all__ = ["CONFIG", "DEFAULT_END", "DEFAULT_SLIPPAGE_BPS", "DEFAULT_START", "BacktestConfig"]

DEFAULT_START, DEFAULT_END = "2015-01-01", "2020-12-31"
DEFAULT_CAPITAL = 100000
DEFAULT_SLIPPAGE_BPS = 5


def _check_config(raw: dict[str, Any], path: Path, ctx: Context) -> bool:
    ok = True
    start, end = raw.get("start_date", DEFAULT_START), raw.get("end_date", DEFAULT_END)
    if date.fromisoformat(start) >= date.fromisoformat(end):
        where = (*path, "end_date") if "end_date" in raw else (*path, "start_date")
        ctx.report.error(where, f"Must have start_date ({start}) before end_date ({end})")
        ok = False
    if "slippage_bps" in raw and raw.get("slippage_model", "none") != "basic":
        ctx.report.error((*path, "slippage_bps"), "'slippage_bps' applies to slippage_model 'basic' only; "
                                                  "remove it or set \"slippage_model\": \"basic\"")
        ok = False
    return ok


@dataclass(frozen=True, kw_only=True)
class BacktestConfig:
    """A backtest's dates, cash, costs and overrides; absent keys take the documented defaults."""

    DOC: ClassVar[str] = "How to backtest a strategy version: dates, capital, costs, universe and parameter overrides."
    SHAPE: ClassVar[str] = "a backtest config like {\"start_date\": \"2015-01-01\", \"end_date\": \"2020-12-31\"}"
    FIELDS: ClassVar[dict[str, Field]] = {
        "universe_override": Field(
            OneOf([(lambda v: isinstance(v, str), Text(r"[A-Za-z0-9_\-]+", "a universe name like 'SP500'")),
                   (lambda v: isinstance(v, list),
                    ListOf(Text(SYMBOL_PATTERN, "an upper-case ticker like 'AAPL'"), min_items=1, unique=True))],
                  "a universe name like \"SP500\" or a list of tickers like [\"SPY\", \"QQQ\"]"),
            "Trade these symbols instead of the spec's universe."),
        "start_date": Field(DateText(), "First day of the backtest (YYYY-MM-DD).", default=DEFAULT_START),
        "end_date": Field(DateText(), "Last day of the backtest (YYYY-MM-DD).", default=DEFAULT_END),
        "initial_capital": Field(Number(minimum=0, exclusive_minimum=True), "Starting cash in USD.",
                                 default=DEFAULT_CAPITAL),
        "transaction_cost_bps": Field(Number(minimum=0), "Fee in basis points of each fill's value; left out: "
                                                         "LEAN's default brokerage fees."),
        "slippage_model": Field(Choice(("none", "basic"), "slippage model"),
                                "none: fill at the market price; basic: slippage_bps against the trader.",
                                default="none"),
        "slippage_bps": Field(Number(minimum=0), "Basis points of slippage of the 'basic' model.",
                              default=DEFAULT_SLIPPAGE_BPS),
        "parameters": Field(MapOf(Number(), NAME_PATTERN, "a declared parameter's name"),
                            "Values for the spec's declared parameters, by name."),
    }
    universe_override: str | tuple[str, ...] | None = None
    start_date: str | None = None
    end_date: str | None = None
    initial_capital: float | None = None
    transaction_cost_bps: float | None = None
    slippage_model: str | None = None
    slippage_bps: float | None = None
    parameters: dict[str, float] | None = None

    check_node = staticmethod(_check_config)

    @property
    def start(self) -> date:
        return date.fromisoformat(self.start_date or DEFAULT_START)

    @property
    def end(self) -> date:
        return date.fromisoformat(self.end_date or DEFAULT_END)

    @property
    def capital(self) -> float:
        return DEFAULT_CAPITAL if self.initial_capital is None else self.initial_capital

    @property
    def slippage_fraction(self) -> float:
        """The slippage as a fraction of the price (0 without the 'basic' model)."""
        if (self.slippage_model or "none") != "basic":
            return 0.0
        bps = DEFAULT_SLIPPAGE_BPS if self.slippage_bps is None else self.slippage_bps
        return bps / 10000.0


CONFIG = Node(BacktestConfig)
