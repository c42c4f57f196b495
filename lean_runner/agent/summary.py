"""An ``nl_summary``: what a (valid) spec does, in plain English, read from the spec itself.

Example::

    summarize_spec({"version": 1, "universe": {"symbols": ["SPY"]},
                    "entry": {"conditions": [{"indicator": "rsi", "op": "<", "value": 30}]},
                    "risk": {"stop_loss": 0.05}})
    # "Trades SPY on daily bars. Buys when the 14-bar RSI is below 30. Risk: a 5% stop loss. ..."
"""

from __future__ import annotations

from typing import Any

__all__ = ["describe_condition", "describe_expression", "summarize_spec"]

_OPS = {">": "is above", "<": "is below", ">=": "is at or above", "<=": "is at or below",
        "crosses_above": "crosses above", "crosses_below": "crosses below"}
_NAMES = {"sma": "SMA", "ema": "EMA", "rsi": "RSI", "atr": "ATR", "roc": "rate of change", "macd": "MACD",
          "bollinger": "Bollinger band", "volatility": "volatility", "returns": "return", "rolling_max": "high",
          "rolling_min": "low", "news_sentiment": "news sentiment", "price": "price", "volume": "volume"}
_DEFAULT_WINDOWS = {"rsi": 14, "atr": 14, "volatility": 20, "returns": 1, "bollinger": 20, "news_sentiment": 7}


def _number(value: Any, *, fraction: bool = False) -> str:
    if isinstance(value, dict) and "param" in value:
        return f"parameter '{value['param']}'"
    if fraction and isinstance(value, int | float):
        return f"{value * 100:g}%"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def describe_expression(expression: dict[str, Any]) -> str:
    """``{"indicator": "sma", "params": {"window": 50}}`` → ``"the 50-bar SMA"``."""
    indicator = expression.get("indicator", "?")
    params = expression.get("params") or {}
    name = _NAMES.get(indicator, indicator)
    window = params.get("window", _DEFAULT_WINDOWS.get(indicator))
    unit = "day" if indicator == "news_sentiment" else "bar"
    lag = expression.get("lag") or 0
    if indicator == "macd":
        output = expression.get("output", "line")
        text = f"the MACD {output}" if output != "line" else "the MACD line"
        if params:
            text += f" ({_number(params.get('fast', 12))}/{_number(params.get('slow', 26))}/" \
                    f"{_number(params.get('signal', 9))})"
    elif indicator == "bollinger":
        text = f"the {expression.get('output', 'middle')} {_number(window)}-bar Bollinger band"
    elif indicator in ("price", "volume"):
        field = params.get("field")
        text = f"the {field} price" if field and field != "close" else f"the {name}"
    elif indicator in ("rolling_max", "rolling_min"):
        text = f"the {_number(window)}-bar {name}"
    else:
        text = f"the {_number(window)}-{unit} {name}" if window is not None else f"the {name}"
    if lag == 1 and indicator in ("rolling_max", "rolling_min"):
        text += " of the bars before"
    elif lag:
        text += f" {lag} bars ago"
    return text


def describe_condition(condition: dict[str, Any]) -> str:
    """One condition (a comparison, or all/any/not of conditions) in words."""
    if "all" in condition:
        return " and ".join(describe_condition(c) for c in condition["all"])
    if "any" in condition:
        return "(" + " or ".join(describe_condition(c) for c in condition["any"]) + ")"
    if "not" in condition:
        return f"not ({describe_condition(condition['not'])})"
    value = condition.get("value")
    fraction = condition.get("indicator") in ("returns", "roc", "volatility")
    target = describe_expression(value) if isinstance(value, dict) and "indicator" in value else _number(
        value, fraction=fraction)
    return f"{describe_expression(condition)} {_OPS.get(condition.get('op', ''), condition.get('op'))} {target}"


def _rule(rule: dict[str, Any] | None) -> str:
    conditions = (rule or {}).get("conditions") or []
    joiner = " or " if (rule or {}).get("logic") == "any" else " and "
    return joiner.join(describe_condition(c) for c in conditions)


def _universe(universe: dict[str, Any]) -> str:
    if "name" in universe:
        return f"the {universe['name']} universe"
    symbols = list(universe.get("symbols") or [])
    if len(symbols) > 8:
        return f"{len(symbols)} symbols ({', '.join(symbols[:5])}, ...)"
    return symbols[0] if len(symbols) == 1 else ", ".join(symbols[:-1]) + f" and {symbols[-1]}"


def summarize_spec(spec: dict[str, Any]) -> str:
    """Universe, bars, entry, exit, sizing, risk and schedule, one sentence each."""
    sentences = [f"Trades {_universe(spec.get('universe') or {})} on {spec.get('resolution', 'daily')} bars"]
    sizing = spec.get("sizing") or {}
    if sizing.get("rank_by"):
        order = "lowest" if sizing.get("rank_order") == "asc" else "highest"
        count = _number(sizing.get("max_positions", "all"))
        text = f"Holds the {count} symbols with the {order} {describe_expression(sizing['rank_by'])[4:]}"
        if spec.get("entry"):
            text += f" among those where {_rule(spec['entry'])}"
        sentences.append(text)
    elif spec.get("entry"):
        sentences.append(f"Buys when {_rule(spec['entry'])}")
    if spec.get("exit"):
        sentences.append(f"Sells when {_rule(spec['exit'])}")
    method = sizing.get("method", "equal_weight")
    size = {"equal_weight": "Equal weight per position",
            "fixed_fraction": f"{_number(sizing.get('fraction'), fraction=True)} of the portfolio per position",
            "volatility_target": f"Positions sized to a {_number(sizing.get('target_volatility'), fraction=True)} "
                                 f"volatility target"}.get(method, method)
    if sizing.get("max_positions") is not None and not sizing.get("rank_by"):
        size += f", at most {_number(sizing['max_positions'])} positions"
    sentences.append(size)
    risk = spec.get("risk") or {}
    rules = []
    if "stop_loss" in risk:
        rules.append(f"a {_number(risk['stop_loss'], fraction=True)} stop loss")
    if "take_profit" in risk:
        rules.append(f"a {_number(risk['take_profit'], fraction=True)} take profit")
    if "trailing_stop" in risk:
        rules.append(f"a {_number(risk['trailing_stop'], fraction=True)} trailing stop")
    if "max_holding_days" in risk:
        rules.append(f"at most {_number(risk['max_holding_days'])} days held")
    if "volatility_cap" in risk:
        cap = risk["volatility_cap"]
        rules.append(f"no positions above {_number(cap.get('max_volatility'), fraction=True)} annualized volatility "
                     f"({_number(cap.get('window', 20))} bars)")
    if rules:
        sentences.append("Risk: " + ", ".join(rules))
    frequency = (spec.get("rebalance") or {}).get("frequency", "every_bar")
    sentences.append("Rules run on every bar" if frequency == "every_bar" else f"Rules run {frequency}")
    return ". ".join(sentences) + "."
