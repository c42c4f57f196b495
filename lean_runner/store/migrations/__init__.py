"""The Alembic script folder of the store (``env.py`` and ``versions/``); applied by ``lean_runner.store.schema``."""
