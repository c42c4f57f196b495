"""The ``QuantConnect.*`` namespaces LEAN Python algorithms import from directly, beside AlgorithmImports:
``from QuantConnect.Data.Auxiliary import *`` (factor and map file providers) and
``from QuantConnect.Lean.Engine.DataFeeds import DefaultDataProvider``.

The providers read the engine's data folder (``Globals.data_folder``). Every other name of those namespaces
is LEAN's AlgorithmImports API, re-exported.
"""

from __future__ import annotations

import types
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lean_runner.engine.custom_data import Globals
from lean_runner.engine.data.factor_files import FactorFileProvider
from lean_runner.engine.data.map_files import MapFileProvider
from lean_runner.engine.feed import normalization_mode_name
from lean_runner.engine.naming import lean_names


def _data_folder() -> Path:
    return Path(Globals.data_folder)


def _ticker(symbol: Any) -> str:
    return str(getattr(symbol, "value", symbol))


@lean_names
class DefaultDataProvider:
    """LEAN's local-disk data provider: files under the data folder."""

    def fetch(self, key: str) -> Any:
        return open(_data_folder() / key, "rb")


@lean_names
class LocalDiskMapFileProvider:
    def initialize(self, data_provider: Any = None) -> None:
        self._provider = MapFileProvider(_data_folder(), "usa", "equity")

    def get(self, symbol: Any) -> Any:
        if not hasattr(self, "_provider"):
            self.initialize()
        return self._provider.get(_ticker(symbol))


@lean_names
class CorporateFactorProvider:
    """A security's factor file as LEAN's algorithms read it."""

    def __init__(self, factor_file: Any) -> None:
        self._file = factor_file

    def get_price_factor(self, time: datetime | date, mode: Any = 1, contract_offset: int = 0,
                         mapping_mode: Any = None) -> float:
        day = time.date() if isinstance(time, datetime) else time
        return self._file.factor(day, normalization_mode_name(int(mode)))

    def get_price_scale(self, time: datetime | date, mode: Any = 1, contract_offset: int = 0,
                        mapping_mode: Any = None) -> float:
        return self.get_price_factor(time, mode)


@lean_names
class LocalDiskFactorFileProvider:
    def initialize(self, map_file_provider: Any = None, data_provider: Any = None) -> None:
        self._provider = FactorFileProvider(_data_folder(), "usa", "equity")

    def get(self, symbol: Any) -> CorporateFactorProvider:
        if not hasattr(self, "_provider"):
            self.initialize()
        return CorporateFactorProvider(self._provider.get(_ticker(symbol)))


def quantconnect_modules() -> dict[str, types.ModuleType]:
    """The ``QuantConnect`` package and the namespaces under it that algorithms import from."""
    from lean_runner.engine import lean_api

    api = {name: getattr(lean_api, name) for name in lean_api.__all__}
    auxiliary = {"LocalDiskMapFileProvider": LocalDiskMapFileProvider,
                 "LocalDiskFactorFileProvider": LocalDiskFactorFileProvider,
                 "CorporateFactorProvider": CorporateFactorProvider}
    names = {
        "QuantConnect": api,
        "QuantConnect.Data": api,
        "QuantConnect.Data.Market": api,
        "QuantConnect.Data.Auxiliary": auxiliary,
        "QuantConnect.Data.Consolidators": api,
        "QuantConnect.Algorithm": api,
        "QuantConnect.Indicators": api,
        "QuantConnect.Orders": api,
        "QuantConnect.Securities": api,
        "QuantConnect.Lean": {},
        "QuantConnect.Lean.Engine": {},
        "QuantConnect.Lean.Engine.DataFeeds": {"DefaultDataProvider": DefaultDataProvider},
    }
    modules = {}
    for name, members in names.items():
        module = types.ModuleType(name, f"LEAN's {name} namespace (the embedded engine's stand-ins)")
        module.__dict__.update(members)
        module.__all__ = sorted(members)  # type: ignore[attr-defined]
        module.__path__ = []  # a package: its sub-namespaces import
        modules[name] = module
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)
    return modules
