"""The role matrix: every route x every caller answers exactly the expected status.

Callers: no key, a wrong key, a revoked key (which held every role), and one key per role.
Roles are not hierarchical, so each route admits exactly one role; health, metrics and the
OpenAPI document admit everyone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from service_testkit import Service

from tipguard.io.serialize import verdict_to_dict
from tipguard.results import Level, Verdict
from tipguard.service import ServiceSettings
from tipguard.service.auth import KeyCache
from tipguard.service.routes.indicators import sharing_from
from tipguard.sharing import BundleBuilder, SharingKey
from tipguard.store import Actor, CaseFields, QueueEntry

CALLERS = ("none", "wrong", "revoked", "ingest", "analyst", "admin")
Request = tuple[str, str, Any]


def _review_id(svc: Service) -> int:
    verdict = verdict_to_dict(Verdict(id="m", language="en", risk=0.9, level=Level.HIGH))
    return svc.store.enqueue(Actor.system("test"), [QueueEntry(verdict, "text")])[0]


def _case_id(svc: Service) -> int:
    return svc.store.create_case(Actor.system("test"), CaseFields(title="matrix")).id


def _key_id(svc: Service) -> int:
    return svc.store.create_key("throwaway", ["ingest"])[0].id


MATRIX_SECRET = "role-matrix-sharing-secret"


def _bundle() -> dict[str, Any]:
    builder = BundleBuilder(SharingKey(MATRIX_SECRET), organisation="Partner NGO")
    builder.add_text("WhatsApp me on +62 812 3456 7890")
    bundle: dict[str, Any] = json.loads(builder.to_json())
    return bundle


@pytest.fixture(autouse=True)
def _sharing_on(service: Service, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The shared app runs without a sharing secret; give it one so the indicator routes answer."""
    state = service.client.app.state  # type: ignore[attr-defined]
    if getattr(state, "tipguard_sharing", None) is None:
        index = Path(tmp_path_factory.mktemp("sharing")) / "index.json"
        settings = ServiceSettings(
            sharing_secret=MATRIX_SECRET, organisation="Matrix NGO", indicator_index=str(index)
        )
        state.tipguard_sharing = sharing_from(settings, "sqlite://")


ROUTES: dict[str, tuple[str | None, int, Callable[[Service], Request]]] = {
    "analyze": ("ingest", 200, lambda s: ("POST", "/v1/analyze", {"text": "see you at lunch"})),
    "conversation": (
        "ingest",
        200,
        lambda s: ("POST", "/v1/conversations/analyze", {"messages": [{"text": "hi"}]}),
    ),
    "review.list": ("analyst", 200, lambda s: ("GET", "/v1/review", None)),
    "review.get": ("analyst", 200, lambda s: ("GET", f"/v1/review/{_review_id(s)}", None)),
    "review.decide": (
        "analyst",
        200,
        lambda s: ("POST", f"/v1/review/{_review_id(s)}/decision", {"decision": "confirm"}),
    ),
    "decisions": ("analyst", 200, lambda s: ("GET", "/v1/decisions", None)),
    "cases.list": ("analyst", 200, lambda s: ("GET", "/v1/cases", None)),
    "cases.create": ("analyst", 201, lambda s: ("POST", "/v1/cases", {"title": "new"})),
    "cases.get": ("analyst", 200, lambda s: ("GET", f"/v1/cases/{_case_id(s)}", None)),
    "cases.update": ("analyst", 200, lambda s: ("PATCH", f"/v1/cases/{_case_id(s)}", {"status": "FollowUp"})),
    "cases.ai_use": (
        "analyst",
        201,
        lambda s: (
            "POST",
            f"/v1/cases/{_case_id(s)}/ai-use",
            {"capability": "GeneratedAdvert", "evidence": "same advert, 40 accounts", "confidence": "Medium"},
        ),
    ),
    "cases.person": (
        "analyst",
        201,
        lambda s: ("POST", f"/v1/cases/{_case_id(s)}/persons", {"role": "victim"}),
    ),
    "cases.export": ("analyst", 200, lambda s: ("GET", "/v1/cases/export?format=csv", None)),
    "keys.create": ("admin", 201, lambda s: ("POST", "/v1/keys", {"name": "n", "roles": ["ingest"]})),
    "keys.list": ("admin", 200, lambda s: ("GET", "/v1/keys", None)),
    "keys.revoke": ("admin", 200, lambda s: ("POST", f"/v1/keys/{_key_id(s)}/revoke", None)),
    "audit": ("admin", 200, lambda s: ("GET", "/v1/audit", None)),
    "guard": ("ingest", 200, lambda s: ("POST", "/v1/guard", {"prompt": "What is the capital of Peru?"})),
    "indicators.export": (
        "analyst",
        200,
        lambda s: ("POST", "/v1/indicators/export", {"texts": [{"text": "call +62 812 3456 7890"}]}),
    ),
    "indicators.import": ("admin", 200, lambda s: ("POST", "/v1/indicators/import", _bundle())),
    "indicators.match": (
        "ingest",
        200,
        lambda s: ("POST", "/v1/indicators/match", {"items": [{"text": "wa +62 812 3456 7890"}]}),
    ),
    "healthz": (None, 200, lambda s: ("GET", "/healthz", None)),
    "metrics": (None, 200, lambda s: ("GET", "/metrics", None)),
    "openapi": (None, 200, lambda s: ("GET", "/openapi.json", None)),
}


