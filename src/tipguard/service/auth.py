"""Bearer-key authentication, role checks and the per-key rate limit, as one dependency.

Order of checks: a key must be present (401 ``auth_missing``) and well-formed (401
``auth_malformed``), known (401 ``auth_invalid``) and not revoked (401 ``key_revoked``); then the
key's bucket is charged (429 ``rate_limited``); then the role is checked (403
``role_forbidden``, written to the audit log as a refused access). Roles are not hierarchical:
an admin key without ``analyst`` cannot read cases.

Known keys are cached for ``key_cache_seconds`` (5 s by default): the database lookup was about a
tenth of the cost of a short ``/v1/analyze`` request. Revoking a key through this app's API
empties the cache at once; a key revoked elsewhere (the CLI, another worker) stops working within
that many seconds. The dependency is async so that a cached key costs no trip through the thread
pool; the database is only touched, in the thread pool, on a miss or a refused role.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from math import ceil

from fastapi import Request
from starlette.concurrency import run_in_threadpool

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


class KeyCache:
    """Known keys by the SHA-256 of their secret, each for ``ttl`` seconds; unknown keys are
    never cached (so guessing cannot fill it), and it holds at most ``size`` keys."""

    def __init__(self, ttl: float, size: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._keys: dict[str, tuple[KeyRecord, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def get(self, token: str) -> KeyRecord | None:
        """The cached key of ``token`` while fresh."""
        if self.ttl <= 0:
            return None
        with self._lock:
            hit = self._keys.get(self._digest(token))
        return hit[0] if hit is not None and hit[1] > self._clock() else None

    def put(self, token: str, key: KeyRecord) -> None:
        """Remember ``key`` for ``ttl`` seconds."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._keys) >= self.size:
                self._keys.clear()
            self._keys[self._digest(token)] = (key, self._clock() + self.ttl)

    def clear(self) -> None:
        """Forget every key (after a revocation)."""
        with self._lock:
            self._keys.clear()


def key_cache_of(request: Request) -> KeyCache | None:
    """The app's key cache (``None`` for an app built without one)."""
    cache: KeyCache | None = getattr(request.app.state, "tipguard_key_cache", None)
    return cache


def require(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that admits keys holding ``role``."""

    async def dependency(request: Request) -> Principal:
        state = state_of(request)
        header = request.headers.get("authorization")
        if not header:
            raise Problem(401, "auth_missing", "send `Authorization: Bearer KEY`", headers=_CHALLENGE)
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "auth_malformed", "use the Bearer scheme", headers=_CHALLENGE)
        cache = key_cache_of(request)
        key = cache.get(token) if cache is not None else None
        if key is None:
            key = await run_in_threadpool(state.store.authenticate, token)
            if key is not None and not key.is_revoked and cache is not None:
                cache.put(token, key)
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
            await run_in_threadpool(
                state.store.record_audit, principal.actor, "access.denied", target, outcome="denied"
            )
            raise Problem(403, "role_forbidden", f"this key lacks the `{role}` role")
        return principal

    return dependency


require_ingest = require("ingest")
require_analyst = require("analyst")
require_admin = require("admin")
