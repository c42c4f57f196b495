"""How much of LEAN's Python API the embedded engine implements, measured against ``quantconnect-stubs``.

``python bench/api_coverage.py [--data-folder ../shared/lean-data] [--markdown docs/api-coverage.md]``

1. parses the installed stubs (``QuantConnect/**/__init__.pyi``) for the classes an equity algorithm touches,
   with the members they inherit from other ``QuantConnect`` classes;
2. sets aside the members that do not apply to a US-equity backtest (options, futures, other asset classes,
   live trading, brokerages' own APIs, universes and the algorithm framework) by the name rules below, and
   LEAN's engine plumbing (``ENGINE_PLUMBING``: what LEAN's own engine calls, not algorithms);
3. runs ``bench/algorithms/api_probe.py`` on the engine, which makes one live object of each class and probes
   every member: present, raises ``NotImplementedError`` (declared, with a pointer to the LEAN image), or missing;
   an applicable member counts only when present;
4. prints present/applicable per class and overall, and with ``--markdown`` writes the table and the list of
   missing members.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lean_runner.engine.launcher import LaunchConfig, run_backtest

REPO = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).parent / "algorithms" / "api_probe.py"

# label -> the stub class (module path, class name).
CLASSES: dict[str, tuple[str, str]] = {
    "QCAlgorithm": ("QuantConnect.Algorithm", "QCAlgorithm"),
    "Slice": ("QuantConnect.Data", "Slice"),
    "TradeBar": ("QuantConnect.Data.Market", "TradeBar"),
    "QuoteBar": ("QuantConnect.Data.Market", "QuoteBar"),
    "Tick": ("QuantConnect.Data.Market", "Tick"),
    "Security": ("QuantConnect.Securities", "Security"),
    "Equity": ("QuantConnect.Securities.Equity", "Equity"),
    "SecurityHolding": ("QuantConnect.Securities", "SecurityHolding"),
    "SecurityPortfolioManager": ("QuantConnect.Securities", "SecurityPortfolioManager"),
    "SecurityManager": ("QuantConnect.Securities", "SecurityManager"),
    "SecurityTransactionManager": ("QuantConnect.Securities", "SecurityTransactionManager"),
    "OrderTicket": ("QuantConnect.Orders", "OrderTicket"),
    "Order": ("QuantConnect.Orders", "Order"),
    "MarketOrder": ("QuantConnect.Orders", "MarketOrder"),
    "LimitOrder": ("QuantConnect.Orders", "LimitOrder"),
    "StopMarketOrder": ("QuantConnect.Orders", "StopMarketOrder"),
    "StopLimitOrder": ("QuantConnect.Orders", "StopLimitOrder"),
    "MarketOnOpenOrder": ("QuantConnect.Orders", "MarketOnOpenOrder"),
    "MarketOnCloseOrder": ("QuantConnect.Orders", "MarketOnCloseOrder"),
    "LimitIfTouchedOrder": ("QuantConnect.Orders", "LimitIfTouchedOrder"),
    "TrailingStopOrder": ("QuantConnect.Orders", "TrailingStopOrder"),
    "OrderEvent": ("QuantConnect.Orders", "OrderEvent"),
    "OrderProperties": ("QuantConnect.Orders", "OrderProperties"),
    "SubmitOrderRequest": ("QuantConnect.Orders", "SubmitOrderRequest"),
    "UpdateOrderFields": ("QuantConnect.Orders", "UpdateOrderFields"),
    "OrderResponse": ("QuantConnect.Orders", "OrderResponse"),
    "Symbol": ("QuantConnect", "Symbol"),
    "TradeBarConsolidator": ("QuantConnect.Data.Consolidators", "TradeBarConsolidator"),
    "QuoteBarConsolidator": ("QuantConnect.Data.Consolidators", "QuoteBarConsolidator"),
    "TickConsolidator": ("QuantConnect.Data.Consolidators", "TickConsolidator"),
    "TickQuoteBarConsolidator": ("QuantConnect.Data.Consolidators", "TickQuoteBarConsolidator"),
    "RenkoConsolidator": ("QuantConnect.Data.Consolidators", "RenkoConsolidator"),
    "ClassicRenkoConsolidator": ("QuantConnect.Data.Consolidators", "ClassicRenkoConsolidator"),
    "RangeConsolidator": ("QuantConnect.Data.Consolidators", "RangeConsolidator"),
    "ClassicRangeConsolidator": ("QuantConnect.Data.Consolidators", "ClassicRangeConsolidator"),
    "RollingWindow": ("QuantConnect.Indicators", "RollingWindow"),
    "SimpleMovingAverage": ("QuantConnect.Indicators", "SimpleMovingAverage"),
    "ExponentialMovingAverage": ("QuantConnect.Indicators", "ExponentialMovingAverage"),
    "RelativeStrengthIndex": ("QuantConnect.Indicators", "RelativeStrengthIndex"),
    "BollingerBands": ("QuantConnect.Indicators", "BollingerBands"),
    "MovingAverageConvergenceDivergence": ("QuantConnect.Indicators", "MovingAverageConvergenceDivergence"),
    "AverageTrueRange": ("QuantConnect.Indicators", "AverageTrueRange"),
    "DateRules": ("QuantConnect.Scheduling", "DateRules"),
    "TimeRules": ("QuantConnect.Scheduling", "TimeRules"),
    "Chart": ("QuantConnect", "Chart"),
    "Series": ("QuantConnect", "Series"),
    "AlgorithmSettings": ("QuantConnect", "AlgorithmSettings"),
}

# Members that do not apply to a US-equity backtest, by name (searched in the snake_case member name).
NOT_APPLICABLE = re.compile("|".join([
    r"option", r"future", r"crypto", r"forex", r"cfd", r"index(?!_)", r"_index$", r"contract", r"expir",
    r"exercise", r"assign", r"strike", r"underlying", r"chain", r"greek", r"implied_vol", r"open_interest",
    r"continuous", r"mapping", r"margin_call", r"maintenance_margin", r"live", r"brokerage_message",
    r"object_store", r"^train", r"download", r"notify", r"universe", r"alpha", r"insight",
    r"portfolio_construction", r"execution", r"risk_management", r"framework", r"command", r"fundamental",
    r"combo", r"leg", r"quote_currency", r"conversion_rate", r"currency_symbol", r"cash_book", r"settlement",
    r"lean_manager", r"algorithm_mode", r"deployment_target", r"api", r"project_id", r"tags_updated",
    r"status_message", r"_python_", r"on_framework", r"shortable_provider_"
    r"(?!x)", r"margin_interest", r"dividend_yield", r"trading_days_per_year", r"symbol_changed",
    r"delisting", r"split_and_dividend", r"future_chain", r"custom_universe", r"historical_data_request",
    r"_set_", r"^get_hash_code$", r"^equals$", r"^to_string$", r"^get_type$", r"^memberwise_clone$",
    r"^finalize$", r"^reference_equals$", r"^dispose$", r"^clone$", r"^copy_to$", r"^to_json$",
    r"^(γ|δ|θ|ρ|iv)$",  # option greeks and implied volatility
]))


# LEAN's engine plumbing: members LEAN's own engine calls (setters of its state, parsers of its files,
# protected overrides of C# base classes, .NET collection internals), not part of an algorithm's API.
ENGINE_PLUMBING = frozenset({
    "set_locked", "get_locked", "set_status", "set_run_time_error", "set_current_slice", "set_date_time",
    "set_finished_warming_up", "set_history_provider", "set_statistics_service", "set_available_data_types",
    "set_algorithm_id", "set_deployment_details", "deployment_details", "time_keeper", "order_factory",
    "get_chart_updates", "history_provider", "set_pandas_converter", "pandas_converter",
    "create_date_range_history_requests", "name_updated", "signal_export", "debug_mode", "set_quit",
    "on_brokerage_disconnect", "on_brokerage_reconnect", "get_data_typed_history",
    "deserialize_message", "get_source", "reader", "parse", "parse_equity", "initialized",
    "set_local_time_keeper", "update_consumers_market_price", "refresh_data_normalization_mode_property",
    "try_get_member", "try_invoke_member", "set_security_service", "create_security", "create_benchmark_security",
    "on_collection_changed", "collection_changed", "check_for_implicitly_created_symbol", "set_order_processor",
    "set_order_id", "get_increment_order_id", "get_increment_group_order_manager_id", "process_request",
    "add_transaction_record", "remove_order", "invalidate_total_portfolio_value", "log_margin_information",
    "process_fills", "set_positions", "add_new_dividend", "add_new_fee", "add_new_profit", "add_new_sale",
    "set_last_trade_profit", "update_market_price", "on_quantity_changed", "apply_update_order_request",
    "create_order", "create_positions", "get_value_impl", "group_order_manager", "set_response",
    "aggregate_bar", "fire_data_consolidated", "on_data_consolidated", "should_process", "get_rounded_bar_time",
    "reset_working_bar", "validate_and_compute_next_value", "on_updated", "compute_next_value",
    "get_market_open_close_exchange_hours", "get_security_exchange_hours", "get_symbol", "merge_slice",
    "get_enumerator", "create_new_bar", "update_bar", "get_closest_multiple", "from_serialized",
    "update_mapped_symbol", "create_base", "is_read_only", "DEFAULT_WINDOW_SIZE", "order_set",
    "invalid_cancel_order_id", "invalid_update_order_id", "set_market_price", "data_subscription_limit",
    "databases_refresh_period", "ignore_unknown_asset_holdings", "subscription_data_config",
})


@dataclass
class ClassMembers:
    label: str
    applicable: list[str]
    not_applicable: list[str]
    probed: dict[str, str] = field(default_factory=dict)

    @property
    def present(self) -> list[str]:
        return [m for m in self.applicable if self.probed.get(m) == "present"]

    @property
    def missing(self) -> list[str]:
        return [m for m in self.applicable if self.probed.get(m) != "present"]


class StubIndex:
    """Classes of the installed quantconnect-stubs, parsed on demand by module."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._modules: dict[str, dict[str, ast.ClassDef]] = {}

    def _module(self, module: str) -> dict[str, ast.ClassDef]:
        if module not in self._modules:
            path = self.root.joinpath(*module.split(".")) / "__init__.pyi"
            tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module([], [])
            self._modules[module] = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        return self._modules[module]

    def members(self, module: str, name: str, seen: set[tuple[str, str]] | None = None) -> set[str]:
        """Public members of a class and of the QuantConnect classes it derives from."""
        seen = seen if seen is not None else set()
        if (module, name) in seen:
            return set()
        seen.add((module, name))
        node = self._module(module).get(name)
        if node is None:
            return set()
        found: set[str] = set()
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                found.add(statement.name)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                found.add(statement.target.id)
            elif isinstance(statement, ast.Assign):
                found.update(t.id for t in statement.targets if isinstance(t, ast.Name))
        for base in node.bases:
            target = base.value if isinstance(base, ast.Subscript) else base
            dotted = ast.unparse(target)
            if dotted.startswith("QuantConnect."):
                base_module, _, base_name = dotted.rpartition(".")
                found |= self.members(base_module, base_name, seen)
            elif isinstance(target, ast.Name) and target.id in self._module(module):
                found |= self.members(module, target.id, seen)
        return {m for m in found if not m.startswith("_")}


