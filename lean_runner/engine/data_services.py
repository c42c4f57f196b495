"""Everything the engine reads from a LEAN data folder, built once per run (the data composition root)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lean_runner.engine.data.factor_files import FactorFileProvider
from lean_runner.engine.data.interest_rate import InterestRateProvider
from lean_runner.engine.data.map_files import MapFile, MapFileProvider
from lean_runner.engine.data.market_hours import MarketHoursDatabase
from lean_runner.engine.data.reader import LeanDataReader
from lean_runner.engine.data.security_database import SecurityDatabase
from lean_runner.engine.data.sid import security_identifier
from lean_runner.engine.data.symbol_properties import SymbolPropertiesDatabase


class DataFolderError(FileNotFoundError):
    """The data folder is missing or is not a LEAN data folder."""


@dataclass
class DataServices:
    data_folder: Path
    reader: LeanDataReader
    market_hours: MarketHoursDatabase
    symbol_properties: SymbolPropertiesDatabase
    map_files: MapFileProvider
    factor_files: FactorFileProvider
    interest_rate: InterestRateProvider
    security_database: SecurityDatabase = field(default_factory=lambda: SecurityDatabase({}))

    @classmethod
    def open(cls, data_folder: Path, cache_folder: Path | None = None) -> DataServices:
        """Open a LEAN data folder; a clear error when it is not one."""
        folder = Path(data_folder).expanduser().resolve()
        if not folder.is_dir():
            raise DataFolderError(f"The data folder {folder} does not exist. Pass --data-folder (or set "
                                  f"WORKBENCH_DATA_FOLDER) to a LEAN data folder, or create one with "
                                  f"`workbench data generate`.")
        if not (folder / "market-hours" / "market-hours-database.json").is_file():
            raise DataFolderError(f"{folder} is not a LEAN data folder: market-hours/market-hours-database.json "
                                  f"is missing.")
        market_hours = MarketHoursDatabase.load(folder)
        try:
            symbol_properties = SymbolPropertiesDatabase.load(folder)
        except FileNotFoundError as error:
            raise DataFolderError(f"{folder} is not a LEAN data folder: {error}") from error
        try:
            interest_rate = InterestRateProvider.load(folder)
        except FileNotFoundError:
            interest_rate = InterestRateProvider.constant()
        return cls(folder, LeanDataReader(folder, cache_folder, market_hours), market_hours, symbol_properties,
                   MapFileProvider(folder), FactorFileProvider(folder), interest_rate, SecurityDatabase.load(folder))

    def security_id(self, ticker: str, map_file: MapFile) -> str:
        """LEAN's SID string for a US equity, from its map file's first ticker and date."""
        first_ticker = map_file.first_ticker if map_file.exists else ticker
        return security_identifier(first_ticker, map_file.first_date if map_file.exists else None, "usa", "equity")
