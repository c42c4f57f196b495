"""The methods of the generated ``QCAlgorithm``: setup, the per-bar loop, risk rules, rebalancing and sizing.

Semantics (long only): on each bar every indicator is updated; risk rules close positions on
the bar's close; then, on rebalance bars, held symbols whose exit rule holds are sold and
symbols whose entry rule holds are bought while fewer than ``max_positions`` are held (in
universe order). With ``sizing.rank_by`` the rebalance instead holds the top ``max_positions``
symbols by rank among those whose entry rule holds, selling the others (rotation). Orders are
LEAN market orders: with daily bars they fill at the next open.
"""

from __future__ import annotations

from typing import Any

from lean_runner.dsl.codegen_rules import FeatureTable, describe, literal, rule_method
from lean_runner.dsl.config import BacktestConfig
from lean_runner.dsl.language import Expression, Strategy

__all__ = ["BARS_PER_YEAR", "RESOLUTION_NAMES", "algorithm_methods"]

BARS_PER_YEAR = {"daily": 252, "hour": 252 * 7, "minute": 252 * 390}
RESOLUTION_NAMES = {"daily": "DAILY", "hour": "HOUR", "minute": "MINUTE"}
_PERIOD_NAMES = {"daily": "day", "weekly": "week", "monthly": "month"}
_KEYS = {"daily": "(day.year, day.month, day.day)", "weekly": "tuple(day.isocalendar())[:2]",
         "monthly": "(day.year, day.month)"}


def _param_default(decl: Any, value: Any) -> str:
    return repr(int(value)) if decl.type == "int" else repr(float(value))


def _initialize(strategy: Strategy, config: BacktestConfig, slots: str) -> list[str]:
    lines = ["    def initialize(self) -> None:",
             f"        self.set_start_date({config.start.year}, {config.start.month}, {config.start.day})",
             f"        self.set_end_date({config.end.year}, {config.end.month}, {config.end.day})",
             f"        self.set_cash({config.capital!r})"]
    overrides = config.parameters or {}
    for name, decl in (strategy.parameters or {}).items():
        value = overrides.get(name, decl.default)
        lines.append(f'        self.param_{name} = self.get_parameter("{name}", {_param_default(decl, value)})')
    lines += [f"        self.slots = {slots}",
              "        self.last_rebalance: Optional[tuple[int, ...]] = None",
              "        self.states: list[SymbolState] = []",
              "        for ticker in SYMBOLS:",
              "            security = self.add_equity(ticker, RESOLUTION)"]
    if config.transaction_cost_bps is not None:
        lines.append(f"            security.set_fee_model(BasisPointsFeeModel({config.transaction_cost_bps!r}))")
    if config.slippage_fraction:
        lines.append(f"            security.set_slippage_model(ConstantSlippageModel({config.slippage_fraction!r}))")
    lines.append("            state = SymbolState(security.symbol, self.new_features())")
    return lines


def _new_features(features: FeatureTable) -> list[str]:
    lines = ["    def new_features(self) -> dict[str, Feature]:",
             '        """The indicators the rules use, fresh for one symbol."""',
             "        return {"]
    lines += [f'            "{key}": {constructor},' for key, constructor in features.constructors.items()]
    lines.append("        }")
    return lines


def _on_data(strategy: Strategy, sentiment: bool) -> list[str]:
    lines = ["    def on_data(self, data: Slice) -> None:"]
    if sentiment:
        lines += ["        for s in self.states:",
                  "            if s.news is not None and data.contains_key(s.news):",
                  "                point = cast(NewsSentiment, data[s.news])",
                  "                for feature in s.f.values():",
                  "                    if isinstance(feature, Sentiment):",
                  "                        feature.add(point.end_time, float(point.value))"]
    lines += ["        updated: list[SymbolState] = []",
              "        day: Optional[date] = None",
              "        for s in self.states:",
              "            if data.bars.contains_key(s.symbol):",
              "                bar = data.bars[s.symbol]",
              "                s.update(bar, self.portfolio[s.symbol].invested)",
              "                updated.append(s)",
              "                day = bar.time.date()",
              "        if day is None:",
              "            return"]
    if strategy.risk is not None:
        lines.append("        self.apply_risk_rules(updated)")
    frequency = strategy.rebalance.frequency if strategy.rebalance else "every_bar"
    if frequency == "every_bar":
        lines.append("        self.rebalance(updated)")
    else:
        lines += [f"        key = {_KEYS[frequency]}",
                  f"        if key != self.last_rebalance:  # the first bar of each {_PERIOD_NAMES[frequency]}",
                  "            self.last_rebalance = key",
                  "            self.rebalance(updated)"]
    return lines


