"""An index for result pages: records of one status, newest first, read without sorting them all.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_backtest_status_created_at", "backtest", ["status", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_backtest_status_created_at", table_name="backtest")
