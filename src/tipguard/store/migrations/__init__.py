"""Alembic migrations of the case store (run by ``tipguard.store.migrate.upgrade``)."""
