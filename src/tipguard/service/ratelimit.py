"""Per-key token buckets: a burst is allowed, the sustained rate is capped.

In memory and per process: with several workers each enforces the limit on its own, which is
good enough to stop one runaway client on the single-process default.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """``allow(key)`` spends one token of ``key``'s bucket; ``None`` means allowed, else the
    seconds until a token is back (for ``Retry-After``)."""

    def __init__(self, per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: int) -> float | None:
        """Take a token for ``key``, or say how long to wait."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate
