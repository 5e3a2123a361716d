"""Alembic environment: migrates the connection ``tipguard.store.migrate`` hands over.

Run through ``tipguard.store.migrate.upgrade`` (the store does this at open). The connection
arrives in ``config.attributes["connection"]`` already inside a write transaction, so two
processes opening the same database migrate one after the other: SQLite's ``BEGIN IMMEDIATE``
serialises them, and on PostgreSQL a transaction-scoped advisory lock does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from tipguard.store.models import Base

MIGRATION_LOCK = 72_461_893
"""Arbitrary advisory-lock key that tipguard's migrations take on PostgreSQL."""


def run_migrations() -> None:
    """Migrate the handed-over connection to the target revision."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through tipguard.store.migrate.upgrade(engine)")
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    context.run_migrations()


run_migrations()
