"""Service fixtures: one app per database backend, sharing the session's analyzer.

The app runs on SQLite (a temp file) and, when ``TIPGUARD_TEST_POSTGRES_URL`` is set, on
PostgreSQL in a fresh schema dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, make_url, text

from tipguard import Analyzer
from tipguard.service import ServiceSettings, create_app
from tipguard.store import Store
from tipguard.store.engine import resolve_url

with warnings.catch_warnings():
    # starlette asks for `httpx2`; the plain httpx it still supports is what the dev extra installs
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

PG_ENV = "TIPGUARD_TEST_POSTGRES_URL"
RISKY = "We keep your passport until you repay the ticket. Add me on telegram: @boss_kh"
SETTINGS = ServiceSettings(rate_limit_per_minute=100_000, rate_limit_burst=100_000)


@dataclass
class Service:
    """An app, its store and one key per role (plus a key holding all roles, revoked)."""

    client: TestClient
    store: Store
    keys: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        if who == "none":
            return {}
        if who == "wrong":
            return {"Authorization": "Bearer tg_" + "x" * 43}
        return {"Authorization": f"Bearer {self.keys[who]}"}


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


def build_service(
    url: str, analyzer: Analyzer, settings: ServiceSettings = SETTINGS
) -> tuple[Service, Callable[[], None]]:
    store = Store(url)
    keys = {role: store.create_key(role, [role])[1] for role in ("ingest", "analyst", "admin")}
    revoked, keys["revoked"] = store.create_key("revoked", ["ingest", "analyst", "admin"])
    store.revoke_key(revoked.id)
    client = TestClient(create_app(settings, analyzer, store))
    return Service(client, store, keys), store.close


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest, analyzer: Analyzer, make_url_for: Callable[[str], str]
) -> Iterator[Service]:
    svc, close = build_service(make_url_for(request.param), analyzer)
    yield svc
    close()
