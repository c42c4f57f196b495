"""What a caller asks for (``BacktestRequest``) and what a runner is given (``RunPlan``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lean_runner.runners.errors import InvalidRequestError

ENGINES = ("local", "docker")


@dataclass(frozen=True)
class BacktestRequest:
    """One backtest to run: an algorithm file of the project and how to run it.

    ``algorithm`` is the ``.py`` file, relative to the project folder (``"main.py"``);
    ``parameters`` reach the algorithm through ``get_parameter``; ``engine`` is
    ``"local"`` (the embedded engine in a subprocess) or ``"docker"`` (a LEAN-contract
    container, ``image`` or the configured default); ``timeout`` (seconds) overrides the
    default per-run timeout; ``name`` is LEAN's ``backtest-name``; ``context`` is
    recorded as given (the API request body, a DSL version id...); ``window``
    (``{"start-date", "end-date", "cash"}``, any subset) fixes the backtest's window on
    the embedded engine, in place of the algorithm's own dates and cash.

    Example::

        BacktestRequest(algorithm="main.py", parameters={"ema-fast": "10"}, engine="docker")
    """

    algorithm: str
    parameters: Mapping[str, str] = field(default_factory=dict)
    engine: str = "local"
    image: str | None = None
    timeout: float | None = None
    name: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    window: Mapping[str, Any] = field(default_factory=dict)

    @property
    def strategy(self) -> str:
        """The strategy name: the algorithm file's stem (``main`` for ``main.py``)."""
        return Path(self.algorithm).stem

    def to_dict(self) -> dict[str, Any]:
        return {"algorithm": self.algorithm, "parameters": dict(self.parameters), "engine": self.engine,
                "image": self.image, "timeout": self.timeout, "name": self.name, "context": dict(self.context),
                "window": dict(self.window)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BacktestRequest:
        known = {"algorithm", "parameters", "engine", "image", "timeout", "name", "context", "window"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidRequestError(f"unknown request keys: {', '.join(unknown)}",
                                      details=[{"path": key, "message": "unknown key"} for key in unknown])
        return cls(algorithm=str(data.get("algorithm", "")), parameters=dict(data.get("parameters") or {}),
                   engine=str(data.get("engine") or "local"), image=data.get("image"),
                   timeout=data.get("timeout"), name=data.get("name"), context=dict(data.get("context") or {}),
                   window=dict(data.get("window") or {}))

    def algorithm_path(self, project: Path) -> Path:
        """The algorithm file inside ``project``; raises :class:`InvalidRequestError` otherwise."""
        self.validate(project)
        return (project / self.algorithm).resolve()

    def validate(self, project: Path) -> None:
        """Raise :class:`InvalidRequestError` listing every problem of this request."""
        problems: list[dict[str, str]] = []
        root = project.resolve()
        if not self.algorithm:
            problems.append({"path": "algorithm", "message": "name the algorithm's .py file, e.g. 'main.py'"})
        else:
            path = (root / self.algorithm).resolve()
            if not path.is_relative_to(root):
                problems.append({"path": "algorithm", "message": f"'{self.algorithm}' is outside the project "
                                                                 f"folder {root}"})
            elif path.suffix != ".py":
                problems.append({"path": "algorithm", "message": f"'{self.algorithm}' is not a .py file"})
            elif not path.is_file():
                problems.append({"path": "algorithm", "message": f"'{self.algorithm}' does not exist in {root}"})
        if self.engine not in ENGINES:
            problems.append({"path": "engine", "message": f"'{self.engine}' is not an engine; use one of "
                                                          f"{', '.join(ENGINES)}"})
        if self.image is not None and self.engine != "docker":
            problems.append({"path": "image", "message": "an image only applies to engine 'docker'"})
        if self.timeout is not None and not (isinstance(self.timeout, int | float) and self.timeout > 0):
            problems.append({"path": "timeout", "message": "must be a number of seconds > 0"})
        for key, value in self.parameters.items():
            if not isinstance(key, str) or not isinstance(value, str):
                problems.append({"path": f"parameters.{key}", "message": "names and values must be strings"})
        if problems:
            raise InvalidRequestError("the backtest request is invalid: "
                                      + "; ".join(f"{p['path']}: {p['message']}" for p in problems),
                                      details=problems)


@dataclass(frozen=True)
class RunPlan:
    """Everything a runner needs for one run; paths are on this machine.

    ``code_folder`` is the snapshot of the project's source files taken when the run
    started (``<result>/code``); ``algorithm`` is the algorithm file inside it.
    """

    backtest_id: str
    algorithm_id: str
    project: Path
    code_folder: Path
    algorithm: Path
    data_folder: Path
    result_folder: Path
    storage_folder: Path
    cache_folder: Path | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    backtest_name: str | None = None
    image: str | None = None
    progress_interval: float = 0.5
    window: Mapping[str, Any] = field(default_factory=dict)

    @property
    def algorithm_relative(self) -> str:
        """The algorithm's path inside the code folder, with ``/`` separators."""
        return self.algorithm.relative_to(self.code_folder).as_posix()
