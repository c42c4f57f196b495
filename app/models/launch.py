"""The launch form: a project ``.py`` strategy or a DSL version, its window, costs, parameters and engine.

Parameters are declared by the strategy (``get_parameter`` calls and ``config.json`` for ``.py``
files, the spec's ``parameters`` for DSL versions); :attr:`LaunchModel.declarations` lists them
with their type so a view builds one typed widget each, and :attr:`LaunchModel.values` holds
what the user typed.

Example::

    launch = LaunchModel(workbench=workbench)
    launch.strategy = "ema_crossover"
    launch.values = {"ema-fast": 5}
    backtest_id = launch.launch()       # None with `error` and `problems` set when refused
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import param

from app.models.messages import message_of, problems_of
from lean_runner.runners.errors import BacktestRunError
from lean_runner.services import models
from lean_runner.services.access import ANYONE, Caller

PYTHON, DSL = "Python strategy", "DSL version"
RESOLUTIONS = ["Minute", "Hour", "Daily", "Second"]
# The window fields of a run request; a .py strategy's get_parameter calls for them are not extra parameters.
WINDOW_PARAMETERS = frozenset({"start_date", "end_date", "initial_cash", "symbols", "resolution"})
_DSL_TYPES = {"int": "integer", "float": "number", "bool": "boolean"}


@dataclass(frozen=True)
class ParameterDeclaration:
    """One parameter a strategy declares: its type (integer, number, boolean, string), default and bounds."""

    name: str
    type: str
    default: Any = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    description: str = ""


def _typed(kind: str, text: Any) -> Any:
    if text is None:
        return None
    try:
        if kind == "integer":
            return int(float(text))
        if kind == "number":
            return float(text)
    except (TypeError, ValueError):
        return None
    if kind == "boolean":
        return str(text).lower() == "true" if not isinstance(text, bool) else text
    return str(text)


class LaunchModel(param.Parameterized):
    """State of the launch form and the call that queues the backtest."""

    kind: param.Selector[str] = param.Selector(default=PYTHON, objects=[PYTHON, DSL],
                                               doc="A project .py strategy or a DSL version.")
    strategy: param.Selector[str | None] = param.Selector(default=None, objects=[], allow_None=True,
                                                          doc="The project strategy (file stem).")
    version: param.Selector[str | None] = param.Selector(default=None, objects=[], allow_None=True,
                             doc="The DSL strategy version (sv_...) to compile and run.")
    start_date = param.Date(default=None, allow_None=True, doc="First day; empty keeps the strategy's own.")
    end_date = param.Date(default=None, allow_None=True, doc="Last day; empty keeps the strategy's own.")
    initial_cash = param.Number(default=100_000.0, bounds=(1, None), doc="Starting cash in USD.")
    symbols = param.String(default="", doc="Comma-separated tickers (empty: the strategy's own, or a universe).")
    universe = param.String(default="", doc="A named universe of the project (DSL versions only), e.g. SP500.")
    resolution: param.Selector[str] = param.Selector(default="Daily", objects=RESOLUTIONS,
                                                     doc="Bar resolution passed to the strategy.")
    transaction_cost_bps = param.Number(default=None, allow_None=True, bounds=(0, None),
                                        doc="Fee in basis points of each fill (DSL versions; empty: LEAN's fees).")
    slippage_bps = param.Number(default=0.0, bounds=(0, None),
                                doc="Slippage in basis points against the trader (DSL versions; 0: none).")
    engine: param.Selector[str] = param.Selector(default="auto", objects=["auto", "local", "docker"],
                            doc="Where it runs: the embedded engine or a LEAN container.")
    docker_reason = param.String(default="", doc="Why Docker cannot run backtests now (empty when it can).")
    declarations = param.List(default=[], item_type=ParameterDeclaration,
                              doc="The chosen strategy's declared parameters, for typed widgets.")
    values = param.Dict(default={}, doc="Parameter values typed by the user, by name.")
    error = param.String(default="", doc="Why the last launch was refused, in words.")
    problems = param.List(default=[], doc="The refused launch's problems, each with its path.")
    last_backtest_id = param.String(default=None, allow_None=True, doc="The backtest the last launch queued.")

    def __init__(self, *, workbench: Any, caller: Caller = ANYONE, user_id: str = "default",
                 **params: Any) -> None:
        super().__init__(**params)
        self.workbench = workbench
        self.caller = caller
        self.user_id = user_id
        self.refresh()

    # -- choices ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the project's strategies, the DSL versions and Docker's availability."""
        names = [s.name for s in self.workbench.project.list()]
        self.param.strategy.objects = names
        if self.strategy not in names:
            self.strategy = "main" if "main" in names else (names[0] if names else None)
        versions = self._versions()
        self.param.version.objects = list(versions)
        self._version_labels = versions
        if self.version not in versions:
            self.version = next(iter(versions), None)
        self.docker_reason = self.workbench.docker_status() or ""
        self._read_declarations()

    def _versions(self) -> dict[str, str]:
        """Current versions of this user's DSL strategies: id → "name (sv_…)"."""
        try:
            items = self.workbench.strategies.list(self.user_id, self.caller).items
        except BacktestRunError:
            return {}
        return {item.current_version_id: f"{item.name} ({item.current_version_id})"
                for item in items if item.current_version_id}

    def version_label(self, version_id: str) -> str:
        return self._version_labels.get(version_id, version_id)

    @param.depends("kind", "strategy", "version", watch=True)
    def _read_declarations(self) -> None:
        declarations: list[ParameterDeclaration] = []
        try:
            if self.kind == PYTHON and self.strategy:
                described = self.workbench.project.describe(self.strategy)
                for name, info in described.parameters.items():
                    if name in WINDOW_PARAMETERS:
                        continue
                    declarations.append(ParameterDeclaration(name=name, type=info.type, required=info.required,
                                                             default=_typed(info.type, info.default)))
            elif self.kind == DSL and self.version:
                spec = self.workbench.strategies.version(self.version, self.caller).json_spec
                for name, raw in (spec.get("parameters") or {}).items():
                    kind = _DSL_TYPES.get(str(raw.get("type")), "number")
                    declarations.append(ParameterDeclaration(
                        name=name, type=kind, default=_typed(kind, raw.get("default")),
                        minimum=raw.get("min"), maximum=raw.get("max"), step=raw.get("step"),
                        description=str(raw.get("description") or "")))
        except BacktestRunError as error:
            self.error = message_of(error)
        self.declarations = declarations
        self.values = {d.name: d.default for d in declarations}

    @property
    def docker_available(self) -> bool:
        return not self.docker_reason

    # -- launching -------------------------------------------------------------------------------------------
    def _symbol_list(self) -> list[str] | None:
        symbols = [s.strip().upper() for s in self.symbols.replace(";", ",").split(",") if s.strip()]
        return symbols or None

    def _parameters(self) -> dict[str, Any]:
        known = {d.name: d for d in self.declarations}
        return {name: value for name, value in self.values.items()
                if value is not None and value != "" and name in known}

    def _engine(self) -> Any:
        if self.engine == "docker" and not self.docker_available:
            raise _Refused("Docker is not available: " + self.docker_reason, "engine")
        return None if self.engine == "auto" else self.engine

    def launch(self) -> str | None:
        """Queue the backtest; its id, or None with :attr:`error` and :attr:`problems` telling why."""
        self.error, self.problems = "", []
        try:
            backtest_id = self._launch_python() if self.kind == PYTHON else self._launch_dsl()
        except _Refused as refused:
            self.error, self.problems = refused.message, [{"path": refused.path, "message": refused.message}]
            return None
        except BacktestRunError as error:
            self.error, self.problems = message_of(error), problems_of(error)
            return None
        self.last_backtest_id = backtest_id
        return backtest_id

    def _launch_python(self) -> str:
        if not self.strategy:
            raise _Refused("Choose a strategy first.", "strategy_name")
        request = models.RunRequestV2(
            strategy_name=self.strategy, start_date=_day(self.start_date), end_date=_day(self.end_date),
            initial_cash=self.initial_cash, symbols=self._symbol_list(), resolution=self.resolution,
            parameters=self._parameters(), engine=self._engine())
        return self.workbench.backtests.run_v2(request, self.caller).backtest_id

    def _launch_dsl(self) -> str:
        if not self.version:
            raise _Refused("Choose a DSL strategy version first (create one on the Strategies page).",
                           "strategy_version_id")
        config: dict[str, Any] = {"initial_capital": self.initial_cash}
        if self.start_date:
            config["start_date"] = _day(self.start_date).isoformat()  # type: ignore[union-attr]
        if self.end_date:
            config["end_date"] = _day(self.end_date).isoformat()  # type: ignore[union-attr]
        if self.universe.strip():
            config["universe_override"] = self.universe.strip()
        if self.transaction_cost_bps is not None:
            config["transaction_cost_bps"] = self.transaction_cost_bps
        if self.slippage_bps:
            config.update(slippage_model="basic", slippage_bps=self.slippage_bps)
        parameters = self._parameters()
        if parameters:
            config["parameters"] = parameters
        request = models.CreateBacktestRequest(user_id=self.user_id, strategy_version_id=self.version,
                                               config=config, engine=self._engine())
        return self.workbench.backtests.create(request, self.caller).backtest.id


class _Refused(Exception):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message, self.path = message, path


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, dt.datetime) else value
