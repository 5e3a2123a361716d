"""The review queue (role ``analyst``): list, read, decide; decisions double as labels.

Every call reads or writes case data, so every call leaves an audit row (the store writes it in
the same transaction).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from tipguard.service.auth import Principal, require_analyst
from tipguard.service.problems import PROBLEM_RESPONSES, Problem
from tipguard.service.routes.cases import fields_of
from tipguard.service.schemas import (
    DecisionOut,
    DecisionPage,
    DecisionRequest,
    PageOffset,
    PathId,
    ReviewOut,
    ReviewPage,
)
from tipguard.service.state import state_of

router = APIRouter(prefix="/v1", tags=["review"], responses=PROBLEM_RESPONSES)
Analyst = Annotated[Principal, Depends(require_analyst)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = PageOffset
StatusFilter = Annotated[str | None, Query(pattern="^(open|confirmed|dismissed|escalated)$")]


@router.get("/review", response_model=ReviewPage, response_model_exclude_unset=True)
def list_review(
    request: Request, principal: Analyst, status: StatusFilter = None, limit: Limit = 50, offset: Offset = 0
) -> ReviewPage:
    """Queue items, newest first, optionally of one status."""
    page = state_of(request).store.list_review(principal.actor, status, limit, offset)
    return ReviewPage(
        items=[ReviewOut.of(r) for r in page.items], total=page.total, limit=limit, offset=offset
    )


@router.get("/review/{review_id}", response_model=ReviewOut, response_model_exclude_unset=True)
def get_review(review_id: PathId, request: Request, principal: Analyst) -> ReviewOut:
    """One queue item with its text, verdict and decision."""
    return ReviewOut.of(state_of(request).store.get_review(principal.actor, review_id))


@router.post("/review/{review_id}/decision", response_model=ReviewOut, response_model_exclude_unset=True)
def decide(review_id: PathId, body: DecisionRequest, request: Request, principal: Analyst) -> ReviewOut:
    """Confirm, dismiss (with a reason) or escalate to a case (``case_id``, or a new ``case``)."""
    if body.decision == "dismiss" and not (body.reason and body.reason.strip()):
        raise Problem(422, "reason_required", "a dismissal needs a `reason`")
    record = state_of(request).store.decide(
        principal.actor,
        review_id,
        body.decision,
        reason=body.reason,
        case_id=body.case_id,
        new_case=fields_of(body.case) if body.case is not None else None,
    )
    return ReviewOut.of(record)


@router.get("/decisions", response_model=DecisionPage)
def list_decisions(
    request: Request, principal: Analyst, limit: Limit = 100, offset: Offset = 0
) -> DecisionPage:
    """Decisions as labels, oldest first (``label``: the flag was right)."""
    page = state_of(request).store.list_decisions(principal.actor, limit, offset)
    return DecisionPage(
        items=[DecisionOut.of(d) for d in page.items], total=page.total, limit=limit, offset=offset
    )