def stub_root() -> Path:
    spec = importlib.util.find_spec("QuantConnect")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("quantconnect-stubs is not installed: `pip install quantconnect-stubs` (make install).")
    return Path(next(iter(spec.submodule_search_locations))).parent  # the folder holding the package


def measure(data_folder: Path) -> list[ClassMembers]:
    index = StubIndex(stub_root())
    classes = []
    for label, (module, name) in CLASSES.items():
        members = sorted(index.members(module, name))
        if not members:
            raise SystemExit(f"{module}.{name} not found in the stubs at {index.root}")
        aside = [m for m in members if NOT_APPLICABLE.search(m) or m in ENGINE_PLUMBING]
        classes.append(ClassMembers(label, [m for m in members if m not in aside], aside))
    with tempfile.TemporaryDirectory() as folder:
        wanted = Path(folder) / "members.json"
        output = Path(folder) / "probed.json"
        wanted.write_text(json.dumps({c.label: c.applicable + c.not_applicable for c in classes}))
        config = LaunchConfig(algorithm_location=PROBE, algorithm_type_name="ApiProbeAlgorithm",
                              algorithm_id="api-probe", data_folder=data_folder, results_folder=Path(folder),
                              cache_folder=Path(folder) / "cache",
                              parameters={"members": str(wanted), "output": str(output)})
        outcome = run_backtest(config, stream=io.StringIO())
        if outcome.status != "Completed":
            raise SystemExit(f"the probe algorithm failed: {outcome.error}")
        probed = json.loads(output.read_text())
    for members in classes:
        members.probed = probed[members.label]
    return classes


