"""The review page's routes under ``/ui``: sign-in, queue, review, cases, dashboard.

Server-rendered HTML forms, no JavaScript: every action is a POST with a CSRF token that
redirects (303) to a page. Who may use it: keys with the ``analyst`` role, the same rule as
``/v1/review`` and ``/v1/cases``; every read and write goes through the ``Store`` with the
analyst as ``Actor``, so the audit log shows the page's accesses exactly like the API's.
The routes are left out of the OpenAPI document: they are not an API.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any, NoReturn

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tipguard.errors import InvalidRecordError, RecordNotFoundError, StateConflictError, StorageError
from tipguard.service.auth import Principal
from tipguard.service.state import state_of
from tipguard.service.web import charts, highlight
from tipguard.service.web.session import Session
from tipguard.service.web.state import WebState, web_of
from tipguard.store import REVIEW_STATUSES, AIUseInput, CaseFields, KeyRecord, ReviewRecord, htcds
from tipguard.taxonomy import INDICATORS

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/ui", include_in_schema=False)

SESSION_COOKIE = "tg_session"
LOGIN_COOKIE = "tg_login"
COOKIE_PATH = "/ui"
ROLE = "analyst"
PAGE_SIZE = 50
DASHBOARD_MAX_ITEMS = 5_000
"""The dashboard reads at most this many of the newest queue items for its charts."""
PREVIEW_CHARS = 140
COLOURS = 8
"""Highlight colours in the stylesheet (``hl-0`` ... ``hl-7``); more indicators cycle."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Case data must not be cached, framed, or leak through a Referer; the CSP allows no script."""


class WebError(Exception):
    """Rendered as an HTML error page (the API's problem JSON would be useless in a browser)."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class LoginRequiredError(Exception):
    """No valid session: the browser is sent to the sign-in page."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in analyst of one request."""

    principal: Principal
    session: Session
    csrf: str


# -- rendering ------------------------------------------------------------------------------


def render(
    request: Request, template: str, *, code: int = 200, viewer: Viewer | None = None, **context: Any
) -> HTMLResponse:
    """A page from ``templates/`` with the security headers every page carries."""
    web = web_of(request)
    html = web.templates.get_template(template).render(
        viewer=viewer,
        csrf=viewer.csrf if viewer else None,
        active=template.removesuffix(".html"),
        **context,
    )
    return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    """A 303 so the browser follows a POST with a GET."""
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="strict")


def install(app: Any) -> None:
    """Register the page's error handlers on the app (HTML pages instead of problem JSON)."""

    async def on_web_error(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, WebError):  # pragma: no cover - registered for WebError only
            raise exc
        return render(request, "error.html", code=exc.status, title=exc.title, message=exc.message)

    async def on_login_required(_: Request, exc: Exception) -> Response:
        response = redirect(f"{COOKIE_PATH}/login")
        _clear_cookie(response, SESSION_COOKIE)
        return response

    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(LoginRequiredError, on_login_required)


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn store errors into HTML error pages; messages name ids and picklists, never text."""
    try:
        yield
    except RecordNotFoundError as exc:
        raise WebError(404, "Not found", str(exc)) from None
    except InvalidRecordError as exc:
        raise WebError(422, "Not accepted", str(exc)) from None
    except StateConflictError as exc:
        raise WebError(409, "Already decided", str(exc)) from None
    except StorageError as exc:
        logger.error("storage error on the review page: %s", type(exc).__name__)
        raise WebError(503, "Store unavailable", "the case store is unavailable; try again") from None


# -- who is asking --------------------------------------------------------------------------


def _key_by_id(request: Request, key_id: int) -> KeyRecord | None:
    for key in state_of(request).store.list_keys():
        if key.id == key_id:
            return key
    return None


def _principal(request: Request, key: KeyRecord) -> Principal:
    return Principal(key, request.client.host if request.client else None)


def _deny(request: Request, principal: Principal) -> NoReturn:
    route = request.scope.get("route")
    target = f"{request.method} {getattr(route, 'path', request.url.path)}"
    state_of(request).store.record_audit(principal.actor, "access.denied", target, outcome="denied")
    raise WebError(
        403,
        "Forbidden",
        f"the key '{principal.key.name}' lacks the `{ROLE}` role; the review page is for analysts",
    )


def current_viewer(request: Request) -> Viewer:
    """The signed-in analyst; sends others to sign in (no session) or a 403 page (no role)."""
    state = state_of(request)
    web = web_of(request)
    session = web.signer.verify(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise LoginRequiredError
    key = _key_by_id(request, session.key_id)
    if key is None or key.is_revoked:
        raise LoginRequiredError
    wait = state.limiter.allow(key.id)
    if wait is not None:
        raise WebError(429, "Too many requests", f"slow down; try again in {max(1, ceil(wait))} s")
    principal = _principal(request, key)
    if ROLE not in key.roles:
        _deny(request, principal)
    return Viewer(principal, session, web.signer.csrf_token(session.session_id))


def checked_viewer(
    viewer: Annotated[Viewer, Depends(current_viewer)],
    request: Request,
    csrf: Annotated[str | None, Form()] = None,
) -> Viewer:
    """``current_viewer`` for POST forms: the form's CSRF token must belong to the session."""
    if not web_of(request).signer.check_csrf(viewer.session.session_id, csrf):
        raise WebError(403, "Form expired", "the form's security token is missing or wrong; reload the page")
    return viewer


