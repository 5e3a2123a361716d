"""Unauthenticated operations routes: liveness and Prometheus metrics (no case data in either)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from tipguard import __version__
from tipguard.errors import StorageError
from tipguard.service.metrics import CONTENT_TYPE
from tipguard.service.schemas import Health
from tipguard.service.state import state_of

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz(request: Request) -> JSONResponse:
    """200 while the service and its database answer; 503 when the database does not."""
    try:
        database_ok = state_of(request).store.ping()
    except StorageError:
        database_ok = False
    body = Health(
        status="ok" if database_ok else "degraded",
        database="ok" if database_ok else "unavailable",
        version=__version__,
    )
    return JSONResponse(body.model_dump(), status_code=200 if database_ok else 503)


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
def metrics(request: Request) -> Response:
    """Prometheus text format: requests, latencies, verdicts by level."""
    return Response(state_of(request).metrics.render(), media_type=CONTENT_TYPE)
