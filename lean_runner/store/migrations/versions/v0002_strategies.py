"""Strategies and their immutable versions; the backtest's strategy-API columns.

Every new ``backtest`` column is nullable, so existing records keep working unchanged.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BACKTEST_INDEXED = ("user_id", "strategy_version_id", "conversation_id")


def upgrade() -> None:
    with op.batch_alter_table("backtest") as batch:
        batch.add_column(sa.Column("user_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("strategy_version_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("config", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("metrics_summary", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("conversation_id", sa.String(length=100), nullable=True))
    for column in _BACKTEST_INDEXED:
        op.create_index(f"ix_backtest_{column}", "backtest", [column])

    op.create_table(
        "strategy",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("current_version_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_strategy_user_id", "strategy", ["user_id"])

    op.create_table(
        "strategy_version",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("strategy_id", sa.String(length=64), nullable=False),
        sa.Column("json_spec", sa.JSON(), nullable=False),
        sa.Column("nl_summary", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["strategy_id"], ["strategy.id"], name="fk_strategy_version_strategy_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_strategy_version_strategy_id", "strategy_version", ["strategy_id"])


def downgrade() -> None:
    op.drop_table("strategy_version")
    op.drop_table("strategy")
    for column in _BACKTEST_INDEXED:
        op.drop_index(f"ix_backtest_{column}", table_name="backtest")
    with op.batch_alter_table("backtest") as batch:
        for column in ("conversation_id", "tags", "metrics_summary", "config", "strategy_version_id", "user_id"):
            batch.drop_column(column)
