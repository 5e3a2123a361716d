"""Bearer-key authentication, role checks and the per-key rate limit, as one dependency.

Order of checks: a key must be present (401 ``auth_missing``) and well-formed (401
``auth_malformed``), known (401 ``auth_invalid``) and not revoked (401 ``key_revoked``); then the
key's bucket is charged (429 ``rate_limited``); then the role is checked (403
``role_forbidden``, written to the audit log as a refused access). Roles are not hierarchical:
an admin key without ``analyst`` cannot read cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from fastapi import Request

from tipguard.service.problems import Problem
from tipguard.service.state import state_of
from tipguard.store import Actor, KeyRecord

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tipguard"'}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request."""

    key: KeyRecord
    client: str | None

    @property
    def actor(self) -> Actor:
        """The caller as the store's audit rows name it."""
        return Actor(name=self.key.name, key_id=self.key.id, client=self.client)


def require(role: str) -> Callable[[Request], Principal]:
    """A dependency that admits keys holding ``role``."""

    def dependency(request: Request) -> Principal:
        state = state_of(request)
        header = request.headers.get("authorization")
        if not header:
            raise Problem(401, "auth_missing", "send `Authorization: Bearer KEY`", headers=_CHALLENGE)
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "auth_malformed", "use the Bearer scheme", headers=_CHALLENGE)
        key = state.store.authenticate(token)
        if key is None:
            raise Problem(401, "auth_invalid", "unknown API key", headers=_CHALLENGE)
        if key.is_revoked:
            raise Problem(401, "key_revoked", "this API key was revoked", headers=_CHALLENGE)
        wait = state.limiter.allow(key.id)
        if wait is not None:
            raise Problem(
                429,
                "rate_limited",
                "too many requests for this key (rate_limit_per_minute)",
                headers={"Retry-After": str(max(1, ceil(wait)))},
                limit="rate_limit_per_minute",
            )
        principal = Principal(key, request.client.host if request.client else None)
        if role not in key.roles:
            route = request.scope.get("route")
            target = f"{request.method} {getattr(route, 'path', request.url.path)}"
            state.store.record_audit(principal.actor, "access.denied", target, outcome="denied")
            raise Problem(403, "role_forbidden", f"this key lacks the `{role}` role")
        return principal

    return dependency


require_ingest = require("ingest")
require_analyst = require("analyst")
require_admin = require("admin")
