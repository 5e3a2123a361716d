"""Problem details (RFC 9457) for every error the service returns, each with a stable ``code``.

Clients branch on ``code`` (``auth_missing``, ``role_forbidden``, ``batch_too_large`` ...), never
on the human-readable ``title``/``detail``. Validation errors list where the input was wrong but
never echo the input itself: it may be the text of a victim's message.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tipguard.errors import InvalidRecordError, RecordNotFoundError, StateConflictError, StorageError

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:tipguard:problem:"


class ProblemDetails(BaseModel):
    """The body of every error response."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    limit: str | None = None
    """For 413/422 limit errors: the setting that was hit (``max_body_bytes`` ...)."""
    max: int | None = None
    errors: list[dict[str, Any]] | None = None
    """For validation errors: ``{loc, msg, type}`` per problem, without the input."""


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDetails, "content": {MEDIA_TYPE: {}}}
    for status in (401, 403, 404, 409, 413, 422, 429)
}
"""``responses=`` for routes, so the OpenAPI document shows the problem schema."""


class Problem(Exception):  # noqa: N818 - it is the RFC's name
    """Raised by routes and dependencies; rendered as problem JSON."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        limit: str | None = None,
        max_value: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.headers = headers
        self.limit = limit
        self.max_value = max_value


def check_batch_size(count: int, limit: int) -> None:
    """413 ``batch_too_large`` naming the setting, for every route that takes ``items``."""
    if count > limit:
        raise Problem(
            413,
            "batch_too_large",
            f"{count} items; the limit is {limit} (max_batch_items)",
            limit="max_batch_items",
            max_value=limit,
        )


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_response(problem: Problem) -> JSONResponse:
    """Render a ``Problem``."""
    body = ProblemDetails(
        type=TYPE_BASE + problem.code,
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
        code=problem.code,
        limit=problem.limit,
        max=problem.max_value,
    ).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


def _validation_body(exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    body = ProblemDetails(
        type=TYPE_BASE + "validation_error",
        title=_TITLES[422],
        status=422,
        detail=f"the request does not match the schema ({len(errors)} problem(s))",
        code="validation_error",
        errors=errors,
    ).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=422, media_type=MEDIA_TYPE)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem JSON."""

    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)  # noqa: S101 - registered for Problem only
        return problem_response(exc)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)  # noqa: S101
        return _validation_body(exc)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)  # noqa: S101
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, f"http_{exc.status_code}")
        detail = "no such route" if exc.status_code == 404 else str(exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(Problem(exc.status_code, code, detail, headers=headers))

    async def on_store(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, RecordNotFoundError):
            return problem_response(Problem(404, "not_found", str(exc)))
        if isinstance(exc, InvalidRecordError):
            return problem_response(Problem(422, "invalid_record", str(exc)))
        if isinstance(exc, StateConflictError):
            return problem_response(Problem(409, "conflict", str(exc)))
        logger.error("storage error: %s", exc)
        return problem_response(Problem(503, "storage_unavailable", "the case store is unavailable"))

    async def on_any(_: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled %s", type(exc).__name__)  # no message: it may quote input
        return problem_response(Problem(500, "internal_error", "unexpected error"))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(StorageError, on_store)
    app.add_exception_handler(Exception, on_any)


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413 ``body_too_large`` before any route reads them.

    A declared ``Content-Length`` over the limit is refused at once; a chunked body is read up to
    the limit and refused as soon as it passes it, then replayed to the app when within it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                chunks = []
                break
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(body)
            more = bool(message.get("more_body", False))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Problem(
                413,
                "body_too_large",
                f"the request body is over {self.max_bytes} bytes (max_body_bytes)",
                limit="max_body_bytes",
                max_value=self.max_bytes,
            )
        )
        await response(scope, receive, send)
