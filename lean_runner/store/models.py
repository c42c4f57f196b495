"""The ``backtest`` table: one row per backtest the workbench ran or found in a result folder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class BacktestRecord(SQLModel, table=True):
    """A backtest: its request, where and how it ran, how it ended, and its summary statistics.

    Times are timezone-aware UTC. ``result_folder`` is the folder's name under ``<project>/backtests``;
    ``engine_ref`` is ``pid:<n>`` for a local run or the container id for a docker run.
    """

    __tablename__ = "backtest"

    id: str = Field(primary_key=True, max_length=64)
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, times as ISO-8601 UTC with ``Z``."""
        def iso(value: datetime | None) -> str | None:
            return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None

        return {"id": self.id, "algorithm_id": self.algorithm_id, "status": self.status, "strategy": self.strategy,
                "request": dict(self.request), "engine": self.engine, "image": self.image,
                "engine_ref": self.engine_ref, "result_folder": self.result_folder, "error": self.error,
                "statistics": dict(self.statistics), "created_at": iso(self.created_at),
                "started_at": iso(self.started_at), "finished_at": iso(self.finished_at)}
