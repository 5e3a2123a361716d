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

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tipguard import __version__
from tipguard.pipeline.analyzer import Analyzer
from tipguard.service import problems
from tipguard.service.metrics import Metrics, MetricsMiddleware
from tipguard.service.ratelimit import RateLimiter
from tipguard.service.routes import admin, analyze, cases, ops, review
from tipguard.service.settings import ServiceSettings
from tipguard.service.state import ServiceState
from tipguard.store import Store

DESCRIPTION = """Find signals of human trafficking in text; keep a review queue and HTCDS cases.

Send `Authorization: Bearer KEY` (create keys with `tipguard keys create --role ROLE`). Roles are
not hierarchical: `ingest` analyses, `analyst` reviews and keeps cases, `admin` manages keys and
reads the audit log. Errors are problem details (RFC 9457) with a stable `code`.
"""


def create_app(
    settings: ServiceSettings | None = None,
    analyzer: Analyzer | None = None,
    store: Store | None = None,
) -> FastAPI:
    """Build the app; loads the analyzer and opens (and migrates) the store when not given."""
    settings = settings or ServiceSettings()
    owns_store = store is None
    store = store or Store(settings.database_url)
    analyzer = (analyzer or Analyzer()).load()
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
    problems.install(app)
    for router in (analyze.router, review.router, cases.router, admin.router, ops.router):
        app.include_router(router)
    # outermost last: the body limit answers before anything reads the body; metrics see all
    app.add_middleware(problems.BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
