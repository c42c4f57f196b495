"""Read a LEAN result folder (ours or the real engine's) for the API, dashboard and DSL mapping.

Example::

    folder = read_result_folder(Path("test-project/backtests/2024-05-01_12-00-00"))
    folder.statistics["Sharpe Ratio"]
    folder.equity_curve()[-1]      # (unix seconds, equity)
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from lean_runner.engine.results.charts import (
    EQUITY,
    STRATEGY_EQUITY,
    CandlestickSeries,
    Chart,
)
from lean_runner.engine.results.layout import (
    ORDER_EVENTS_SUFFIX,
    SUMMARY_SUFFIX,
    ResultFiles,
)

__all__ = ["LeanResultFolder", "ResultFolderError", "collector_paused", "parse_json", "read_result_folder"]


class ResultFolderError(Exception):
    """A result folder is missing, has no result file, or holds a file that is not valid JSON."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while reading a result.

    A long result makes hundreds of thousands of lists and floats, none of them in a cycle; each collection
    they set off scans the whole heap (in the server, Panel's and Bokeh's objects) for nothing. That doubled
    the read of a 100,000-point chart. Reference counting still frees everything as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_json(text: bytes) -> Any:
    """JSON to Python objects: orjson (a 100,000-point equity chart in a fifth of json's time), and json for
    what orjson refuses but json reads (NaN and Infinity literals), so both accept the same files."""
    with collector_paused():
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return json.loads(text)  # raises json's own error, with its line and column, when neither reads it


def _load_json(path: Path) -> Any:
    try:
        return parse_json(path.read_bytes())
    except json.JSONDecodeError as err:
        raise ResultFolderError(
            f"{path} is not valid JSON ({err.msg} at line {err.lineno} column {err.colno}); "
            "the run may have been killed while LEAN was writing it: rerun the backtest",
            path,
        ) from err
    except UnicodeDecodeError as err:
        raise ResultFolderError(
            f"{path} is not UTF-8 text ({err}); it is not a LEAN result file", path
        ) from err
    except OSError as err:
        raise ResultFolderError(f"cannot read {path}: {err.strerror or err}", path) from err


def _load_object(path: Path) -> dict[str, Any]:
    data = _load_json(path)
    if not isinstance(data, dict):
        raise ResultFolderError(
            f"{path} holds a JSON {type(data).__name__}, not the object a LEAN result file has", path
        )
    return data


def _is_side_file(name: str) -> bool:
    return (
        name.startswith(".")
        or name.endswith(SUMMARY_SUFFIX)
        or name.endswith(ORDER_EVENTS_SUFFIX)
        or name.startswith("data-monitor-report-")
    )


def _id_from_lean_cli_config(folder: Path) -> str | None:
    """lean-cli writes ``config`` (JSON, no extension) whose ``id`` is the algorithm id."""
    config = folder / "config"
    if not config.is_file():
        return None
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True)
class _Candidate:
    path: Path
    data: dict[str, Any]


def _find_result(folder: Path) -> _Candidate:
    config_id = _id_from_lean_cli_config(folder)
    if config_id is not None:
        path = folder / f"{config_id}.json"
        if path.is_file():
            return _Candidate(path, _load_object(path))

    candidates: list[_Candidate] = []
    for path in sorted(folder.glob("*.json")):
        if _is_side_file(path.name) or not path.is_file():
            continue
        data = _load_json(path)
        if isinstance(data, dict) and "charts" in data:
            candidates.append(_Candidate(path, data))
    if not candidates:
        raise ResultFolderError(
            f"no LEAN result file in {folder}: expected '<algorithm-id>.json' with a 'charts' key "
            "(is the backtest still starting, or did it fail before writing results? see log.txt)",
            folder,
        )
    if len(candidates) == 1:
        return candidates[0]
    # Several runs wrote into one folder: prefer a finished one (it has a summary), then the newest.
    return max(
        candidates,
        key=lambda c: (c.path.with_name(c.path.stem + SUMMARY_SUFFIX).is_file(), c.path.stat().st_mtime),
    )


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