def table(classes: list[ClassMembers]) -> list[str]:
    lines = ["| class | present / applicable | % | not applicable (of them raising) |",
             "| --- | --- | --- | --- |"]
    for c in classes:
        raising = sum(c.probed.get(m) == "raises" for m in c.not_applicable)
        share = 100 * len(c.present) / len(c.applicable) if c.applicable else 100.0
        lines.append(f"| {c.label} | {len(c.present)} / {len(c.applicable)} | {share:.0f}% | "
                     f"{len(c.not_applicable)} ({raising}) |")
    present = sum(len(c.present) for c in classes)
    applicable = sum(len(c.applicable) for c in classes)
    lines.append(f"| **overall** | **{present} / {applicable}** | **{100 * present / applicable:.1f}%** | "
                 f"{sum(len(c.not_applicable) for c in classes)} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-folder", type=Path, default=REPO.parent / "shared" / "lean-data")
    parser.add_argument("--markdown", type=Path, help="also write the table and the missing members here")
    args = parser.parse_args(argv)
    classes = measure(args.data_folder)
    lines = table(classes)
    print("\n".join(lines))
    if args.markdown:
        missing = [f"* **{c.label}**: {', '.join(f'`{m}`' for m in c.missing)}" for c in classes if c.missing]
        header = ["# LEAN API coverage of the embedded engine", "",
                  "Written by `python bench/api_coverage.py --markdown docs/api-coverage.md` (see its docstring for "
                  "the method): members of the `quantconnect-stubs` classes an equity algorithm touches, with the "
                  "members they inherit from other QuantConnect classes. *Applicable* leaves out options, futures, "
                  "other asset classes, live trading and brokerages, universes and the algorithm framework, and "
                  "LEAN's engine plumbing (the script's `NOT_APPLICABLE` and `ENGINE_PLUMBING`); a QCAlgorithm "
                  "member of those raises `NotImplementedError` naming it and pointing at the LEAN image (the "
                  "column in brackets). A member counts as present when it resolves on a live engine object.", "",
                  "What is left (listed at the end) is mostly QCAlgorithm's indicator helpers, each needing its "
                  "indicator class with LEAN's exact definition; then `indicator_history`, bracket and "
                  "one-cancels-other orders, `filtered_identity`, candlestick patterns, the security `session` "
                  "(the day's running OHLCV), `quantity_changed` events and a few settings.", ""]
        args.markdown.write_text("\n".join([*header, *lines, "", "## Missing applicable members", "", *missing, ""]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
