"""Run one backtest from a LEAN launcher config, the way LEAN's launcher does.

``python -m lean_runner.engine --config config.json`` reads the same keys as
LEAN's ``Launcher/config.json`` (``algorithm-location``, ``algorithm-type-name``,
``algorithm-id``, ``data-folder``, ``results-destination-folder``,
``parameters``, ``close-automatically``...), prints LEAN-style log lines and
machine-readable ``PROGRESS::`` lines (``docs/progress-lines.md``), and writes
LEAN's result files atomically. Exit codes: 0 completed, 1 runtime error,
2 bad configuration or algorithm, 130 stopped by a signal.
"""

from __future__ import annotations

import json
import signal
import sys
import time as wallclock
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from lean_runner.engine.algorithm.core import AlgorithmConfigurationError, AlgorithmQuit
from lean_runner.engine.algorithm_loader import AlgorithmLoadError, load_algorithm_class
from lean_runner.engine.backtest import BacktestEngine, MissingDataError
from lean_runner.engine.data.reader import DataNotFoundError
from lean_runner.engine.data_services import DataFolderError, DataServices
from lean_runner.engine.progress import Progress
from lean_runner.engine.report import build_backtest_result
from lean_runner.engine.results.layout import check_algorithm_id
from lean_runner.engine.results.logs import EngineLogFile, format_algorithm_log_line, format_console_line
from lean_runner.engine.results.writer import write_backtest_results
from lean_runner.engine.run_window import CONFIG_KEY as RUN_WINDOW_KEY
from lean_runner.engine.run_window import RunWindow, RunWindowError

ENGINE_VERSION = "0.1.0"
EXIT_COMPLETED, EXIT_RUNTIME_ERROR, EXIT_CONFIGURATION_ERROR, EXIT_STOPPED = 0, 1, 2, 130


class ConfigError(ValueError):
    """The launcher config is unusable; the message names the key."""


class StopRequested(Exception):
    """SIGINT or SIGTERM arrived: finish the current slice, write results and stop."""


@dataclass
class LaunchConfig:
    """The LEAN launcher keys the embedded engine honours."""

    algorithm_location: Path
    algorithm_type_name: str | None
    algorithm_id: str
    data_folder: Path
    results_folder: Path
    parameters: dict[str, str] = field(default_factory=dict)
    cache_folder: Path | None = None
    progress_interval: float = 0.5
    run_window: RunWindow | None = None

    @classmethod
    def from_mapping(cls, config: dict[str, Any], base: Path) -> LaunchConfig:
        location = config.get("algorithm-location")
        if not location:
            raise ConfigError("'algorithm-location' is missing: the path of the algorithm's .py file.")
        language = str(config.get("algorithm-language", "Python"))
        if language.lower() != "python":
            raise ConfigError(f"'algorithm-language' is {language!r}: the embedded engine runs Python algorithms.")
        algorithm_path = _resolve(base, str(location))
        type_name = config.get("algorithm-type-name") or None
        algorithm_id = str(config.get("algorithm-id") or type_name or algorithm_path.stem)
        check_algorithm_id(algorithm_id)
        parameters = config.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise ConfigError("'parameters' must be an object of name → value.")
        cache = config.get("workbench-cache-folder")
        return cls(
            algorithm_location=algorithm_path,
            algorithm_type_name=str(type_name) if type_name else None,
            algorithm_id=algorithm_id,
            data_folder=_resolve(base, str(config.get("data-folder", "../../../Data/"))),
            results_folder=_resolve(base, str(config.get("results-destination-folder") or ".")),
            parameters={str(k): str(v) for k, v in parameters.items()},
            cache_folder=_resolve(base, str(cache)) if cache else None,
            progress_interval=float(config.get("workbench-progress-interval", 0.5)),
            run_window=_run_window(config),
        )

    @classmethod
    def load(cls, path: Path, overrides: dict[str, Any] | None = None) -> LaunchConfig:
        try:
            config = json.loads(Path(path).read_text())
        except FileNotFoundError as error:
            raise ConfigError(f"Config file not found: {path}") from error
        except json.JSONDecodeError as error:
            raise ConfigError(f"Config file {path} is not valid JSON: {error}") from error
        if not isinstance(config, dict):
            raise ConfigError(f"Config file {path} must hold a JSON object.")
        config.update(overrides or {})
        return cls.from_mapping(config, Path(path).resolve().parent)


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


