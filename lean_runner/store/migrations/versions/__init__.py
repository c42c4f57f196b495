"""Alembic revisions, oldest first: 0001 is the schema that shipped before migrations existed."""
