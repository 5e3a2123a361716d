"""The FastAPI app factory: ``create_app(settings=None, analyzer=None, store=None)``.

Everything the app needs is built here once and shared through ``app.state.tipguard``
(``ServiceState``): one loaded ``Analyzer`` (thread-safe), one ``Store`` (a connection pool),
one rate limiter and one metrics registry. Pass your own analyzer or store to share them (tests
share one analyzer per session; the review page and benchmarks can wrap the same app). A store
the factory opened itself is closed when the app shuts down.

Example::

    from tipguard.service import create_app
    app = create_app()                     # tipguard.db here, the `standard` analyzer
    # uvicorn.run(app) or fastapi.testclient.TestClient(app)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tipguard import __version__
from tipguard.errors import ModelLoadError
from tipguard.guard import Guard
from tipguard.pipeline.analyzer import Analyzer
from tipguard.service import problems
from tipguard.service.auth import KeyCache
from tipguard.service.metrics import Metrics, MetricsMiddleware
from tipguard.service.ratelimit import RateLimiter
from tipguard.service.routes import admin, analyze, cases, indicators, ops, review
from tipguard.service.routes import guard as guard_routes
from tipguard.service.settings import ServiceSettings
from tipguard.service.state import ServiceState
from tipguard.service.web import mount as mount_review_page
from tipguard.store import Store

DESCRIPTION = """Find signals of human trafficking in text; keep a review queue and HTCDS cases.

Send `Authorization: Bearer KEY` (create keys with `tipguard keys create --role ROLE`). Roles are
not hierarchical: `ingest` analyses, `analyst` reviews and keeps cases, `admin` manages keys and
reads the audit log. Errors are problem details (RFC 9457) with a stable `code`.
"""

logger = logging.getLogger(__name__)


def _load_guard(settings: ServiceSettings, analyzer: Analyzer, given: Guard | None) -> Guard | None:
    """The guard for ``POST /v1/guard``, or ``None`` (logged): then the route is not mounted."""
    if given is not None:
        return given.load()
    if not settings.guard:
        logger.info("POST /v1/guard is off (TIPGUARD_GUARD=false)")
        return None
    try:
        return Guard(analyzer).load()
    except ModelLoadError as exc:
        logger.warning("POST /v1/guard is off: the guard cannot load (%s)", exc)
        return None


def create_app(
    settings: ServiceSettings | None = None,
    analyzer: Analyzer | None = None,
    store: Store | None = None,
    guard: Guard | None = None,
) -> FastAPI:
    """Build the app; loads the analyzer and the guard and opens (and migrates) the store when
    not given. ``POST /v1/guard`` exists only when the guard loads."""
    settings = settings or ServiceSettings()
    owns_store = store is None
    store = store or Store(settings.database_url)
    analyzer = (analyzer or Analyzer()).load()
    loaded_guard = _load_guard(settings, analyzer, guard)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            store.close()

    app = FastAPI(
        title="tipguard",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.tipguard = ServiceState(
        settings=settings,
        analyzer=analyzer,
        store=store,
        limiter=RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst),
        metrics=metrics,
    )
    app.state.tipguard_key_cache = KeyCache(settings.key_cache_seconds)
    app.state.tipguard_guard = loaded_guard
    app.state.tipguard_sharing = indicators.sharing_from(settings, store.url)
    problems.install(app)
    if loaded_guard is not None:
        app.include_router(guard_routes.router)
    app.include_router(indicators.router)
    for router in (analyze.router, review.router, cases.router, admin.router, ops.router):
        app.include_router(router)
    mount_review_page(app)  # the analysts' HTML pages under /ui (not in the OpenAPI document)
    # outermost last: the body limit answers before anything reads the body; metrics see all
    app.add_middleware(problems.BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