@dataclass
class BacktestOutcome:
    status: str
    exit_code: int
    statistics: dict[str, str]
    result_folder: Path
    algorithm_id: str
    data_points: int
    seconds: float
    error: str = ""


class ConsoleLog:
    """LEAN's console and ``log.txt`` lines, plus the machine-readable progress lines."""

    def __init__(self, log_file: EngineLogFile | None, stream: TextIO) -> None:
        self._file = log_file
        self._stream = stream

    def write(self, level: str, message: str) -> None:
        now = datetime.now()
        for line in message.splitlines() or [""]:
            self._stream.write(format_console_line(level, line, now) + "\n")
        self._stream.flush()
        if self._file is not None:
            self._file.write(level, message)

    def trace(self, message: str) -> None:
        self.write("TRACE", message)

    def error(self, message: str) -> None:
        self.write("ERROR", message)

    def progress(self, algorithm_id: str, progress: Progress, started: float,
                 runtime_statistics: dict[str, str]) -> None:
        payload = {
            "algorithmId": algorithm_id,
            "progress": progress.fraction,
            "percent": round(progress.fraction * 100, 1),
            "time": progress.algorithm_time.isoformat(),
            "equity": round(progress.equity, 2),
            "netProfit": round(progress.net_profit, 6),
            "drawdown": progress.drawdown,
            "orders": progress.orders,
            "fees": round(progress.fees, 2),
            "dataPoints": progress.data_points,
            "elapsed": round(wallclock.perf_counter() - started, 3),
            "statistics": runtime_statistics,
        }
        now = datetime.now()
        self._stream.write(f"{now:%Y%m%d %H:%M:%S}.{now.microsecond // 1000:03d} PROGRESS:: "
                           f"{json.dumps(payload, separators=(',', ':'))}\n")
        self._stream.flush()


