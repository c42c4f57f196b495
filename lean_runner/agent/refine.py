"""The offline agent's refine: an instruction → edits of a spec, each one named.

It understands goals ("reduce max drawdown", "less sensitive to single bad headlines", "trade
less", "trade more"), explicit changes ("tighten the stop loss from 10% to 7%", "lengthen the news
sentiment window from 7 to 14 days", "rebalance weekly instead of daily", "remove the take
profit", "add QQQ", "drop FB", "switch to the S&P 500"), everything from-text reads (risk rules,
sizing, schedule, new entry or exit conditions), and DSL paths ("set risk.stop_loss to 0.07").

Example::

    refined = refine_spec(spec, "Reduce max drawdown. Make it less sensitive to single bad headlines.")
    refined.edits   # ["stop loss tightened from 10% to 7%", "news sentiment window lengthened from 7 to 14 days"]
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lean_runner.agent.coverage import TextCoverage
from lean_runner.agent.drafts import Refinement
from lean_runner.agent.errors import NotUnderstoodError
from lean_runner.agent.from_text import not_understood_details
from lean_runner.agent.summary import summarize_spec
from lean_runner.agent.text_reader import read_text
from lean_runner.agent.vocabulary import COMPANY_TICKERS, PCT_RE, WINDOW_RE, calendar_days, percent

__all__ = ["DRAWDOWN_VOLATILITY_CAP", "refine_spec"]

DRAWDOWN_VOLATILITY_CAP = 0.4  # annualized; the cap "reduce drawdown" adds when a spec has no stop to tighten
# The trailing stop first: "the trailing stop from 15% to 10%" must not be read as a stop loss.
_RISK_WORDS = {"trailing_stop": r"trailing\s+stop", "stop_loss": r"stop[\s-]?loss|stop",
               "take_profit": r"take[\s-]?profit|profit\s+target",
               "max_holding_days": r"max(?:imum)?\s+holding(?:\s+period)?|"
               r"holding\s+(?:period|limit)", "volatility_cap": r"volatility\s+cap"}
_RISK_NAMES = {"stop_loss": "stop loss", "take_profit": "take profit", "trailing_stop": "trailing stop",
               "max_holding_days": "holding limit", "volatility_cap": "volatility cap"}
_INDICATOR_WORDS = {"news_sentiment": r"(?:news\s+)?sentiment|news", "sma": r"sma|simple\s+moving\s+average|"
                    r"moving\s+average|ma", "ema": r"ema|exponential\s+moving\s+average", "rsi": r"rsi",
                    "atr": r"atr", "roc": r"roc|rate\s+of\s+change", "volatility": r"volatility",
                    "returns": r"returns?|momentum|lookback", "rolling_max": r"high", "rolling_min": r"low",
                    "bollinger": r"bollinger(?:\s+bands?)?"}
_DEFAULT_WINDOWS = {"rsi": 14, "atr": 14, "volatility": 20, "returns": 1, "bollinger": 20, "news_sentiment": 7}
_FREQUENCIES = ("every_bar", "daily", "weekly", "monthly")


def refine_spec(spec: dict[str, Any], instruction: str, *, universe_names: Iterable[str] = (),
                known_symbols: Iterable[str] = ()) -> Refinement:
    """Apply ``instruction`` to a copy of ``spec``; raises :class:`NotUnderstoodError` when nothing in it
    maps to an edit (details name the phrases)."""
    editor = _SpecEditor(copy.deepcopy(spec), instruction, list(universe_names), set(known_symbols))
    editor.apply()
    if not editor.edits:
        details = not_understood_details(editor.not_understood, "instruction")
        details.append({"path": "instruction", "message": "no edit of the spec was found in the instruction"})
        quoted = ", ".join(f"'{p}'" for p in editor.not_understood)
        raise NotUnderstoodError("the instruction asks for no change the agent can make"
                                 + (f"; not understood: {quoted}" if quoted else ""), details=details)
    summary = summarize_spec(editor.spec) + " Changed: " + "; ".join(editor.edits) + "."
    return Refinement(json_spec=editor.spec, nl_summary=summary, edits=editor.edits,
                      not_understood=editor.not_understood)


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


class _SpecEditor:
    def __init__(self, spec: dict[str, Any], instruction: str, universe_names: list[str],
                 known_symbols: set[str]) -> None:
        self.spec = spec
        self.cov = TextCoverage(instruction)
        self.universe_names = universe_names
        self.known_symbols = known_symbols
        self.edits: list[str] = []
        self.not_understood: list[str] = []
        self.inapplicable: list[str] = []  # understood, but nothing in the spec to apply it to

    def _each(self, pattern: str) -> Iterator[re.Match[str]]:
        for match in list(self.cov.finditer(pattern)):
            if self.cov.free(match.start(), match.end()):
                self.cov.take(match.start(), match.end())
                yield match

    def apply(self) -> None:
        self._path_edits()
        self._from_to()
        self._removals()
        self._goals()
        self._universe_changes()
        self._read_the_rest()

    # -- numbers that may be parameters ------------------------------------------------------------------------
    def _get(self, value: Any) -> Any:
        if isinstance(value, dict) and "param" in value:
            return (self.spec.get("parameters") or {}).get(value["param"], {}).get("default")
        return value

    def _put(self, container: dict[str, Any], key: str, value: float | int) -> None:
        """Set a number; when it is a parameter reference, move the parameter's default (widening its range)."""
        current = container.get(key)
        if isinstance(current, dict) and "param" in current:
            declaration = self.spec["parameters"][current["param"]]
            if declaration.get("type") == "int":
                value = round(value)
            declaration["default"] = value
            if "min" in declaration and value < declaration["min"]:
                declaration["min"] = value
            if "max" in declaration and value > declaration["max"]:
                declaration["max"] = value
            return
        container[key] = value

    # -- DSL paths: "set risk.stop_loss to 0.07", "remove risk.take_profit" ---------------------------------
    def _path_edits(self) -> None:
        path = r"((?:[a-z_]+|\[\d+\])(?:\.[a-z_]+|\[\d+\])+)"
        for m in self._each(rf"\bset\s+{path}\s+(?:to|=)\s+(\S+?)(?=[\s,;]|\.(?:\s|$)|$)"):
            value = _json_value(self.cov.text[m.start(2):m.end(2)])
            parent, key = self._locate(m.group(1), create=True)
            if parent is not None:
                old = parent.get(key) if isinstance(parent, dict) else None
                if isinstance(parent, dict):
                    parent[key] = value
                    self.edits.append(f"{m.group(1)} set to {json.dumps(value)}"
                                      + (f" (was {json.dumps(old)})" if old is not None else ""))
        for m in self._each(rf"\b(?:remove|delete|unset)\s+{path}"):
            parent, key = self._locate(m.group(1), create=False)
            if isinstance(parent, dict) and key in parent:
                del parent[key]
                self.edits.append(f"{m.group(1)} removed")

    def _locate(self, path: str, *, create: bool) -> tuple[Any, Any]:
        parts = [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"[a-z_]+|\[\d+\]", path)]
        node: Any = self.spec
        for part in parts[:-1]:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return None, None
                node = node[part]
            else:
                if not isinstance(node, dict):
                    return None, None
                if part not in node:
                    if not create:
                        return None, None
                    node[part] = {}
                node = node[part]
        return node, parts[-1]

    # -- "X from A to B" -------------------------------------------------------------------------------------
    def _from_to(self) -> None:
        risk = self.spec.setdefault("risk", {})
        for key, words in _RISK_WORDS.items():
            unit = WINDOW_RE if key == "max_holding_days" else PCT_RE
            for m in self._each(rf"\b(?:the\s+)?(?:{words})(?:\s+(?:level|threshold|to))?\s+from\s+({unit})\s+to\s+"
                                rf"({unit})"):
                old_text, new_text = m.group(1), m.group(m.lastindex or 2)
                self._set_risk(risk, key, new_text, old_text)
        if not risk:
            self.spec.pop("risk")
        for indicator, words in _INDICATOR_WORDS.items():
            number = r"(\d+)(?:[\s-]*(?:trading\s+)?(?:days?|bars?|d))?"
            for m in self._each(rf"\b(?:the\s+)?(?:(\d+)[\s-]*(?:day|bar|d)\s+)?(?:{words})(?:\s+(?:window|period|"
                                rf"lookback|length))?\s+(?:from\s+{number}\s+)?to\s+{number}\b"):
                old = m.group(1) or m.group(2)
                self._change_windows(indicator, int(old) if old else None, int(m.group(3)))
            for m in self._each(rf"\b(?:use\s+)?(?:an?\s+|the\s+)?(\d+)[\s-]*(?:day|bar|d)\s+(?:{words})\s+instead\s+"
                                rf"of\s+(?:the\s+|a\s+)?(\d+)[\s-]*(?:day|bar|d)?\b(?:\s+(?:one|{words}))?"):
                self._change_windows(indicator, int(m.group(2)), int(m.group(1)))
        for m in self._each(r"\b(?:rebalanc\w*|trade|rotate)\s+(?:from\s+)?(every\s+bar|daily|weekly|monthly)\s+to\s+"
                            r"(daily|weekly|monthly)\b"):
            self._set_frequency(m.group(2))
        for _ in self._each(r"\binstead\s+of\s+(?:every\s+bar|daily|weekly|monthly|each\s+(?:day|week|month))\b"):
            pass  # "rebalance weekly instead of daily": the new frequency is read with the schedule

    def _set_risk(self, risk: dict[str, Any], key: str, new_text: str, old_text: str | None = None) -> None:
        value: Any = calendar_days(new_text) if key == "max_holding_days" else percent(
            re.sub(r"[^\d.\-]", "", new_text))
        if key == "volatility_cap":
            cap = risk.setdefault("volatility_cap", {"max_volatility": value})
            old = self._get(cap.get("max_volatility"))
            self._put(cap, "max_volatility", value)
            self.edits.append(f"volatility cap changed from {_pct(old)} to {_pct(value)}" if old != value and
                              old is not None else f"volatility cap of {_pct(value)} added")
            return
        old = self._get(risk.get(key))
        if key in risk:
            self._put(risk, key, value)
        else:
            risk[key] = value
        shown = (lambda v: f"{v:g} days") if key == "max_holding_days" else _pct
        if old is None:
            self.edits.append(f"{_RISK_NAMES[key]} of {shown(value)} added")
        elif old != value:
            verb = "tightened" if value < old and key in ("stop_loss", "trailing_stop", "volatility_cap") \
                else "changed"
            self.edits.append(f"{_RISK_NAMES[key]} {verb} from {shown(old)} to {shown(value)}")

    # -- windows ---------------------------------------------------------------------------------------------
    def _expressions(self) -> Iterator[dict[str, Any]]:
        def walk(node: Any) -> Iterator[dict[str, Any]]:
            if isinstance(node, dict):
                if "indicator" in node:
                    yield node
                for key in ("all", "any", "not", "value", "conditions", "rank_by"):
                    if key in node:
                        yield from walk(node[key])
            elif isinstance(node, list):
                for item in node:
                    yield from walk(item)
        for key in ("entry", "exit"):
            yield from walk(self.spec.get(key))
        yield from walk((self.spec.get("sizing") or {}).get("rank_by"))

    def _window_of(self, expression: dict[str, Any]) -> Any:
        return self._get((expression.get("params") or {}).get("window",
                                                              _DEFAULT_WINDOWS.get(expression["indicator"])))

    def _change_windows(self, indicator: str | None, old: int | None,
                        new: int | Callable[[int], int], *, label: str | None = None) -> int:
        """Set the window of the matching expressions (all of ``indicator`` when ``old`` is None)."""
        changed: dict[tuple[int, int], None] = {}
        seen_params: set[str] = set()
        for expression in self._expressions():
            if indicator is not None and expression["indicator"] != indicator:
                continue
            current = self._window_of(expression)
            if not isinstance(current, int) or (old is not None and current != old):
                continue
            target = new(current) if callable(new) else new
            params = expression.setdefault("params", {})
            reference = params.get("window")
            if isinstance(reference, dict) and "param" in reference:
                if reference["param"] in seen_params:
                    continue
                seen_params.add(reference["param"])
            if target != current:
                if "window" in params:
                    self._put(params, "window", target)
                else:
                    params["window"] = target
                changed[(current, target)] = None
        name = label or {"news_sentiment": "news sentiment window"}.get(indicator or "", f"{indicator} window")
        unit = " days" if indicator == "news_sentiment" else ""
        for current, target in changed:
            verb = "lengthened" if target > current else "shortened"
            self.edits.append(f"{name} {verb} from {current} to {target}{unit}")
        return len(changed)

    def _set_frequency(self, frequency: str) -> None:
        rebalance = self.spec.setdefault("rebalance", {"frequency": "every_bar"})
        old = rebalance.get("frequency", "every_bar")
        if old != frequency:
            rebalance["frequency"] = frequency
            self.edits.append(f"rebalance changed from {old.replace('_', ' ')} to {frequency}")

    # -- removals ----------------------------------------------------------------------------------------------
    def _removals(self) -> None:
        risk = self.spec.get("risk") or {}
        for key, words in _RISK_WORDS.items():
            for m in self._each(rf"\b(?:remove|drop|delete|no|without|get\s+rid\s+of|disable)\s+(?:the\s+|a\s+|any\s+)?"
                                rf"(?:{words})s?\b"):
                if key in risk:
                    del risk[key]
                    self.edits.append(f"{_RISK_NAMES[key]} removed")
                else:
                    self.inapplicable.append(f"{self.cov.text[m.start():m.end()]} (the spec has no "
                                             f"{_RISK_NAMES[key]})")
        if "risk" in self.spec and not self.spec["risk"]:
            del self.spec["risk"]
        for m in self._each(r"\b(?:remove|drop|delete|no)\s+(?:the\s+)?exit(?:\s+(?:rule|conditions?))?\b"):
            if self.spec.pop("exit", None) is not None:
                self.edits.append("exit rule removed")
            else:
                self.inapplicable.append(f"{self.cov.text[m.start():m.end()]} (the spec has no exit rule)")

    # -- goals -------------------------------------------------------------------------------------------------
    def _goals(self) -> None:
        for _ in self._each(r"\b(?:reduce|lower|cut|limit|decrease|shrink|minimi[sz]e|smaller|less|control)\s+"
                            r"(?:the\s+)?(?:max(?:imum)?\s+)?(?:drawdowns?|risk|losses|downside)\b|\b(?:safer|less\s+risky|more\s+"
                            r"conservative|protect\s+(?:the\s+)?downside)\b"):
            self._reduce_drawdown()
        for m in self._each(r"\bless\s+sensitive\s+to\s+(?:single\s+|individual\s+|one-off\s+|isolated\s+)?(?:bad\s+)?"
                            r"(?:headlines?|news(?:\s+items?)?|stories)\b|\b(?:smooth(?:er)?|longer|slower)\s+(?:the\s+)?"
                            r"(?:news\s+)?sentiment(?:\s+window)?\b|\bignore\s+(?:single|one-off)\s+headlines\b"):
            if not self._change_windows("news_sentiment", None, lambda w: w * 2):
                self.inapplicable.append(f"{self.cov.text[m.start():m.end()]} (the spec has no news sentiment "
                                         f"condition)")
        for _ in self._each(r"\btrade\s+less(?:\s+often)?\b|\bfewer\s+trades\b|\bless\s+(?:trading|turnover)\b|"
                            r"\breduce\s+(?:the\s+)?(?:turnover|trading|number\s+of\s+trades)\b|\blower\s+turnover\b"):
            self._trade_less()
        for _ in self._each(r"\btrade\s+more(?:\s+often)?\b|\bmore\s+trades\b|\bmore\s+responsive\b|\breact\s+faster\b|"
                            r"\bfaster\s+signals\b"):
            self._trade_more()
        for _ in self._each(r"\b(?:keep(?:ing)?|maintain(?:ing)?|preserv(?:e|ing)|with)\s+"
                            r"(?:similar|the\s+same|comparable)\s+returns?\b|\bwithout\s+(?:hurting|losing|giving\s+up)\s+(?:the\s+)?returns?\b"):
            pass  # a constraint on the edits, not an edit of its own

    def _reduce_drawdown(self) -> None:
        risk = self.spec.setdefault("risk", {})
        stop = self._get(risk.get("stop_loss"))
        if isinstance(stop, int | float) and stop > 0.02:
            self._set_risk(risk, "stop_loss", f"{round(max(0.02, stop * 0.7) * 100, 1):g}%")
        elif "volatility_cap" not in risk:
            risk["volatility_cap"] = {"max_volatility": DRAWDOWN_VOLATILITY_CAP, "window": 20}
            self.edits.append(f"volatility cap of {_pct(DRAWDOWN_VOLATILITY_CAP)} (20 bars) added")
        else:
            cap = self._get(risk["volatility_cap"].get("max_volatility"))
            if isinstance(cap, int | float):
                self._set_risk(risk, "volatility_cap", f"{round(cap * 0.8 * 100, 1):g}%")

    def _trade_less(self) -> None:
        frequency = (self.spec.get("rebalance") or {}).get("frequency", "every_bar")
        if frequency in ("every_bar", "daily"):
            self._set_frequency("weekly")
        elif frequency == "weekly":
            self._set_frequency("monthly")
        else:
            self._change_windows(None, None, lambda w: max(w + 1, round(w * 1.5)), label="indicator window")

    def _trade_more(self) -> None:
        frequency = (self.spec.get("rebalance") or {}).get("frequency", "every_bar")
        if frequency in ("weekly", "monthly"):
            self._set_frequency("weekly" if frequency == "monthly" else "daily")
        else:
            self._change_windows(None, None, lambda w: max(2, round(w / 1.5)), label="indicator window")

    # -- universe ----------------------------------------------------------------------------------------------
    def _symbols(self, text: str) -> list[str]:
        words = re.findall(r"\$?[A-Za-z][A-Za-z0-9.]*", text)
        found = []
        for word in words:
            ticker = word.lstrip("$").upper()
            if word.lower() in COMPANY_TICKERS:
                ticker = COMPANY_TICKERS[word.lower()]
            if (word.startswith("$") or ticker in self.known_symbols) and (word.isupper() or word.startswith("$")
                                                                              or word.lower() in COMPANY_TICKERS):
                found.append(ticker)
        return found

    def _universe_changes(self) -> None:
        universe = self.spec.get("universe") or {}
        ticker_list = r"((?:\$?[A-Za-z][A-Za-z0-9.]{0,6})(?:\s*(?:,|and|&)\s*\$?[A-Za-z][A-Za-z0-9.]{0,6})*)"
        for m in self._each(rf"\b(?:remove|drop|exclude|without|no\s+longer\s+trade|stop\s+trading)\s+{ticker_list}"):
            removed = self._symbols(self.cov.text[m.start(1):m.end(1)])
            symbols = list(universe.get("symbols") or [])
            kept = [s for s in symbols if s not in removed]
            if removed and "symbols" in universe and kept and kept != symbols:
                universe["symbols"] = kept
                self.edits.append(f"removed {', '.join(s for s in symbols if s in removed)} from the universe")

    # -- everything from-text reads ----------------------------------------------------------------------------
    def _read_the_rest(self) -> None:
        instruction = self.cov.lower
        pieces = read_text(self.cov.text, self.universe_names, self.known_symbols, coverage=self.cov)
        self.not_understood = self.inapplicable + pieces.not_understood
        risk = self.spec.get("risk") or {}
        for key, value in pieces.risk.items():
            if key == "volatility_cap":
                old = risk.get("volatility_cap")
                risk["volatility_cap"] = value
                self.edits.append(f"volatility cap set to {_pct(value['max_volatility'])}"
                                  + (f" ({value['window']} bars)" if "window" in value else "")
                                  + (f" (was {_pct(self._get(old['max_volatility']))})" if old else ""))
            else:
                text = f"{value:g} days" if key == "max_holding_days" else f"{value * 100:g}%"
                self._set_risk(risk, key, text)
        if risk:
            self.spec["risk"] = risk
        sizing = self.spec.get("sizing") or {}
        for key, value in pieces.sizing.items():
            if key == "rank_order" and "rank_by" not in sizing and pieces.rank_by is None:
                continue
            if sizing.get(key) != value:
                old = self._get(sizing.get(key))
                if key in sizing and isinstance(value, int | float) and not isinstance(value, bool):
                    self._put(sizing, key, value)
                else:
                    sizing[key] = value
                self.edits.append(f"sizing {key.replace('_', ' ')} set to {value}"
                                  + (f" (was {old})" if old is not None else ""))
        if pieces.sizing.get("method") in ("equal_weight", "volatility_target"):
            sizing.pop("fraction", None)
        if pieces.rank_by is not None:
            sizing["rank_by"] = pieces.rank_by
            sizing.setdefault("rank_order", "desc")
            self.edits.append("ranking set")
        if sizing:
            self.spec["sizing"] = sizing
        if pieces.rebalance:
            self._set_frequency(pieces.rebalance)
        if pieces.resolution and pieces.resolution != self.spec.get("resolution", "daily"):
            self.spec["resolution"] = pieces.resolution
            self.edits.append(f"bars changed to {pieces.resolution}")
        self._apply_universe(pieces.symbols, pieces.universe_name, instruction)
        replace = re.search(r"\b(?:instead|replace|only\s+(?:buy|sell|exit|enter))\b", instruction) is not None
        for role, conditions in (("entry", pieces.entry), ("exit", pieces.exit)):
            if not conditions:
                continue
            rule = self.spec.get(role)
            if rule is None or replace:
                self.spec[role] = {"conditions": conditions, **({"logic": "any"} if getattr(
                    pieces, f"{role}_logic") == "any" else {})}
                self.edits.append(f"{role} rule set to {len(conditions)} condition(s)")
            else:
                rule["conditions"] = list(rule.get("conditions") or []) + conditions
                self.edits.append(f"{len(conditions)} {role} condition(s) added")

    def _apply_universe(self, symbols: list[str], name: str | None, instruction: str) -> None:
        universe = self.spec.get("universe") or {}
        if name is not None and universe.get("name") != name:
            self.spec["universe"] = {"name": name}
            self.edits.append(f"universe set to {name}")
            return
        if not symbols:
            return
        if re.search(r"\b(?:only|instead|switch|replace|just)\b", instruction) or "symbols" not in universe:
            self.spec["universe"] = {"symbols": symbols}
            self.edits.append(f"universe set to {', '.join(symbols)}")
            return
        added = [s for s in symbols if s not in universe["symbols"]]
        if added:
            universe["symbols"] = list(universe["symbols"]) + added
            self.edits.append(f"added {', '.join(added)} to the universe")


def _json_value(text: str) -> Any:
    """``0.07`` → 0.07, ``weekly`` → "weekly", ``true`` → True, ``[...]``/``{...}`` parsed as JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text.strip("'\"")
