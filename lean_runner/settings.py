"""Workbench settings: each declared once with its default and help, read from the environment.

The README's configuration table lists every setting declared here (a test checks it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SettingSpec:
    env: str
    default: str
    help: str


def _default_data_folder() -> str:
    shared = REPO_ROOT.parent / "shared" / "lean-data"
    return str(shared) if shared.is_dir() else str(REPO_ROOT / "test-project" / "data")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("WORKBENCH_PROJECT", str(REPO_ROOT / "test-project"),
                "The LEAN project folder: strategies, config.json and backtests/."),
    SettingSpec("WORKBENCH_DATA_FOLDER", _default_data_folder(),
                "The LEAN data folder backtests read (../shared/lean-data when present, else <project>/data)."),
    SettingSpec("WORKBENCH_CACHE_FOLDER", str(Path.home() / ".cache" / "lean-workbench" / "parsed"),
                "Where parsed market data is cached as .npy files (keyed by a hash of each source zip)."),
    SettingSpec("WORKBENCH_DATABASE_URL", "",
                "Where backtest records live; empty = SQLite <project>/backtests/workbench.db; "
                "postgresql://user:password@host:5432/db for PostgreSQL."),
    SettingSpec("WORKBENCH_MAX_CONCURRENT", "0", "Backtests running at once; 0 = the CPU count."),
    SettingSpec("WORKBENCH_RUN_TIMEOUT", "0", "Seconds a run may take before it is stopped and failed; 0 = no limit."),
    SettingSpec("WORKBENCH_STOP_TIMEOUT", "30", "Seconds between SIGINT and kill on cancel, timeout or shutdown."),
    SettingSpec("WORKBENCH_DOCKER_IMAGE", "lean-workbench/engine:latest",
                "Image for docker runs: ours (built by `workbench image build`) or e.g. quantconnect/lean:latest."),
    SettingSpec("WORKBENCH_DOCKER_CPUS", "1", "CPU cores per container; 0 = no limit."),
    SettingSpec("WORKBENCH_DOCKER_MEMORY", "4g", "Memory per container (docker syntax); empty = no limit."),
    SettingSpec("WORKBENCH_LEAN_CONFIG", "",
                "A lean.json used as the base config for LEAN containers; empty = built-in backtesting handlers."),
    SettingSpec("WORKBENCH_IMAGE_BASE", "",
                "Base image for `workbench image build`; empty = python:3.11-slim when present, else the local "
                "mmdebstrap base lean-workbench/python-base:3.11."),
    SettingSpec("WORKBENCH_WHEEL_CACHE", str(Path.home() / ".cache" / "lean-workbench" / "wheels"),
                "Where the dependency wheels installed into the engine image are kept."),
)


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    project: Path
    data_folder: Path
    cache_folder: Path
    database_url: str = ""
    max_concurrent: int = 0
    run_timeout: float = 0.0
    stop_timeout: float = 30.0
    docker_image: str = "lean-workbench/engine:latest"
    docker_cpus: float = 1.0
    docker_memory: str = "4g"
    lean_config: str = ""
    image_base: str = ""
    wheel_cache: Path = Path.home() / ".cache" / "lean-workbench" / "wheels"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str | Path | None) -> Settings:
        """Read settings from the environment; keyword overrides (CLI flags) win when not None."""
        env = os.environ if environ is None else environ
        values = {spec.env: env.get(spec.env, spec.default) for spec in SETTINGS}
        paths = {"project": values["WORKBENCH_PROJECT"], "data_folder": values["WORKBENCH_DATA_FOLDER"],
                 "cache_folder": values["WORKBENCH_CACHE_FOLDER"], "wheel_cache": values["WORKBENCH_WHEEL_CACHE"]}
        for key, value in overrides.items():
            if value is not None:
                paths[key] = str(value)
        return cls(
            **{key: Path(value).expanduser() for key, value in paths.items()},
            database_url=values["WORKBENCH_DATABASE_URL"],
            max_concurrent=int(_number(values, "WORKBENCH_MAX_CONCURRENT")),
            run_timeout=_number(values, "WORKBENCH_RUN_TIMEOUT"),
            stop_timeout=_number(values, "WORKBENCH_STOP_TIMEOUT"),
            docker_image=values["WORKBENCH_DOCKER_IMAGE"],
            docker_cpus=_number(values, "WORKBENCH_DOCKER_CPUS"),
            docker_memory=values["WORKBENCH_DOCKER_MEMORY"],
            lean_config=values["WORKBENCH_LEAN_CONFIG"],
            image_base=values["WORKBENCH_IMAGE_BASE"],
        )


def _number(values: Mapping[str, str], name: str) -> float:
    try:
        number = float(values[name])
    except ValueError:
        raise SettingsError(f"{name}={values[name]!r} is not a number.") from None
    if number < 0:
        raise SettingsError(f"{name} must be 0 or more, got {values[name]}.")
    return number
