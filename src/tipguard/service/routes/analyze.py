"""Analysis routes (role ``ingest``): items, batches and conversations.

Handlers are plain functions, so FastAPI runs them in its thread pool and the shared, thread-safe
analyzer never blocks the event loop. Verdicts are returned exactly as ``verdict_to_dict`` makes
them; those at ``review_min_level`` or above go to the review queue with their text.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from tipguard.io.serialize import verdict_to_dict
from tipguard.items import Advert, Conversation, ConversationMessage, Item, Message, Profile, Prompt
from tipguard.langid import UNKNOWN
from tipguard.results import ItemError, Level, Verdict
from tipguard.service.auth import Principal, require_ingest
from tipguard.service.problems import PROBLEM_RESPONSES, Problem, check_batch_size
from tipguard.service.schemas import (
    AnalyzeItem,
    AnalyzeRequest,
    AnalyzeResponse,
    ConversationRequest,
    ConversationResponse,
)
from tipguard.service.state import ServiceState, state_of
from tipguard.store import QueueEntry

router = APIRouter(prefix="/v1", tags=["analyze"])
Ingest = Annotated[Principal, Depends(require_ingest)]

_KINDS: dict[str, type[Message] | type[Advert] | type[Profile] | type[Prompt]] = {
    "message": Message,
    "advert": Advert,
    "profile": Profile,
    "prompt": Prompt,
}


def _too_long(item_id: str, kind: str, limit: int) -> Verdict:
    return Verdict(
        id=item_id,
        language=UNKNOWN,
        risk=0.0,
        level=Level.NONE,
        error=ItemError("input_too_large", f"item is over {limit} characters (max_text_chars)"),
        kind=kind,
    )


def _flagged(state: ServiceState, verdict: Verdict) -> bool:
    return verdict.error is None and verdict.level >= Level(state.settings.review_min_level)


def _count(state: ServiceState, verdicts: list[Verdict], queued: int) -> None:
    for v in verdicts:
        state.metrics.verdicts.labels("error" if v.error is not None else v.level.value).inc()
    state.metrics.queued.inc(queued)


@router.post("/analyze", response_model=AnalyzeResponse, responses=PROBLEM_RESPONSES)
def analyze(body: AnalyzeRequest, request: Request, principal: Ingest) -> JSONResponse:
    """Analyze one text or a batch; bad items get an error verdict and the batch goes on."""
    state = state_of(request)
    limits = state.settings
    if body.items is not None:
        check_batch_size(len(body.items), limits.max_batch_items)
        entries = body.items
    else:
        assert body.text is not None  # noqa: S101 - the model allows nothing else
        if len(body.text) > limits.max_text_chars:
            raise Problem(
                413,
                "text_too_long",
                f"{len(body.text)} characters; the limit is {limits.max_text_chars} (max_text_chars)",
                limit="max_text_chars",
                max_value=limits.max_text_chars,
            )
        entries = [AnalyzeItem(text=body.text, id=body.id, kind=body.kind)]
    ids = [e.id if e.id is not None else str(n) for n, e in enumerate(entries)]
    verdicts: list[Verdict | None] = [None] * len(entries)
    todo = [n for n, e in enumerate(entries) if len(e.text) <= limits.max_text_chars]
    for n, e in enumerate(entries):
        if len(e.text) > limits.max_text_chars:
            verdicts[n] = _too_long(ids[n], e.kind, limits.max_text_chars)
    items: list[Item] = [
        _KINDS[entries[n].kind](
            entries[n].text, id=ids[n], sender=entries[n].sender, platform=entries[n].platform
        )
        for n in todo
    ]
    for n, v in zip(todo, state.analyzer.analyze_batch(items, ids=[ids[n] for n in todo]), strict=True):
        verdicts[n] = v
    done = [v for v in verdicts if v is not None]
    rows = [verdict_to_dict(v) for v in done]
    flagged = [
        QueueEntry(row, entries[n].text)
        for n, (v, row) in enumerate(zip(done, rows, strict=True))
        if _flagged(state, v)
    ]
    queued = state.store.enqueue(principal.actor, flagged)
    _count(state, done, len(queued))
    return JSONResponse({"verdicts": rows, "queued": queued})


@router.post("/conversations/analyze", response_model=ConversationResponse, responses=PROBLEM_RESPONSES)
def analyze_conversation(body: ConversationRequest, request: Request, principal: Ingest) -> JSONResponse:
    """Analyze ordered messages as one conversation: one verdict, spans carry the message index."""
    state = state_of(request)
    limits = state.settings
    if len(body.messages) > limits.max_messages:
        raise Problem(
            413,
            "too_many_messages",
            f"{len(body.messages)} messages; the limit is {limits.max_messages} (max_messages)",
            limit="max_messages",
            max_value=limits.max_messages,
        )
    total = sum(len(m.text) for m in body.messages)
    if total > limits.max_text_chars:
        raise Problem(
            413,
            "text_too_long",
            f"{total} characters in all; the limit is {limits.max_text_chars} (max_text_chars)",
            limit="max_text_chars",
            max_value=limits.max_text_chars,
        )
    conversation = Conversation(
        tuple(ConversationMessage(m.text, m.sender, m.time) for m in body.messages),
        id=body.id,
        platform=body.platform,
    )
    item_id = body.id if body.id is not None else "0"
    verdict = state.analyzer.analyze_batch([conversation], ids=[item_id])[0]
    row = verdict_to_dict(verdict)
    queued: list[int] = []
    if _flagged(state, verdict):
        messages: list[dict[str, Any]] = [
            {"text": m.text, "sender": m.sender, "time": m.time.isoformat() if m.time else None}
            for m in body.messages
        ]
        queued = state.store.enqueue(principal.actor, [QueueEntry(row, conversation.text, messages)])
    _count(state, [verdict], len(queued))
    return JSONResponse({"verdict": row, "queued": queued})
