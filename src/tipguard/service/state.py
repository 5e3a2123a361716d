"""What every request handler shares: settings, the one analyzer, the store, limiter, metrics."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from tipguard.pipeline.analyzer import Analyzer
from tipguard.service.metrics import Metrics
from tipguard.service.ratelimit import RateLimiter
from tipguard.service.settings import ServiceSettings
from tipguard.store import Store


@dataclass(frozen=True, slots=True)
class ServiceState:
    """Held in ``app.state.tipguard``; the analyzer and store are thread-safe and shared."""

    settings: ServiceSettings
    analyzer: Analyzer
    store: Store
    limiter: RateLimiter
    metrics: Metrics


def state_of(request: Request) -> ServiceState:
    """The state of the app serving ``request``."""
    state: ServiceState = request.app.state.tipguard
    return state