@dataclass(frozen=True)
class LeanResultFolder:
    """One backtest's result files, loaded. ``raw`` is the full ``<id>.json`` object."""

    folder: Path
    algorithm_id: str
    result_path: Path
    raw: dict[str, Any]
    charts: dict[str, Chart]
    statistics: dict[str, str]
    runtime_statistics: dict[str, str]
    orders: dict[str, dict[str, Any]]
    state: dict[str, str]
    algorithm_configuration: dict[str, Any]
    total_performance: dict[str, Any] | None
    profit_loss: dict[str, float]

    @property
    def files(self) -> ResultFiles:
        return ResultFiles(self.folder, self.algorithm_id)

    @property
    def status(self) -> str | None:
        """``state.Status`` (``Completed``, ``RuntimeError``, ...), or ``None`` if absent."""
        return self.state.get("Status") or None

    def equity_curve(self) -> list[tuple[float, float]]:
        """``(unix seconds, equity)`` from the ``Strategy Equity``/``Equity`` candle closes."""
        chart = self.charts.get(STRATEGY_EQUITY)
        series = chart.series.get(EQUITY) if chart is not None else None
        if series is None:
            return []
        if isinstance(series, CandlestickSeries):
            return list(zip(series.times, series.closes, strict=True))
        return [(t, v) for t, v in series.values if v is not None]

    @cached_property
    def summary(self) -> dict[str, Any] | None:
        """``<id>-summary.json``, or ``None`` when the run did not write one."""
        path = self.files.summary
        return _load_object(path) if path.is_file() else None

    @cached_property
    def order_events(self) -> list[dict[str, Any]]:
        """``<id>-order-events.json`` (an empty list when the run had no events)."""
        path = self.files.order_events
        if not path.is_file():
            return []
        data = _load_json(path)
        if not isinstance(data, list):
            raise ResultFolderError(f"{path} holds a JSON {type(data).__name__}, not a list of events", path)
        return data

    def algorithm_log(self) -> list[str]:
        """The lines of ``<id>-log.txt`` (empty if there is none)."""
        path = self.files.algorithm_log
        if not path.is_file():
            return []
        return path.read_text(encoding="utf-8", errors="replace").splitlines()


def read_result_folder(folder: Path) -> LeanResultFolder:
    """Load the result of the backtest in ``folder``.

    The result file is ``<id>.json`` (the id from lean-cli's ``config`` file when
    present, otherwise the JSON file that is not a summary, order-events or
    data-monitor file and has ``charts``). Raises :class:`ResultFolderError`
    when the folder is missing, holds no result, or a file is not valid JSON.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultFolderError(
            f"result folder {folder} does not exist (or is not a folder); check the backtest's output path",
            folder,
        )
    found = _find_result(folder)
    data = found.data
    algorithm_id = found.path.name[: -len(".json")]
    try:
        charts = {name: Chart.from_json(chart) for name, chart in (data.get("charts") or {}).items()}
    except (ValueError, TypeError) as err:
        raise ResultFolderError(f"{found.path} has a malformed chart: {err}", found.path) from err
    orders = data.get("orders") or {}
    profit_loss = data.get("profitLoss") or {}
    total_performance = data.get("totalPerformance")
    configuration = data.get("algorithmConfiguration")
    return LeanResultFolder(
        folder=folder,
        algorithm_id=algorithm_id,
        result_path=found.path,
        raw=data,
        charts=charts,
        statistics=_str_dict(data.get("statistics")),
        runtime_statistics=_str_dict(data.get("runtimeStatistics")),
        orders={str(k): v for k, v in orders.items()} if isinstance(orders, dict) else {},
        state=_str_dict(data.get("state")),
        algorithm_configuration=configuration if isinstance(configuration, dict) else {},
        total_performance=total_performance if isinstance(total_performance, dict) else None,
        profit_loss=(
            {str(k): float(v) for k, v in profit_loss.items() if v is not None}
            if isinstance(profit_loss, dict)
            else {}
        ),
    )
