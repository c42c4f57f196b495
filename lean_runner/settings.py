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


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ENGINE_CHOICES = ("auto", "local", "docker")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("WORKBENCH_PROJECT", str(REPO_ROOT / "test-project"),
                "The LEAN project folder: strategies, config.json and backtests/."),
    SettingSpec("WORKBENCH_DATA_FOLDER", "",
                "The LEAN data folder backtests read; empty = data/ beside the project (lean-cli's workspace "
                "layout). When it holds no market data, `workbench serve` generates a synthetic sample there."),
    SettingSpec("WORKBENCH_CACHE_FOLDER", str(Path.home() / ".cache" / "lean-workbench" / "parsed"),
                "Where parsed market data is cached as .npy files (keyed by a hash of each source zip)."),
    SettingSpec("WORKBENCH_DATABASE_URL", "",
                "Where backtest records live; empty = SQLite <project>/backtests/workbench.db; "
                "postgresql://user:password@host:5432/db for PostgreSQL."),
    SettingSpec("WORKBENCH_MAX_CONCURRENT", "0", "Backtests running at once; 0 = the CPU count."),
    SettingSpec("WORKBENCH_RUN_TIMEOUT", "3600",
                "Seconds a run may take before it is stopped and failed; 0 = no limit."),
    SettingSpec("WORKBENCH_STOP_TIMEOUT", "30", "Seconds between SIGINT and kill on cancel, timeout or shutdown."),
    SettingSpec("WORKBENCH_DOCKER_IMAGE", "lean-workbench/engine:latest",
                "Image for docker runs: ours (built by `workbench image build`) or e.g. quantconnect/lean:latest."),
    SettingSpec("WORKBENCH_DOCKER_CPUS", "1", "CPU cores per container; 0 = no limit."),
    SettingSpec("WORKBENCH_DOCKER_MEMORY", "4g",
                "Memory per run (docker syntax): each container's limit, and the address-space limit of a local "
                "engine process; empty = no limit."),
    SettingSpec("WORKBENCH_LEAN_CONFIG", "",
                "A lean.json used as the base config for LEAN containers; empty = built-in backtesting handlers."),
    SettingSpec("WORKBENCH_IMAGE_BASE", "",
                "Base image for `workbench image build`; empty = python:3.11-slim when present, else the local "
                "mmdebstrap base lean-workbench/python-base:3.11."),
    SettingSpec("WORKBENCH_WHEEL_CACHE", str(Path.home() / ".cache" / "lean-workbench" / "wheels"),
                "Where the dependency wheels installed into the engine image are kept."),
    SettingSpec("WORKBENCH_HOST", "127.0.0.1",
                "Address `workbench serve` listens on. Off loopback a token is required (see WORKBENCH_TOKENS)."),
    SettingSpec("WORKBENCH_PORT", "8000", "Port `workbench serve` listens on; 0 = any free port."),
    SettingSpec("WORKBENCH_ENGINE", "auto",
                "Engine of a backtest that names none: auto (a LEAN container when a Docker daemon is reachable "
                "and the image is present, else the embedded engine), local or docker."),
    SettingSpec("WORKBENCH_TOKENS", "",
                "API tokens as user_id:token pairs, comma-separated. Empty on loopback = no auth; empty off "
                "loopback = one token for user 'default' is generated and printed at start."),
    SettingSpec("WORKBENCH_ALLOW_LOCAL_ENGINE", "false",
                "With tokens of several users, strategies run in containers unless this is true (the local "
                "engine runs a user's code with the server's rights)."),
    SettingSpec("WORKBENCH_MAX_BODY_BYTES", "1048576", "Largest request body the server accepts (413 above)."),
    SettingSpec("WORKBENCH_AGENT", "offline",
                "Agent of the /agent endpoints: offline (deterministic, no network) or model (an OpenAI-compatible "
                "endpoint, see docs/agent.md)."),
    SettingSpec("WORKBENCH_AGENT_BASE_URL", "",
                "The model endpoint's base URL, e.g. http://127.0.0.1:11434/v1 (Ollama) or "
                "http://127.0.0.1:8080/v1 (llama.cpp); needed with WORKBENCH_AGENT=model."),
    SettingSpec("WORKBENCH_AGENT_MODEL", "", "The model's name at that endpoint; needed with WORKBENCH_AGENT=model."),
    SettingSpec("WORKBENCH_AGENT_API_KEY", "",
                "The endpoint's API key; empty for local servers that need none. Never logged."),
    SettingSpec("WORKBENCH_AGENT_TIMEOUT", "60", "Seconds to wait for one model reply before answering 504."),
    SettingSpec("WORKBENCH_AGENT_MAX_ATTEMPTS", "3",
                "Replies asked of the model per request: a reply that is not JSON or a spec that does not validate "
                "is sent back with its errors until this many."),
    SettingSpec("WORKBENCH_WARM_WORKERS", "false",
                "true = local-engine backtests fork from a warm engine server (engine imported, reference data "
                "read) instead of starting a new Python process each; every run is still its own process."),
    SettingSpec("WORKBENCH_DASK_SCHEDULER", "",
                "A Dask scheduler address (tcp://host:8786): optimizations run their backtests on that cluster; "
                "empty = on this machine."),
    SettingSpec("WORKBENCH_DASK_BACKTESTS", "false",
                "true (with WORKBENCH_DASK_SCHEDULER) = queued local-engine backtests run on the Dask cluster too; "
                "their result files come back into the project when they end (no live progress)."),
    SettingSpec("WORKBENCH_DASK_DATA_FOLDER", "",
                "The data folder as the Dask workers see it: a path or an fsspec URL; empty = the data folder."),
)
AGENT_CHOICES = ("offline", "model")


