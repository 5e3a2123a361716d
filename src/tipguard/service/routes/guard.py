"""The LLM guard route (role ``ingest``): should a model answer this prompt, may its reply go out?

One ``Guard`` is loaded when the app starts (it shares the app's analyzer for the reply) and
serves every request from FastAPI's thread pool: the handler is a plain function because the
judge's encoder runs for ~20 ms on a core and must not hold the event loop. When the guard cannot
load (the ``encoder`` extra or its weights are missing) ``create_app`` leaves this router out, so
the route and its OpenAPI entry are absent rather than answering with a stub.

Limits follow ``/v1/analyze``: a single prompt, reply or history over ``max_text_chars`` is 413
``text_too_long``; in a batch that item gets a ``flag`` answer with ``error`` and the rest are
judged. Nothing here keeps or logs the prompt.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from tipguard.guard import Guard, GuardResult
from tipguard.service.auth import Principal, require_ingest
from tipguard.service.problems import PROBLEM_RESPONSES, Problem, check_batch_size
from tipguard.service.schemas import GuardBatchResponse, GuardItem, GuardRequest, GuardResultOut
from tipguard.service.settings import ServiceSettings
from tipguard.service.state import state_of

router = APIRouter(prefix="/v1", tags=["guard"])
Ingest = Annotated[Principal, Depends(require_ingest)]


def guard_of(request: Request) -> Guard:
    """The app's loaded guard (present whenever this router is mounted)."""
    guard: Guard = request.app.state.tipguard_guard
    return guard


def _oversize(item: GuardItem, limits: ServiceSettings) -> tuple[str, int] | None:
    """``(what, size)`` of the first part over the limits, else ``None``."""
    if len(item.prompt) > limits.max_text_chars:
        return "prompt", len(item.prompt)
    if item.response is not None and len(item.response) > limits.max_text_chars:
        return "response", len(item.response)
    history = item.history or []
    if len(history) > limits.max_messages:
        return "history turns", len(history)
    total = sum(len(t) for t in history)
    if total > limits.max_text_chars:
        return "history", total
    return None


def _judge(guard: Guard, item: GuardItem, item_id: str | None) -> GuardResult:
    return guard.check_safe(item.prompt, item.response, item.history, item_id)


@router.post(
    "/guard",
    response_model=GuardResultOut | GuardBatchResponse,
    responses=PROBLEM_RESPONSES,
)
def guard_check(body: GuardRequest, request: Request, principal: Ingest) -> JSONResponse:
    """Judge one prompt (the answer itself) or a batch of ``items`` (``{"results": [...]}``).

    ``decision`` is ``allow``, ``flag`` (a human should look, or the item could not be judged:
    ``error`` says why) or ``block``.
    """
    state = state_of(request)
    limits = state.settings
    guard = guard_of(request)
    if body.items is None:
        assert body.prompt is not None  # noqa: S101 - the model allows nothing else
        single = GuardItem(prompt=body.prompt, response=body.response, history=body.history, id=body.id)
        over = _oversize(single, limits)
        if over is not None:
            what, size = over
            limit_name = "max_messages" if what == "history turns" else "max_text_chars"
            limit = limits.max_messages if what == "history turns" else limits.max_text_chars
            raise Problem(
                413,
                "too_many_messages" if what == "history turns" else "text_too_long",
                f"the {what} has {size}; the limit is {limit} ({limit_name})",
                limit=limit_name,
                max_value=limit,
            )
        return JSONResponse(_judge(guard, single, body.id).to_dict())
    check_batch_size(len(body.items), limits.max_batch_items)
    results: list[dict[str, Any]] = []
    for n, item in enumerate(body.items):
        item_id = item.id if item.id is not None else str(n)
        over = _oversize(item, limits)
        if over is not None:
            error = f"input_too_large: the {over[0]} is over the service's limits"
            results.append(GuardResult("flag", id=item_id, error=error).to_dict())
        else:
            results.append(_judge(guard, item, item_id).to_dict())
    return JSONResponse({"results": results})
