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
)


@dataclass(frozen=True)
class Settings:
    project: Path
    data_folder: Path
    cache_folder: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str | Path | None) -> Settings:
        """Read settings from the environment; keyword overrides (CLI flags) win when not None."""
        env = os.environ if environ is None else environ
        values = {spec.env: env.get(spec.env, spec.default) for spec in SETTINGS}
        fields = {"project": values["WORKBENCH_PROJECT"], "data_folder": values["WORKBENCH_DATA_FOLDER"],
                  "cache_folder": values["WORKBENCH_CACHE_FOLDER"]}
        for key, value in overrides.items():
            if value is not None:
                fields[key] = str(value)
        return cls(**{key: Path(value).expanduser() for key, value in fields.items()})