def _risk(strategy: Strategy, features: FeatureTable) -> list[str]:
    risk = strategy.risk
    if risk is None:
        return []
    lines = ["    def apply_risk_rules(self, states: list[SymbolState]) -> None:",
             '        """Close a position when a risk rule fires on the bar\'s close."""',
             "        for s in states:",
             "            holding = self.portfolio[s.symbol]",
             "            if not holding.invested:",
             "                continue",
             "            reason = self.risk_exit(s, float(holding.average_price))",
             "            if reason:",
             "                self.liquidate(s.symbol, tag=reason)",
             "                s.exiting = True",
             "",
             "    def risk_exit(self, s: SymbolState, entry_price: float) -> str:",
             '        """The risk rule that closes the position now, or ""."""']
    if risk.stop_loss is not None:
        lines += [f"        if s.close <= entry_price * (1 - {literal(risk.stop_loss)}):",
                  '            return "stop loss"']
    if risk.take_profit is not None:
        lines += [f"        if s.close >= entry_price * (1 + {literal(risk.take_profit)}):",
                  '            return "take profit"']
    if risk.trailing_stop is not None:
        lines += [f"        if s.close <= s.highest_close * (1 - {literal(risk.trailing_stop)}):",
                  '            return "trailing stop"']
    if risk.max_holding_days is not None:
        lines += ["        if s.entry_time is not None and s.day is not None and "
                  f"(s.day - s.entry_time.date()).days >= {literal(risk.max_holding_days)}:",
                  '            return "max holding days"']
    if risk.volatility_cap is not None:
        lines += ["        if self.too_volatile(s):", '            return "volatility cap"']
    lines.append('        return ""')
    if risk.volatility_cap is not None:
        cap = risk.volatility_cap
        key = features.key(Expression(indicator="volatility", params={"window": cap.window or 20}))
        lines += ["", "    def too_volatile(self, s: SymbolState) -> bool:",
                  f'        volatility = s.f["{key}"].value',
                  f"        return volatility is not None and volatility > {literal(cap.max_volatility)}"]
    return lines


def _weight(strategy: Strategy, features: FeatureTable) -> list[str]:
    sizing = strategy.sizing
    method = (sizing.method if sizing else None) or "equal_weight"
    lines = ["    def weight(self, s: SymbolState) -> Optional[float]:"]
    if method == "equal_weight":
        lines += ['        """equal_weight: an equal share of the portfolio for each of the slots."""',
                  "        return 1.0 / self.slots"]
    elif method == "fixed_fraction":
        assert sizing is not None
        lines += ['        """fixed_fraction: the same fraction of the portfolio for each position."""',
                  f"        return float({literal(sizing.fraction)})"]
    else:
        assert sizing is not None
        key = features.key(Expression(indicator="volatility", params={"window": sizing.volatility_window or 20}))
        cap = literal(sizing.max_weight) if sizing.max_weight is not None else "1.0 / self.slots"
        lines += ['        """volatility_target: target volatility / the symbol\'s volatility / slots, capped."""',
                  f'        volatility = s.f["{key}"].value',
                  "        if not volatility:",
                  "            return None",
                  f"        return min({cap}, {literal(sizing.target_volatility)} / volatility / self.slots)"]
    return lines


