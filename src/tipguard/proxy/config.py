"""Settings of the guard proxy, checked once when it starts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tipguard.errors import ConfigError


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    """How the proxy reaches the model and how strictly it screens.

    ``upstream`` is the base URL an OpenAI client would be given for the model server
    (usually ending in ``/v1``): a request to ``/v1/<path>`` goes to ``<upstream>/<path>``.
    """

    upstream: str
    timeout: float = 60.0
    """Seconds to wait for the upstream to connect, and between two pieces of its answer."""
    block_on_flag: bool = False
    """Treat ``flag`` as ``block`` (refuse) instead of forwarding with a header."""
    screen_system: bool = False
    """Screen system and developer messages as part of the history (see :mod:`.wire`)."""
    screen_every: int = 200
    """In a stream, screen the reply each time it has grown by this many characters (and at a
    sentence end once it has grown by a quarter of it, and at the end)."""
    hold_back: int = 0
    """In a stream, relay text only once a check has passed with at least this many characters
    after it; 0 relays chunks as soon as they arrive."""
    guard_workers: int = 4
    """Threads that run the guard, so the event loop stays free while it scores."""
    max_body_bytes: int = 8 * 2**20

    def __post_init__(self) -> None:
        parts = urlsplit(self.upstream)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("upstream must be an http:// or https:// URL with a host")
        if not self.timeout > 0:
            raise ConfigError("timeout must be positive")
        if self.screen_every < 1:
            raise ConfigError("screen_every must be at least 1")
        if self.hold_back < 0:
            raise ConfigError("hold_back must not be negative")
        if self.guard_workers < 1:
            raise ConfigError("guard_workers must be at least 1")
        if self.max_body_bytes < 1:
            raise ConfigError("max_body_bytes must be positive")

    @property
    def upstream_base(self) -> str:
        """The upstream URL without a trailing slash."""
        return self.upstream.rstrip("/")
