"""The schema that shipped before migrations: the ``backtest`` table and its four indexes.

Databases created by ``create_all`` before migrations existed are stamped at this revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backtest",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("algorithm_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("strategy", sa.String(length=200), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("engine", sa.String(length=16), nullable=False),
        sa.Column("image", sa.String(length=300), nullable=True),
        sa.Column("engine_ref", sa.String(length=100), nullable=True),
        sa.Column("result_folder", sa.String(length=200), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("statistics", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_backtest_status", "backtest", ["status"])
    op.create_index("ix_backtest_strategy", "backtest", ["strategy"])
    op.create_index("ix_backtest_created_at", "backtest", ["created_at"])
    op.create_index("ix_backtest_result_folder", "backtest", ["result_folder"])


def downgrade() -> None:
    op.drop_table("backtest")
