"""Read a researcher's plain-English description into the pieces of a DSL spec (the offline agent's reader).

Recognizers run in a fixed order over a :class:`TextCoverage`, each marking what it read:
backtest settings (dates, capital, costs), risk rules, sizing, schedule and bar size, the
universe, then conditions (indicator phrases, comparisons, crossings, states like "oversold").
What no recognizer read is reported word for word, never guessed at.

Example::

    pieces = read_text("Buy SPY when the 50-day MA crosses above the 200-day; 5% stop loss", ["SP500"])
    pieces.entry[0]["op"]          # "crosses_above"
    pieces.risk                    # {"stop_loss": 0.05}
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lean_runner.agent.coverage import TextCoverage
from lean_runner.agent.vocabulary import (
    COMPANY_TICKERS,
    FILLER_WORDS,
    INDICATOR_NAMES,
    LOWERCASE_TICKERS,
    NOT_TICKERS,
    NUMBER_RE,
    PCT_RE,
    UNIVERSE_ALIASES,
    WINDOW_RE,
    bars,
    calendar_days,
    number_word,
    percent,
)

__all__ = ["TextPieces", "read_text"]

_LAST = r"(?:the\s+)?(?:last\s+|past\s+|prior\s+|previous\s+|trailing\s+|preceding\s+)?"
_DATE = r"\d{4}-\d{2}-\d{2}|(?:19|20)\d{2}"
_FRACTION_INDICATORS = ("returns", "roc", "volatility")
_NUMBER_FIRST = ("sma", "ema", "rsi", "atr", "roc")  # "the 20 EMA", "a 50 SMA"
_NEEDS_WINDOW = ("sma", "ema", "roc", "rolling_max", "rolling_min")
_FLIP = {">": "<", "<": ">", ">=": "<", "<=": ">", "crosses_above": "crosses_below",
         "crosses_below": "crosses_above"}


@dataclass
class TextPieces:
    """What a text said, piece by piece (each piece is already in the DSL's JSON shape)."""

    symbols: list[str] = field(default_factory=list)
    universe_name: str | None = None
    resolution: str | None = None
    entry: list[dict[str, Any]] = field(default_factory=list)
    entry_logic: str = "all"
    exit: list[dict[str, Any]] = field(default_factory=list)
    exit_logic: str = "all"
    exit_flips_entry: bool = False
    sizing: dict[str, Any] = field(default_factory=dict)
    rank_by: dict[str, Any] | None = None
    risk: dict[str, Any] = field(default_factory=dict)
    rebalance: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    window_edits: list[tuple[str | None, int, int]] = field(default_factory=list)


@dataclass
class _Item:
    kind: str  # expr | op | num | state | signal | window | duration | role | flip | rank
    start: int
    end: int
    value: Any = None


def read_text(text: str, universe_names: Iterable[str] = (), known_symbols: Iterable[str] = (), *,
              coverage: TextCoverage | None = None) -> TextPieces:
    """Every piece of a spec the text names; ``pieces.not_understood`` lists the phrases left over.

    ``coverage`` lets a caller read some of the text first (refine reads its own phrases, then this).
    """
    reader = _TextReader(text, list(universe_names), set(known_symbols), coverage)
    return reader.read()


class _TextReader:
    def __init__(self, text: str, universe_names: list[str], known_symbols: set[str],
                 coverage: TextCoverage | None) -> None:
        self.text = text
        self.cov = coverage or TextCoverage(text)
        self.universe_names = universe_names
        self.known_symbols = known_symbols | set(COMPANY_TICKERS.values())
        self.pieces = TextPieces()
        self._rank_at: int | None = None  # where a "top 3" phrase ended: what follows may say what to rank by
        self._refused: list[str] = []  # read, but not something a spec can say (short selling)
        self._crossing: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (entry, exit) of "SMA crossover"

    def read(self) -> TextPieces:
        self._backtest_settings()
        self._risk()
        self._sizing()
        self._schedule()
        self._universe()
        self._crossovers()
        self._conditions()
        self.pieces.not_understood = self._refused + self.cov.leftovers()
        return self.pieces

    def _each(self, pattern: str) -> list[re.Match[str]]:
        """The matches of ``pattern`` in unread text, each marked read as it is returned."""
        found = []
        for match in self.cov.finditer(pattern):
            if self.cov.free(match.start(), match.end()):
                self.cov.take(match.start(), match.end())
                found.append(match)
        return found

    # -- backtest settings (they go to the config, not the spec) ---------------------------------------------
    def _backtest_settings(self) -> None:
        config = self.pieces.config
        for m in self._each(rf"\b(?:from|between|starting(?:\s+in)?|over)?\s*({_DATE})\s*(?:-|–|to|until|till|"
                            rf"through|thru|and)\s*({_DATE})\b"):
            config["start_date"] = _date(m.group(1), start=True)
            config["end_date"] = _date(m.group(2), start=False)
        for m in self._each(rf"\b(?:since|starting(?:\s+in)?|from|beginning(?:\s+in)?)\s+({_DATE})\b"):
            config["start_date"] = _date(m.group(1), start=True)
        for m in self._each(rf"\b(?:until|till|through|to|ending(?:\s+in)?)\s+({_DATE})\b"):
            config["end_date"] = _date(m.group(1), start=False)
        money = r"\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|mm|thousand|million)?\b(?:\s*(?:dollars|usd))?"
        for m in self._each(rf"\b(?:with|starting\s+(?:capital|cash|equity|balance)(?:\s+of)?|initial\s+(?:capital|"
                            rf"cash|equity)(?:\s+of)?|capital\s+of|account\s+of|start\s+with)\s+{money}"
                            rf"(?:\s+(?:of\s+|in\s+)?(?:starting\s+)?(?:capital|cash|equity))?"):
            config["initial_capital"] = _money(m.group(1), m.group(2))
        for m in self._each(r"\$\s*(\d[\d,]*(?:\.\d+)?)\s*(k|m|mm|thousand|million)?\b(?:\s+(?:of\s+|in\s+)?"
                            r"(?:starting\s+)?(?:capital|cash|equity|account))?"):
            config["initial_capital"] = _money(m.group(1), m.group(2))
        bps = r"(\d+(?:\.\d+)?)\s*(?:bps|basis\s+points?|bp)\b"
        for m in self._each(rf"\b(?:transaction\s+costs?|commissions?|fees?|costs?)\s+(?:of\s+)?{bps}|{bps}\s+"
                            rf"(?:of\s+)?(?:transaction\s+costs?|commissions?|fees?|costs?)"):
            config["transaction_cost_bps"] = _number(m.group(1) or m.group(2))
        for m in self._each(rf"\bslippage\s+(?:of\s+)?{bps}|{bps}\s+(?:of\s+)?slippage"):
            config["slippage_model"] = "basic"
            config["slippage_bps"] = _number(m.group(1) or m.group(2))
        for _ in self._each(r"\b(?:no|zero|without)\s+(?:transaction\s+)?(?:costs|fees|commissions)\b"):
            config["transaction_cost_bps"] = 0

    # -- risk rules --------------------------------------------------------------------------------------------
    def _risk(self) -> None:
        risk = self.pieces.risk
        stop = r"stop(?:[\s-]?loss(?:es)?)?"
        for m in self._each(rf"{PCT_RE}\s+trailing(?:\s+{stop})?|trailing(?:\s+{stop})?\s+(?:of\s+|at\s+|to\s+|"
                            rf"=\s*|:\s*)?{PCT_RE}|trail(?:ing)?\s+(?:it\s+|the\s+stop\s+)?by\s+{PCT_RE}"):
            risk["trailing_stop"] = percent(_first(m))
        for m in self._each(
                rf"{PCT_RE}\s+(?:hard\s+)?{stop}|{stop}\s+(?:of\s+|at\s+|to\s+|=\s*|:\s*)?-?{PCT_RE}|cut\s+(?:the\s+)?"
                rf"(?:losses|losers)\s+at\s+{PCT_RE}|(?:sell|exit|get\s+out)\s+(?:if|when|once)\s+(?:it|the\s+"
                rf"(?:price|position|stock))\s+(?:drops|falls|loses|declines)\s+{PCT_RE}(?:\s+(?:from|below)\s+"
                rf"(?:the\s+)?(?:entry|purchase|buy)(?:\s+price)?)?"):
            risk["stop_loss"] = abs(percent(_first(m)))
        for m in self._each(
                rf"take[\s-]?profits?\s+(?:of\s+|at\s+|to\s+|=\s*|:\s*)?{PCT_RE}|{PCT_RE}\s+(?:take[\s-]?profit|"
                rf"profit[\s-]target|target)|profit[\s-]target\s+(?:of\s+|at\s+|to\s+)?{PCT_RE}|(?:sell|exit|take\s+"
                rf"profits?)\s+(?:if|when|once|after)\s+(?:it(?:'s|\s+is)?|the\s+(?:price|position|stock)(?:\s+is)?)"
                rf"\s+(?:up|gains|rises|has\s+gained)\s+{PCT_RE}"):
            risk["take_profit"] = percent(_first(m))
        for m in self._each(
                rf"(?:hold(?:ing)?|keep)(?:\s+(?:positions|it|them|each\s+position|trades|each\s+trade))?\s+(?:for\s+)?"
                rf"(?:at\s+most|no\s+(?:more|longer)\s+than|up\s+to|a\s+maximum\s+of|max(?:imum)?|under)\s+"
                rf"({WINDOW_RE})|max(?:imum)?\s+holding(?:\s+(?:period|time))?\s+(?:of\s+|to\s+)?({WINDOW_RE})|"
                rf"(?:exit|sell|close)(?:\s+(?:positions|it|them|the\s+position))?\s+(?:after|within)\s+({WINDOW_RE})|"
                rf"time\s+stop\s+(?:of\s+)?({WINDOW_RE})|max(?:imum)?\s+({WINDOW_RE})\s+(?:of\s+)?hold(?:ing)?(?:\s+(?:period|"
                rf"time))?|({WINDOW_RE})\s+(?:time\s+stop|max(?:imum)?\s+hold(?:ing)?"
                rf"(?:\s+period)?|holding\s+(?:limit|period))"):
            risk["max_holding_days"] = calendar_days(_first(m))
        cap_window = rf"(?:\s+(?:over|on|across)\s+{_LAST}({WINDOW_RE}))?"
        for m in self._each(
                rf"(?:volatility\s+cap|cap\s+(?:the\s+)?(?:annualized\s+)?volatility|max(?:imum)?\s+volatility)\s+"
                rf"(?:of\s+|at\s+|to\s+)?{PCT_RE}{cap_window}|(?:avoid|skip|exclude|ignore|don't\s+(?:buy|hold|"
                rf"trade|own)|do\s+not\s+(?:buy|hold|trade|own)|no\s+(?:positions|trades))\s+(?:in\s+)?(?:stocks|"
                rf"symbols|names|anything|positions|it)?\s*(?:with|whose|where|if|when)?\s*(?:the\s+|its\s+|their\s+)?"
                rf"(?:({WINDOW_RE})\s+)?(?:annualized\s+)?volatility\s+(?:is\s+)?(?:above|over|exceeds|greater\s+"
                rf"than|more\s+than|>)\s*{PCT_RE}{cap_window}"):
            groups = [g for g in m.groups() if g is not None]
            cap: dict[str, Any] = {"max_volatility": percent(next(g for g in groups if _is_number(g)))}
            windows = [g for g in groups if not _is_number(g)]
            if windows:
                cap["window"] = max(2, bars(windows[0]))
            risk["volatility_cap"] = cap

    # -- sizing ------------------------------------------------------------------------------------------------
    def _sizing(self) -> None:
        sizing = self.pieces.sizing
        for m in self._each(rf"(?:target(?:ing)?|aim(?:ing)?\s+for)\s+(?:an?\s+)?(?:annualized\s+)?(?:portfolio\s+)?"
                            rf"volatility\s+(?:of\s+)?{PCT_RE}|(?:target(?:ing)?|aim(?:ing)?\s+for)\s+(?:an?\s+)?"
                            rf"{PCT_RE}\s+(?:annualized\s+)?(?:portfolio\s+)?(?:volatility|vol)\b|{PCT_RE}\s+(?:annualized\s+)?(?:volatility|vol)\s+"
                            rf"target(?:ing)?|volatility[\s-]target(?:ing)?\s+(?:of\s+|at\s+)?{PCT_RE}"):
            sizing.update(method="volatility_target", target_volatility=percent(_first(m)))
        for m in self._each(rf"(?:max(?:imum)?\s+weight|no\s+(?:position|more)\s+(?:above|over|than)|cap\s+each\s+"
                            rf"position\s+at)\s+(?:of\s+)?{PCT_RE}"):
            sizing["max_weight"] = percent(_first(m))
        portfolio = r"(?:\s+of\s+(?:the\s+|my\s+)?(?:portfolio|equity|capital|cash|account|money))?"
        for m in self._each(
                rf"{PCT_RE}{portfolio}\s+(?:per|in|for|to|into|on)\s+(?:each\s+|every\s+|a\s+)?(?:position|trade|"
                rf"stock|name|holding|symbol)|(?:each|every)\s+(?:position|trade)\s+(?:gets|is|uses|of|at|takes)?\s*"
                rf"{PCT_RE}{portfolio}|(?:put|invest|allocate|use|commit|risk)\s+{PCT_RE}{portfolio}(?:\s+(?:in|"
                rf"into|per|on|to)\s+(?:each|every|a)\s+(?:position|trade|stock|name))?|position\s+size\s+(?:of\s+)?"
                rf"{PCT_RE}{portfolio}"):
            sizing.update(method="fixed_fraction", fraction=percent(_first(m)))
        for _ in self._each(r"\b(?:all[\s-]in|fully\s+invested|(?:the\s+)?(?:whole|entire)\s+(?:portfolio|account))"):
            sizing.update(method="fixed_fraction", fraction=1.0)
        for _ in self._each(r"\bequal(?:ly)?[\s-]?weight(?:ed|ing|s)?\b|\bequal\s+(?:weights|allocation|sizes?)\b|"
                            r"split\s+(?:the\s+)?(?:capital|portfolio|money)\s+equally"):
            sizing.setdefault("method", "equal_weight")
        count = rf"({NUMBER_RE})"
        for m in self._each(rf"\b(?:at\s+most|up\s+to|no\s+more\s+than|max(?:imum)?(?:\s+of)?|hold(?:ing)?|own|"
                            rf"keep|limit\s+(?:it\s+)?to)\s+{count}\s+(?:positions|stocks|names|symbols|holdings)"
                            rf"(?:\s+at\s+(?:a|one)\s+time|\s+at\s+once)?|max(?:imum)?[\s_]positions?\s*(?:of|=|:|to)?"
                            rf"\s*(\d+)|{count}\s+positions\s+(?:at\s+most|max(?:imum)?)"):
            sizing["max_positions"] = int(number_word(_first(m)))
        for m in self._each(rf"\b(?:the\s+)?(top|best|strongest|highest|bottom|worst|weakest|lowest)\s+{count}\b"
                            rf"(?:\s+(?:stocks|symbols|names|ones))?|\b{count}\s+(best|strongest|top|highest|worst|"
                            rf"weakest|lowest)\b(?:[\s-]performing)?(?:\s+(?:stocks|symbols|names|ones))?"):
            words = [g for g in m.groups() if g is not None]
            sizing["max_positions"] = int(number_word(next(w for w in words if re.fullmatch(NUMBER_RE, w))))
            order = next(w for w in words if not re.fullmatch(NUMBER_RE, w))
            sizing["rank_order"] = "asc" if order in ("bottom", "worst", "weakest", "lowest") else "desc"
            self._rank_at = m.end()

    # -- schedule and bar size ---------------------------------------------------------------------------------
    def _schedule(self) -> None:
        unit = {"day": "daily", "daily": "daily", "week": "weekly", "weekly": "weekly", "month": "monthly",
                "monthly": "monthly"}
        for m in self._each(r"\b(?:rebalanc\w*|rotat\w*|re-?balanc\w*|trade|check\s+(?:the\s+)?(?:signals|rules)|"
                            r"evaluate(?:\s+the\s+rules)?|run\s+the\s+rules|review)\s+(?:the\s+portfolio\s+)?"
                            r"(?:once\s+)?(?:a\s+|an\s+|per\s+|every\s+|each\s+)?(daily|weekly|monthly|day|week|month)"
                            r"\b|\b(daily|weekly|monthly)\s+(?:rebalanc\w*|rotation|schedule)|\b(?:every|each)\s+"
                            r"(day|week|month)\b|\b(?:at\s+the\s+)?(?:start|beginning|first\s+(?:trading\s+)?day)\s+"
                            r"of\s+(?:each|every|the)\s+(month|week)\b|\bonce\s+a\s+(day|week|month)\b"):
            self.pieces.rebalance = unit[_first(m)]
        for _ in self._each(r"\b(?:on\s+)?every\s+bar\b"):
            self.pieces.rebalance = "every_bar"
        for m in self._each(r"\b(?:on\s+|using\s+|with\s+)?(hourly|hour|minute|1[\s-]?minute|one[\s-]minute|daily|"
                            r"60[\s-]?minute)\s+(?:bars|data|candles|resolution|timeframe)\b|\bintraday\b"):
            word = (m.group(1) or "hour").replace(" ", "")
            self.pieces.resolution = "daily" if word == "daily" else "hour" if "hour" in word or "60" in word \
                else "minute"

    # -- universe ----------------------------------------------------------------------------------------------
    def _universe(self) -> None:
        pieces = self.pieces
        found: list[tuple[int, str]] = []  # (where, ticker): kept in the order the text names them
        for pattern, (kind, value) in UNIVERSE_ALIASES:
            for m in self._each(rf"\b(?:{pattern})\b"):
                if kind == "name":
                    pieces.universe_name = str(value)
                else:
                    found += [(m.start(), symbol) for symbol in value]
        for name in self.universe_names:
            spaced = re.escape(name.lower()).replace("_", "[_ ]")
            for _ in self._each(rf"\b{spaced}\b(?:\s+universe)?"):
                pieces.universe_name = name
        for company, company_ticker in COMPANY_TICKERS.items():
            for m in self._each(rf"\b{company}\b"):
                found.append((m.start(), company_ticker))
        for m in re.finditer(r"\$([A-Za-z][A-Za-z0-9]{0,5}(?:\.[A-Za-z])?)\b|\b([A-Z][A-Z0-9]{0,5}(?:\.[A-Z])?)\b|"
                             r"\b([a-z]{2,5})\b", self.text):
            if not self.cov.free(m.start(), m.end()):
                continue
            dollar, upper, lower = m.groups()
            ticker: str | None = (dollar or "").upper() or upper or (
                lower.upper() if lower in LOWERCASE_TICKERS else None)
            if ticker is None or (upper and (ticker in NOT_TICKERS or len(ticker) < 2
                                             or ticker not in self.known_symbols)):
                continue
            self.cov.take(m.start(), m.end())
            found.append((m.start(), ticker))
        for _, symbol in sorted(found, key=lambda item: item[0]):
            if symbol not in pieces.symbols:
                pieces.symbols.append(symbol)

    # -- crossover systems: an entry and its exit in one phrase --------------------------------------------------
    def _crossovers(self) -> None:
        averages = {"sma": "sma", "ma": "sma", "dma": "sma", "moving average": "sma", "ema": "ema",
                    "exponential moving average": "ema"}
        kinds = r"(exponential\s+moving\s+average|moving\s+average|sma|ema|dma|ma)"
        for m in self._each(rf"\b(\d+)\s*/\s*(\d+)[\s-]*(?:day\s+|bar\s+)?{kinds}\s+cross(?:over|overs|ing)?\b"):
            indicator = averages[re.sub(r"\s+", " ", m.group(3))]
            fast = {"indicator": indicator, "params": {"window": int(m.group(1))}}
            slow = {"indicator": indicator, "params": {"window": int(m.group(2))}}
            self._crossing.append(({**fast, "op": "crosses_above", "value": slow},
                                   {**fast, "op": "crosses_below", "value": slow}))
        for m in self._each(rf"\b({WINDOW_RE})[\s-]*{kinds}\s+cross(?:over|overs|ing)?\b"):
            average = {"indicator": averages[re.sub(r"\s+", " ", m.group(2))], "params": {"window": bars(m.group(1))}}
            self._crossing.append(({"indicator": "price", "op": "crosses_above", "value": average},
                                   {"indicator": "price", "op": "crosses_below", "value": average}))

    # -- conditions --------------------------------------------------------------------------------------------
    def _conditions(self) -> None:
        items = self._items()
        used: set[int] = set()
        conditions: list[tuple[int, int, dict[str, Any]]] = []  # (start, end, comparison)
        index = 0
        self._last: dict[str, Any] | None = None  # the comparison an "it" refers back to
        while index < len(items):
            found = self._condition_at(items, index)
            if found is None:
                index += 1
                continue
            length, comparison = found
            span = items[index:index + length]
            used.update(range(index, index + length))
            if all(c != comparison for _, _, c in conditions):
                conditions.append((span[0].start, span[-1].end, comparison))  # "buy on the golden cross" twice
            if "op" in comparison:
                self._last = comparison
            index += length
        self._rank(items, used)
        for position, item in enumerate(items):
            if position in used or item.kind in ("role", "flip"):
                self.cov.take(item.start, item.end)
        roles = [(item.start, item.value) for item in items if item.kind == "role"]
        flips = [item for item in items if item.kind == "flip"]
        by_role: dict[str, list[tuple[int, int, dict[str, Any]]]] = {"entry": [], "exit": []}
        for start, end, comparison in conditions:
            role = next((value for at, value in reversed(roles) if at <= start), "entry")
            if role == "short":
                self._refused.append(f"{self.text[start:end]} (to sell short: specs open long positions only)")
                continue
            by_role[role].append((start, end, comparison))
        for role, spans in by_role.items():
            joints = [self.cov.lower[a[1]:b[0]] for a, b in itertools.pairwise(spans)]
            logic = "any" if joints and all(re.search(r"\bor\b", joint) for joint in joints) else "all"
            setattr(self.pieces, role, [comparison for _, _, comparison in spans])
            setattr(self.pieces, f"{role}_logic", logic)
        for entry, exit_ in self._crossing:  # "a 50/200 SMA crossover": in on the cross up, out on the cross down
            self.pieces.entry.insert(0, entry)
            if self.pieces.exit_logic == "all" and self.pieces.exit:
                continue  # an exit rule of its own is kept as written
            self.pieces.exit.insert(0, exit_)
            self.pieces.exit_logic = "any" if len(self.pieces.exit) > 1 else "all"
        if flips and not self.pieces.exit:
            self.pieces.exit_flips_entry = True

    def _items(self) -> list[_Item]:
        """Candidate words and phrases, not yet marked read: only those that form conditions are."""
        claimed = bytearray(len(self.text))
        items: list[_Item] = []

        def claim_span(kind: str, start: int, end: int, value: Any) -> None:
            if not any(claimed[start:end]):
                claimed[start:end] = b"\x01" * (end - start)
                items.append(_Item(kind, start, end, value))

        def claim(kind: str, pattern: str, value: Any = None) -> None:
            for m in self.cov.finditer(pattern):
                claim_span(kind, m.start(), m.end(), value(m) if callable(value) else value)

        claim("flip", r"\b(?:when|if|once|on)\s+(?:the\s+)?(?:trend\s+(?:breaks|reverses|ends|turns|fails)|(?:signal|"
                      r"cross(?:over)?)\s+reverses|(?:it|this|that)\s+reverses|(?:the\s+)?opposite\s+(?:happens|is\s+"
                      r"true|occurs|cross)|(?:the\s+)?(?:entry\s+)?conditions?\s+(?:no\s+longer\s+holds?|fails?|"
                      r"(?:is|are)\s+no\s+longer\s+(?:true|met))|reverse\s+(?:cross(?:over)?|signal))|\bvice\s+versa\b")
        claim("golden", r"\bgolden\s+cross(?:over)?\b", "crosses_above")
        claim("golden", r"\bdeath\s+cross(?:over)?\b", "crosses_below")
        claim("role", r"\b(?:sell(?:s|ing)?\s+short|go(?:es|ing)?\s+short|short(?:s|ing)?)\b", "short")
        claim("role", r"\b(?:sell(?:s|ing)?|exit(?:s|ing)?|get\s+out|liquidate|close\s+(?:the\s+|out|it|all|"
                      r"positions?|them)|cover)\b", "exit")
        claim("role", r"\b(?:buy(?:s|ing)?|go(?:es|ing)?\s+long|long|enter(?:s|ing)?|entries|entry|purchase|get\s+in|"
                      r"accumulate|open\s+(?:a\s+)?(?:position|long))\b", "entry")
        if self._rank_at is not None:
            claim("rank", r"\b(?:ranked\s+|sorted\s+|ordered\s+)?by\b")
        claim("rank", r"\b(?:rank(?:ed|ing|s)?|sort(?:ed|ing|s)?|order(?:ed)?|pick(?:ed)?|select(?:ed)?)\s+"
                      r"(?:them\s+|symbols\s+|stocks\s+|names\s+)?by\b")
        claim("signal", r"\b(?:its|the)\s+signal(?:\s+line)?\b|\bsignal\s+line\b|\bthe\s+signal\b")
        self._expression_items(claim_span)
        claim("duration", rf"\b(?:for|over|in|during|within|across)\s+{_LAST}(?:a\s+)?({WINDOW_RE})",
              lambda m: m.group(1))
        claim("window", rf"\b(?:the\s+|its\s+|their\s+)?({WINDOW_RE})(?:\s+(?:one|line|level|mark|average|ma))?",
              lambda m: m.group(1))
        claim("between", r"\bbetween\s+(-?\d+(?:\.\d+)?)\s*(%?)\s+and\s+(-?\d+(?:\.\d+)?)\s*(%?)",
              lambda m: ((float(m.group(1)), bool(m.group(2) or m.group(4))),
                         (float(m.group(3)), bool(m.group(2) or m.group(4)))))
        claim("op", r"cross(?:es|ed|ing)?\s+(?:back\s+)?(?:above|over)|break(?:s|ing)?\s+(?:out\s+)?(?:above|over|"
                    r"through)|cross(?:es|ed)?\s+up(?:\s+through)?|turns?\s+up\s+through", "crosses_above")
        claim("op", r"cross(?:es|ed|ing)?\s+(?:back\s+)?(?:below|under)|break(?:s|ing)?\s+(?:down\s+)?(?:below|"
                    r"under|through)|cross(?:es|ed)?\s+down(?:\s+through)?", "crosses_below")
        claim("op", r">=|=>|\bat\s+least\b|\bat\s+or\s+above\b|\bno\s+less\s+than\b|\bnot\s+below\b", ">=")
        claim("op", r"<=|=<|\bat\s+most\b|\bat\s+or\s+below\b|\bno\s+more\s+than\b|\bnot\s+above\b", "<=")
        claim("op", r">|\babove\b|\bover\b|\bgreater\s+than\b|\bmore\s+than\b|\bhigher\s+than\b|\bexceed(?:s|ing)?\b|"
                    r"\btops\b", ">")
        claim("op", r"<|\bbelow\b|\bunder\b|\bless\s+than\b|\blower\s+than\b|\bbeneath\b|\bsmaller\s+than\b", "<")
        claim("state", r"\b(?:is\s+|gets\s+|becomes\s+)?(oversold|overbought|positive|negative|bullish|bearish|"
                       r"good|bad|favorable|unfavorable)\b", lambda m: m.group(1))
        claim("num", r"(?<![\w.])zero\b", lambda m: (0.0, False))
        claim("num", r"(?<![\w.])(-?\d+(?:\.\d+)?)(?:\s*(%|percent\b|pct\b))?",
              lambda m: (float(m.group(1)), m.group(2) is not None))
        return sorted(items, key=lambda item: item.start)

    def _expression_items(self, claim_span: Any) -> None:
        forms: list[tuple[str, str, str]] = []
        for pattern, indicator in INDICATOR_NAMES:
            name = rf"(?P<name>{pattern})"
            after = indicator not in ("price", "volume", "news_sentiment", "returns")
            forms += [
                (rf"\b(?P<win>{WINDOW_RE})[\s-]*(?:simple\s+|exponential\s+)?{name}\b", indicator, "window_first"),
                (rf"\b{name}[\s-]*\(?\s*(?P<num>\d+)(?:\s*,\s*(?P<num2>\d+(?:\.\d+)?))?(?:\s*,\s*(?P<num3>\d+))?"
                 rf"\s*\)?(?![\d.%\w])(?![\s-]*(?:%|percent))" if after else r"(?!x)x", indicator, "number_after"),
                (rf"\b{name}\s+(?:over|of|across|during|in|for)\s+{_LAST}(?P<win>{WINDOW_RE})", indicator,
                 "window_after"),
                (r"\b(?P<num>\d+)\s*dma\b" if indicator == "sma" else r"(?!x)x", indicator, "number_after"),
                (rf"\b(?P<num>\d+)[\s-]*{name}\b" if indicator in _NUMBER_FIRST else r"(?!x)x", indicator,
                 "number_after"),
                (rf"\b{name}\b", indicator, "bare"),
            ]
        candidates = []
        for pattern, indicator, form in forms:
            for m in self.cov.finditer(pattern):
                candidates.append((m, indicator, form))
        # The longest phrase wins where candidates overlap ("50-day moving average" over "moving average").
        candidates.sort(key=lambda c: (-(c[0].end() - c[0].start()), c[0].start()))
        for m, indicator, form in candidates:
            claim_span("expr", m.start(), m.end(), _expression(indicator, m, form))

    def _condition_at(self, items: list[_Item], index: int) -> tuple[int, dict[str, Any]] | None:
        """A condition starting at ``items[index]``: (how many items it spans, the comparison)."""
        first = items[index]
        if first.kind == "golden":
            fast, slow = {"indicator": "sma", "params": {"window": 50}}, {"indicator": "sma", "params": {"window": 200}}
            return 1, {**fast, "op": first.value, "value": slow}
        if first.kind == "state" and first.value in ("oversold", "overbought"):
            return 1, self._state({"indicator": "rsi"}, first.value)
        last = self._last if self._refers_back(first.start) else None
        if first.kind == "state" and last is not None:  # "sell when it turns negative"
            return 1, self._state(_subject_of(last), first.value)
        subject: dict[str, Any] | None = None
        taken = 0
        if first.kind == "expr":
            subject, taken = first.value, 1
        elif first.kind == "op" and last is not None:  # "sell when it is above 70": the last subject is meant
            subject = _subject_of(last)
        elif first.kind == "op" and (index == 0 or not self._near(items[index - 1], first)
                                     or items[index - 1].kind in ("role", "num")) \
                and not self._unknown_words_before(items[index - 1].end if index else 0, first.start) \
                and not self._percent_before(items, index):
            subject = {"indicator": "price"}  # "buy when above its 200-day": the price is meant
        if subject is None or subject.get("unusable"):
            return None
        rest = items[index + taken:]
        if last is not None and first.kind == "op" and (len(rest) < 2 or not self._near(rest[0], rest[1])
                                                        or rest[1].kind not in ("num", "expr", "window", "signal")):
            return 1, {**subject, "op": first.value, "value": last["value"]}  # "exit when it crosses below"
        if not rest or (taken and not self._near(first, rest[0])):
            return None
        if rest[0].kind == "state":
            comparison = self._state(subject, rest[0].value)
            return self._with_duration(items, index + taken + 1, taken + 1, comparison)
        if rest[0].kind == "between":  # "RSI(14) between 40 and 60": both bounds hold
            low, high = (self._threshold(subject, *bound) for bound in rest[0].value)
            base = _without_marks(subject)
            return taken + 1, {"all": [{**base, "op": ">=", "value": low}, {**base, "op": "<=", "value": high}]}
        if rest[0].kind != "op" or len(rest) < 2 or not self._near(rest[0], rest[1]):
            return None
        op, target = rest[0].value, rest[1]
        value: Any
        if target.kind == "num":
            value = self._threshold(subject, *target.value)
        elif target.kind == "expr" and not target.value.get("unusable"):
            value = _without_marks(target.value)
        elif target.kind == "window":
            indicator = subject["indicator"] if subject["indicator"] in ("sma", "ema", "rolling_max",
                                                                          "rolling_min") else "sma"
            value = _expression(indicator, None, "window", window=target.value)
        elif target.kind == "signal" and subject["indicator"] == "macd":
            value = {"indicator": "macd", **({"params": subject["params"]} if "params" in subject else {}),
                     "output": "signal"}
        elif target.kind == "state":
            comparison = self._state(subject, target.value)
            return self._with_duration(items, index + taken + 2, taken + 2, comparison)
        else:
            return None
        comparison = {**_without_marks(subject), "op": op, "value": value}
        return self._with_duration(items, index + taken + 2, taken + 2, comparison)

    def _with_duration(self, items: list[_Item], after: int, length: int,
                       comparison: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A trailing "for a week" / "over the last 20 days" sets the window of a subject that had none."""
        if after < len(items) and items[after].kind == "duration" and self._near(items[after - 1], items[after]) \
                and "params" not in comparison and comparison["indicator"] not in ("price", "volume", "macd"):
            window = items[after].value
            days = calendar_days(window) if comparison["indicator"] == "news_sentiment" else bars(window)
            comparison = {"indicator": comparison["indicator"], "params": {"window": max(days, 2) if
                          comparison["indicator"] == "volatility" else days},
                          **{k: v for k, v in comparison.items() if k != "indicator"}}
            return length + 1, comparison
        return length, comparison

    def _percent_before(self, items: list[_Item], index: int) -> bool:
        """ "the price is 5% above the 50-day SMA": a distance the DSL cannot state, so no condition is formed."""
        before = items[index - 1] if index else None
        return before is not None and before.kind == "num" and before.value[1] and self._near(before, items[index])

    def _unknown_words_before(self, start: int, at: int) -> bool:
        """Unread words that are not fillers between the clause start (or ``start``) and ``at``: the subject of
        "the Williams %R is below -80" is an indicator the agent does not know, not the price."""
        breaks = list(re.finditer(r"[.;:!?\n,]", self.cov.lower[start:at]))
        begin = start + breaks[-1].end() if breaks else start
        for word in re.finditer(r"[a-z0-9%$'&]+", self.cov.lower[begin:at]):
            where = begin + word.start()
            if self.cov.free(where, where + len(word.group())) and word.group() not in FILLER_WORDS:
                return True
        return False

    def _refers_back(self, at: int) -> bool:
        """An "it" or "they" just before ``at``, in the same clause, with an earlier comparison to refer to."""
        before = self.cov.lower[max(0, at - 30):at]
        return self._last is not None and re.search(r"\b(?:it|they)(?:'s)?\s+(?:[a-z]+\s+)?$", before) is not None

    def _state(self, subject: dict[str, Any], state: str) -> dict[str, Any]:
        base = _without_marks(subject)
        if state in ("oversold", "overbought"):
            if base["indicator"] != "rsi":
                base = {"indicator": "rsi"}
            return {**base, "op": "<" if state == "oversold" else ">", "value": 30 if state == "oversold" else 70}
        rising = state in ("positive", "bullish", "good", "favorable")
        # VADER's convention: a compound score above 0.05 is positive, below -0.05 negative.
        threshold = 0.05 if base["indicator"] == "news_sentiment" else 0
        return {**base, "op": ">" if rising else "<", "value": threshold if rising else -threshold}

    def _threshold(self, subject: dict[str, Any], number: float, is_percent: bool) -> float | int:
        if is_percent or (subject["indicator"] in _FRACTION_INDICATORS and abs(number) > 1):
            if not is_percent:
                self.pieces.notes.append(f"read {number:g} for {subject['indicator']} as {number:g}%")
            return percent(str(number))
        return int(number) if number.is_integer() else number

    def _near(self, left: _Item, right: _Item) -> bool:
        """Only filler words (no clause break) lie between two items."""
        gap = self.cov.lower[left.end:right.start]
        if re.search(r"[.;:!?\n]", gap):
            return False
        words = re.findall(r"[a-z0-9']+", gap)
        return all(word in FILLER_WORDS or word in ("its", "the", "crosses") for word in words)

    def _rank(self, items: list[_Item], used: set[int]) -> None:
        """``rank by 6-month momentum``, or ``top 3 ... over 6 months`` right after a top-N phrase."""
        for position, item in enumerate(items):
            if item.kind != "expr" or position in used or item.value.get("unusable"):
                continue
            before = items[position - 1] if position else None
            after_top = self._rank_at
            ranked = before is not None and before.kind == "rank" and self._near(before, item)
            top = after_top is not None and after_top <= item.start and not re.search(
                r"[.;:!?\n]", self.cov.lower[after_top:item.start]) and len(
                self.cov.lower[after_top:item.start].split()) <= 3
            if ranked or top:
                expression = _without_marks(item.value)
                if position + 1 < len(items) and items[position + 1].kind == "duration" and "params" not in expression:
                    expression["params"] = {"window": bars(items[position + 1].value)}
                    used.add(position + 1)
                self.pieces.rank_by = expression
                used.add(position)
                if ranked:
                    used.add(position - 1)
                return


def _expression(indicator: str, match: re.Match[str] | None, form: str, *,
                window: str | None = None) -> dict[str, Any]:
    """The DSL expression a matched indicator phrase stands for (``unusable`` when a needed window is missing)."""
    name = match.group("name") if match is not None and "name" in match.groupdict() and match.group("name") else ""
    groups = match.groupdict() if match is not None else {}
    window_text = window or groups.get("win")
    expression: dict[str, Any] = {"indicator": indicator}
    params: dict[str, Any] = {}
    if window_text:
        params["window"] = calendar_days(window_text) if indicator == "news_sentiment" else bars(window_text)
    elif groups.get("num"):
        params["window"] = int(groups["num"])
    if indicator == "macd":
        numbers = [groups.get(key) for key in ("num", "num2", "num3")]
        params = {}
        if all(numbers):
            params = {"fast": int(numbers[0]), "slow": int(float(numbers[1])), "signal": int(numbers[2])}  # type: ignore[arg-type]
        output = "histogram" if "histogram" in name else "signal" if "signal" in name else None
        if output:
            expression["output"] = output
    elif indicator == "bollinger":
        if groups.get("num2"):
            params["k"] = float(groups["num2"])
        expression["output"] = next((o for o in ("upper", "lower", "middle") if o in name), "middle")
    elif indicator == "volatility" and "window" in params:
        params["window"] = max(2, params["window"])
    elif indicator in ("rolling_max", "rolling_min"):
        expression["lag"] = 1  # a breakout compares with the bars before this one (the window includes this bar)
    elif indicator in ("price", "volume"):
        params = {}
    if params:
        expression["params"] = params
    if indicator in _NEEDS_WINDOW and "window" not in params:
        expression["unusable"] = True
    return expression


def _subject_of(comparison: dict[str, Any]) -> dict[str, Any]:
    """The expression a comparison compares (its ``op`` and ``value`` left out)."""
    return {key: value for key, value in comparison.items() if key not in ("op", "value")}


def _without_marks(expression: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in expression.items() if k != "unusable"}
    if "params" in out:
        out["params"] = dict(out["params"])
    return out


def flip_condition(comparison: dict[str, Any]) -> dict[str, Any]:
    """The opposite comparison (``>`` → ``<``, a crossing above → below), for "sell when it reverses"; the
    negation of a condition without an operator (``{"all": [...]}``)."""
    if "op" not in comparison:
        return {"not": comparison}
    return {**comparison, "op": _FLIP[comparison["op"]]}


def _first(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group is not None)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _date(text: str, *, start: bool) -> str:
    if len(text) == 4:
        return f"{text}-01-01" if start else f"{text}-12-31"
    return text


def _money(amount: str, scale: str | None) -> float | int:
    value = float(amount.replace(",", ""))
    value *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6}.get((scale or "").lower(), 1)
    return int(value) if value.is_integer() else value
