"""Volatility models (LEAN's ``IVolatilityModel``): ``security.volatility_model.volatility``.

A security starts with :data:`NULL_VOLATILITY_MODEL` (volatility 0, as LEAN's ``VolatilityModel.Null``).
A model set with ``security.set_volatility_model(model)`` in ``initialize`` is updated by the engine with
each of the security's trade bars, as LEAN's security update does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lean_runner.engine.enums import DataNormalizationMode
from lean_runner.engine.naming import lean_names

__all__ = ["NULL_VOLATILITY_MODEL", "IndicatorVolatilityModel", "NullVolatilityModel", "VolatilityModelExtensions"]


@lean_names
class NullVolatilityModel:
    """No volatility: LEAN's default for equities."""

    volatility = 0.0

    def update(self, security: Any, data: Any) -> None:
        return None

    def get_history_requirements(self, security: Any, utc_time: Any) -> list[Any]:
        return []


NULL_VOLATILITY_MODEL = NullVolatilityModel()


@lean_names
class IndicatorVolatilityModel:
    """Volatility read from an indicator's current value; ``indicator_update(security, data, indicator)``
    feeds it (without one, the indicator is expected to be updated elsewhere)."""

    def __init__(self, indicator: Any, indicator_update: Callable[[Any, Any, Any], Any] | None = None) -> None:
        self._indicator = indicator
        self._indicator_update = indicator_update

    @property
    def volatility(self) -> float:
        return float(self._indicator.current.value)

    def update(self, security: Any, data: Any) -> None:
        if self._indicator_update is not None:
            self._indicator_update(security, data, self._indicator)

    def get_history_requirements(self, security: Any, utc_time: Any) -> list[Any]:
        return []


@lean_names
class VolatilityModelExtensions:
    """``VolatilityModelExtensions.warm_up(model, algorithm, security, resolution, bar_count, mode)``."""

    @staticmethod
    def warm_up(model: Any, algorithm: Any, security: Any, resolution: Any = None, bar_count: int = 0,
                data_normalization_mode: Any = None) -> None:
        """Feed the model the last ``bar_count`` trade bars before now (in ``data_normalization_mode``, the
        security's own by default), as LEAN's history-based warm-up does. RAW is read as ScaledRaw: prices
        relative to today's, so a split or dividend in the window makes no jump."""
        runtime = algorithm._require_runtime()
        mode = data_normalization_mode
        if mode is not None and int(mode) == DataNormalizationMode.RAW:
            mode = DataNormalizationMode.SCALED_RAW
        for bar in runtime.history_bars(security.symbol, int(bar_count), resolution, mode):
            bar.symbol = security.symbol
            model.update(security, bar)
