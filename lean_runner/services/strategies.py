"""DSL strategies and their immutable versions: validate, create, add versions, read, list (per user).

A spec that does not validate is never stored: creating a strategy or a version with one is a
:class:`ValidationFailedError` listing every problem with its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lean_runner.dsl import UniverseLibrary, validate_spec
from lean_runner.dsl.problems import Report
from lean_runner.services import models
from lean_runner.services.access import Caller
from lean_runner.services.errors import ValidationFailedError
from lean_runner.store.strategies import StrategyStore


class StrategyService:
    """The strategy service of ``strategy-and-backtest-api.md`` section 1.

    Example::

        created = service.create(models.CreateStrategyRequest(user_id="u_1", name="Trend", json_spec=spec), caller)
        service.version(created.version.id, caller).json_spec == spec
    """

    def __init__(self, store: StrategyStore, *, universes: UniverseLibrary, data_folder: Path) -> None:
        self.store = store
        self.universes = universes
        self.data_folder = data_folder

    # -- validation ----------------------------------------------------------------------------------------
    def validate(self, spec: Any, config: Any = None) -> Report:
        """Every problem of ``spec`` (and ``config`` with its data, when given), with paths."""
        return validate_spec(spec, config, universes=self.universes,
                             data_folder=self.data_folder if config is not None else None)

    def _require_valid(self, spec: Any) -> None:
        report = self.validate(spec)
        if not report.valid:
            raise ValidationFailedError(
                f"the strategy spec has {len(report.errors)} problem(s): "
                + "; ".join(f"{p.path}: {p.message}" for p in report.errors[:5]),
                details=[p.as_json() for p in report.errors])

    # -- writing -------------------------------------------------------------------------------------------
    def create(self, request: models.CreateStrategyRequest, caller: Caller, *,
               created_by: str | None = None) -> models.StrategyCreated:
        user_id = caller.acting_as(request.user_id)
        assert user_id is not None
        self._require_valid(request.json_spec)
        strategy, version = self.store.create_strategy(
            user_id=user_id, name=request.name, description=request.description or "", json_spec=request.json_spec,
            nl_summary=request.nl_summary, origin=request.origin, created_by=created_by or user_id)
        return models.StrategyCreated(strategy=models.Strategy(**strategy.to_dict()),
                                      version=models.StrategyVersion(**version.to_dict()))

    def add_version(self, strategy_id: str, request: models.CreateVersionRequest,
                    caller: Caller) -> models.VersionCreated:
        strategy = self.store.get_strategy(strategy_id)
        caller.check_owner(strategy.user_id, f"strategy '{strategy_id}'")
        self._require_valid(request.json_spec)
        version, moved = self.store.add_version(strategy_id, json_spec=request.json_spec,
                                                nl_summary=request.nl_summary, origin=request.origin,
                                                created_by=request.created_by or strategy.user_id)
        shown = moved.to_dict()
        return models.VersionCreated(
            version=models.StrategyVersion(**version.to_dict()),
            strategy=models.StrategyMoved(id=shown["id"], current_version_id=shown["current_version_id"],
                                          updated_at=shown["updated_at"]))

    # -- reading -------------------------------------------------------------------------------------------
    def get(self, strategy_id: str, caller: Caller) -> models.StrategyWithVersion:
        strategy = self.store.get_strategy(strategy_id)
        caller.check_owner(strategy.user_id, f"strategy '{strategy_id}'")
        current = self.store.get_version(strategy.current_version_id) if strategy.current_version_id else None
        return models.StrategyWithVersion(
            strategy=models.Strategy(**strategy.to_dict()),
            current_version=models.StrategyVersion(**current.to_dict()) if current else None)

    def list(self, user_id: str | None, caller: Caller) -> models.StrategyList:
        user = caller.acting_as(user_id)
        assert user is not None
        summaries = self.store.list_strategies(user)
        return models.StrategyList(items=[models.StrategyListItem(**summary.to_dict()) for summary in summaries])

    def versions(self, strategy_id: str, caller: Caller) -> models.VersionList:
        strategy = self.store.get_strategy(strategy_id)
        caller.check_owner(strategy.user_id, f"strategy '{strategy_id}'")
        return models.VersionList(items=[
            models.VersionListItem(id=v.id, origin=v.origin, created_at=v.to_dict()["created_at"])  # type: ignore[arg-type]
            for v in self.store.list_versions(strategy_id)])

    def version(self, version_id: str, caller: Caller) -> models.StrategyVersion:
        version = self.store.get_version(version_id)
        strategy = self.store.get_strategy(version.strategy_id)
        caller.check_owner(strategy.user_id, f"strategy version '{version_id}'")
        return models.StrategyVersion(**version.to_dict())
