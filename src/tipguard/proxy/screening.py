"""The proxy's policy over the guard: what to forward, what to refuse, and on which thread.

The guard is CPU-bound and synchronous; calling it on the event loop would make every other
request wait for it. So every check runs on a small thread pool, and the loop only awaits it.
``flag`` forwards by default (the caller sees ``X-Tipguard-Decision: flag``); with
``block_on_flag`` a flag is refused like a block.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from tipguard.guard.guard import MAX_CHARS, Decision, GuardResult
from tipguard.proxy.refusals import refusal
from tipguard.proxy.wire import ChatRequest

log = logging.getLogger("tipguard.proxy")

RESPONSE_LIMIT = MAX_CHARS * 5
"""The guard's limit on a response: a longer reply is screened by its last characters."""


class GuardLike(Protocol):
    """What the proxy needs of a guard (``tipguard.guard.Guard``, or a stand-in in tests)."""

    def check(
        self,
        prompt: str,
        response: str | None = None,
        history: Sequence[str] | None = None,
        item_id: str | None = None,
    ) -> GuardResult: ...


@dataclass(frozen=True, slots=True)
class Screening:
    """The guard's result with the proxy's policy applied."""

    decision: Decision
    categories: tuple[str, ...]
    language: str
    stage: str
    """``request`` or ``response``."""

    @property
    def blocked(self) -> bool:
        return self.decision == "block"

    def refusal(self) -> str:
        """The policy refusal in the user's language."""
        return refusal(self.language, self.categories)

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable ``tipguard`` field."""
        return {"decision": self.decision, "categories": list(self.categories), "stage": self.stage}

    def headers(self) -> dict[str, str]:
        """``X-Tipguard-*`` response headers."""
        out: dict[str, str] = {"X-Tipguard-Decision": self.decision}
        if self.categories:
            out["X-Tipguard-Categories"] = ",".join(self.categories)
        return out


class Screener:
    """Runs guard checks off the event loop and applies the flag policy."""

    def __init__(self, guard: GuardLike, *, block_on_flag: bool = False, workers: int = 4) -> None:
        self._guard = guard
        self._block_on_flag = block_on_flag
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tipguard-guard")

    async def _check(self, stage: str, request: ChatRequest, response: str | None, item_id: str) -> Screening:
        call = functools.partial(self._guard.check, request.prompt, response, request.history, item_id)
        started = time.perf_counter()
        result = await asyncio.get_running_loop().run_in_executor(self._pool, call)
        decision = result.decision
        if decision == "flag" and self._block_on_flag:
            decision = "block"
        log.info(
            "screened id=%s stage=%s decision=%s categories=%s ms=%.1f",
            item_id,
            stage,
            decision,
            ",".join(result.categories) or "-",
            (time.perf_counter() - started) * 1000,
        )
        return Screening(decision, result.categories, result.language, stage)

    async def request(self, request: ChatRequest, item_id: str) -> Screening:
        """Screen the user's prompt (with its history) before anything reaches the model."""
        return await self._check("request", request, None, item_id)

    async def response(self, request: ChatRequest, text: str, item_id: str) -> Screening:
        """Screen the model's reply to ``request`` (its last characters if it is very long)."""
        return await self._check("response", request, text[-RESPONSE_LIMIT:], item_id)

    def close(self) -> None:
        """Stop the guard threads (running checks finish first)."""
        self._pool.shutdown(wait=True)
