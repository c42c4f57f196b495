"""The indicators a spec can use: their names, parameters (with ranges and defaults) and outputs.

This table drives validation (``Unknown indicator 'smaa'; did you mean 'sma'?``), the JSON
Schema, the documentation and the compiler. Windows count bars of the spec's resolution,
except ``news_sentiment``, whose window counts calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lean_runner.dsl.kinds import Boolean, Choice, Context, Integer, Kind, Number, Tunable
from lean_runner.dsl.problems import Path, did_you_mean, quoted_list

__all__ = ["INDICATORS", "IndicatorDef", "IndicatorParam", "check_params", "params_schema", "resolved_params"]

PRICE_FIELDS = ("close", "open", "high", "low")


@dataclass(frozen=True)
class IndicatorParam:
    name: str
    kind: Kind
    doc: str
    default: Any = None  # None: required

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class IndicatorDef:
    name: str
    doc: str
    params: tuple[IndicatorParam, ...] = ()
    outputs: tuple[str, ...] = ()
    default_output: str | None = None

    def param(self, name: str) -> IndicatorParam | None:
        return next((p for p in self.params if p.name == name), None)


def _window(doc: str, default: int | None = None, minimum: int = 1) -> IndicatorParam:
    return IndicatorParam("window", Tunable(Integer(minimum=minimum)), doc, default)


_FIELD = IndicatorParam("field", Choice(PRICE_FIELDS, "price field"), "Which price of the bar.", "close")

INDICATORS: dict[str, IndicatorDef] = {d.name: d for d in (
    IndicatorDef("price", "The bar's price (its close unless 'field' says otherwise).", (_FIELD,)),
    IndicatorDef("volume", "The bar's traded volume (shares)."),
    IndicatorDef("returns", "Simple return over the last 'window' bars: close / close 'window' bars ago - 1.",
                 (_window("Bars to look back.", 1),)),
    IndicatorDef("sma", "Simple moving average of the close over 'window' bars (LEAN's SMA).",
                 (_window("Bars averaged."),)),
    IndicatorDef("ema", "Exponential moving average of the close, smoothing 2 / (window + 1), starting from the "
                        "first close; ready after 'window' bars (LEAN's EMA).", (_window("Bars of the EMA period."),)),
    IndicatorDef("rsi", "Wilder's relative strength index of the close, 0..100 (LEAN's RSI with Wilder's "
                        "smoothing).", (_window("Bars of the RSI period.", 14),)),
    IndicatorDef("macd", "MACD of the close: 'line' = EMA(fast) - EMA(slow), 'signal' = EMA(signal) of the line, "
                         "'histogram' = line - signal (LEAN's MACD).",
                 (IndicatorParam("fast", Tunable(Integer(minimum=1)), "Bars of the fast EMA.", 12),
                  IndicatorParam("slow", Tunable(Integer(minimum=1)), "Bars of the slow EMA.", 26),
                  IndicatorParam("signal", Tunable(Integer(minimum=1)), "Bars of the signal EMA.", 9)),
                 ("line", "signal", "histogram"), "line"),
    IndicatorDef("bollinger", "Bollinger bands of the close: 'middle' = SMA(window), 'upper'/'lower' = middle "
                              "± k population standard deviations over the same window (LEAN's BB).",
                 (_window("Bars of the bands.", 20),
                  IndicatorParam("k", Tunable(Number(minimum=0, exclusive_minimum=True)),
                                 "Width in standard deviations.", 2)),
                 ("upper", "middle", "lower")),
    IndicatorDef("atr", "Average true range over 'window' bars with Wilder's smoothing (LEAN's ATR), in price units.",
                 (_window("Bars of the ATR period.", 14),)),
    IndicatorDef("roc", "Rate of change of the close over 'window' bars as a fraction, (close - close 'window' "
                        "bars ago) / close 'window' bars ago (LEAN's ROC).", (_window("Bars to look back."),)),
    IndicatorDef("volatility", "Standard deviation (sample) of the 1-bar simple returns over 'window' bars; "
                               "annualized with sqrt(bars per year) unless 'annualized' is false.",
                 (_window("Returns in the sample.", 20, minimum=2),
                  IndicatorParam("annualized", Boolean(), "Scale to a yearly figure.", True))),
    IndicatorDef("rolling_max", "Highest value of a price field over the last 'window' bars, the current bar "
                                "included (use 'lag': 1 for the previous 'window' bars).",
                 (_window("Bars in the window."), _FIELD)),
    IndicatorDef("rolling_min", "Lowest value of a price field over the last 'window' bars, the current bar "
                                "included (use 'lag': 1 for the previous 'window' bars).",
                 (_window("Bars in the window."), _FIELD)),
    IndicatorDef("news_sentiment", "Mean of the daily VADER compound scores (-1..1) of the symbol's headlines on "
                                   "the days with news in the last 'window' calendar days; 0 (neutral) without "
                                   "news. Needs alternative/news-sentiment/<symbol>.csv (workbench data "
                                   "import-news).", (IndicatorParam("window", Tunable(Integer(minimum=1)),
                                                                    "Calendar days of news.", 7),)),
)}


def check_params(definition: IndicatorDef, raw: Any, path: Path, ctx: Context) -> bool:
    """Check a ``params`` object against ``definition``: unknown names, missing required ones, each value."""
    if raw is None:
        required = [p for p in definition.params if p.required]
        if required:
            ctx.report.error(path, f"Missing required key 'params': '{definition.name}' needs " + ", ".join(
                f"'{p.name}' ({p.kind.describe()})" for p in required))
        return not required
    ok = True
    for name in raw:
        if definition.param(name) is None:
            known = [p.name for p in definition.params]
            guess = did_you_mean(name, known)
            hint = (f"did you mean '{guess}'?" if guess else
                    f"it takes {quoted_list(known, conjunction='and')}" if known else "it takes no parameters")
            ctx.report.error((*path, name), f"Unknown parameter '{name}' for '{definition.name}'; {hint}")
            ok = False
    for param in definition.params:
        if param.name in raw:
            ok = param.kind.check(raw[param.name], (*path, param.name), ctx) and ok
        elif param.required:
            ctx.report.error((*path, param.name),
                             f"Missing required parameter '{param.name}' of '{definition.name}': "
                             f"{param.kind.describe()} ({param.doc.rstrip('.').lower()})")
            ok = False
    return ok


def resolved_params(definition: IndicatorDef, params: dict[str, Any] | None) -> dict[str, Any]:
    """Every parameter of ``definition``: the given ones, and defaults for the rest."""
    given = params or {}
    return {p.name: given.get(p.name, p.default) for p in definition.params}


def params_schema(definition: IndicatorDef, defs: dict[str, Any]) -> dict[str, Any]:
    properties = {}
    for param in definition.params:
        prop = {**param.kind.schema(defs), "description": param.doc}
        if not param.required:
            prop["default"] = param.default
        properties[param.name] = prop
    body: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [p.name for p in definition.params if p.required]
    if required:
        body["required"] = required
    return body
