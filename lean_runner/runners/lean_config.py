"""The LEAN launcher config of one run, as a plain dict built by pure functions.

Both runners write it as ``<result>/lean-config.json``: the local runner with this
machine's paths, the docker runner with the container's (``/LeanCLI``, ``/Lean/Data``,
``/Results``, ``/Storage``) and mounted at ``/Lean/Launcher/bin/Debug/config.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lean_runner.runners.request import RunPlan

CONFIG_FILE_NAME = "lean-config.json"

# LEAN's launcher defaults for a local backtest. Mounting a config replaces the image's own
# config.json, so the handlers LEAN needs must be in it.
_BACKTESTING_ENVIRONMENT: dict[str, Any] = {
    "live-mode": False,
    "setup-handler": "QuantConnect.Lean.Engine.Setup.BacktestingSetupHandler",
    "result-handler": "QuantConnect.Lean.Engine.Results.BacktestingResultHandler",
    "data-feed-handler": "QuantConnect.Lean.Engine.DataFeeds.FileSystemDataFeed",
    "real-time-handler": "QuantConnect.Lean.Engine.RealTime.BacktestingRealTimeHandler",
    "history-provider": ["QuantConnect.Lean.Engine.HistoricalData.SubscriptionDataReaderHistoryProvider"],
    "transaction-handler": "QuantConnect.Lean.Engine.TransactionHandlers.BacktestingTransactionHandler",
}
_LEAN_BASE: dict[str, Any] = {
    "debugging": False,
    "debugging-method": "LocalCmdline",
    "composer-dll-directory": ".",
    "log-handler": "QuantConnect.Logging.CompositeLogHandler",
    "messaging-handler": "QuantConnect.Messaging.Messaging",
    "job-queue-handler": "QuantConnect.Queues.JobQueue",
    "api-handler": "QuantConnect.Api.Api",
    "map-file-provider": "QuantConnect.Data.Auxiliary.LocalDiskMapFileProvider",
    "factor-file-provider": "QuantConnect.Data.Auxiliary.LocalDiskFactorFileProvider",
    "data-provider": "QuantConnect.Lean.Engine.DataFeeds.DefaultDataProvider",
    "object-store": "QuantConnect.Lean.Engine.Storage.LocalObjectStore",
    "data-aggregator": "QuantConnect.Lean.Engine.DataFeeds.AggregationManager",
    "job-user-id": "0",
    "api-access-token": "",
    "job-organization-id": "",
    "show-missing-data-logs": False,
    "storage-limit-mb": "9999999",
    "storage-file-count": "9999999",
    "environments": {"backtesting": _BACKTESTING_ENVIRONMENT},
}


def default_lean_base_config() -> dict[str, Any]:
    """The handler keys LEAN's launcher needs for a backtest (a fresh copy)."""
    return json.loads(json.dumps(_LEAN_BASE))


def load_lean_base_config(path: Path) -> dict[str, Any]:
    """A ``lean.json`` or LEAN ``Launcher/config.json`` (``//`` comments allowed) as the base config."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(strip_json_comments(text))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a LEAN config: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    return data


def strip_json_comments(text: str) -> str:
    """``text`` without ``//`` line comments outside strings (LEAN's config.json has them)."""
    out: list[str] = []
    in_string = escaped = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


@dataclass(frozen=True)
class ConfigPaths:
    """Where the engine sees the run's files: this machine's paths or the container's."""

    algorithm_location: str
    data_folder: str
    results_folder: str
    storage_folder: str
    cache_folder: str | None = None


def build_lean_config(plan: RunPlan, paths: ConfigPaths, *, base: Mapping[str, Any] | None = None,
                      workbench_keys: bool = True) -> dict[str, Any]:
    """The launcher config of ``plan``: ``base`` plus the keys every run sets.

    ``workbench_keys`` adds the embedded engine's own keys (progress interval, parse cache);
    LEAN ignores them, so they are left out for the real LEAN image.
    """
    config: dict[str, Any] = dict(base or {})
    config.update({
        "environment": "backtesting",
        "close-automatically": True,
        "algorithm-type-name": plan.algorithm.stem,
        "algorithm-language": "Python",
        "algorithm-location": paths.algorithm_location,
        "algorithm-id": plan.algorithm_id,
        "data-folder": paths.data_folder,
        "results-destination-folder": paths.results_folder,
        "object-store-root": paths.storage_folder,
        "parameters": dict(plan.parameters),
    })
    if plan.backtest_name:
        config["backtest-name"] = plan.backtest_name
    if workbench_keys:
        config["workbench-progress-interval"] = plan.progress_interval
        if plan.window:
            config["workbench-run-window"] = dict(plan.window)
        if paths.cache_folder:
            config["workbench-cache-folder"] = paths.cache_folder
    return config


def local_config_paths(plan: RunPlan) -> ConfigPaths:
    """This machine's paths, for the local runner."""
    return ConfigPaths(algorithm_location=str(plan.algorithm), data_folder=str(plan.data_folder),
                       results_folder=str(plan.result_folder), storage_folder=str(plan.storage_folder),
                       cache_folder=str(plan.cache_folder) if plan.cache_folder else None)


def write_lean_config(folder: Path, config: Mapping[str, Any]) -> Path:
    """Write ``config`` as ``<folder>/lean-config.json`` (indented, like lean-cli) and return the path."""
    path = folder / CONFIG_FILE_NAME
    path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    return path
