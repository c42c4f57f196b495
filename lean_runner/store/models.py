"""The tables: ``backtest`` (one row per backtest), ``strategy`` and ``strategy_version`` (DSL strategies).

The schema is owned by the Alembic migrations in ``lean_runner/store/migrations``; a change
here needs a new revision there (``tests/store/test_migrations.py`` compares the two).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, Index, Text, event
from sqlmodel import Field, SQLModel

from lean_runner.store.errors import ImmutableVersionError
from lean_runner.store.ids import new_id

Origin = Literal["user", "agent", "mixed"]
ORIGINS: tuple[Origin, ...] = ("user", "agent", "mixed")


def utc_now() -> datetime:
    """Now, timezone-aware UTC (every stored time is)."""
    return datetime.now(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """``2025-11-13T16:05:00Z`` (microseconds when there are some), or None."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _new_backtest_id() -> str:
    return new_id("bt")


def _new_strategy_id() -> str:
    return new_id("s")


def _new_version_id() -> str:
    return new_id("sv")


class BacktestRecord(SQLModel, table=True):
    """A backtest: its request, where and how it ran, how it ended, and its summary statistics.

    Times are timezone-aware UTC. ``result_folder`` is the folder's name under ``<project>/backtests``;
    ``engine_ref`` is ``pid:<n>`` for a local run or the container id for a docker run. The
    strategy-API fields (``user_id`` … ``conversation_id``) are None for runs of a project's ``.py``
    strategy and for records created before they existed.
    """

    __tablename__ = "backtest"
    # Result pages filter by status and list newest first: this index serves a page without sorting every record.
    __table_args__ = (Index("ix_backtest_status_created_at", "status", "created_at", "id"),)

    id: str = Field(default_factory=_new_backtest_id, primary_key=True, max_length=64)
    algorithm_id: str = Field(max_length=32)
    status: str = Field(index=True, max_length=16)
    strategy: str = Field(index=True, max_length=200)
    request: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    engine: str = Field(max_length=16)
    image: str | None = Field(default=None, max_length=300)
    engine_ref: str | None = Field(default=None, max_length=100)
    result_folder: str | None = Field(default=None, index=True, max_length=200)
    error: str | None = None
    statistics: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now, index=True)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Added by revision 0002. No foreign key on strategy_version_id: a database rebuilt from the
    # result folders has backtests whose strategy versions are gone.
    user_id: str | None = Field(default=None, index=True, max_length=100)
    strategy_version_id: str | None = Field(default=None, index=True, max_length=64)
    config: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    metrics_summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    tags: list[str] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    conversation_id: str | None = Field(default=None, index=True, max_length=100)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, times as ISO-8601 UTC with ``Z``."""
        return {"id": self.id, "algorithm_id": self.algorithm_id, "status": self.status, "strategy": self.strategy,
                "request": dict(self.request), "engine": self.engine, "image": self.image,
                "engine_ref": self.engine_ref, "result_folder": self.result_folder, "error": self.error,
                "statistics": dict(self.statistics), "created_at": iso_utc(self.created_at),
                "started_at": iso_utc(self.started_at), "finished_at": iso_utc(self.finished_at),
                "user_id": self.user_id, "strategy_version_id": self.strategy_version_id,
                "config": None if self.config is None else dict(self.config),
                "metrics_summary": None if self.metrics_summary is None else dict(self.metrics_summary),
                "tags": None if self.tags is None else list(self.tags), "conversation_id": self.conversation_id}


class StrategyRecord(SQLModel, table=True):
    """A DSL strategy owned by one user; ``current_version_id`` names its newest version.

    Only :class:`~lean_runner.store.strategies.StrategyStore` changes it (``add_version`` moves
    ``current_version_id`` and ``updated_at`` together).
    """

    __tablename__ = "strategy"

    id: str = Field(default_factory=_new_strategy_id, primary_key=True, max_length=64)
    user_id: str = Field(index=True, max_length=100)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    # No foreign key: it would make the two tables reference each other; the store keeps it right.
    current_version_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        """The document's ``Strategy`` (section 1.1)."""
        return {"id": self.id, "user_id": self.user_id, "name": self.name, "description": self.description,
                "current_version_id": self.current_version_id, "created_at": iso_utc(self.created_at),
                "updated_at": iso_utc(self.updated_at)}


class StrategyVersionRecord(SQLModel, table=True):
    """One immutable version of a strategy: its DSL spec, a plain-language summary, and who wrote it.

    ``origin`` is ``user``, ``agent`` or ``mixed``; ``created_by`` is a user id or ``agent_system``.
    """

    __tablename__ = "strategy_version"

    id: str = Field(default_factory=_new_version_id, primary_key=True, max_length=64)
    strategy_id: str = Field(foreign_key="strategy.id", index=True, max_length=64)
    json_spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    nl_summary: str | None = Field(default=None, sa_type=Text)
    origin: str = Field(max_length=16)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        """The document's ``StrategyVersion`` (section 1.1)."""
        return {"id": self.id, "strategy_id": self.strategy_id, "json_spec": dict(self.json_spec),
                "nl_summary": self.nl_summary, "origin": self.origin, "created_by": self.created_by,
                "created_at": iso_utc(self.created_at)}

    def to_summary_dict(self) -> dict[str, Any]:
        """An item of ``GET /strategies/{id}/versions``: id, origin and creation time."""
        return {"id": self.id, "origin": self.origin, "created_at": iso_utc(self.created_at)}


@event.listens_for(StrategyVersionRecord, "before_update")
def _refuse_version_update(_mapper: Any, _connection: Any, version: StrategyVersionRecord) -> None:
    # The store has no update for versions; this stops one through a session too (history stays true).
    raise ImmutableVersionError(f"strategy version {version.id} is immutable: add a new version instead")
