"""The offline agent's from-text: a description → a spec, its ``nl_summary``, and the phrases it did not use.

Example::

    draft = draft_from_text("Buy large-cap tech when the 50-day MA is above the 200-day and news has been "
                            "positive for a week", universe_names=["SP500"])
    draft.json_spec["universe"]      # {"symbols": ["AAPL", "GOOG", "FB", "IBM"]}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lean_runner.agent.drafts import Draft
from lean_runner.agent.errors import NotUnderstoodError
from lean_runner.agent.summary import summarize_spec
from lean_runner.agent.text_reader import TextPieces, flip_condition, read_text

__all__ = ["DEFAULT_SYMBOL", "draft_from_text", "not_understood_details", "spec_from_pieces"]

DEFAULT_SYMBOL = "SPY"


def not_understood_details(phrases: list[str], field: str) -> list[dict[str, str]]:
    """One error detail per phrase, at the request field that held the text."""
    return [{"path": field, "message": f"not understood: '{phrase}'"} for phrase in phrases]


def draft_from_text(text: str, *, name: str | None = None, universe_names: Iterable[str] = (),
                    known_symbols: Iterable[str] = ()) -> Draft:
    """The spec a description asks for; raises :class:`NotUnderstoodError` (422) when it names no rule to
    trade on, with every phrase it could not read."""
    pieces = read_text(text, universe_names, known_symbols)
    if not pieces.entry and pieces.rank_by is None:
        details = not_understood_details(pieces.not_understood, "natural_language_prompt")
        details.append({"path": "natural_language_prompt",
                        "message": "no rule to buy on was found: say when to buy (e.g. 'when RSI(14) is below "
                                   "30') or how to rank (e.g. 'hold the top 3 by 6-month return')"})
        quoted = ", ".join(f"'{p}'" for p in pieces.not_understood)
        raise NotUnderstoodError("the description has no usable trading rule"
                                 + (f"; not understood: {quoted}" if quoted else ""), details=details)
    spec = spec_from_pieces(pieces, name=name)
    notes = list(pieces.notes)
    if not pieces.symbols and pieces.universe_name is None:
        notes.append(f"no symbols or universe named: it trades {DEFAULT_SYMBOL}")
    if pieces.symbols and pieces.universe_name is not None:
        notes.append(f"both the {pieces.universe_name} universe and symbols were named: it trades the universe")
    if pieces.sizing.get("rank_order") and pieces.rank_by is None:
        notes.append("a top-N was named without what to rank by: it holds up to that many, in universe order")
    summary = summarize_spec(spec)
    if pieces.not_understood:
        summary += " Not understood: " + "; ".join(f"'{p}'" for p in pieces.not_understood) + "."
    return Draft(json_spec=spec, nl_summary=summary, not_understood=list(pieces.not_understood), notes=notes,
                 backtest_config=dict(pieces.config))


def spec_from_pieces(pieces: TextPieces, *, name: str | None = None) -> dict[str, Any]:
    """Assemble the spec (keys in the DSL's documented order)."""
    spec: dict[str, Any] = {"version": 1}
    if name:
        spec["name"] = name
    if pieces.universe_name is not None:
        spec["universe"] = {"name": pieces.universe_name}
    else:
        spec["universe"] = {"symbols": list(pieces.symbols) or [DEFAULT_SYMBOL]}
    if pieces.resolution:
        spec["resolution"] = pieces.resolution
    if pieces.entry:
        spec["entry"] = _rule(pieces.entry, pieces.entry_logic)
    exits = pieces.exit
    exit_logic = pieces.exit_logic
    if not exits and pieces.exit_flips_entry and pieces.entry:
        # "sell when it reverses": any entry condition turning is enough to leave.
        exits = [flip_condition(c) for c in pieces.entry]
        exit_logic = "any" if pieces.entry_logic == "all" else "all"
    if exits:
        spec["exit"] = _rule(exits, exit_logic)
    sizing = dict(pieces.sizing)
    if pieces.rank_by is not None:
        sizing["rank_by"] = pieces.rank_by
        sizing.setdefault("rank_order", "desc")
    else:
        sizing.pop("rank_order", None)
    if "max_weight" in sizing and sizing.get("method") != "volatility_target":
        sizing.pop("max_weight")
    if sizing:
        spec["sizing"] = _ordered(sizing, ("method", "fraction", "target_volatility", "volatility_window",
                                           "max_weight", "max_positions", "rank_by", "rank_order"))
    if pieces.risk:
        spec["risk"] = _ordered(pieces.risk, ("stop_loss", "take_profit", "trailing_stop", "max_holding_days",
                                              "volatility_cap"))
    if pieces.rebalance:
        spec["rebalance"] = {"frequency": pieces.rebalance}
    return spec


def _rule(conditions: list[dict[str, Any]], logic: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"conditions": conditions}
    if logic == "any":
        rule["logic"] = "any"
    return rule


def _ordered(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {key: values[key] for key in order if key in values}