Reader = Annotated[Viewer, Depends(current_viewer)]
Writer = Annotated[Viewer, Depends(checked_viewer)]


# -- sign-in --------------------------------------------------------------------------------


def _login_page(request: Request, web: WebState, status: int = 200, error: str | None = None) -> Response:
    nonce = web.signer.login_nonce()
    response = render(
        request, "login.html", code=status, error=error, login_token=web.signer.login_token(nonce)
    )
    _set_cookie(request, response, LOGIN_COOKIE, nonce, 3600)
    return response


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    """The queue is the analyst's start page."""
    return redirect(f"{COOKIE_PATH}/queue")


@router.get("/static/tipguard.css")
def stylesheet(request: Request) -> Response:
    """The one stylesheet, served by the app itself (no CDN: the page works offline)."""
    return Response(
        web_of(request).css,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    """The sign-in form; already signed-in analysts go to the queue."""
    web = web_of(request)
    if web.signer.verify(request.cookies.get(SESSION_COOKIE)) is not None:
        return redirect(f"{COOKIE_PATH}/queue")
    return _login_page(request, web)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    key: Annotated[str, Form(max_length=200)] = "",
    login_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Exchange a pasted API key for a session cookie carrying only the key's id."""
    web = web_of(request)
    store = state_of(request).store
    if not web.signer.check_login(request.cookies.get(LOGIN_COOKIE), login_token):
        return _login_page(request, web, 403, "The form expired; please try again.")
    record = store.authenticate(key.strip()) if key.strip() else None
    if record is None or record.is_revoked:
        return _login_page(request, web, 401, "Unknown or revoked API key.")
    principal = _principal(request, record)
    if ROLE not in record.roles:
        _deny(request, principal)
    cookie, session = web.signer.issue(record.id)
    store.record_audit(principal.actor, "ui.login", f"session:{session.session_id[:8]}")
    response = redirect(f"{COOKIE_PATH}/queue")
    _set_cookie(request, response, SESSION_COOKIE, cookie, web.signer.max_age)
    _clear_cookie(response, LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, viewer: Writer) -> Response:
    """End the session: the cookie is cleared and its id refused from now on."""
    web_of(request).signer.end(viewer.session)
    state_of(request).store.record_audit(
        viewer.principal.actor, "ui.logout", f"session:{viewer.session.session_id[:8]}"
    )
    response = redirect(f"{COOKIE_PATH}/login")
    _clear_cookie(response, SESSION_COOKIE)
    return response


# -- queue and review -----------------------------------------------------------------------


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The start of a text on one line, for the queue table."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, viewer: Reader, status: str = "open", offset: int = 0) -> Response:
    """Queue items of one status (``open`` by default, ``all`` for every status), newest first."""
    if status != "all" and status not in REVIEW_STATUSES:
        raise WebError(400, "Bad request", f"status must be one of {[*REVIEW_STATUSES, 'all']}")
    offset = max(0, offset)
    with store_errors():
        page = state_of(request).store.list_review(
            viewer.principal.actor, None if status == "all" else status, PAGE_SIZE, offset
        )
    rows = [{"record": r, "preview": preview(r.text)} for r in page.items]
    return render(
        request,
        "queue.html",
        viewer=viewer,
        rows=rows,
        total=page.total,
        status=status,
        statuses=[*REVIEW_STATUSES, "all"],
        offset=offset,
        page_size=PAGE_SIZE,
    )


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One highlighted text: the item's text, or one message of a conversation."""

    sender: str | None
    time: str | None
    segments: list[highlight.Segment]
    whole: list[str]
    """Indicators whose span is the whole text: named above it instead of marking all of it."""


def _block(text: str, marks: list[highlight.Mark], sender: Any = None, time: Any = None) -> TextBlock:
    inline, whole = highlight.split_whole(text, marks)
    return TextBlock(
        str(sender) if sender else None,
        str(time) if time else None,
        highlight.segments(text, inline),
        whole,
    )


def text_blocks(record: ReviewRecord) -> list[TextBlock]:
    """The item's text cut into highlighted segments (per message for a conversation)."""
    verdict = record.verdict
    if not record.messages:
        return [_block(record.text, highlight.marks_of(verdict))]
    blocks: list[TextBlock] = []
    offset = 0
    for index, message in enumerate(record.messages):
        text = str(message.get("text") or "")
        marks = highlight.marks_of(verdict, message=index, offset=offset)
        blocks.append(_block(text, marks, message.get("sender"), message.get("time")))
        offset += len(text) + 1
    return blocks


def describe(code: str) -> str:
    """An indicator's description from the taxonomy (codes from older models may be unknown)."""
    info = INDICATORS.get(code)
    return info.description if info is not None else "indicator not in this version's taxonomy"


def _finding_rows(record: ReviewRecord, colours: Mapping[str, int]) -> list[dict[str, Any]]:
    texts = [str(m.get("text") or "") for m in record.messages] if record.messages else None
    rows = []
    for finding in record.verdict.get("findings") or []:
        code = str(finding.get("indicator", ""))
        rows.append(
            {
                "indicator": code,
                "description": describe(code),
                "score": float(finding.get("score", 0.0)),
                "detector": str(finding.get("detector", "")),
                "reason": str(finding.get("reason", "")),
                "excerpts": highlight.excerpts(record.text, finding, texts),
                "colour": colours.get(code, 0),
            }
        )
    return rows


@router.get("/review/{review_id}", response_class=HTMLResponse)
def review(request: Request, review_id: int, viewer: Reader) -> Response:
    """One item: its highlighted text, a legend, the reasons and the decision forms."""
    store = state_of(request).store
    actor = viewer.principal.actor
    with store_errors():
        record = store.get_review(actor, review_id)
        decidable = record.status in ("open", "confirmed")
        cases = store.list_cases(actor, None, 100, 0).items if decidable else ()
    order = highlight.indicator_order(record.verdict)
    colours = {code: n % COLOURS for n, code in enumerate(order)}
    legend = [{"indicator": c, "description": describe(c), "colour": colours[c]} for c in order]
    return render(
        request,
        "review.html",
        viewer=viewer,
        record=record,
        blocks=text_blocks(record),
        legend=legend,
        colours=colours,
        describe=describe,
        findings=_finding_rows(record, colours),
        cases=cases,
        decidable=decidable,
    )


def _form_text(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise WebError(422, "Not accepted", f"{field} is over {limit} characters")
    return text or None


@router.post("/review/{review_id}/decision")
def decide(
    request: Request,
    review_id: int,
    viewer: Writer,
    decision: Annotated[str, Form()],
    reason: Annotated[str | None, Form()] = None,
    case_id: Annotated[str | None, Form()] = None,
    title: Annotated[str | None, Form()] = None,
) -> Response:
    """Confirm, dismiss (a reason is required) or escalate to a new or an existing case."""
    if decision not in ("confirm", "dismiss", "escalate"):
        raise WebError(422, "Not accepted", "decision must be confirm, dismiss or escalate")
    why = _form_text(reason, "reason", 2_000)
    if decision == "dismiss" and why is None:
        raise WebError(422, "Reason required", "a dismissal needs a reason")
    target: int | None = None
    new_case: CaseFields | None = None
    if decision == "escalate":
        raw = (case_id or "new").strip()
        if raw == "new":
            new_case = CaseFields(title=_form_text(title, "title", 200))
        elif raw.isdigit():
            target = int(raw)
        else:
            raise WebError(422, "Not accepted", "case must be `new` or a case number")
    with store_errors():
        record = state_of(request).store.decide(
            viewer.principal.actor, review_id, decision, reason=why, case_id=target, new_case=new_case
        )
    if record.case_id is not None and decision == "escalate":
        return redirect(f"{COOKIE_PATH}/cases/{record.case_id}")
    return redirect(f"{COOKIE_PATH}/review/{review_id}")


# -- cases ----------------------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
def cases(request: Request, viewer: Reader, offset: int = 0) -> Response:
    """Cases, newest first."""
    offset = max(0, offset)
    with store_errors():
        page = state_of(request).store.list_cases(viewer.principal.actor, None, PAGE_SIZE, offset)
    return render(
        request,
        "cases.html",
        viewer=viewer,
        cases=page.items,
        total=page.total,
        offset=offset,
        page_size=PAGE_SIZE,
    )


CASE_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (attr, name)
    for attr, name in htcds.CASE_COLUMNS
    if attr == "status" or (name.startswith(("vic_", "hte_")) and not name.endswith("Pseudonyms"))
)
"""(attribute, HTCDS name) of the fields the case page shows."""
MAX_LINKED = 50


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(request: Request, case_id: int, viewer: Reader) -> Response:
    """One case: HTCDS fields, linked review items, AI-use records and the form to add one."""
    store = state_of(request).store
    actor = viewer.principal.actor
    with store_errors():
        record = store.get_case(actor, case_id)
        linked = [store.get_review(actor, rid) for rid in record.review_item_ids[:MAX_LINKED]]
    fields = []
    for attribute, name in CASE_FIELDS:
        value = getattr(record, attribute)
        shown = ", ".join(value) if isinstance(value, tuple) else (value or "")
        fields.append({"name": name, "value": shown})
    return render(
        request,
        "case.html",
        viewer=viewer,
        case=record,
        fields=fields,
        linked=[{"record": r, "preview": preview(r.text)} for r in linked],
        more_linked=max(0, len(record.review_item_ids) - MAX_LINKED),
        capabilities=htcds.AI_CAPABILITY,
        confidences=htcds.AI_CONFIDENCE,
    )


@router.post("/cases/{case_id}/ai-use")
def add_ai_use(
    request: Request,
    case_id: int,
    viewer: Writer,
    capability: Annotated[str, Form()],
    confidence: Annotated[str, Form()],
    evidence: Annotated[str, Form()] = "",
    platform: Annotated[str | None, Form()] = None,
    language: Annotated[str | None, Form()] = None,
    review_item_id: Annotated[str | None, Form()] = None,
) -> Response:
    """Record suspected AI use in a case (HTCDS ``aiu_`` fields)."""
    text = _form_text(evidence, "evidence", 5_000)
    if text is None:
        raise WebError(422, "Evidence required", "describe the evidence of AI use")
    item = (review_item_id or "").strip()
    if item and not item.isdigit():
        raise WebError(422, "Not accepted", "review item must be a number")
    record = AIUseInput(
        capability=capability,
        evidence=text,
        confidence=confidence,
        platform=_form_text(platform, "platform", 64),
        language=_form_text(language, "language", 16),
        review_item_id=int(item) if item else None,
    )
    with store_errors():
        state_of(request).store.add_ai_use(viewer.principal.actor, case_id, record)
    return redirect(f"{COOKIE_PATH}/cases/{case_id}#ai-use")


# -- dashboard ------------------------------------------------------------------------------


def _newest_items(request: Request, viewer: Viewer, limit: int) -> Iterator[ReviewRecord]:
    store = state_of(request).store
    offset = 0
    while offset < limit:
        page = store.list_review(viewer.principal.actor, None, min(500, limit - offset), offset)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, viewer: Reader) -> Response:
    """Decision counts, cases, and charts of findings by indicator, language and ISO week."""
    store = state_of(request).store
    actor = viewer.principal.actor
    with store_errors():
        counts = {s: store.list_review(actor, s, 1, 0).total for s in REVIEW_STATUSES}
        case_total = store.list_cases(actor, None, 1, 0).total
        found = charts.count_findings(_newest_items(request, viewer, DASHBOARD_MAX_ITEMS))
    total = sum(counts.values())
    chart_list = [
        charts.bar_chart("Findings by indicator", found.by_indicator),
        charts.bar_chart("Flagged items by language", found.by_language, label_width=110),
        charts.bar_chart("Flagged items by ISO week", found.by_week, label_width=110),
    ]
    return render(
        request,
        "dashboard.html",
        viewer=viewer,
        counts=counts,
        total=total,
        case_total=case_total,
        charts=chart_list,
        counted=found.items,
        truncated=total > found.items,
    )