def expected(route: str, caller: str) -> int:
    role, ok, _ = ROUTES[route]
    if role is None:
        return ok
    if caller in ("none", "wrong", "revoked"):
        return 401
    return ok if caller == role else 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_role_matrix(service: Service, route: str, caller: str) -> None:
    if route == "guard" and service.client.app.state.tipguard_guard is None:  # type: ignore[attr-defined]
        pytest.skip("the guard cannot load here (encoder extra or weights missing): no /v1/guard")
    method, path, body = ROUTES[route][2](service)
    response = service.client.request(method, path, json=body, headers=service.headers(caller))
    assert response.status_code == expected(route, caller), response.text
    if response.status_code in (401, 403):
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert problem["status"] == response.status_code
        assert problem["code"] == {
            "none": "auth_missing",
            "wrong": "auth_invalid",
            "revoked": "key_revoked",
        }.get(caller, "role_forbidden")


def test_every_api_route_is_in_the_matrix(service: Service) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    operations = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    covered = set()
    for route in ROUTES.values():
        method, path, _ = route[2](service)
        template = "/".join("{}" if part.isdigit() else part for part in path.split("?")[0].split("/"))
        covered.add((method, template))
    normalised = {
        (m, "/".join("{}" if s.startswith("{") else s for s in p.split("/"))) for m, p in operations
    }
    assert normalised <= covered


def test_key_cache_trusts_a_known_key_for_its_ttl_only(service: Service) -> None:
    now = [0.0]
    cache = KeyCache(ttl=5.0, size=2, clock=lambda: now[0])
    key = service.store.create_key("cached", ["ingest"])[0]
    cache.put("tg_secret_a", key)
    assert cache.get("tg_secret_a") == key and cache.get("tg_secret_b") is None
    now[0] = 5.1
    assert cache.get("tg_secret_a") is None
    cache.put("tg_secret_a", key)
    cache.put("tg_secret_b", key)
    cache.put("tg_secret_c", key)  # over size: the cache starts afresh rather than grow
    assert cache.get("tg_secret_a") is None and cache.get("tg_secret_c") == key
    cache.clear()
    assert cache.get("tg_secret_c") is None
    assert KeyCache(ttl=0).get("tg_secret_c") is None


def test_a_key_revoked_through_the_api_stops_at_once(service: Service) -> None:
    record, secret = service.store.create_key("soon-revoked", ["analyst"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert service.client.get("/v1/decisions", headers=headers).status_code == 200  # now cached
    service.client.post(f"/v1/keys/{record.id}/revoke", headers=service.headers("admin"))
    assert service.client.get("/v1/decisions", headers=headers).json()["code"] == "key_revoked"
