"""Alembic environment: runs on the connection that ``lean_runner.store.schema`` passes in.

Without one (a developer calling Alembic's commands with ``schema.alembic_config(url)``), it
connects to the config's ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import lean_runner.store.models  # noqa: F401  (registers the tables on SQLModel.metadata for autogenerate)

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      # SQLite cannot alter most things in place; batch mode copies the table instead.
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=SQLModel.metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()
