"""What the review page shares across requests: the session signer, templates and stylesheet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from fastapi import Request

from tipguard.service.web.session import SessionSigner

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "tipguard.css"


@dataclass(frozen=True, slots=True)
class WebState:
    """Held in ``app.state.tipguard_web``; all of it is read-only after start-up."""

    signer: SessionSigner
    templates: jinja2.Environment
    css: bytes


def environment() -> jinja2.Environment:
    """Jinja2 with autoescaping on for every template: texts under review are untrusted."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build(signer: SessionSigner) -> WebState:
    """Load the templates and stylesheet once."""
    return WebState(signer=signer, templates=environment(), css=STYLESHEET.read_bytes())


def web_of(request: Request) -> WebState:
    """The review page's state of the app serving ``request``."""
    state: WebState = request.app.state.tipguard_web
    return state
