"""The offline agent's from-text, table-driven: descriptions written the way researchers write them → the spec.

Each case states the spec keys it expects exactly (conditions in full); every drafted spec must also
pass the validator the service uses. Descriptions with nothing usable raise the 422 error naming the
phrases it could not read.
"""

from __future__ import annotations

from typing import Any

import pytest

from lean_runner.agent.agents import OfflineAgent
from lean_runner.agent.errors import NotUnderstoodError
from lean_runner.dsl import UniverseLibrary, validate_spec


def ind(indicator: str, *, output: str | None = None, lag: int | None = None, **params: Any) -> dict[str, Any]:
    """An expression: ``ind("sma", window=50)``."""
    expression: dict[str, Any] = {"indicator": indicator}
    if params:
        expression["params"] = params
    if output:
        expression["output"] = output
    if lag is not None:
        expression["lag"] = lag
    return expression


def cmp(subject: dict[str, Any], op: str, value: Any) -> dict[str, Any]:
    return {**subject, "op": op, "value": value}


SPY = {"symbols": ["SPY"]}
SMA50, SMA200 = ind("sma", window=50), ind("sma", window=200)
PRICE = ind("price")

# (description, expected keys of the spec; "config" is what the draft reads for the backtest, "not_understood"
# the phrases it reports)
CASES: list[tuple[str, dict[str, Any]]] = [
    ("Buy SPY when RSI(14) is below 30 and sell when it is above 70",
     {"universe": SPY, "entry": [cmp(ind("rsi", window=14), "<", 30)], "exit": [cmp(ind("rsi", window=14), ">", 70)]}),
    ("buy spy when rsi < 30, sell when rsi > 70",
     {"universe": SPY, "entry": [cmp(ind("rsi"), "<", 30)], "exit": [cmp(ind("rsi"), ">", 70)]}),
    ("BUY SPY WHEN RSI IS BELOW 30. SELL WHEN RSI IS ABOVE 70.",
     {"universe": SPY, "entry": [cmp(ind("rsi"), "<", 30)], "exit": [cmp(ind("rsi"), ">", 70)]}),
    ("When RSI(14) drops below 25, buy SPY. Sell once RSI climbs above 60.",
     {"universe": SPY, "entry": [cmp(ind("rsi", window=14), "<", 25)], "exit": [cmp(ind("rsi"), ">", 60)]}),
    ("$AAPL long when 14-day RSI < 35, exit on RSI > 65, stop loss 4%",
     {"universe": {"symbols": ["AAPL"]}, "entry": [cmp(ind("rsi", window=14), "<", 35)],
      "exit": [cmp(ind("rsi"), ">", 65)], "risk": {"stop_loss": 0.04}}),
    ("Go long QQQ when the 50-day moving average crosses above the 200-day moving average; exit when it crosses below",
     {"universe": {"symbols": ["QQQ"]}, "entry": [cmp(SMA50, "crosses_above", SMA200)],
      "exit": [cmp(SMA50, "crosses_below", SMA200)]}),
    ("sell SPY when the 10-day SMA crosses below the 50-day SMA and buy when it crosses above",
     {"universe": SPY, "entry": [cmp(ind("sma", window=10), "crosses_above", SMA50)],
      "exit": [cmp(ind("sma", window=10), "crosses_below", SMA50)]}),
    ("Golden cross on SPY: buy on the golden cross, sell on the death cross",
     {"universe": SPY, "entry": [cmp(SMA50, "crosses_above", SMA200)], "exit": [cmp(SMA50, "crosses_below", SMA200)]}),
    ("Buy SPY on a golden cross. Sell when the trend breaks. Volatility cap of 40% over 20 days.",
     {"universe": SPY, "entry": [cmp(SMA50, "crosses_above", SMA200)], "exit": [cmp(SMA50, "crosses_below", SMA200)],
      "risk": {"volatility_cap": {"max_volatility": 0.4, "window": 20}}}),
    ("Buy AAPL when the 20 EMA is above the 50 EMA. 5% stop loss, 15% take profit",
     {"universe": {"symbols": ["AAPL"]}, "entry": [cmp(ind("ema", window=20), ">", ind("ema", window=50))],
      "risk": {"stop_loss": 0.05, "take_profit": 0.15}}),
    ("Buy the nasdaq etf when 50 ema > 200 ema; 10% trailing stop; take profit at 25%",
     {"universe": {"symbols": ["QQQ"]}, "entry": [cmp(ind("ema", window=50), ">", ind("ema", window=200))],
      "risk": {"take_profit": 0.25, "trailing_stop": 0.1}}),
    ("Buy large-cap tech when the 50-day MA is above the 200-day and news has been positive for a week",
     {"universe": {"symbols": ["AAPL", "GOOG", "FB", "IBM"]},
      "entry": [cmp(SMA50, ">", SMA200), cmp(ind("news_sentiment", window=7), ">", 0.05)]}),
    ("Trade the S&P 500: buy when price is above its 200-day SMA, rebalance monthly, hold at most 10 positions",
     {"universe": {"name": "SP500"}, "entry": [cmp(PRICE, ">", SMA200)], "sizing": {"max_positions": 10},
      "rebalance": "monthly"}),
    ("Buy IBM when MACD crosses above its signal line; sell when MACD crosses below the signal line",
     {"universe": {"symbols": ["IBM"]}, "entry": [cmp(ind("macd"), "crosses_above", ind("macd", output="signal"))],
      "exit": [cmp(ind("macd"), "crosses_below", ind("macd", output="signal"))]}),
    ("Enter long AIG when MACD(12,26,9) crosses above the signal; exit when MACD crosses under the signal line",
     {"universe": {"symbols": ["AIG"]},
      "entry": [cmp(ind("macd", fast=12, slow=26, signal=9), "crosses_above",
                    ind("macd", fast=12, slow=26, signal=9, output="signal"))],
      "exit": [cmp(ind("macd"), "crosses_below", ind("macd", output="signal"))]}),
    ("Buy BAC if MACD histogram crosses above zero; sell if it crosses below zero",
     {"universe": {"symbols": ["BAC"]}, "entry": [cmp(ind("macd", output="histogram"), "crosses_above", 0)],
      "exit": [cmp(ind("macd", output="histogram"), "crosses_below", 0)]}),
    ("Buy when the price breaks above the 20-day high, sell when it falls below the 10-day low. Trade IWM.",
     {"universe": {"symbols": ["IWM"]}, "entry": [cmp(PRICE, "crosses_above", ind("rolling_max", lag=1, window=20))],
      "exit": [cmp(PRICE, "<", ind("rolling_min", lag=1, window=10))]}),
    ("Momentum rotation: each month hold the top 3 of the LEAN sample universe by 6-month return",
     {"universe": {"name": "LEAN_SAMPLE"}, "entry": None,
      "sizing": {"max_positions": 3, "rank_by": ind("returns", window=126), "rank_order": "desc"},
      "rebalance": "monthly", "not_understood": ["Momentum rotation"]}),
    ("Rank the S&P 500 stocks by 12-month return and hold the best 10, rebalance monthly",
     {"universe": {"name": "SP500"},
      "sizing": {"max_positions": 10, "rank_by": ind("returns", window=252), "rank_order": "desc"},
      "rebalance": "monthly"}),
    ("Hold the 2 weakest names of the lean sample universe by 1-month return, rebalanced weekly",
     {"universe": {"name": "LEAN_SAMPLE"},
      "sizing": {"max_positions": 2, "rank_by": ind("returns", window=21), "rank_order": "asc"},
      "rebalance": "weekly"}),
    ("Buy SPY when the 10-day rate of change is above 5%",
     {"universe": SPY, "entry": [cmp(ind("roc", window=10), ">", 0.05)], "exit": None}),
    ("Using daily data, buy FB and IBM when the 20 day ROC exceeds 10%; exit when it falls below 0",
     {"universe": {"symbols": ["FB", "IBM"]}, "resolution": "daily", "entry": [cmp(ind("roc", window=20), ">", 0.1)],
      "exit": [cmp(ind("roc", window=20), "<", 0)]}),
    ("Buy BAC when the price is below the lower Bollinger band (20, 2) and sell when it is above the middle band",
     {"universe": {"symbols": ["BAC"]}, "entry": [cmp(PRICE, "<", ind("bollinger", output="lower", window=20, k=2.0))],
      "exit": [cmp(PRICE, ">", ind("bollinger", output="middle"))]}),
    ("Buy SPY when the price closes above the 20-day upper bollinger band and exit when it crosses below the "
     "middle band",
     {"universe": SPY, "entry": [cmp(PRICE, ">", ind("bollinger", output="upper", window=20))],
      "exit": [cmp(PRICE, "crosses_below", ind("bollinger", output="middle"))]}),
    ("Buy FB when RSI is oversold, sell when overbought, 8% trailing stop",
     {"universe": {"symbols": ["FB"]}, "entry": [cmp(ind("rsi"), "<", 30)], "exit": [cmp(ind("rsi"), ">", 70)],
      "risk": {"trailing_stop": 0.08}}),
    ("Buy EEM and IWM when 30-day volatility is below 20%; exit after 20 days",
     {"universe": {"symbols": ["EEM", "IWM"]}, "entry": [cmp(ind("volatility", window=30), "<", 0.2)],
      "risk": {"max_holding_days": 20}}),
    ("Buy google and apple when news sentiment over the last 3 days is positive; sell when it turns negative",
     {"universe": {"symbols": ["GOOG", "AAPL"]}, "entry": [cmp(ind("news_sentiment", window=3), ">", 0.05)],
      "exit": [cmp(ind("news_sentiment", window=3), "<", -0.05)]}),
    ("Buy apple when headlines over the past two weeks are positive, sell when the news sentiment is below -0.2",
     {"universe": {"symbols": ["AAPL"]}, "entry": [cmp(ind("news_sentiment", window=14), ">", 0.05)],
      "exit": [cmp(ind("news_sentiment"), "<", -0.2)]}),
    ("Buy SPY when the 200 DMA is below price. Put 50% of the portfolio in each trade",
     {"universe": SPY, "entry": [cmp(SMA200, "<", PRICE)], "sizing": {"method": "fixed_fraction", "fraction": 0.5}}),
    ("Buy AIG when ATR(14) is above 2, equal weight, weekly rebalance",
     {"universe": {"symbols": ["AIG"]}, "entry": [cmp(ind("atr", window=14), ">", 2)],
      "sizing": {"method": "equal_weight"}, "rebalance": "weekly"}),
    ("Buy QQQ when the 50d SMA > 200d SMA, 2% stop loss, max holding period of 30 days",
     {"universe": {"symbols": ["QQQ"]}, "entry": [cmp(SMA50, ">", SMA200)],
      "risk": {"stop_loss": 0.02, "max_holding_days": 30}}),
    ("Long GOOG if RSI(2) < 10; sell when RSI(2) > 90; target 15% annualized volatility",
     {"universe": {"symbols": ["GOOG"]}, "entry": [cmp(ind("rsi", window=2), "<", 10)],
      "exit": [cmp(ind("rsi", window=2), ">", 90)],
      "sizing": {"method": "volatility_target", "target_volatility": 0.15}}),
    ("Buy the faang stocks when the 20-day EMA crosses above the 100-day EMA; avoid stocks with volatility above 60%",
     {"universe": {"symbols": ["FB", "AAPL", "AMZN", "NFLX", "GOOG"]},
      "entry": [cmp(ind("ema", window=20), "crosses_above", ind("ema", window=100))],
      "risk": {"volatility_cap": {"max_volatility": 0.6}}}),
    ("Buy SPY from 2010 to 2015 with $50,000 when the 50-day SMA is above the 200-day SMA",
     {"universe": SPY, "entry": [cmp(SMA50, ">", SMA200)],
      "config": {"start_date": "2010-01-01", "end_date": "2015-12-31", "initial_capital": 50000}}),
    ("Backtest 2012-01-01 to 2016-12-31 with 250k starting capital: buy QQQ when price > 100-day EMA, 10 bps "
     "transaction costs",
     {"universe": {"symbols": ["QQQ"]}, "entry": [cmp(PRICE, ">", ind("ema", window=100))],
      "config": {"start_date": "2012-01-01", "end_date": "2016-12-31", "initial_capital": 250000,
                 "transaction_cost_bps": 10}}),
    ("Buy small caps when the 50-day SMA is above the 200-day SMA, with no transaction costs",
     {"universe": {"symbols": ["IWM"]}, "entry": [cmp(SMA50, ">", SMA200)], "config": {"transaction_cost_bps": 0}}),
    ("Buy oil when the 10-day EMA crosses above the 30-day EMA, slippage of 5 bps",
     {"universe": {"symbols": ["USO"]}, "entry": [cmp(ind("ema", window=10), "crosses_above", ind("ema", window=30))],
      "config": {"slippage_model": "basic", "slippage_bps": 5}}),
    ("Buy IWM when the 5-day return is below -3% and sell after 5 days",
     {"universe": {"symbols": ["IWM"]}, "entry": [cmp(ind("returns", window=5), "<", -0.03)],
      "risk": {"max_holding_days": 5}}),
    ("Buy SPY when the 3 month momentum is positive; rebalance monthly",
     {"universe": SPY, "entry": [cmp(ind("returns", window=63), ">", 0)], "rebalance": "monthly"}),
    ("Buy when volume is above 1000000 and the price is above the 50-day average. Trade IBM.",
     {"universe": {"symbols": ["IBM"]}, "entry": [cmp(ind("volume"), ">", 1000000), cmp(PRICE, ">", SMA50)]}),
    ("Buy WM on hourly bars when the 20 hour SMA crosses above the 50 hour SMA",
     {"universe": {"symbols": ["WM"]}, "resolution": "hour",
      "entry": [cmp(ind("sma", window=20), "crosses_above", SMA50)]}),
    ("Buy SPY when the price is above the 200-day moving average or RSI(14) is below 20",
     {"universe": SPY, "entry": [cmp(PRICE, ">", SMA200), cmp(ind("rsi", window=14), "<", 20)], "entry_logic": "any"}),
    ("Buy SPY when 20-day volatility is under 15% and the 10-day SMA is above the 30-day SMA; max 60 days holding; "
     "stop loss at 6%",
     {"universe": SPY, "entry": [cmp(ind("volatility", window=20), "<", 0.15),
                                 cmp(ind("sma", window=10), ">", ind("sma", window=30))],
      "risk": {"stop_loss": 0.06, "max_holding_days": 60}}),
    ("Go long EEM when its 200-day SMA is below the price, allocate 25% per position, at most 4 positions",
     {"universe": {"symbols": ["EEM"]}, "entry": [cmp(SMA200, "<", PRICE)],
      "sizing": {"method": "fixed_fraction", "fraction": 0.25, "max_positions": 4}}),
    ("Buy GOOG when RSI(14) is less than 30 and price is above the 200 DMA; sell when RSI is greater than 55; "
     "fully invested",
     {"universe": {"symbols": ["GOOG"]}, "entry": [cmp(ind("rsi", window=14), "<", 30), cmp(PRICE, ">", SMA200)],
      "exit": [cmp(ind("rsi"), ">", 55)], "sizing": {"method": "fixed_fraction", "fraction": 1.0}}),
    ("Buy SPY when ATR(14) is below 5 and RSI(14) is at least 50; 3% stop; 9% take-profit",
     {"universe": SPY, "entry": [cmp(ind("atr", window=14), "<", 5), cmp(ind("rsi", window=14), ">=", 50)],
      "risk": {"stop_loss": 0.03, "take_profit": 0.09}}),
    ("Buy SPY and QQQ when the 50-day SMA is above the 200-day SMA, max 2 positions, rebalance weekly, 7% stop loss, "
     "20% take profit, hold for no more than 90 days",
     {"universe": {"symbols": ["SPY", "QQQ"]}, "entry": [cmp(SMA50, ">", SMA200)], "sizing": {"max_positions": 2},
      "risk": {"stop_loss": 0.07, "take_profit": 0.2, "max_holding_days": 90}, "rebalance": "weekly"}),
    ("Buy IBM when 50-day SMA > 200-day SMA and RSI(14) between 40 and 60",
     {"universe": {"symbols": ["IBM"]},
      "entry": [cmp(SMA50, ">", SMA200), {"all": [cmp(ind("rsi", window=14), ">=", 40),
                                                  cmp(ind("rsi", window=14), "<=", 60)]}]}),
    ("50/200 SMA crossover on SPY with a 5% stop",
     {"universe": SPY, "entry": [cmp(SMA50, "crosses_above", SMA200)], "exit": [cmp(SMA50, "crosses_below", SMA200)],
      "risk": {"stop_loss": 0.05}}),
    ("Trend following on IWM, EEM and SPY: 100-day SMA crossover, 2% risk per trade",
     {"universe": {"symbols": ["IWM", "EEM", "SPY"]}, "entry": [cmp(PRICE, "crosses_above", ind("sma", window=100))],
      "exit": [cmp(PRICE, "crosses_below", ind("sma", window=100))], "not_understood": ["Trend following", "2% risk"]}),
]

