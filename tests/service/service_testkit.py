"""What the service tests share, apart from fixtures: importable by name from any test module
(``from service_testkit import ...``), where ``from conftest import`` would pick whichever
folder's conftest was imported first."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from tipguard import Analyzer
from tipguard.service import ServiceSettings, create_app
from tipguard.store import Store

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



def build_service(
    url: str, analyzer: Analyzer, settings: ServiceSettings = SETTINGS
) -> tuple[Service, Callable[[], None]]:
    store = Store(url)
    keys = {role: store.create_key(role, [role])[1] for role in ("ingest", "analyst", "admin")}
    revoked, keys["revoked"] = store.create_key("revoked", ["ingest", "analyst", "admin"])
    store.revoke_key(revoked.id)
    client = TestClient(create_app(settings, analyzer, store))
    return Service(client, store, keys), store.close
