"""``self.settings``: LEAN's algorithm settings with LEAN's defaults."""

from __future__ import annotations

from datetime import timedelta

from lean_runner.engine.naming import PascalCaseAttributes, lean_names


@lean_names
class AlgorithmSettings(PascalCaseAttributes):
    """Settings an algorithm may change in ``initialize``."""

    def __init__(self) -> None:
        self.free_portfolio_value_percentage = 0.0025
        self.free_portfolio_value: float | None = None
        self.minimum_order_margin_portfolio_percentage = 0.001
        self.stale_price_time_span = timedelta(hours=1)
        self.daily_precise_end_time = True
        self.liquidate_enabled = True
        self.automatic_indicator_warm_up = False
        self.trading_days_per_year = 252
        self.seed_initial_prices = False
        self.warmup_resolution: int | None = None
        self.rebalance_portfolio_on_security_changes = True
        self.rebalance_portfolio_on_insight_changes = True
        self.max_absolute_portfolio_target_percentage = 1_000_000_000.0
        self.min_absolute_portfolio_target_percentage = 1e-9
        self.daily_consolidation_use_extended_market_hours = False

    @property
    def warm_up_resolution(self) -> int | None:
        """LEAN's other spelling of ``warmup_resolution``."""
        return self.warmup_resolution

    @warm_up_resolution.setter
    def warm_up_resolution(self, value: int | None) -> None:
        self.warmup_resolution = value

    def __setattr__(self, name: str, value: object) -> None:
        # Accept self.Settings.FreePortfolioValuePercentage = ... from PascalCase algorithms.
        if name[:1].isupper():
            from lean_runner.engine.naming import to_snake

            name = to_snake(name)
        object.__setattr__(self, name, value)


@lean_names
class UniverseSettings(PascalCaseAttributes):
    """Defaults for securities added by universes (minute, fill forward, leverage 2 for equities)."""

    def __init__(self) -> None:
        self.resolution = 2
        self.fill_forward = True
        self.extended_market_hours = False
        self.leverage = 0.0
        self.data_normalization_mode = 1
