"""The offline agent's explanation of a result: sentences built from :class:`ResultFacts`, and suggested changes.

Numbers are written in one format (percentages with one decimal, ISO dates, whole dollars) so a
reader — or a test — can check each against the result. Every suggested change is an instruction
the offline refine applies as is ("tighten the stop loss from 8% to 6%").

Example::

    explanation = explain_facts(facts, spec, detail_level="summary", focus=["drawdowns"])
    explanation.explanation        # "From 2008-01-01 to 2012-12-31 the strategy returned -6.8% ..."
    explanation.suggested_changes  # ["tighten the stop loss from 8% to 6%", ...]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lean_runner.agent.drafts import Explanation
from lean_runner.agent.facts import ResultFacts

__all__ = ["FOCUS_TOPICS", "explain_facts", "format_money", "format_percent", "suggest_changes"]

FOCUS_TOPICS = ("drawdowns", "returns", "trades", "exposure", "regimes", "costs")
SUMMARY_TOPICS = ("drawdowns", "returns", "trades")
_DEEP_DRAWDOWN = 0.15
_COSTLY = 0.25  # costs above this share of the gross gain (or of a loss) are worth a change


def format_percent(value: float) -> str:
    """0.2361 → ``"23.6%"`` (one decimal; the format every explanation uses; never ``-0.0%``)."""
    text = f"{value * 100:.1f}"
    return f"{'0.0' if text == '-0.0' else text}%"


def format_money(value: float) -> str:
    """-6759.2 → ``"-$6,759"``."""
    text = f"${abs(value):,.0f}"
    return f"-{text}" if round(value) < 0 else text


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _overview(facts: ResultFacts) -> str:
    text = f"From {facts.start} to {facts.end} the strategy returned {format_percent(facts.total_return)}"
    if facts.cagr is not None:
        text += f" ({format_percent(facts.cagr)} a year)"
    return text + f", turning {format_money(facts.start_equity)} into {format_money(facts.end_equity)}."


def _drawdowns(facts: ResultFacts, detailed: bool) -> str:
    if not facts.drawdowns:
        return "The equity never fell below an earlier peak."
    shown = facts.drawdowns if detailed else facts.drawdowns[:1]
    parts = []
    for position, episode in enumerate(shown):
        recovery = (f"recovered by {episode.end}, {_days(episode.recovery_days or 0)} after the low"
                    if episode.end is not None else "had not recovered by the end")
        lead = "The worst drawdown" if position == 0 else "The next worst"
        parts.append(f"{lead} fell {format_percent(episode.depth)} from the peak of {episode.start} to "
                     f"{episode.trough} and {recovery}.")
    return " ".join(parts)


def _returns(facts: ResultFacts, detailed: bool) -> str:
    best, worst = facts.best_year, facts.worst_year
    if best is None or worst is None:
        return ""
    text = f"Its best year was {best.period} ({format_percent(best.value)}), its worst {worst.period} " \
           f"({format_percent(worst.value)})."
    if detailed and facts.best_month and facts.worst_month:
        text += f" The best month was {facts.best_month.period} ({format_percent(facts.best_month.value)}), the " \
                f"worst {facts.worst_month.period} ({format_percent(facts.worst_month.value)})."
    if detailed and len(facts.yearly) > 2:
        text += " Year by year: " + ", ".join(f"{p.period} {format_percent(p.value)}" for p in facts.yearly) + "."
    return text


def _trades(facts: ResultFacts, detailed: bool) -> str:
    if not facts.trade_count:
        return "It closed no trades."
    text = f"It closed {facts.trade_count} trades and won {facts.winning_trades} of them " \
           f"({format_percent(facts.win_rate or 0.0)})."
    if detailed and facts.average_win is not None and facts.average_loss is not None:
        text += f" The average win was {format_money(facts.average_win)}, the average loss " \
                f"{format_money(facts.average_loss)}."
    return text


def _exposure(facts: ResultFacts, detailed: bool) -> str:
    if facts.exposure is None:
        return ""
    return f"It held a position on {format_percent(facts.exposure)} of the days."


def _regimes(facts: ResultFacts, detailed: bool) -> str:
    by_label = {r.label: r for r in facts.regimes}
    high, low = by_label.get("high"), by_label.get("low")
    if high is None or low is None:
        return ""
    return (f"On the benchmark's most volatile days ({high.days} days with its 21-day volatility at "
            f"{format_percent(high.boundary)} or more) the strategy returned {format_percent(high.strategy_return)} "
            f"against the benchmark's {format_percent(high.benchmark_return)}; on its calmest days ({low.days} days at "
            f"{format_percent(low.boundary)} or less) {format_percent(low.strategy_return)} against "
            f"{format_percent(low.benchmark_return)}.")


def _costs(facts: ResultFacts, detailed: bool) -> str:
    if not facts.costs:
        return "It paid no fees or slippage."
    text = f"Fees came to {format_money(facts.fees)}"
    if facts.slippage_cost:
        text += f" and slippage to about {format_money(facts.slippage_cost)}"
    return text + f"; before costs the return would have been about {format_percent(facts.return_before_costs)}."


_SECTIONS: dict[str, Callable[[ResultFacts, bool], str]] = {
    "drawdowns": _drawdowns, "returns": _returns, "trades": _trades, "exposure": _exposure, "regimes": _regimes,
    "costs": _costs}


def explain_facts(facts: ResultFacts, spec: dict[str, Any], *, detail_level: str = "summary",
                  focus: Iterable[str] = ()) -> Explanation:
    """The explanation (the focus topics first; a summary covers drawdowns, returns and trades, a detailed one
    every topic) and the suggested changes."""
    detailed = detail_level == "detailed"
    wanted = list(dict.fromkeys([*focus, *(FOCUS_TOPICS if detailed else SUMMARY_TOPICS)]))
    sentences = [_overview(facts)] + [_SECTIONS[topic](facts, detailed) for topic in wanted if topic in _SECTIONS]
    return Explanation(explanation=" ".join(s for s in sentences if s),
                       suggested_changes=suggest_changes(facts, spec))


def _number(spec: dict[str, Any], value: Any) -> Any:
    """A literal, or the default of the parameter it refers to."""
    if isinstance(value, dict) and "param" in value:
        return ((spec.get("parameters") or {}).get(value["param"]) or {}).get("default")
    return value


def _sentiment_windows(spec: dict[str, Any]) -> list[int]:
    windows: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("indicator") == "news_sentiment":
                window = _number(spec, (node.get("params") or {}).get("window", 7))
                if isinstance(window, int):
                    windows.append(window)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk([spec.get("entry"), spec.get("exit")])
    return windows


def _percent_text(value: float) -> str:
    return f"{round(value * 100, 1):g}%"


def suggest_changes(facts: ResultFacts, spec: dict[str, Any]) -> list[str]:
    """Concrete edits the facts argue for, each an instruction refine accepts as is."""
    risk = spec.get("risk") or {}
    suggestions: list[str] = []
    deep = facts.max_drawdown >= _DEEP_DRAWDOWN or any(d.depth >= _DEEP_DRAWDOWN for d in facts.drawdowns)
    stop = _number(spec, risk.get("stop_loss"))
    if deep or facts.total_return < 0:
        if isinstance(stop, int | float) and stop > 0.02:
            tighter = max(0.02, round(stop * 0.7, 3))
            suggestions.append(f"tighten the stop loss from {_percent_text(stop)} to {_percent_text(tighter)}")
        elif stop is None:
            suggestions.append(f"add a {_percent_text(min(0.1, max(0.03, facts.max_drawdown / 2)))} stop loss")
    high = next((r for r in facts.regimes if r.label == "high"), None)
    if high is not None and high.strategy_return < 0 and "volatility_cap" not in risk:
        cap = max(0.2, round(high.boundary * 1.5, 2))
        suggestions.append(f"add a volatility cap of {_percent_text(cap)}")
    windows = _sentiment_windows(spec)
    if windows and (deep or facts.total_return < 0) and min(windows) < 30:
        old = min(windows)
        suggestions.append(f"lengthen the news sentiment window from {old} to {min(30, old * 2)} days")
    gross_move = abs(facts.end_equity + facts.costs - facts.start_equity)
    frequency = (spec.get("rebalance") or {}).get("frequency", "every_bar")
    if facts.costs and gross_move and facts.costs / gross_move >= _COSTLY and frequency in ("every_bar", "daily"):
        suggestions.append(f"rebalance weekly instead of {frequency.replace('_', ' ')}")
    if facts.trade_count >= 10 and (facts.win_rate or 0) < 0.4 and "take_profit" not in risk:
        suggestions.append("add a 10% take profit")
    return suggestions


def fact_table(facts: ResultFacts) -> dict[str, str]:
    """Every fact as display text under a name (``{"total_return": "-6.8%", "worst_drawdown_1_start": ...}``):
    the model agent writes ``{name}`` placeholders that are filled from this table, so it states no number
    of its own."""
    table = {"start": facts.start, "end": facts.end, "start_equity": format_money(facts.start_equity),
             "end_equity": format_money(facts.end_equity), "total_return": format_percent(facts.total_return),
             "max_drawdown": format_percent(facts.max_drawdown), "trade_count": str(facts.trade_count),
             "winning_trades": str(facts.winning_trades), "fees": format_money(facts.fees),
             "slippage_cost": format_money(facts.slippage_cost),
             "return_before_costs": format_percent(facts.return_before_costs)}
    if facts.cagr is not None:
        table["cagr"] = format_percent(facts.cagr)
    if facts.sharpe is not None:
        table["sharpe"] = f"{facts.sharpe:.2f}"
    if facts.win_rate is not None:
        table["win_rate"] = format_percent(facts.win_rate)
    if facts.exposure is not None:
        table["exposure"] = format_percent(facts.exposure)
    for number, episode in enumerate(facts.drawdowns, start=1):
        table.update({f"worst_drawdown_{number}_depth": format_percent(episode.depth),
                      f"worst_drawdown_{number}_start": episode.start,
                      f"worst_drawdown_{number}_trough": episode.trough,
                      f"worst_drawdown_{number}_end": episode.end or "not recovered"})
        if episode.recovery_days is not None:
            table[f"worst_drawdown_{number}_recovery_days"] = str(episode.recovery_days)
    for label, period in (("best_year", facts.best_year), ("worst_year", facts.worst_year),
                          ("best_month", facts.best_month), ("worst_month", facts.worst_month)):
        if period is not None:
            table[label] = period.period
            table[f"{label}_return"] = format_percent(period.value)
    for period in facts.yearly:
        table[f"return_{period.period}"] = format_percent(period.value)
    for regime in facts.regimes:
        table.update({f"{regime.label}_volatility_days": str(regime.days),
                      f"{regime.label}_volatility_boundary": format_percent(regime.boundary),
                      f"{regime.label}_volatility_strategy_return": format_percent(regime.strategy_return),
                      f"{regime.label}_volatility_benchmark_return": format_percent(regime.benchmark_return)})
    return table
