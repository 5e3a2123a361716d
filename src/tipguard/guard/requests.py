"""Guard requests from JSONL: one prompt (and optional response and history) per line.

A line that is not valid UTF-8 or JSON, or lacks a usable ``text``, becomes a request with an
error code and a reason, so the caller reports it and goes on with the rest. Texts are never
put into error messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GuardRequest:
    """One line's request, or why it could not be read."""

    line: int
    id: str
    prompt: str = ""
    response: str | None = None
    history: tuple[str, ...] = ()
    error: str | None = None


def read_requests(lines: Iterable[bytes], text_field: str = "text") -> Iterator[GuardRequest]:
    """Parse JSONL lines (bytes) into requests; blank lines are skipped."""
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        fallback = f"line-{n}"
        try:
            obj = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield GuardRequest(n, fallback, error="decode_error: the line is not valid UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield GuardRequest(n, fallback, error=f"invalid_json: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            yield GuardRequest(n, fallback, error="invalid_input: the line is not a JSON object")
            continue
        item_id = str(obj.get("id") or fallback)
        prompt = obj.get(text_field)
        response = obj.get("response")
        history = obj.get("history") or []
        if not isinstance(prompt, str) or not prompt.strip():
            yield GuardRequest(n, item_id, error=f"invalid_input: no text in field {text_field!r}")
        elif response is not None and not isinstance(response, str):
            yield GuardRequest(n, item_id, error="invalid_input: 'response' must be a string")
        elif not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            yield GuardRequest(n, item_id, error="invalid_input: 'history' must be a list of strings")
        else:
            yield GuardRequest(n, item_id, prompt, response, tuple(history))
