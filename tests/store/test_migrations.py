"""Migrations build the schema the ORM models describe, from an empty database, repeatably."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tipguard.store import Store
from tipguard.store.migrate import current_revision, downgrade, head_revision, upgrade
from tipguard.store.models import Base

TABLES = {"api_keys", "audit_log", "review_items", "decisions", "cases", "case_persons", "ai_use_records"}


def test_upgrade_from_empty_creates_every_table_at_head(database_url: str) -> None:
    store = Store(database_url, migrate=False)
    try:
        assert current_revision(store.engine) is None
        assert not TABLES & set(inspect(store.engine).get_table_names())
        upgrade(store.engine)
        assert current_revision(store.engine) == head_revision() == "0001"
        assert set(inspect(store.engine).get_table_names()) >= TABLES
    finally:
        store.close()


def test_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_open_is_idempotent_and_downgrade_then_upgrade_round_trips(database_url: str) -> None:
    Store(database_url).close()
    store = Store(database_url)  # second open: already at head, nothing to do
    try:
        downgrade(store.engine, "base")
        assert not TABLES & set(inspect(store.engine).get_table_names())
        upgrade(store.engine)
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
