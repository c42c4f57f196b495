"""``StrategyStore``: DSL strategies and their immutable versions, on the same engine as the backtests.

A strategy's versions form its history; ``current_version_id`` points at the newest, and only
:meth:`StrategyStore.add_version` moves it (with ``updated_at``, in the transaction that adds
the version). Nothing updates a version.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from lean_runner.runners.errors import InvalidRequestError
from lean_runner.store.database import sqlite_write_lock
from lean_runner.store.errors import StrategyNotFoundError
from lean_runner.store.models import ORIGINS, StrategyRecord, StrategyVersionRecord, utc_now

_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class StrategySummary:
    """An item of a user's strategy list: the strategy and the origin of its current version."""

    strategy: StrategyRecord
    origin_latest: str | None

    def to_dict(self) -> dict[str, Any]:
        """The document's list item: the ``Strategy`` fields with ``origin_latest`` after ``current_version_id``."""
        fields = self.strategy.to_dict()
        return {**{k: fields[k] for k in ("id", "user_id", "name", "description", "current_version_id")},
                "origin_latest": self.origin_latest, "created_at": fields["created_at"],
                "updated_at": fields["updated_at"]}


class StrategyStore:
    """Strategies and versions behind one SQLAlchemy engine; every method opens its own session (thread-safe).

    The tables come from the migrations that :meth:`BacktestStore.open` applies; share its write lock::

        store = BacktestStore.open(None, project=Path("test-project"))
        strategies = StrategyStore(store.engine, write_lock=store.write_lock)
        strategy, version = strategies.create_strategy(user_id="u_123", name="Trend", json_spec=spec,
                                                       origin="user")
    """

    def __init__(self, engine: Engine, *, write_lock: AbstractContextManager[Any] | None = None) -> None:
        self.engine = engine
        self.write_lock = write_lock if write_lock is not None else sqlite_write_lock(engine)

    def create_strategy(self, *, user_id: str, name: str, json_spec: dict[str, Any], origin: str,
                        description: str = "", nl_summary: str | None = None,
                        created_by: str | None = None) -> tuple[StrategyRecord, StrategyVersionRecord]:
        """A new strategy and its first version, stored together; ``created_by`` defaults to ``user_id``."""
        _check_origin(origin)
        now = utc_now()
        strategy = StrategyRecord(user_id=user_id, name=name, description=description, created_at=now,
                                  updated_at=now)
        version = StrategyVersionRecord(strategy_id=strategy.id, json_spec=dict(json_spec), nl_summary=nl_summary,
                                        origin=origin, created_by=created_by or user_id, created_at=now)
        strategy.current_version_id = version.id
        with self.write_lock, Session(self.engine, expire_on_commit=False) as session:
            session.add(strategy)
            session.flush()  # the version's foreign key needs the strategy row first
            session.add(version)
            session.commit()
        return strategy, version

    def add_version(self, strategy_id: str, *, json_spec: dict[str, Any], origin: str, created_by: str,
                    nl_summary: str | None = None) -> tuple[StrategyVersionRecord, StrategyRecord]:
        """A new version that becomes the strategy's current one; returns it and the updated strategy.

        Raises StrategyNotFoundError for an unknown ``strategy_id``.
        """
        _check_origin(origin)
        with self.write_lock, Session(self.engine, expire_on_commit=False) as session:
            # Lock the strategy's row before reading it (a row lock on PostgreSQL, the write lock on
            # SQLite), so concurrent add_version calls take turns and the last one is the newest.
            locked = session.execute(update(StrategyRecord).where(col(StrategyRecord.id) == strategy_id)
                                     .values(updated_at=StrategyRecord.updated_at))
            strategy = session.get(StrategyRecord, strategy_id) if getattr(locked, "rowcount", 1) else None
            if strategy is None:
                raise StrategyNotFoundError(f"no strategy with id '{strategy_id}'")
            # Strictly after the previous version, even within one clock tick: the history stays ordered.
            now = _later(utc_now(), strategy.updated_at)
            version = StrategyVersionRecord(strategy_id=strategy_id, json_spec=dict(json_spec),
                                            nl_summary=nl_summary, origin=origin, created_by=created_by,
                                            created_at=now)
            strategy.current_version_id = version.id
            strategy.updated_at = now
            session.add(version)
            session.add(strategy)
            session.commit()
        return version, strategy

    def get_strategy(self, strategy_id: str) -> StrategyRecord:
        """The strategy; raises StrategyNotFoundError."""
        with Session(self.engine, expire_on_commit=False) as session:
            strategy = session.get(StrategyRecord, strategy_id)
        if strategy is None:
            raise StrategyNotFoundError(f"no strategy with id '{strategy_id}'")
        return strategy

    def get_version(self, version_id: str) -> StrategyVersionRecord:
        """The version; raises StrategyNotFoundError."""
        with Session(self.engine, expire_on_commit=False) as session:
            version = session.get(StrategyVersionRecord, version_id)
        if version is None:
            raise StrategyNotFoundError(f"no strategy version with id '{version_id}'")
        return version

    def list_strategies(self, user_id: str) -> list[StrategySummary]:
        """The user's strategies (never another user's), most recently updated first."""
        query = (select(StrategyRecord, StrategyVersionRecord.origin)
                 .join(StrategyVersionRecord, col(StrategyVersionRecord.id) == col(StrategyRecord.current_version_id),
                       isouter=True)
                 .where(col(StrategyRecord.user_id) == user_id)
                 .order_by(col(StrategyRecord.updated_at).desc(), col(StrategyRecord.id).desc()))
        with Session(self.engine, expire_on_commit=False) as session:
            return [StrategySummary(strategy=strategy, origin_latest=origin)
                    for strategy, origin in session.exec(query)]

    def list_versions(self, strategy_id: str) -> list[StrategyVersionRecord]:
        """The strategy's versions, oldest first; raises StrategyNotFoundError for an unknown strategy."""
        query = (select(StrategyVersionRecord).where(col(StrategyVersionRecord.strategy_id) == strategy_id)
                 .order_by(col(StrategyVersionRecord.created_at), col(StrategyVersionRecord.id)))
        with Session(self.engine, expire_on_commit=False) as session:
            if session.get(StrategyRecord, strategy_id) is None:
                raise StrategyNotFoundError(f"no strategy with id '{strategy_id}'")
            return list(session.exec(query))


def _check_origin(origin: str) -> None:
    if origin not in ORIGINS:
        raise InvalidRequestError(f"origin must be one of {', '.join(ORIGINS)}; got {origin!r}",
                                  details=[{"path": "origin", "message": f"Must be one of {', '.join(ORIGINS)}"}])


def _later(now: datetime, previous: datetime) -> datetime:
    return now if now > previous else previous + _TICK