def run_backtest(config: LaunchConfig, *, stream: TextIO | None = None,
                 install_signal_handlers: bool = False) -> BacktestOutcome:
    """Run the configured backtest to its end and write its result files; never raises for algorithm errors."""
    out = stream or sys.stdout
    started_wall = wallclock.perf_counter()
    started_utc = datetime.now(UTC).replace(tzinfo=None)
    config.results_folder.mkdir(parents=True, exist_ok=True)
    log_file = EngineLogFile(config.results_folder / "log.txt")
    console = ConsoleLog(log_file, out)
    console.trace(f"Engine.Main(): LEAN-compatible embedded engine v{ENGINE_VERSION} (lean-workbench) Mode: RELEASE")
    console.trace(f"Engine.Main(): Started {datetime.now():%H:%M:%S}")
    console.trace(f"JobQueue.NextJob(): Selected {config.algorithm_location}")
    algorithm_log: list[str] = []
    engine: BacktestEngine | None = None
    status, exit_code, error_text, stack_trace = "Completed", EXIT_COMPLETED, "", ""
    restore_signals: Callable[[], None] = lambda: None  # noqa: E731
    try:
        algorithm_class = load_algorithm_class(config.algorithm_location, config.algorithm_type_name)
        data = DataServices.open(config.data_folder, config.cache_folder)
        algorithm = algorithm_class()

        def on_message(level: str, text: str, when: datetime) -> None:
            prefix = {"debug": "Debug", "log": "Log", "error": "Error"}[level]
            algorithm_log.append(format_algorithm_log_line(when, text))
            if level == "error":
                console.error(f"{prefix}: {when:%Y-%m-%d %H:%M:%S} {text}")
            else:
                console.trace(f"{prefix}: {when:%Y-%m-%d %H:%M:%S} {text}")

        def on_progress(progress: Progress) -> None:
            assert engine is not None
            console.progress(config.algorithm_id, progress, started_wall, engine.runtime_statistics)

        engine = BacktestEngine(algorithm, data, parameters=config.parameters, on_message=on_message,
                                on_progress=on_progress, progress_interval=config.progress_interval,
                                run_window=config.run_window)
        if install_signal_handlers:
            restore_signals = _install_stop_handlers()
        engine.run(on_begin=lambda: console.trace(
            f"AlgorithmManager.Run(): Begin DataStream - Start: {algorithm.start_date} Stop: "
            f"{algorithm.end_date} Time: {datetime.now()} Warmup: False"))
        seconds = engine.finished_wall - engine.started_wall
        kdps = engine.data_points / seconds / 1000 if seconds > 0 else 0.0
        engine.message("debug", f"Algorithm Id:({config.algorithm_id}) completed in {seconds:.2f} seconds at "
                                f"{kdps:.0f}k data points per second. Processing total of "
                                f"{engine.data_points:,} data points.")
    except StopRequested:
        status, exit_code, error_text = "Stopped", EXIT_STOPPED, "Stopped by a signal."
        console.trace("Engine.Run(): Algorithm stopped on request; writing results.")
    except (AlgorithmLoadError, DataFolderError, ConfigError) as problem:
        status, exit_code, error_text = "RuntimeError", EXIT_CONFIGURATION_ERROR, str(problem)
        console.error(f"Engine.Run(): {problem}")
    except (MissingDataError, DataNotFoundError, AlgorithmConfigurationError, NotImplementedError) as problem:
        status, exit_code, error_text = "RuntimeError", EXIT_RUNTIME_ERROR, str(problem)
        stack_trace = _user_traceback(problem, config.algorithm_location)
        console.error(f"Runtime Error: {problem}")
        if stack_trace:
            console.error(stack_trace)
    except Exception as problem:  # the algorithm raised: LEAN's RuntimeError state
        status, exit_code = "RuntimeError", EXIT_RUNTIME_ERROR
        error_text = f"{type(problem).__name__}: {problem}"
        stack_trace = _user_traceback(problem, config.algorithm_location)
        console.error(f"Runtime Error: {error_text}")
        console.error(stack_trace)
    finally:
        restore_signals()
    statistics: dict[str, str] = {}
    if engine is not None and engine.sampler is not None:
        result = build_backtest_result(engine, algorithm_id=config.algorithm_id, status=status,
                                       started_utc=started_utc, runtime_error=error_text,
                                       stack_trace=stack_trace, logs=algorithm_log)
        statistics = result.statistics
        write_backtest_results(config.results_folder, config.algorithm_id, result)
        console.trace(f"Debug: Your log was successfully created and can be retrieved from: "
                      f"{config.results_folder / (config.algorithm_id + '-log.txt')}")
    elif error_text:
        _write_failure_result(config, status, error_text, stack_trace, started_utc, algorithm_log)
    if status == "Completed":
        console.trace("")
        for name, value in statistics.items():
            console.write("TRACE", f"STATISTICS:: {name} {value}")
        console.trace("BacktestingResultHandler.SendAnalysisResult(): Processed final packet")
    console.trace("Engine.Main(): Analysis Completed and Results Posted.")
    log_file.close()
    seconds = wallclock.perf_counter() - started_wall
    return BacktestOutcome(status, exit_code, statistics, config.results_folder, config.algorithm_id,
                           engine.data_points if engine else 0, seconds, error_text)


def _write_failure_result(config: LaunchConfig, status: str, error: str, stack_trace: str, started_utc: datetime,
                          logs: list[str]) -> None:
    """Even a run that never started leaves a result file saying why (state RuntimeError)."""
    from lean_runner.engine.results.writer import BacktestResult, build_state

    state = build_state(status, start_time=started_utc, end_time=datetime.now(UTC).replace(tzinfo=None),
                        runtime_error=error, stack_trace=stack_trace, log_count=len(logs), name=config.algorithm_id)
    write_backtest_results(config.results_folder, config.algorithm_id, BacktestResult(state=state, logs=logs))


def _user_traceback(error: BaseException, algorithm_file: Path) -> str:
    """The Python traceback with the engine's own frames removed, so it points at the user's file and line."""
    frames = traceback.extract_tb(error.__traceback__)
    user = str(Path(algorithm_file).resolve())
    kept = [f for f in frames if not f.filename.startswith(str(Path(__file__).resolve().parent))
            or f.filename == user]
    if not any(f.filename == user for f in kept):
        kept = frames
    lines = ["Traceback (most recent call last):", *traceback.format_list(kept)]
    lines.append(f"{type(error).__name__}: {error}")
    return "\n".join(line.rstrip("\n") for line in lines)


def _install_stop_handlers() -> Callable[[], None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise StopRequested(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return restore


def _run_window(config: dict[str, Any]) -> RunWindow | None:
    try:
        return RunWindow.from_config(config.get(RUN_WINDOW_KEY))
    except RunWindowError as error:
        raise ConfigError(str(error)) from error


__all__ = ["AlgorithmQuit", "BacktestOutcome", "ConfigError", "LaunchConfig", "run_backtest"]
