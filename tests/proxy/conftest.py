"""Fixtures of the proxy tests: the real guard, a real upstream, and real proxies on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from proxy_testkit import ServerThread, Upstream, upstream_app

from tipguard.guard import Guard
from tipguard.proxy import ProxyConfig, create_app


@pytest.fixture(scope="session")
def real_guard() -> Guard:
    guard = Guard().load()
    guard.check("warm-up")
    return guard


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    state = Upstream()
    with ServerThread(upstream_app(state)) as server:
        state.port = server.port
        yield state


@pytest.fixture
def fresh_upstream(upstream: Upstream) -> Upstream:
    upstream.requests.clear()
    upstream.gate.clear()
    return upstream


ProxyFactory = Callable[..., str]


@pytest.fixture
def proxy_url(fresh_upstream: Upstream) -> Iterator[ProxyFactory]:
    """Start a proxy (a real HTTP server) with a guard and settings; returns its ``/v1`` URL."""
    servers: list[ServerThread] = []

    def start(guard: Any, upstream_url: str | None = None, **settings: Any) -> str:
        config = ProxyConfig(upstream_url or fresh_upstream.base, **settings)
        server = ServerThread(create_app(config, guard)).__enter__()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}/v1"

    yield start
    for server in servers:
        server.__exit__()
