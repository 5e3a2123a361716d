"""Store fixtures: every store test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL runs when ``TIPGUARD_TEST_POSTGRES_URL`` is set (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets a fresh schema, dropped
afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tipguard.store import Actor, Store
from tipguard.store.engine import resolve_url

PG_ENV = "TIPGUARD_TEST_POSTGRES_URL"


def _postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL store tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    schema = f"tg_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(resolve_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_url(request)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()


@pytest.fixture
def actor() -> Actor:
    return Actor("analyst-1", None, "10.0.0.7")