def _rebalance_signals(strategy: Strategy) -> list[str]:
    lines = ["    def rebalance(self, states: list[SymbolState]) -> None:",
             '        """Sell held symbols whose exit rule holds; buy symbols whose entry rule holds while slots are'
             ' free."""',
             "        held = [s for s in self.states if self.portfolio[s.symbol].invested and not s.exiting]"]
    if strategy.exit is not None:
        lines += ["        for s in states:",
                  "            if s in held and self.exit_signal(s):",
                  '                self.liquidate(s.symbol, tag="exit rule")',
                  "                s.exiting = True",
                  "                held.remove(s)"]
    cap = " or self.too_volatile(s)" if strategy.risk and strategy.risk.volatility_cap else ""
    lines += ["        free = self.slots - len(held)",
              "        for s in states:",
              "            if free <= 0:",
              "                break",
              f"            if self.portfolio[s.symbol].invested or s.exiting{cap} or not self.entry_signal(s):",
              "                continue",
              "            weight = self.weight(s)",
              "            if weight:",
              '                self.set_holdings(s.symbol, weight, tag="entry rule")',
              "                free -= 1"]
    return lines


def _rebalance_rotation(strategy: Strategy, rank: Expression, features: FeatureTable) -> list[str]:
    assert strategy.sizing is not None
    descending = (strategy.sizing.rank_order or "desc") == "desc"
    lines = ["    def rebalance(self, states: list[SymbolState]) -> None:",
             f'        """Hold the top slots by {describe(rank)} ({"highest" if descending else "lowest"} first) '
             'among the eligible symbols; sell the rest."""',
             "        ranked: list[tuple[float, SymbolState]] = []",
             "        for s in states:",
             f'            score = s.f["{features.key(rank)}"].value',
             "            if score is None or s.exiting:",
             "                continue"]
    if strategy.entry is not None:
        lines += ["            if not self.entry_signal(s):", "                continue"]
    if strategy.exit is not None:
        lines += ["            if self.portfolio[s.symbol].invested and self.exit_signal(s):",
                  "                continue"]
    if strategy.risk and strategy.risk.volatility_cap:
        lines += ["            if self.too_volatile(s):", "                continue"]
    lines += ["            ranked.append((score, s))",
              f"        ranked.sort(key=lambda pair: pair[0], reverse={descending})",
              "        chosen = [s for _, s in ranked[: self.slots]]",
              "        for s in states:",
              "            if self.portfolio[s.symbol].invested and s not in chosen and not s.exiting:",
              '                self.liquidate(s.symbol, tag="rotation")',
              "        targets: list[PortfolioTarget] = []",
              "        for s in chosen:",
              "            weight = self.weight(s)",
              "            if weight:",
              "                targets.append(PortfolioTarget(s.symbol, weight))",
              "        if targets:",
              '            self.set_holdings(targets, tag="rotation")']
    return lines


def algorithm_methods(strategy: Strategy, config: BacktestConfig, features: FeatureTable) -> str:
    """The body of the algorithm class. Registers every expression it uses in ``features``."""
    sizing = strategy.sizing
    sections: list[list[str]] = []
    rules = []
    if strategy.entry is not None:
        rules.append(rule_method("entry_signal", "Entry", strategy.entry, features).splitlines())
    if strategy.exit is not None:
        rules.append(rule_method("exit_signal", "Exit", strategy.exit, features).splitlines())
    rank = sizing.rank_by if sizing else None
    rebalance = (_rebalance_rotation(strategy, rank, features) if rank is not None
                 else _rebalance_signals(strategy))
    risk, weight = _risk(strategy, features), _weight(strategy, features)
    sentiment = "Sentiment" in features.classes
    slots = literal(sizing.max_positions) if sizing and sizing.max_positions is not None else "len(SYMBOLS)"
    setup = _initialize(strategy, config, slots)
    if sentiment:
        setup.append("            state.news = self.add_data(NewsSentiment, ticker, RESOLUTION).symbol")
    setup.append("            self.states.append(state)")
    sections += [setup, _new_features(features), _on_data(strategy, sentiment)]
    if risk:
        sections.append(risk)
    sections += [rebalance, *rules, weight]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