class SettingsError(ValueError):
    """A setting's value cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    project: Path
    data_folder: Path
    cache_folder: Path
    database_url: str = ""
    max_concurrent: int = 0
    run_timeout: float = 3600.0
    stop_timeout: float = 30.0
    docker_image: str = "lean-workbench/engine:latest"
    docker_cpus: float = 1.0
    docker_memory: str = "4g"
    lean_config: str = ""
    image_base: str = ""
    wheel_cache: Path = Path.home() / ".cache" / "lean-workbench" / "wheels"
    host: str = "127.0.0.1"
    port: int = 8000
    engine: str = "auto"
    tokens: tuple[tuple[str, str], ...] = ()
    allow_local_engine: bool = False
    max_body_bytes: int = 1_048_576
    agent: str = "offline"
    agent_base_url: str = ""
    agent_model: str = ""
    agent_api_key: str = ""
    agent_timeout: float = 60.0
    agent_max_attempts: int = 3
    warm_workers: bool = False
    dask_scheduler: str = ""
    dask_backtests: bool = False
    dask_data_folder: str = ""

    @property
    def on_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: str | Path | None) -> Settings:
        """Read settings from the environment; keyword overrides (CLI flags) win when not None."""
        env = os.environ if environ is None else environ
        values = {spec.env: env.get(spec.env, spec.default) for spec in SETTINGS}
        flags = {"project": "WORKBENCH_PROJECT", "data_folder": "WORKBENCH_DATA_FOLDER",
                 "cache_folder": "WORKBENCH_CACHE_FOLDER", "wheel_cache": "WORKBENCH_WHEEL_CACHE",
                 "database_url": "WORKBENCH_DATABASE_URL", "host": "WORKBENCH_HOST", "port": "WORKBENCH_PORT",
                 "engine": "WORKBENCH_ENGINE", "docker_image": "WORKBENCH_DOCKER_IMAGE",
                 "max_concurrent": "WORKBENCH_MAX_CONCURRENT", "tokens": "WORKBENCH_TOKENS"}
        for key, value in overrides.items():
            if key not in flags:
                raise TypeError(f"unknown setting override {key!r}")
            if value is not None:
                values[flags[key]] = str(value)
        project = Path(values["WORKBENCH_PROJECT"]).expanduser()
        data_folder = values["WORKBENCH_DATA_FOLDER"] or str(project.resolve().parent / "data")
        engine = values["WORKBENCH_ENGINE"].strip().lower()
        if engine not in ENGINE_CHOICES:
            raise SettingsError(f"WORKBENCH_ENGINE={values['WORKBENCH_ENGINE']!r}: use one of "
                                f"{', '.join(ENGINE_CHOICES)}.")
        agent = values["WORKBENCH_AGENT"].strip().lower()
        if agent not in AGENT_CHOICES:
            raise SettingsError(f"WORKBENCH_AGENT={values['WORKBENCH_AGENT']!r}: use one of "
                                f"{', '.join(AGENT_CHOICES)}.")
        if agent == "model" and not (values["WORKBENCH_AGENT_BASE_URL"].strip() and
                                     values["WORKBENCH_AGENT_MODEL"].strip()):
            raise SettingsError("WORKBENCH_AGENT=model needs WORKBENCH_AGENT_BASE_URL and WORKBENCH_AGENT_MODEL.")
        port = int(_number(values, "WORKBENCH_PORT"))
        if port > 65535:
            raise SettingsError(f"WORKBENCH_PORT={values['WORKBENCH_PORT']} is not a port (0-65535).")
        return cls(
            project=project, data_folder=Path(data_folder).expanduser(),
            cache_folder=Path(values["WORKBENCH_CACHE_FOLDER"]).expanduser(),
            wheel_cache=Path(values["WORKBENCH_WHEEL_CACHE"]).expanduser(),
            host=values["WORKBENCH_HOST"].strip(), port=port, engine=engine,
            tokens=parse_tokens(values["WORKBENCH_TOKENS"]),
            allow_local_engine=_flag(values, "WORKBENCH_ALLOW_LOCAL_ENGINE"),
            max_body_bytes=int(_number(values, "WORKBENCH_MAX_BODY_BYTES")),
            database_url=values["WORKBENCH_DATABASE_URL"],
            max_concurrent=int(_number(values, "WORKBENCH_MAX_CONCURRENT")),
            run_timeout=_number(values, "WORKBENCH_RUN_TIMEOUT"),
            stop_timeout=_number(values, "WORKBENCH_STOP_TIMEOUT"),
            docker_image=values["WORKBENCH_DOCKER_IMAGE"],
            docker_cpus=_number(values, "WORKBENCH_DOCKER_CPUS"),
            docker_memory=values["WORKBENCH_DOCKER_MEMORY"],
            lean_config=values["WORKBENCH_LEAN_CONFIG"],
            image_base=values["WORKBENCH_IMAGE_BASE"],
            agent=agent, agent_base_url=values["WORKBENCH_AGENT_BASE_URL"].strip(),
            agent_model=values["WORKBENCH_AGENT_MODEL"].strip(), agent_api_key=values["WORKBENCH_AGENT_API_KEY"],
            agent_timeout=_number(values, "WORKBENCH_AGENT_TIMEOUT"),
            agent_max_attempts=max(1, int(_number(values, "WORKBENCH_AGENT_MAX_ATTEMPTS"))),
            warm_workers=_flag(values, "WORKBENCH_WARM_WORKERS"),
            dask_scheduler=values["WORKBENCH_DASK_SCHEDULER"].strip(),
            dask_backtests=_flag(values, "WORKBENCH_DASK_BACKTESTS"),
            dask_data_folder=values["WORKBENCH_DASK_DATA_FOLDER"].strip(),
        )


def parse_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """``"u_1:secret1,u_2:secret2"`` → ``(("u_1", "secret1"), ("u_2", "secret2"))``; raises SettingsError."""
    pairs = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        user, _, token = item.partition(":")
        if not user.strip() or len(token.strip()) < 8:
            raise SettingsError("WORKBENCH_TOKENS takes user_id:token pairs separated by commas, each token at "
                                "least 8 characters (e.g. u_1:4f9c2a...).")
        pairs.append((user.strip(), token.strip()))
    if len({token for _, token in pairs}) != len(pairs):
        raise SettingsError("WORKBENCH_TOKENS gives the same token twice.")
    return tuple(pairs)


def _flag(values: Mapping[str, str], name: str) -> bool:
    text = values[name].strip().lower()
    if text not in ("1", "0", "true", "false", "yes", "no", ""):
        raise SettingsError(f"{name}={values[name]!r}: use true or false.")
    return text in ("1", "true", "yes")


def _number(values: Mapping[str, str], name: str) -> float:
    try:
        number = float(values[name])
    except ValueError:
        raise SettingsError(f"{name}={values[name]!r} is not a number.") from None
    if number < 0:
        raise SettingsError(f"{name} must be 0 or more, got {values[name]}.")
    return number
