"""The words the offline agent knows: numbers, periods, indicator names, company names and universe aliases.

Plain tables and small readers, no parsing state. ``docs/agent.md`` lists what they cover.

Example::

    bars("6-month")           # 126 (trading days)
    calendar_days("a week")   # 7
    number_word("twenty")     # 20.0
"""

from __future__ import annotations

import re

__all__ = [
    "COMPANY_TICKERS", "FILLER_WORDS", "INDICATOR_NAMES", "LOWERCASE_TICKERS", "NOT_TICKERS", "NUMBER_RE",
    "PCT_RE", "UNIVERSE_ALIASES", "WINDOW_RE", "bars", "calendar_days", "number_word", "percent",
]

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100}
NUMBER_RE = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"

# Units of a window, with their length in trading bars and in calendar days.
_UNITS: tuple[tuple[str, int, int], ...] = (
    (r"trading[\s-]days?|days?|d|sessions?|bars?|periods?|candles?", 1, 1),
    (r"hours?|hrs?", 1, 1),  # on hourly bars, one bar each
    (r"weeks?|wks?|w", 5, 7),
    (r"months?|mos?", 21, 30),
    (r"quarters?|qtrs?", 63, 91),
    (r"years?|yrs?|y", 252, 365),
)
_UNIT_RE = "|".join(f"(?:{pattern})" for pattern, _, _ in _UNITS)
_WORD_UNIT_RE = r"trading[\s-]days?|days?|sessions?|bars?|hours?|weeks?|months?|quarters?|years?"
_NUMBER_WORD_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# Digits take any unit ("50d"); number words only whole unit words after a space ("two weeks", not "and").
WINDOW_RE = rf"(?:\d+(?:\.\d+)?[\s-]*(?:{_UNIT_RE})|(?:{_NUMBER_WORD_RE})[\s-]+(?:{_WORD_UNIT_RE}))\b"
"""A window such as ``50-day``, ``50d``, ``6 months``, ``a week``, ``two-week``."""

PCT_RE = r"(-?\d+(?:\.\d+)?)\s*(?:%|percent\b|pct\b)"
"""A percentage; the group is its number (``5%`` → ``5``)."""


def number_word(text: str) -> float:
    """``"20"`` → 20.0, ``"twenty"`` → 20.0, ``"a"`` → 1.0."""
    text = text.strip().lower()
    return float(NUMBER_WORDS[text]) if text in NUMBER_WORDS else float(text)


def _split_window(text: str) -> tuple[float, int, int]:
    match = re.fullmatch(rf"\s*({NUMBER_RE})[\s-]*(.+?)\s*", text.lower())
    if not match:
        raise ValueError(f"not a window: {text!r}")
    count, unit = number_word(match.group(1)), match.group(2)
    for pattern, trading, calendar in _UNITS:
        if re.fullmatch(pattern, unit):
            return count, trading, calendar
    raise ValueError(f"unknown window unit in {text!r}")


def bars(text: str) -> int:
    """A window in trading bars: days count one each, a week 5, a month 21, a quarter 63, a year 252."""
    count, trading, _ = _split_window(text)
    return max(1, round(count * trading))


def calendar_days(text: str) -> int:
    """A window in calendar days (news sentiment, holding limits): a week is 7, a month 30, a year 365."""
    count, _, calendar = _split_window(text)
    return max(1, round(count * calendar))


def percent(text: str) -> float:
    """``"5"`` (from ``5%``) → 0.05."""
    return round(float(text) / 100, 10)


# (regex, indicator): longest phrases first, so "exponential moving average" wins over "moving average".
INDICATOR_NAMES: tuple[tuple[str, str], ...] = (
    (r"exponential\s+moving\s+averages?|ema", "ema"),
    (r"simple\s+moving\s+averages?|moving\s+averages?|smas?|dma|ma", "sma"),
    (r"relative\s+strength\s+index|relative\s+strength|rsi", "rsi"),
    (r"average\s+true\s+range|atr", "atr"),
    (r"rate\s+of\s+change|roc", "roc"),
    (r"macd(?:\s+histogram|\s+signal(?:\s+line)?|\s+line)?", "macd"),
    (r"(?:upper|lower|middle)\s+bollinger\s+bands?|bollinger\s+bands?(?:\s+(?:upper|lower|middle)(?:\s+band)?)?"
     r"|(?:upper|lower|middle)\s+band", "bollinger"),
    (r"annualized\s+volatility|volatility|standard\s+deviation|vol", "volatility"),
    (r"news\s+sentiment|sentiment\s+score|sentiment|news|headlines", "news_sentiment"),
    (r"returns?|momentum|performance|performers?|gains?", "returns"),
    (r"highs?|highest\s+(?:close|price)", "rolling_max"),
    (r"lows?|lowest\s+(?:close|price)", "rolling_min"),
    (r"volume", "volume"),
    (r"closing\s+price|share\s+price|stock\s+price|price|close|the\s+stock", "price"),
)