NOTHING_USABLE = [
    ("Make me rich with quantum astrology", ["rich with quantum astrology"]),
    ("buy low sell high", ["low", "high"]),
    ("I want a strategy that uses the stochastic oscillator and Ichimoku clouds",
     ["stochastic oscillator and Ichimoku clouds"]),
    ("Buy the stock when the Williams %R is below -80", ["Williams %R is below -80"]),
    ("Buy SPY when the price is 5% above the 50-day SMA", ["price is 5% above the 50-day SMA"]),
    ("Short SPY when RSI is above 80", ["RSI is above 80 (to sell short: specs open long positions only)"]),
]


def _rule(spec: dict[str, Any], role: str) -> list[dict[str, Any]] | None:
    rule = spec.get(role)
    return None if rule is None else rule["conditions"]


@pytest.mark.parametrize(("description", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_description_gives_the_expected_spec(offline_agent: OfflineAgent, universes: UniverseLibrary,
                                             description: str, expected: dict[str, Any]) -> None:
    draft = offline_agent.draft(description)
    spec = draft.json_spec
    report = validate_spec(spec, universes=universes)
    assert report.valid, [p.as_json() for p in report.errors]
    assert spec["version"] == 1 and spec["universe"] == expected["universe"]
    for role in ("entry", "exit"):
        if role in expected:
            assert _rule(spec, role) == expected[role], role
    if "entry_logic" in expected:
        assert spec["entry"]["logic"] == expected["entry_logic"]
    for key in ("sizing", "risk", "resolution"):
        if key in expected:
            assert spec.get(key) == expected[key], key
    if "rebalance" in expected:
        assert spec["rebalance"] == {"frequency": expected["rebalance"]}
    assert draft.backtest_config == expected.get("config", {})
    assert draft.not_understood == expected.get("not_understood", [])


def test_there_are_at_least_forty_descriptions() -> None:
    assert len(CASES) >= 40 and len({description.lower() for description, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("description", "phrases"), NOTHING_USABLE, ids=[c[0][:40] for c in NOTHING_USABLE])
def test_nothing_usable_raises_a_422_naming_the_phrases(offline_agent: OfflineAgent, description: str,
                                                        phrases: list[str]) -> None:
    with pytest.raises(NotUnderstoodError) as raised:
        offline_agent.draft(description)
    error = raised.value
    assert error.http_status == 422 and error.code == "not_understood"
    named = [d["message"] for d in error.details]
    for phrase in phrases:
        assert f"not understood: '{phrase}'" in named
    assert "no rule to buy on was found" in named[-1]


def test_a_partly_understood_description_names_the_rest_in_its_summary(offline_agent: OfflineAgent) -> None:
    draft = offline_agent.draft("Buy SPY when RSI(14) is below 30 and the Kalman filter slope is rising")
    assert _rule(draft.json_spec, "entry") == [cmp(ind("rsi", window=14), "<", 30)]
    assert draft.not_understood == ["Kalman filter slope"]  # the filler words around it are left out
    assert "Not understood: 'Kalman filter slope'." in draft.nl_summary


def test_the_summary_says_what_the_spec_does(offline_agent: OfflineAgent) -> None:
    draft = offline_agent.draft("Buy QQQ when the 50d SMA > 200d SMA, 2% stop loss, max holding period of 30 days, "
                                "rebalance weekly")
    assert draft.nl_summary == ("Trades QQQ on daily bars. Buys when the 50-bar SMA is above the 200-bar SMA. Equal "
                                "weight per position. Risk: a 2% stop loss, at most 30 days held. Rules run weekly.")


def test_the_same_description_gives_the_same_spec(offline_agent: OfflineAgent) -> None:
    text = "Buy large-cap tech when the 50-day MA is above the 200-day and news has been positive for a week"
    assert offline_agent.draft(text) == offline_agent.draft(text)


def test_no_symbol_named_trades_spy_and_says_so(offline_agent: OfflineAgent) -> None:
    draft = offline_agent.draft("buy when RSI(14) is below 30")
    assert draft.json_spec["universe"] == SPY
    assert draft.notes == ["no symbols or universe named: it trades SPY"]
