"""Service fixtures: one app per database backend, sharing the session's analyzer.

The app runs on SQLite (a temp file) and, when ``TIPGUARD_TEST_POSTGRES_URL`` is set, on
PostgreSQL in a fresh schema dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from service_testkit import PG_ENV, Service, build_service
from sqlalchemy import create_engine, make_url, text

from tipguard import Analyzer
from tipguard.store.engine import resolve_url


@pytest.fixture(scope="session")
def make_url_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """``backend -> URL``; PostgreSQL schemas are dropped at the end of the session."""
    schemas: list[str] = []
    base = os.environ.get(PG_ENV)

    def url_for(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'service.db'}"
        if not base:
            pytest.skip(
                f"PostgreSQL service tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
            )
        schema = f"tg_test_{uuid.uuid4().hex[:12]}"
        engine = create_engine(resolve_url(base))
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        schemas.append(schema)
        url = make_url(resolve_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield url_for
    if base and schemas:
        engine = create_engine(resolve_url(base))
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest, analyzer: Analyzer, make_url_for: Callable[[str], str]
) -> Iterator[Service]:
    svc, close = build_service(make_url_for(request.param), analyzer)
    yield svc
    close()
