"""Relay a streamed reply (server-sent events) while screening it as it grows.

A model's reply is judged as it is written, not after: the relay keeps the text of every
choice, asks the guard again each time it has grown by ``screen_every`` characters (sooner at
a sentence end), and once more at the end. When a check blocks, the relay stops, drops what it
still holds, sends one chunk with the refusal and ``finish_reason: "content_filter"``, then
``[DONE]``; the caller closes the upstream.

The trade-off: chunks go out as they arrive (``hold_back=0``), so up to ``screen_every``
characters of a harmful reply may reach the user before the check that stops it. With
``hold_back=K`` a chunk is released only after a check has passed with at least K characters
after it, so at least the last K characters before a cut are never sent, at the price of
delaying every chunk by about K characters (plus one check). Chunks that carry a
``finish_reason``, and everything after them, are always held until the final check, so a
client never sees a normal finish for a reply that is then refused.

Events the relay cannot read (comments, non-JSON data) are passed on unchanged; upstream
bytes are forwarded exactly as received.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tipguard.proxy.screening import Screening
from tipguard.proxy.wire import DONE, chunk, completion_id, sse

SENTENCE_ENDS = (".", "!", "?", "\n", "。", "！", "？", "।", "॥", "။", "።", "؟", "۔", "។")

ScreenText = Callable[[str], Awaitable[Screening]]


@dataclass(slots=True)
class _Event:
    raw: bytes
    data: str | None


async def events(lines: AsyncIterator[str]) -> AsyncIterator[_Event]:
    """Server-sent events from the upstream's lines; a ``data`` field of several lines is joined."""
    raw: list[str] = []
    data: list[str] = []
    async for line in lines:
        if line == "":
            if raw:
                yield _Event(("\n".join(raw) + "\n\n").encode("utf-8"), "\n".join(data) if data else None)
            raw, data = [], []
            continue
        raw.append(line)
        if line.startswith("data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(" ") else value)
    if raw:
        yield _Event(("\n".join(raw) + "\n\n").encode("utf-8"), "\n".join(data) if data else None)


@dataclass(slots=True)
class StreamRelay:
    """The state of one relayed stream."""

    screen: ScreenText
    screen_every: int = 200
    hold_back: int = 0
    texts: dict[int, str] = field(default_factory=dict)
    checked: dict[int, int] = field(default_factory=dict)
    """Characters of each choice covered by the last passing check."""
    pending: list[tuple[bytes, int, bool]] = field(default_factory=list)
    """Held events, the total length of text they complete, and whether they carry text."""
    sent_text: bool = False
    finishing: bool = False
    ident: str = ""
    model: str = ""
    created: int = 0
    blocked: Screening | None = None
    last_check_total: int = 0

    @property
    def total(self) -> int:
        return sum(len(t) for t in self.texts.values())

    def _absorb(self, obj: dict[str, Any]) -> tuple[bool, bool]:
        """Add an event's text; return (has text, has a finish_reason)."""
        self.ident = str(obj.get("id") or self.ident)
        self.model = str(obj.get("model") or self.model)
        created = obj.get("created")
        self.created = created if isinstance(created, int) else self.created
        grew = finished = False
        for choice in obj.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = choice.get("index", 0)
            index = index if isinstance(index, int) else 0
            delta = choice.get("delta")
            content = delta.get("content") if isinstance(delta, dict) else None
            self.texts.setdefault(index, "")
            if isinstance(content, str) and content:
                self.texts[index] += content
                grew = True
            if choice.get("finish_reason"):
                finished = True
        return grew, finished

    def _due(self) -> bool:
        growth = self.total - self.last_check_total
        if growth >= self.screen_every:
            return True
        ends = any(t.rstrip(" \t").endswith(SENTENCE_ENDS) for t in self.texts.values() if t)
        return ends and growth >= max(1, self.screen_every // 4)

    async def _check(self) -> Screening | None:
        """Screen every choice whose text grew; the blocking result, or ``None`` if all pass."""
        for index, text in self.texts.items():
            if self.checked.get(index, 0) == len(text) or not text.strip():
                self.checked[index] = len(text)
                continue
            result = await self.screen(text)
            if result.blocked:
                self.blocked = result
                return result
            self.checked[index] = len(text)
        self.last_check_total = self.total
        return None

    def _release(self, final: bool = False) -> list[bytes]:
        """Held events that may go out now."""
        out: list[bytes] = []
        covered = self.last_check_total
        while self.pending:
            raw, upto, has_text = self.pending[0]
            if not final and (self.finishing or upto + self.hold_back > covered):
                break
            out.append(raw)
            self.sent_text = self.sent_text or has_text
            self.pending.pop(0)
        return out

    def _refusal(self, blocked: Screening) -> list[bytes]:
        text = blocked.refusal()
        if self.sent_text:
            text = "\n\n" + text
        ident = self.ident or completion_id()
        created = self.created or int(time.time())
        out = []
        for index in sorted(self.texts) or [0]:
            out.append(sse(chunk(ident, self.model, created, index, {"content": text})))
            out.append(sse(chunk(ident, self.model, created, index, {}, "content_filter", blocked.to_dict())))
        out.append(DONE)
        return out

    async def run(self, upstream_lines: AsyncIterator[str]) -> AsyncIterator[bytes]:
        """The bytes to send to the client, in order."""
        async for event in events(upstream_lines):
            if event.data is not None and event.data.strip() == "[DONE]":
                break
            obj: Any = None
            if event.data is not None:
                try:
                    obj = json.loads(event.data)
                except json.JSONDecodeError:
                    obj = None
            grew = finished = False
            if isinstance(obj, dict):
                grew, finished = self._absorb(obj)
            if finished:
                self.finishing = True
            immediate = self.hold_back == 0 and not self.finishing and not self.pending
            if immediate:
                yield event.raw
                self.sent_text = self.sent_text or grew
            else:
                self.pending.append((event.raw, self.total, grew))
            if (grew and self._due()) or finished:
                blocked = await self._check()
                if blocked is not None:
                    for raw in self._refusal(blocked):
                        yield raw
                    return
                for raw in self._release():
                    yield raw
        if self.total != self.last_check_total:
            blocked = await self._check()
            if blocked is not None:
                for raw in self._refusal(blocked):
                    yield raw
                return
        for raw in self._release(final=True):
            yield raw
        yield DONE
