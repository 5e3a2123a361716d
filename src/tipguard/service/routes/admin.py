"""Keys and the audit log (role ``admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from tipguard.service.auth import Principal, key_cache_of, require_admin
from tipguard.service.problems import PROBLEM_RESPONSES
from tipguard.service.schemas import MAX_ID, AuditOut, AuditPage, KeyCreate, KeyCreated, KeyOut, PathId
from tipguard.service.state import state_of

router = APIRouter(prefix="/v1", tags=["admin"], responses=PROBLEM_RESPONSES)
Admin = Annotated[Principal, Depends(require_admin)]


@router.post("/keys", response_model=KeyCreated, status_code=201)
def create_key(body: KeyCreate, request: Request, principal: Admin) -> KeyCreated:
    """Create a key; the response carries the secret this one time only."""
    record, secret = state_of(request).store.create_key(body.name, body.roles, principal.actor)
    return KeyCreated(**KeyOut.of(record).model_dump(), key=secret)


@router.get("/keys", response_model=list[KeyOut])
def list_keys(request: Request, principal: Admin) -> list[KeyOut]:
    """Every key, without secrets or hashes."""
    return [KeyOut.of(k) for k in state_of(request).store.list_keys()]


@router.post("/keys/{key_id}/revoke", response_model=KeyOut)
def revoke_key(key_id: PathId, request: Request, principal: Admin) -> KeyOut:
    """Revoke a key at once (idempotent)."""
    record = state_of(request).store.revoke_key(key_id, principal.actor)
    cache = key_cache_of(request)
    if cache is not None:
        cache.clear()
    return KeyOut.of(record)


@router.get("/audit", response_model=AuditPage)
def read_audit(
    request: Request,
    principal: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> AuditPage:
    """The audit log, newest first (reading it is audited too)."""
    rows = state_of(request).store.list_audit(principal.actor, limit, before_id)
    return AuditPage(items=[AuditOut.of(r) for r in rows])
