"""Cases (role ``analyst``): HTCDS fields, pseudonymised persons, suspected AI use, export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from tipguard.service.auth import Principal, require_analyst
from tipguard.service.problems import PROBLEM_RESPONSES
from tipguard.service.schemas import (
    AIUseIn,
    AIUseOut,
    CaseIn,
    CaseOut,
    CasePage,
    PageOffset,
    PathId,
    PersonIn,
    PersonOut,
)
from tipguard.service.state import state_of
from tipguard.store import AIUseInput, CaseFields

router = APIRouter(prefix="/v1", tags=["cases"], responses=PROBLEM_RESPONSES)
Analyst = Annotated[Principal, Depends(require_analyst)]
StatusFilter = Annotated[str | None, Query(pattern="^(Active|FollowUp|Closed|ClosedReferred)$")]

_EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def fields_of(body: CaseIn) -> CaseFields:
    """The store's view of a case body (lists become tuples; absent stays ``None``)."""

    def tup(values: list[str] | None) -> tuple[str, ...] | None:
        return None if values is None else tuple(values)

    return CaseFields(
        title=body.title,
        summary=body.summary,
        status=body.status,
        method_of_recruitment=tup(body.method_of_recruitment),
        methods_of_control=tup(body.methods_of_control),
        type_of_exploitation=tup(body.type_of_exploitation),
        type_of_labour_exploitation=tup(body.type_of_labour_exploitation),
        type_of_sex_exploitation=tup(body.type_of_sex_exploitation),
        recruitment_websites_and_apps=tup(body.recruitment_websites_and_apps),
        exploitation_websites_and_apps=tup(body.exploitation_websites_and_apps),
        recruitment_country=body.recruitment_country,
        exploitation_country=body.exploitation_country,
    )


@router.get("/cases", response_model=CasePage)
def list_cases(
    request: Request,
    principal: Analyst,
    status: StatusFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: PageOffset = 0,
) -> CasePage:
    """Cases, newest first, optionally of one ``cas_Status``."""
    page = state_of(request).store.list_cases(principal.actor, status, limit, offset)
    return CasePage(items=[CaseOut.of(c) for c in page.items], total=page.total, limit=limit, offset=offset)


@router.post("/cases", response_model=CaseOut, status_code=201)
def create_case(body: CaseIn, request: Request, principal: Analyst) -> CaseOut:
    """Open a case."""
    return CaseOut.of(state_of(request).store.create_case(principal.actor, fields_of(body)))


@router.get(
    "/cases/export",
    response_class=Response,
    responses={200: {"content": {t: {} for t in _EXPORT_TYPES.values()}}},
)
def export_cases(
    request: Request,
    principal: Analyst,
    format: Literal["csv", "json"] = "csv",
    status: StatusFilter = None,
) -> Response:
    """Every case as CSV or JSON with HTCDS column names (``cas_``, ``vic_``, ``per_``, ``aiu_``)."""
    text = state_of(request).store.export_cases(principal.actor, format, status)
    return Response(
        text,
        media_type=_EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="tipguard-cases.{format}"'},
    )


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: PathId, request: Request, principal: Analyst) -> CaseOut:
    """One case with its persons, AI-use records and review items."""
    return CaseOut.of(state_of(request).store.get_case(principal.actor, case_id))


@router.patch("/cases/{case_id}", response_model=CaseOut)
def update_case(case_id: PathId, body: CaseIn, request: Request, principal: Analyst) -> CaseOut:
    """Change the fields given; absent fields stay as they are."""
    return CaseOut.of(state_of(request).store.update_case(principal.actor, case_id, fields_of(body)))


@router.post("/cases/{case_id}/ai-use", response_model=AIUseOut, status_code=201)
def add_ai_use(case_id: PathId, body: AIUseIn, request: Request, principal: Analyst) -> AIUseOut:
    """Record suspected AI use: capability, evidence, confidence, platform, language."""
    record = AIUseInput(
        capability=body.capability,
        evidence=body.evidence,
        confidence=body.confidence,
        platform=body.platform,
        language=body.language,
        review_item_id=body.review_item_id,
    )
    return AIUseOut.of(state_of(request).store.add_ai_use(principal.actor, case_id, record))


@router.post("/cases/{case_id}/persons", response_model=PersonOut, status_code=201)
def add_person(case_id: PathId, body: PersonIn, request: Request, principal: Analyst) -> PersonOut:
    """Add a pseudonymised victim or perpetrator (the pseudonym is generated)."""
    record = state_of(request).store.add_person(
        principal.actor, case_id, body.role, body.gender, body.nationality, body.role_in_process
    )
    return PersonOut.of(record)