COMPANY_TICKERS: dict[str, str] = {
    "apple": "AAPL", "google": "GOOG", "alphabet": "GOOG", "facebook": "FB", "ibm": "IBM", "microsoft": "MSFT",
    "amazon": "AMZN", "netflix": "NFLX", "nvidia": "NVDA", "tesla": "TSLA", "bank of america": "BAC",
    "waste management": "WM", "aig": "AIG", "jpmorgan": "JPM", "exxon": "XOM", "intel": "INTC",
}

# Phrases for sets of symbols: ("name", NAME) is a named universe file; ("symbols", [...]) a list.
UNIVERSE_ALIASES: tuple[tuple[str, tuple[str, str | tuple[str, ...]]], ...] = (
    (r"(?:the\s+)?s\s*&\s*p\s*500\s+(?:etf|index\s+fund|tracker)", ("symbols", ("SPY",))),
    (r"(?:the\s+)?(?:s\s*&\s*p\s*500|s&p500|sp\s?500|sp-500)(?:\s+(?:stocks|constituents|members|names|"
     r"companies|universe))?", ("name", "SP500")),
    (r"(?:the\s+)?lean\s+sample(?:\s+(?:universe|data|symbols|stocks))?|(?:the\s+)?sample\s+universe",
     ("name", "LEAN_SAMPLE")),
    (r"large[\s-]cap\s+tech(?:nology)?(?:\s+(?:stocks|names|companies))?|big\s+tech(?:\s+(?:stocks|names))?"
     r"|mega[\s-]cap\s+tech(?:\s+stocks)?|tech\s+(?:giants|stocks)", ("symbols", ("AAPL", "GOOG", "FB", "IBM"))),
    (r"faang(?:\s+stocks)?", ("symbols", ("FB", "AAPL", "AMZN", "NFLX", "GOOG"))),
    (r"(?:the\s+)?nasdaq(?:[\s-]100)?(?:\s+etf)?", ("symbols", ("QQQ",))),
    (r"(?:the\s+)?russell\s+2000|small[\s-]caps?(?:\s+stocks)?", ("symbols", ("IWM",))),
    (r"emerging\s+markets?", ("symbols", ("EEM",))),
    (r"brent(?:\s+crude|\s+oil)?", ("symbols", ("BNO",))),
    (r"(?:crude\s+)?oil(?:\s+etf)?", ("symbols", ("USO",))),
)

# Lower-case words taken as tickers (researchers type "buy spy"); only ones that are not English words.
_LOWERCASE = ("aapl", "aig", "bac", "bno", "eem", "fb", "goog", "googl", "ibm", "iwm", "qqq", "spy", "uso",
                    "msft", "amzn", "nvda", "tsla", "nflx", "jpm", "xom", "intc")
LOWERCASE_TICKERS = frozenset(_LOWERCASE)

# Upper-case words that are not tickers here even when a universe lists them.
NOT_TICKERS = frozenset({
    "MA", "SMA", "EMA", "RSI", "ATR", "ROC", "MACD", "BB", "US", "USA", "USD", "ETF", "IT", "ON", "ARE", "ALL",
    "KEY", "SO", "OR", "AND", "NOW", "BE", "IF", "AT", "AN", "IN", "OF", "TO", "THE", "A", "I", "DMA", "PM",
    "AM", "UP", "NO", "GO", "OK", "TP", "SL", "MAX", "MIN", "EOD", "CEO", "AI", "VIX", "NYSE", "ETFS", "BPS",
})

# Words that carry no rule of their own ("buy the stock when ..."); what is left after them is reported.
_FILLER_TEXT = """
    backtest backtested test rank ranked ranking sort sorted
    turn turns turned
    a an the is are be been being was were has have had when whenever if once while and or but then also its
    it's their them they it of to in on at for with that which this these those stock stocks share shares
    position positions strategy i we you want would like please should could only just both either as so go
    goes going moves moving stays stay remains remain gets get rises rise rising falls fall falling drops
    drop climbs climb line level value my our me us let lets let's buy buys buying purchase long enter
    enters entering entry open opens sell sells selling exit exits exiting close out closes liquidate dump
    rule rules condition conditions signal signals trade trades trading make create build strategy: using
    use uses used by from than there here do does some any will can may might keep each every all new based
    etc e.g. i.e. plus into over above below under that's it’s ones one per day days bar bars simple plain
    basic system algo algorithm generally typically roughly approximately about around too very really quite
    rather currently add adds set change changes switch lengthen shorten tighten loosen raise lower increase
    decrease instead reduce require requires required need needs after before hold holds holding own owns
    among universe list names symbols tickers across
"""
FILLER_WORDS = frozenset(_FILLER_TEXT.split())
