"""The role matrix: every route x every caller answers exactly the expected status.

Callers: no key, a wrong key, a revoked key (which held every role), and one key per role.
Roles are not hierarchical, so each route admits exactly one role; health, metrics and the
OpenAPI document admit everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import Service
from tipguard.io.serialize import verdict_to_dict
from tipguard.results import Level, Verdict
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
