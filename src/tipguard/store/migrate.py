"""Programmatic Alembic: the store migrates itself at open, so ``tipguard serve`` needs no set-up.

The migration scripts ship inside the package (``migrations/``); no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tipguard.store.engine import WRITE_OPTION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of tipguard."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` in one write transaction."""
    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` empties it)."""
    config = alembic_config()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
