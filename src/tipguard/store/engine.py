"""Engines tuned for many short transactions from several writers, and the retry around them.

SQLite is the zero-set-up default, and its weak spot is concurrent writers: Python's driver starts
transactions lazily, so two connections that both read and then write deadlock on the upgrade
and one gets "database is locked" at once, whatever the busy timeout. So the driver's own
transaction handling is switched off and tipguard emits ``BEGIN IMMEDIATE`` for write
transactions (the write lock is taken up front and waited for, up to ``busy_timeout``) and a
plain ``BEGIN`` for reads, which WAL lets run beside a writer. Whatever still comes back busy,
and PostgreSQL's serialization failures and deadlocks, is retried with jittered backoff by
``run_transaction``, so callers never see a lock error.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tipguard.errors import StorageError

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///tipguard.db"
"""``tipguard.db`` in the working directory: no set-up."""
URL_ENV = "TIPGUARD_DATABASE_URL"
WRITE_OPTION = "tipguard_write"
"""Execution option that marks a connection's transactions as writes (``BEGIN IMMEDIATE``)."""
BUSY_TIMEOUT_MS = 10_000
MAX_ATTEMPTS = 12
_TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""serialization_failure, deadlock_detected, lock_not_available."""

R = TypeVar("R")


def resolve_url(url: str | None = None) -> str:
    """The database URL: the argument, else ``TIPGUARD_DATABASE_URL``, else ``tipguard.db``.

    Plain ``postgresql://`` URLs get the psycopg (3) driver, the one tipguard installs.
    """
    chosen = url or os.environ.get(URL_ENV) or DEFAULT_URL
    for scheme in ("postgresql://", "postgres://"):
        if chosen.startswith(scheme):
            return "postgresql+psycopg://" + chosen[len(scheme) :]
    return chosen


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _tune_sqlite(engine)
        return engine
    # parameters can hold case text: keep them out of error messages and logs
    return create_engine(url, hide_parameters=True, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # tipguard emits BEGIN itself (see module doc)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_transient(exc: DBAPIError) -> bool:
    """A lock, busy, serialization or deadlock error that a retry can cure."""
    if getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message or "table is locked" in message


def run_transaction(engine: Engine, work: Callable[[Session], R], *, name: str) -> R:
    """Run ``work`` in one transaction, retrying transient errors; other database errors become
    ``StorageError`` (named by operation and driver error type, never by data)."""
    delay = 0.005
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                return work(session)
        except DBAPIError as exc:
            if is_transient(exc) and attempt < MAX_ATTEMPTS:
                logger.debug("store %s: transient %s, retry %d", name, type(exc.orig).__name__, attempt)
                time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not crypto
                delay = min(delay * 2, 0.5)
                continue
            logger.warning("store %s failed: %s", name, type(exc.orig).__name__)
            raise StorageError(f"store operation {name} failed ({type(exc.orig).__name__})") from None
    raise StorageError(f"store operation {name} failed after {MAX_ATTEMPTS} attempts")  # pragma: no cover
