"""LEAN-format results: charts, the result folder writer and reader, and log formats."""

from lean_runner.engine.results.atomic import (
    remove_stale_temp_files,
    write_json_atomic,
    write_text_atomic,
)
from lean_runner.engine.results.charts import (
    CandlestickSeries,
    Chart,
    ScatterMarkerSymbol,
    Series,
    SeriesType,
    default_charts,
    resample_candles,
)
from lean_runner.engine.results.layout import ResultFiles
from lean_runner.engine.results.logs import (
    EngineLogFile,
    format_algorithm_log_line,
    format_console_line,
    format_log_file_line,
)
from lean_runner.engine.results.reader import LeanResultFolder, ResultFolderError, read_result_folder
from lean_runner.engine.results.writer import (
    AccountType,
    AlgorithmStatus,
    BacktestResult,
    build_algorithm_configuration,
    build_state,
    format_runtime_statistics,
    write_backtest_results,
    write_result_json,
)

__all__ = [
    "AccountType",
    "AlgorithmStatus",
    "BacktestResult",
    "CandlestickSeries",
    "Chart",
    "EngineLogFile",
    "LeanResultFolder",
    "ResultFiles",
    "ResultFolderError",
    "ScatterMarkerSymbol",
    "Series",
    "SeriesType",
    "build_algorithm_configuration",
    "build_state",
    "default_charts",
    "format_algorithm_log_line",
    "format_console_line",
    "format_log_file_line",
    "format_runtime_statistics",
    "read_result_folder",
    "remove_stale_temp_files",
    "resample_candles",
    "write_backtest_results",
    "write_json_atomic",
    "write_result_json",
    "write_text_atomic",
]
