"""The analysts' review page: server-rendered HTML under ``/ui`` inside the service's app.

Sign in with an analyst API key; read the queue with each finding's spans highlighted; confirm,
dismiss or escalate items to cases; record suspected AI use in a case; see what was found by
indicator, language and week. Jinja2 templates and one stylesheet ship inside this package, so
the page needs no network, CDN or JavaScript.

``mount(app)`` adds it to an app built by ``create_app``.
"""

from __future__ import annotations

from fastapi import FastAPI

from tipguard.service.web import pages
from tipguard.service.web.session import SessionSigner, load_secret
from tipguard.service.web.state import build


def mount(app: FastAPI, secret: str | None = None) -> None:
    """Add the ``/ui`` routes, their HTML error pages and their state to ``app``.

    Args:
        app: the service app (its ``app.state.tipguard`` must be set).
        secret: the cookie-signing secret; default ``TIPGUARD_SESSION_SECRET`` or random per
            process (sessions then end at restart and are not shared between workers).
    """
    app.state.tipguard_web = build(SessionSigner(load_secret(secret)))
    pages.install(app)
    app.include_router(pages.router)


__all__ = ["mount"]
